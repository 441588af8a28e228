"""Follows: a member follows tags and practices, or mutes a practice.

Following a tag brings its new practices to the member's feed and notifications; following
a practice brings its new comments. Posting a practice or commenting on one follows it
automatically, unless the member muted it: a muted practice sends nothing and is never
followed again by itself. Every function is idempotent.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from practices import caching
from practices.models import Practice, PracticeFollow, Tag, TagFollow


def _check_may_follow(user: User) -> None:
    if not user.is_authenticated or not user.is_active:
        raise PermissionDenied(_("Log in to follow tags and practices."))
    if not user.email_verified:
        raise PermissionDenied(_("Verify your e-mail address before following tags and practices."))
    if user.is_suspended:
        raise PermissionDenied(_("Your account is suspended: you cannot follow tags or practices."))


def _check_may_stop(user: User) -> None:
    if not user.is_authenticated or not user.is_active:
        raise PermissionDenied(_("Log in to change what you follow."))


@transaction.atomic
def tag_follow(*, user: User, tag: Tag) -> TagFollow:
    """The member follows the tag; following it again changes nothing."""
    _check_may_follow(user)
    follow, created = TagFollow.objects.get_or_create(user=user, tag=tag)
    if created:
        # The tag's page shows how many follow it.
        caching.drop(caching.tag_scope(tag.slug))
    return follow


@transaction.atomic
def tag_unfollow(*, user: User, tag: Tag) -> Tag:
    """The member stops following the tag; a tag not followed stays so."""
    _check_may_stop(user)
    deleted, _kinds = TagFollow.objects.filter(user=user, tag=tag).delete()
    if deleted:
        caching.drop(caching.tag_scope(tag.slug))
    return tag


@transaction.atomic
def practice_follow(*, user: User, practice: Practice) -> PracticeFollow:
    """The member follows the practice's discussion (and un-mutes it if it was muted).
    The caller has checked that the member may read the practice."""
    _check_may_follow(user)
    follow, created = PracticeFollow.objects.get_or_create(
        user=user, practice=practice, defaults={"muted": False}
    )
    if not created and follow.muted:
        follow.muted = False
        follow.save(update_fields=["muted"])
    return follow


@transaction.atomic
def practice_mute(*, user: User, practice: Practice) -> PracticeFollow:
    """Nothing about this practice reaches the member any more, and neither commenting on
    it nor (for its author) anything else follows it again until they follow it."""
    _check_may_stop(user)
    follow, created = PracticeFollow.objects.get_or_create(
        user=user, practice=practice, defaults={"muted": True}
    )
    if not created and not follow.muted:
        follow.muted = True
        follow.save(update_fields=["muted"])
    return follow


@transaction.atomic
def practice_unfollow(*, user: User, practice: Practice) -> Practice:
    """Neither following nor muting any more: the member is back where they started, and
    commenting on the practice follows it again. Un-muting is the same."""
    _check_may_stop(user)
    PracticeFollow.objects.filter(user=user, practice=practice).delete()
    return practice


def practice_follow_auto(*, user_id: int, practice_id: int) -> None:
    """Follow the practice for its author or a commenter, unless they follow or muted it
    already: one INSERT that changes nothing when a row exists. Call inside the
    transaction of the post or the comment."""
    PracticeFollow.objects.bulk_create(
        [PracticeFollow(user_id=user_id, practice_id=practice_id, muted=False)],
        ignore_conflicts=True,
    )
