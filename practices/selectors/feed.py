"""The personal feed: practices under the tags a member follows and practices they follow,
most recent activity first, paged by a keyset cursor.

Budget: three queries a page (the followed tags, the page's practices with whether the
member follows each, their tags), on page 1 or page 500 alike: the cursor
`?before=<microseconds since the epoch>,<id>` continues after the last practice shown
instead of counting an OFFSET.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, Q

from practices.models import Practice, PracticeFollow, TaggedPractice
from practices.selectors.follows import followed_tag_ids
from practices.selectors.practices import practice_cards

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass
class FeedPage:
    items: list[Practice]
    next_cursor: str = ""
    is_first: bool = True
    cursor_error: bool = False
    follows_tags: bool = False
    followed_tag_ids: set[int] = field(default_factory=set)


def feed_cursor(practice: Practice) -> str:
    delta = practice.last_activity_at - EPOCH
    micros = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
    return f"{micros},{practice.pk}"


def parse_cursor(raw: str | None) -> tuple[datetime, int] | None:
    """(time, id) from a cursor, or None if it is not one; never raises."""
    text = (raw or "").strip()
    when, sep, pk = text.partition(",")
    if not sep or not (when.isascii() and when.isdigit() and pk.isascii() and pk.isdigit()):
        return None
    if len(when) > 17 or len(pk) > 18:
        return None
    try:
        moment = datetime.fromtimestamp(int(when) / 1_000_000, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None
    # Exact microseconds: fromtimestamp on a float may round the last digit.
    moment = moment.replace(microsecond=int(when) % 1_000_000)
    return moment, int(pk)


def feed_page(*, user: Any, before: str | None = None, per_page: int | None = None) -> FeedPage:
    """One page of the member's feed, continuing before the cursor `before` if given.

    A practice is in the feed when it carries a followed tag or the member follows it, it
    is visible, and the member has not muted it. Each item carries `tag_list`,
    `followed` (the member follows the practice) and `followed_tags` (the followed tags it
    carries, for "why is this here").
    """
    per_page = per_page or settings.PRACTICES_PER_PAGE
    tag_ids = followed_tag_ids(user=user)
    page = FeedPage(items=[], followed_tag_ids=tag_ids, follows_tags=bool(tag_ids))
    cursor = None
    if before:
        cursor = parse_cursor(before)
        page.cursor_error = cursor is None
    page.is_first = cursor is None

    follows = PracticeFollow.objects.filter(user_id=user.pk, practice_id=OuterRef("pk"))
    under_tags = TaggedPractice.objects.filter(
        content_object_id=OuterRef("pk"), tag_id__in=list(tag_ids)
    )
    rows = (
        Practice.objects.visible()
        .filter(last_activity_at__isnull=False)
        .annotate(
            followed=Exists(follows.filter(muted=False)),
            muted=Exists(follows.filter(muted=True)),
        )
        .filter(muted=False)
    )
    rows = (
        rows.filter(Q(followed=True) | Q(Exists(under_tags)))
        if tag_ids
        else rows.filter(followed=True)
    )
    if cursor is not None:
        moment, pk = cursor
        rows = rows.filter(Q(last_activity_at__lt=moment) | Q(last_activity_at=moment, pk__lt=pk))
    items = list(practice_cards(rows).order_by("-last_activity_at", "-id")[: per_page + 1])
    has_next = len(items) > per_page
    items = items[:per_page]
    for item in items:
        item.tag_list = [tagged.tag for tagged in item.tag_items]
        item.followed_tags = [tag for tag in item.tag_list if tag.pk in tag_ids]
    page.items = items
    if has_next:
        page.next_cursor = feed_cursor(items[-1])
    return page
