"""Template tags for follows and notifications, so that the tag and practice pages and the
site's header show them without their views knowing: `{% load follows %}`."""

from __future__ import annotations

from typing import Any

from django import template

from practices.events import UNREAD_CAP
from practices.selectors import follows as follow_selectors
from practices.selectors import notifications as notification_selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def tag_follow_state(context: template.Context, tag: Any) -> Any:
    """{% tag_follow_state tag as follow %}: followers, following, may_follow (one query)."""
    return follow_selectors.tag_follow_state(tag=tag, user=context.get("user"))


@register.simple_tag(takes_context=True)
def practice_follow_state(context: template.Context, practice: Any) -> Any:
    """{% practice_follow_state practice as follow %}: following, muted, the tags and
    whether each is followed (no query for visitors, two for members)."""
    return follow_selectors.practice_follow_state(practice=practice, user=context.get("user"))


@register.simple_tag(takes_context=True)
def unread_notifications(context: template.Context) -> int:
    """{% unread_notifications as unread %}: the member's unread count (one query)."""
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
        return "none unread"
    if count >= UNREAD_CAP:
        return f"more than {UNREAD_CAP - 1} unread"
    return f"{count} unread"


@register.filter
def masked_email(address: str) -> str:
    """a•••@example.org: enough for a member to recognise their address on a page that
    anyone holding the link can open."""
    local, sep, domain = (address or "").partition("@")
    if not sep:
        return "•••"
    return f"{local[:1]}•••@{domain}"
