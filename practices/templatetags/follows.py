"""Template tags for follows and notifications, so that the tag and practice pages and the
site's header show them without their views knowing: `{% load follows %}`.

A view that has read them already, all in one query with the page's other reads, passes
them as `reader` (practices.selectors.readers.Reader); the tags then ask for nothing."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from practices.events import UNREAD_CAP
from practices.selectors import follows as follow_selectors
from practices.selectors import notifications as notification_selectors

register = template.Library()


def _read_by_the_view(context: template.Context, of: Any) -> Any:
    """The follow state of `of` (a tag or a practice) that the view passed, if it did."""
    reader = context.get("reader")
    follow = getattr(reader, "follow", None)
    subject = getattr(follow, "tag", None) or getattr(follow, "practice", None)
    return follow if subject is not None and subject == of else None


@register.simple_tag(takes_context=True)
def tag_follow_state(context: template.Context, tag: Any) -> Any:
    """{% tag_follow_state tag as follow %}: followers, following, may_follow (one query)."""
    return _read_by_the_view(context, tag) or follow_selectors.tag_follow_state(
        tag=tag, user=context.get("user")
    )


@register.simple_tag(takes_context=True)
def practice_follow_state(context: template.Context, practice: Any) -> Any:
    """{% practice_follow_state practice as follow %}: following, muted, the tags and
    whether each is followed (no query for visitors, two for members)."""
    return _read_by_the_view(context, practice) or follow_selectors.practice_follow_state(
        practice=practice, user=context.get("user")
    )


@register.simple_tag(takes_context=True)
def unread_notifications(context: template.Context) -> int:
    """{% unread_notifications as unread %}: the member's unread count (one query)."""
    reader = context.get("reader")
    if reader is not None:
        return reader.unread
    return notification_selectors.unread_count(user=context.get("user"))


@register.filter
def unread_badge(count: int) -> str:
    """What the bell's badge shows: the number, or "99+" past 99."""
    count = int(count or 0)
    return f"{UNREAD_CAP - 1}+" if count >= UNREAD_CAP else str(count)


@register.filter
def unread_words(count: int) -> str:
    """The bell's count for screen readers: "3 unread", "none unread"."""
    count = int(count or 0)
    if count <= 0:
        return _("none unread")
    if count >= UNREAD_CAP:
        return _("more than %(count)s unread") % {"count": UNREAD_CAP - 1}
    return ngettext("%(count)s unread", "%(count)s unread", count) % {"count": count}


@register.filter
def masked_email(address: str) -> str:
    """a•••@example.org: enough for a member to recognise their address on a page that
    anyone holding the link can open."""
    local, sep, domain = (address or "").partition("@")
    if not sep:
        return "•••"
    return f"{local[:1]}•••@{domain}"
