"""Moderators' curation of practices: validating and featuring, and taking either back.

All four are idempotent: doing what is already done changes nothing and writes nothing. A
change writes one entry of the audit log (practices.services.moderation) in its transaction,
and validating or featuring tells the author. Curation is not an edit: `updated_at`, shown as
"last edited", stays as it was.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from practices import caching
from practices.models import NotificationKind, Practice
from practices.services import notifications
from practices.services.moderation import (
    clean_reason,
    moderation_action_record,
    moderation_check,
)


def _check_moderator(user: User) -> None:
    moderation_check(user)


def _check_visible(practice: Practice, refusal: str) -> None:
    if not practice.is_visible:
        raise ValidationError(refusal)


def _locked(practice: Practice) -> Practice:
    return (
        Practice.objects.select_related("author")
        .select_for_update(of=("self",))
        .get(pk=practice.pk)
    )


@transaction.atomic
def practice_validate(*, practice: Practice, moderator: User, reason: str = "") -> Practice:
    """A moderator marks a practice as validated. Validating it again changes nothing."""
    _check_moderator(moderator)
    reason = clean_reason(reason, required=False)
    practice = _locked(practice)
    _check_visible(practice, _("Only a published, visible practice can be validated."))
    if practice.validated_at is None:
        practice.validated_at = timezone.now()
        practice.save(update_fields=["validated_at"])
        moderation_action_record(
            actor=moderator, action="practice.validate", target=practice, reason=reason
        )
        notifications.notification_send(
            recipient=practice.author,
            kind=NotificationKind.PRACTICE_VALIDATED,
            dedupe_key=f"practice-validated:{practice.pk}:{practice.validated_at:%Y%m%d%H%M%S%f}",
            actor=moderator,
            practice=practice,
            message=lambda: (
                _("The moderators reviewed “%(title)s” and validated it as a good practice.")
                % {"title": practice.title}
            ),
        )
    caching.drop_practice(practice.pk)
    return practice


@transaction.atomic
def practice_unvalidate(*, practice: Practice, moderator: User, reason: str = "") -> Practice:
    """Take a validation back: the badge goes. A practice that is not validated is left as is."""
    _check_moderator(moderator)
    reason = clean_reason(reason, required=False)
    practice = _locked(practice)
    if practice.validated_at is not None:
        practice.validated_at = None
        practice.save(update_fields=["validated_at"])
        moderation_action_record(
            actor=moderator, action="practice.unvalidate", target=practice, reason=reason
        )
    caching.drop_practice(practice.pk)
    return practice


@transaction.atomic
def practice_feature(*, practice: Practice, moderator: User, reason: str = "") -> Practice:
    """A moderator features a practice on the start page. Featuring it again changes nothing."""
    _check_moderator(moderator)
    reason = clean_reason(reason, required=False)
    practice = _locked(practice)
    _check_visible(practice, _("Only a published, visible practice can be featured."))
    if practice.featured_at is None:
        practice.featured_at = timezone.now()
        practice.save(update_fields=["featured_at"])
        moderation_action_record(
            actor=moderator, action="practice.feature", target=practice, reason=reason
        )
        notifications.notification_send(
            recipient=practice.author,
            kind=NotificationKind.PRACTICE_FEATURED,
            dedupe_key=f"practice-featured:{practice.pk}:{practice.featured_at:%Y%m%d%H%M%S%f}",
            actor=moderator,
            practice=practice,
            message=lambda: (
                _("“%(title)s” is now featured on the start page.") % {"title": practice.title}
            ),
        )
    caching.drop_practice(practice.pk)
    return practice


@transaction.atomic
def practice_unfeature(*, practice: Practice, moderator: User, reason: str = "") -> Practice:
    """Take a practice off the start page. One that is not featured is left as is."""
    _check_moderator(moderator)
    reason = clean_reason(reason, required=False)
    practice = _locked(practice)
    if practice.featured_at is not None:
        practice.featured_at = None
        practice.save(update_fields=["featured_at"])
        moderation_action_record(
            actor=moderator, action="practice.unfeature", target=practice, reason=reason
        )
    caching.drop_practice(practice.pk)
    return practice
