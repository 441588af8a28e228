"""Moderators' curation of practices: validating and featuring. Both are idempotent."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from practices.models import Practice


def _check_moderator(user: User) -> None:
    if not (user.is_authenticated and user.is_moderator):
        raise PermissionDenied("Only a moderator may curate practices.")


def _check_visible(practice: Practice, action: str) -> None:
    if not practice.is_visible:
        raise ValidationError(f"Only a published, visible practice can be {action}.")


@transaction.atomic
def practice_validate(*, practice: Practice, moderator: User) -> Practice:
    """A moderator marks a practice as validated. Validating it again changes nothing."""
    _check_moderator(moderator)
    practice = Practice.objects.select_for_update().get(pk=practice.pk)
    _check_visible(practice, "validated")
    if practice.validated_at is None:
        practice.validated_at = timezone.now()
        practice.save(update_fields=["validated_at", "updated_at"])
    return practice


@transaction.atomic
def practice_feature(*, practice: Practice, moderator: User) -> Practice:
    """A moderator features a practice on the start page. Featuring it again changes nothing."""
    _check_moderator(moderator)
    practice = Practice.objects.select_for_update().get(pk=practice.pk)
    _check_visible(practice, "featured")
    if practice.featured_at is None:
        practice.featured_at = timezone.now()
        practice.save(update_fields=["featured_at", "updated_at"])
    return practice
