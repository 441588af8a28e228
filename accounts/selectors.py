"""Reads about members, each with a query budget that does not grow with the data."""

from dataclasses import dataclass

from django.db.models import F, Prefetch

from accounts.models import User
from practices.selectors.practices import LIST_DEFERRED

PROFILE_PRACTICES_SHOWN = 50


@dataclass(frozen=True)
class MemberProfile:
    member: User
    practices: list
    practice_count: int
    is_own: bool


def member_get(*, pk: int) -> User | None:
    return User.objects.filter(pk=pk, is_active=True).first()


def member_profile(*, pk: int, viewer) -> MemberProfile | None:
    """A member's public profile and their practices: three queries whatever the numbers
    (four past PROFILE_PRACTICES_SHOWN, for the total).

    Everyone sees the member's visible practices; members looking at their own profile also
    see their drafts and anything a moderator hid. Each practice carries `tag_list`, as the
    practice card template expects.
    """
    from practices.models import Practice, TaggedPractice

    member = member_get(pk=pk)
    if member is None:
        return None
    is_own = bool(viewer is not None and viewer.is_authenticated and viewer.pk == member.pk)
    practices = Practice.objects.filter(author=member)
    if not is_own:
        practices = practices.visible()
    practices = practices.order_by(F("published_at").desc(nulls_first=True), "-created_at", "-id")
    tags = Prefetch(
        "tagged_items",
        queryset=TaggedPractice.objects.select_related("tag").order_by("tag__name"),
        to_attr="tag_items",
    )
    shown = list(practices.defer(*LIST_DEFERRED).prefetch_related(tags)[:PROFILE_PRACTICES_SHOWN])
    for practice in shown:
        practice.tag_list = [item.tag for item in practice.tag_items]
    count = len(shown) if len(shown) < PROFILE_PRACTICES_SHOWN else practices.count()
    return MemberProfile(member=member, practices=shown, practice_count=count, is_own=is_own)
