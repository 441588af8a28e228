"""Following and muting: the buttons on tag and practice pages, and the page of everything a
member follows. Every change is a POST that comes back to the page it was made on."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from practices import selectors
from practices.selectors import follows as follow_selectors
from practices.services import follows as services


def back(request: HttpRequest, fallback: str) -> HttpResponse:
    """Back to the page the form was on (`next`), if it is on this site."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(fallback)


@login_required
@require_GET
def follows(request: HttpRequest) -> HttpResponse:
    overview = follow_selectors.follows_overview(user=request.user, page=request.GET.get("page"))
    return render(request, "notifications/follows.html", {"overview": overview})


TAG_ACTIONS = {"follow": services.tag_follow, "unfollow": services.tag_unfollow}


@login_required
@require_POST
def tag_follow(request: HttpRequest, slug: str) -> HttpResponse:
    tag = selectors.tag_get(slug=slug)
    if tag is None:
        raise Http404(_("No such tag."))
    action = request.POST.get("action", "")
    service = TAG_ACTIONS.get(action)
    if service is None:
        messages.error(request, _("Choose whether to follow or unfollow the tag."))
        return back(request, tag.get_absolute_url())
    try:
        service(user=request.user, tag=tag)
    except PermissionDenied as refused:
        messages.error(request, str(refused))
    else:
        if action == "follow":
            messages.success(
                request,
                _(
                    "You follow “%(tag)s”. New practices under it appear in your feed and "
                    "notifications."
                )
                % {"tag": tag.name},
            )
        else:
            messages.success(request, _("You no longer follow “%(tag)s”.") % {"tag": tag.name})
    return back(request, tag.get_absolute_url())


PRACTICE_ACTIONS = {
    "follow": (
        services.practice_follow,
        gettext_lazy("You follow this practice: new comments reach you."),
    ),
    "unfollow": (services.practice_unfollow, gettext_lazy("You no longer follow this practice.")),
    "mute": (
        services.practice_mute,
        gettext_lazy("This practice is muted: nothing about it will reach you, not even replies."),
    ),
    "unmute": (services.practice_unfollow, gettext_lazy("This practice is no longer muted.")),
}


@login_required
@require_POST
def practice_follow(request: HttpRequest, pk: int) -> HttpResponse:
    practice = selectors.practice_get_for_user(user=request.user, pk=pk)
    if practice is None:
        raise Http404(_("No such practice."))
    action = request.POST.get("action", "")
    if action not in PRACTICE_ACTIONS:
        messages.error(request, _("Choose whether to follow, unfollow or mute the practice."))
        return back(request, practice.get_absolute_url())
    service, done = PRACTICE_ACTIONS[action]
    try:
        service(user=request.user, practice=practice)
    except PermissionDenied as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, done)
    return back(request, practice.get_absolute_url())
