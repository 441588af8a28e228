from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from accounts import selectors, services
from accounts.forms import ProfileForm
from practices.selectors.transfer import adaptations_by_author


@require_GET
def profile(request: HttpRequest, pk: int) -> HttpResponse:
    page = selectors.member_profile(pk=pk, viewer=request.user)
    if page is None:
        raise Http404("No such member.")
    adaptations = adaptations_by_author(author=page.member, viewer=request.user)
    return render(
        request,
        "accounts/profile.html",
        {"page": page, "member": page.member, "adaptations": adaptations},
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request: HttpRequest) -> HttpResponse:
    form = ProfileForm.for_member(request.user, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update_profile(user=request.user, data=form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Your profile is saved.")
            return redirect(request.user.get_absolute_url())
    return render(request, "accounts/profile_edit.html", {"form": form})
