"""Reads of follows: the follow controls on tag and practice pages, and the page of
everything a member follows.

Budget: a tag's controls cost one query (its follower count and whether the viewer is one);
a practice's cost nothing for visitors and two for members; the follows page costs the same
whatever the number of follows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from practices.models import Practice, PracticeFollow, Tag, TagFollow
from practices.selectors.practices import LIST_DEFERRED

FOLLOWED_PRACTICES_PER_PAGE = 30


def _member(user: Any) -> bool:
    return user is not None and user.is_authenticated


@dataclass(frozen=True)
class TagFollowState:
    tag: Tag
    followers: int
    following: bool
    may_follow: bool


def tag_follow_state(*, tag: Tag, user: Any) -> TagFollowState:
    """How many members follow the tag and whether this viewer does: one query."""
    member = _member(user)
    # Counted on the (tag, user) index alone: a popular tag has thousands of followers.
    mine = {"mine": Count("user_id", filter=Q(user_id=user.pk))} if member else {}
    counts = TagFollow.objects.filter(tag_id=tag.pk).aggregate(followers=Count("user_id"), **mine)
    return TagFollowState(
        tag=tag,
        followers=counts["followers"],
        following=bool(counts.get("mine")),
        may_follow=member and user.email_verified,
    )


def tag_follower_count(*, tag: Tag) -> int:
    """How many members follow the tag: one query, on the (tag, user) index alone."""
    return TagFollow.objects.filter(tag_id=tag.pk).aggregate(n=Count("user_id"))["n"]


@dataclass(frozen=True)
class PracticeFollowState:
    practice: Practice
    following: bool = False
    muted: bool = False
    # (tag, followed by the viewer) for each of the practice's tags, in the page's order.
    tags: list[tuple[Any, bool]] = field(default_factory=list)
    may_follow: bool = False


def practice_follow_state(*, practice: Practice, user: Any) -> PracticeFollowState:
    """Whether the member follows or muted the practice, and which of its tags they
    follow. Nothing to read for visitors; two queries for members. Uses the page's
    `practice.tag_list` when the selector put it there."""
    if not _member(user):
        return PracticeFollowState(practice=practice)
    row = (
        PracticeFollow.objects.filter(user_id=user.pk, practice_id=practice.pk)
        .values("muted")
        .first()
    )
    tags = getattr(practice, "tag_list", None)
    if tags is None:
        tags = list(practice.tags.order_by("name"))
    followed: set[int] = set()
    if tags:
        followed = set(
            TagFollow.objects.filter(
                user_id=user.pk, tag_id__in=[tag.pk for tag in tags]
            ).values_list("tag_id", flat=True)
        )
    return PracticeFollowState(
        practice=practice,
        following=row is not None and not row["muted"],
        muted=row is not None and row["muted"],
        tags=[(tag, tag.pk in followed) for tag in tags],
        may_follow=bool(user.email_verified),
    )


def followed_tag_ids(*, user: Any) -> set[int]:
    if not _member(user):
        return set()
    return set(TagFollow.objects.filter(user_id=user.pk).values_list("tag_id", flat=True))


@dataclass
class FollowsOverview:
    tags: list[Tag]
    practices: Page
    muted: list[Practice]


MUTED_SHOWN = 100


def follows_overview(*, user: Any, page: Any = None) -> FollowsOverview:
    """Everything the member follows: tags (with their follower counts), followed practices
    newest activity first (paginated), and muted practices. Five queries whatever the
    numbers (the practices' count and page, the tags, the muted ones)."""
    followers = (
        TagFollow.objects.filter(tag_id=OuterRef("pk"))
        .order_by()
        .values("tag_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    tags = list(
        Tag.objects.filter(follows__user_id=user.pk)
        .annotate(followers=Coalesce(Subquery(followers), 0))
        .order_by("name")
    )
    followed = (
        Practice.objects.for_user(user)
        .filter(follows__user_id=user.pk, follows__muted=False)
        .select_related("author")
        .defer(*LIST_DEFERRED)
        .order_by("-last_activity_at", "-id")
    )
    practices = Paginator(followed, FOLLOWED_PRACTICES_PER_PAGE).get_page(page)
    muted = list(
        Practice.objects.for_user(user)
        .filter(follows__user_id=user.pk, follows__muted=True)
        .defer(*LIST_DEFERRED)
        .order_by("title", "id")[:MUTED_SHOWN]
    )
    return FollowsOverview(tags=tags, practices=practices, muted=muted)
