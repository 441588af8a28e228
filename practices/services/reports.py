"""Reports: members flag a practice or a comment; moderators resolve every report on an item
at once, by dismissing them, hiding the item or editing it, and each reporter is told."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from practices.models import (
    Comment,
    NotificationKind,
    Practice,
    Report,
    ReportReason,
    ReportResolution,
)
from practices.services import notifications
from practices.services.moderation import (
    clean_reason,
    comment_hide,
    moderation_action_record,
    moderation_check,
    practice_hide,
)

NOTE_MAX_LENGTH = 2000
RESOLUTION_REASON_MAX_LENGTH = 2000

OUTCOME_SENTENCES = {
    ReportResolution.DISMISSED: "The moderators looked at it and left it as it is.",
    ReportResolution.HIDDEN: "The moderators hid it.",
    ReportResolution.EDITED: "The moderators edited it.",
}


def _check_reporter(user: Any) -> None:
    if user is None or not user.is_authenticated or not user.is_active:
        raise PermissionDenied("Log in to report something.")
    if user.is_suspended:
        raise PermissionDenied("Your account is suspended: you cannot report anything for now.")
    if not user.email_verified:
        raise PermissionDenied("Verify your e-mail address before reporting.")


def _one_item(practice: Practice | None, comment: Comment | None) -> None:
    if (practice is None) == (comment is None):
        raise ValueError("a report is about one practice or one comment")


def report_exists(*, reporter: User, practice: Practice | None, comment: Comment | None) -> bool:
    """Whether this member already reported this item (open or resolved)."""
    reports = Report.objects.filter(reporter_id=reporter.pk)
    if comment is not None:
        return reports.filter(comment_id=comment.pk).exists()
    return reports.filter(practice_id=practice.pk, comment__isnull=True).exists()


@transaction.atomic
def report_create(
    *,
    reporter: User,
    reason: str,
    note: str = "",
    practice: Practice | None = None,
    comment: Comment | None = None,
) -> Report:
    """A member reports a practice or a comment, once. Reporting the same item again is
    refused with "you already reported this" and changes nothing."""
    _one_item(practice, comment)
    _check_reporter(reporter)
    if reason not in ReportReason.values:
        raise ValidationError({"reason": "Choose why you report this."}, code="invalid_choice")
    note = note.strip() if isinstance(note, str) else ""
    if len(note) > NOTE_MAX_LENGTH:
        raise ValidationError(
            {"note": f"Keep the note under {NOTE_MAX_LENGTH:,} characters."}, code="max_length"
        )
    if reason == ReportReason.OTHER and not note:
        raise ValidationError(
            {"note": "Tell the moderators what is wrong: you chose “Other”."}, code="required"
        )
    if comment is not None:
        practice = comment.practice
        if comment.author_id == reporter.pk:
            raise ValidationError("You cannot report your own comment.", code="own")
        if comment.deleted_at is not None or comment.hidden_at is not None:
            raise ValidationError("This comment was already removed.", code="gone")
    elif practice.author_id == reporter.pk:
        raise ValidationError("You cannot report your own practice.", code="own")
    if practice.hidden_at is not None:
        raise ValidationError("The moderators already hid this practice.", code="gone")
    if report_exists(reporter=reporter, practice=practice, comment=comment):
        raise ValidationError(
            "You already reported this. The moderators will look at it.", code="duplicate"
        )
    try:
        with transaction.atomic():
            return Report.objects.create(
                reporter=reporter, practice=practice, comment=comment, reason=reason, note=note
            )
    except IntegrityError:
        # Two clicks at once: the constraint keeps one report, and the second hears so.
        raise ValidationError(
            "You already reported this. The moderators will look at it.", code="duplicate"
        ) from None


@transaction.atomic
def report_resolve(
    *,
    moderator: User,
    resolution: str,
    reason: str,
    practice: Practice | None = None,
    comment: Comment | None = None,
) -> list[Report]:
    """Resolve every open report on one item. `hidden` hides the item (one more entry in the
    log, by practice_hide or comment_hide) unless it is already gone; `edited` records that a
    moderator edited it; `dismissed` leaves it. Each reporter is told the outcome."""
    _one_item(practice, comment)
    moderation_check(moderator)
    if resolution not in ReportResolution.values:
        raise ValidationError(
            {"resolution": "Choose how the reports are resolved."}, code="invalid_choice"
        )
    reason = clean_reason(reason, required=True, max_length=RESOLUTION_REASON_MAX_LENGTH)
    target: Practice | Comment = comment if comment is not None else practice
    reports = Report.objects.select_for_update().select_related("reporter")
    if comment is not None:
        reports = reports.filter(comment_id=comment.pk)
    else:
        reports = reports.filter(practice_id=practice.pk, comment__isnull=True)
    open_reports = list(reports.filter(resolved_at__isnull=True).order_by("created_at", "id"))
    if not open_reports:
        raise ValidationError(
            "There are no open reports on this item: another moderator may have handled them.",
            code="no_open_reports",
        )
    already_gone = False
    if resolution == ReportResolution.HIDDEN:
        target.refresh_from_db()
        already_gone = target.hidden_at is not None or getattr(target, "deleted_at", None)
        if not already_gone:
            if comment is not None:
                comment_hide(comment=comment, moderator=moderator, reason=reason)
            else:
                practice_hide(practice=practice, moderator=moderator, reason=reason)
    now = timezone.now()
    Report.objects.filter(pk__in=[r.pk for r in open_reports]).update(
        resolved_at=now, resolved_by=moderator, resolution=resolution, resolution_reason=reason
    )
    moderation_action_record(
        actor=moderator,
        action="report.resolve",
        target=target,
        reason=reason,
        data={
            "resolution": resolution,
            "reports": [r.pk for r in open_reports],
            "reasons": sorted({r.reason for r in open_reports}),
            "already_removed": bool(already_gone),
        },
    )
    item_practice = comment.practice if comment is not None else practice
    what = "comment" if comment is not None else "practice"
    for report in open_reports:
        report.resolved_at = now
        report.resolved_by = moderator
        report.resolution = resolution
        report.resolution_reason = reason
        notifications.notification_send(
            recipient=report.reporter,
            kind=NotificationKind.REPORT_RESOLVED,
            dedupe_key=f"report-resolved:{report.pk}",
            actor=moderator,
            practice=item_practice,
            comment=comment,
            message=(
                f"Your report of a {what} on “{item_practice.title}”: "
                f"{OUTCOME_SENTENCES[resolution]} {reason}"
            ),
        )
    return open_reports
