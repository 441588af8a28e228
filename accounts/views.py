from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accounts import selectors, services
from accounts.forms import ProfileForm


def profile(request: HttpRequest, pk: int) -> HttpResponse:
    member = selectors.member_get(pk=pk)
    if member is None:
        raise Http404("No such member.")
    practices = selectors.member_practices(member=member, viewer=request.user)
    return render(request, "accounts/profile.html", {"member": member, "practices": practices})


@login_required
def profile_edit(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        services.user_update_profile(user=request.user, data=form.cleaned_data)
        messages.success(request, "Your profile is saved.")
        return redirect(request.user.get_absolute_url())
    return render(request, "accounts/profile_edit.html", {"form": form})
