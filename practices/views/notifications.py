"""The personal feed, the notifications page, marking read, the e-mail preference, the
one-click unsubscribe, and the member suggestions for @mentions."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import EmailFrequency
from accounts.services import user_set_email_frequency
from practices.selectors import feed as feed_selectors
from practices.selectors import notifications as selectors
from practices.selectors.tags import tag_popular
from practices.services import emails
from practices.services import notifications as services
from practices.views.follows import back

FREQUENCY_HELP = {
    EmailFrequency.NONE: gettext_lazy(
        "Nothing by e-mail. The bell and your feed still show everything."
    ),
    EmailFrequency.IMMEDIATE: gettext_lazy(
        "An e-mail for each notification, within a minute or two."
    ),
    EmailFrequency.DAILY: gettext_lazy(
        "One e-mail a day with what happened under your tags and practices."
    ),
    EmailFrequency.WEEKLY: gettext_lazy("One e-mail on Mondays about the week before."),
}


class EmailPreferenceForm(forms.Form):
    email_frequency = forms.ChoiceField(
        label=gettext_lazy("E-mail me about what I follow"),
        choices=EmailFrequency.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("Choose how often you want e-mail."),
            "invalid_choice": gettext_lazy("Choose one of the options in the list."),
        },
    )


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


# --- Feed ---------------------------------------------------------------------------------


@login_required
@require_GET
def feed(request: HttpRequest) -> HttpResponse:
    page = feed_selectors.feed_page(user=request.user, before=request.GET.get("before"))
    suggestions = tag_popular() if page.is_first and not page.items else []
    return render(request, "notifications/feed.html", {"page": page, "suggestions": suggestions})


# --- Notifications ------------------------------------------------------------------------


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    page = selectors.notification_page(user=request.user, page=request.GET.get("page"))
    return render(request, "notifications/notification_list.html", {"page": page})


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    notification = selectors.notification_get_for(user=request.user, pk=pk)
    if notification is None:
        raise Http404(_("No such notification."))
    services.notification_mark_read(user=request.user, notification=notification)
    if _wants_json(request):
        return JsonResponse({"id": pk, "unread": selectors.unread_count(user=request.user)})
    return back(request, "notifications:inbox")


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    changed = services.notification_mark_all_read(user=request.user)
    if _wants_json(request):
        return JsonResponse({"marked": changed, "unread": 0})
    if changed:
        messages.success(
            request,
            ngettext(
                "%(count)s notification marked as read.",
                "%(count)s notifications marked as read.",
                changed,
            )
            % {"count": changed},
        )
    return back(request, "notifications:inbox")


# --- E-mail -------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def email_settings(request: HttpRequest) -> HttpResponse:
    posted = request.method == "POST"
    form = EmailPreferenceForm(
        data=request.POST if posted else None,
        initial={"email_frequency": request.user.email_frequency},
    )
    if posted and form.is_valid():
        try:
            user_set_email_frequency(
                user=request.user, frequency=form.cleaned_data["email_frequency"]
            )
        except ValidationError as error:
            form.add_error("email_frequency", error.messages)
        else:
            messages.success(request, _("Your e-mail preference is saved."))
            return redirect("notifications:email_settings")
    return render(
        request,
        "notifications/email_settings.html",
        {"form": form, "help": FREQUENCY_HELP},
        status=400 if posted else 200,
    )


@never_cache
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks for confirmation; POST unsubscribes. The POST is what mail programs send for
    one-click unsubscribe (RFC 8058), without a session or a CSRF token: the signed token
    is the authority, and it can only ever turn e-mail off."""
    try:
        if request.method == "POST":
            member = emails.email_unsubscribe(token=token)
            return render(request, "notifications/unsubscribe_done.html", {"member": member})
        member = emails.unsubscribe_member(token=token)
    except emails.UnsubscribeError as refused:
        return render(
            request, "notifications/unsubscribe_invalid.html", {"error": refused}, status=400
        )
    return render(request, "notifications/unsubscribe.html", {"member": member, "token": token})


# --- @mentions ----------------------------------------------------------------------------


@require_GET
def member_autocomplete(request: HttpRequest) -> JsonResponse:
    if not request.user.is_authenticated:
        return JsonResponse({"error": _("Log in to mention members.")}, status=401)
    raw = request.GET.get("practice", "")
    practice_id = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 18 else None
    suggestions = selectors.member_mention_suggestions(
        q=request.GET.get("q", ""), practice_id=practice_id, exclude_id=request.user.pk
    )
    return JsonResponse(suggestions, safe=False)
