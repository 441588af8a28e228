from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import selectors, services
from accounts.forms import ProfileForm
from practices.selectors.transfer import adaptations_by_author


@require_GET
def profile(request: HttpRequest, pk: int) -> HttpResponse:
    page = selectors.member_profile(pk=pk, viewer=request.user)
    if page is None:
        raise Http404(gettext("No such member."))
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
            messages.success(request, gettext("Your profile is saved."))
            return redirect(request.user.get_absolute_url())
    return render(request, "accounts/profile_edit.html", {"form": form})


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next", "")
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed else "/"


def _language_set(request: HttpRequest) -> HttpResponse:
    language = request.POST.get("language", "")
    if language not in dict(settings.LANGUAGES):
        messages.error(request, gettext("Choose one of the languages in the list."))
        return redirect(_safe_next(request))
    if request.user.is_authenticated:
        services.user_set_language(user=request.user, language=language)
    translation.activate(language)
    response = redirect(_safe_next(request))
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


# A visitor's choice only sets a cookie, and the pages visitors get are cached whole, so they
# carry no CSRF token; a member's choice is saved on the account, so it is checked.
_language_set_member = csrf_protect(_language_set)


@csrf_exempt
@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return _language_set_member(request)
    return _language_set(request)
