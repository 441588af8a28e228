"""Reads about members, each with a query budget that does not grow with the data."""

from dataclasses import dataclass

from accounts.models import User

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
    """A member's public profile and their practices: three queries whatever the numbers.

    Everyone sees the member's visible practices; members looking at their own profile also
    see their drafts and anything a moderator hid.
    """
    from practices.models import Practice

    member = member_get(pk=pk)
    if member is None:
        return None
    is_own = bool(viewer is not None and viewer.is_authenticated and viewer.pk == member.pk)
    practices = Practice.objects.filter(author=member)
    if not is_own:
        practices = practices.visible()
    practices = practices.order_by("-published_at", "-created_at", "-id")
    shown = list(
        practices.only(
            "pk",
            "author_id",
            "title",
            "slug",
            "summary",
            "city",
            "country",
            "area",
            "stage",
            "status",
            "published_at",
            "validated_at",
            "featured_at",
            "hidden_at",
            "created_at",
        ).prefetch_related("tags")[:PROFILE_PRACTICES_SHOWN]
    )
    count = len(shown) if len(shown) < PROFILE_PRACTICES_SHOWN else practices.count()
    return MemberProfile(member=member, practices=shown, practice_count=count, is_own=is_own)
