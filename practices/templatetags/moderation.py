"""Template tags for the moderation bits of shared pages (the header's count, the practice
page's controls), so that those pages' views need not know about moderation:
`{% load moderation %}`. Each costs queries for moderators only."""

from __future__ import annotations

from typing import Any

from django import template

from practices.selectors import collections as collection_selectors
from practices.selectors import moderation as moderation_selectors
from practices.services.moderation import ACTION_LABELS

register = template.Library()


def _is_moderator(context: template.Context) -> bool:
    user = context.get("user")
    return bool(user is not None and user.is_authenticated and user.is_moderator)


@register.simple_tag(takes_context=True)
def moderation_counts(context: template.Context) -> dict[str, int]:
    """{% moderation_counts as counts %}: reported items and practices waiting for approval
    (two queries, for moderators only)."""
    if not _is_moderator(context):
        return {"reported": 0, "pending": 0, "total": 0}
    return moderation_selectors.open_counts()


@register.simple_tag(takes_context=True)
def practice_moderation(context: template.Context, practice: Any) -> dict[str, Any]:
    """{% practice_moderation practice as mod %}: the collections menu and the number of open
    reports on this practice (two queries, for moderators only)."""
    if not _is_moderator(context):
        return {}
    return {
        "collections": collection_selectors.collections_for_practice(practice=practice),
        "open_reports": moderation_selectors.open_report_count(practice=practice),
    }


@register.filter
def action_label(action: str) -> str:
    """The words for a logged action: "practice.hide" -> "Hid a practice"."""
    return ACTION_LABELS.get(action, action)


@register.filter
def indefinite(moment: Any) -> bool:
    """Whether a suspension's end is the far-away moment that means "until further notice"."""
    return moment is not None and moment.year >= 9000
