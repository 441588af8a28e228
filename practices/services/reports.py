"""Reports: members flag a practice, a comment or an adaptation; moderators resolve every
report on an item at once, by dismissing them, hiding the item or editing it, and each
reporter is told."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from practices.models import (
    Adaptation,
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
from practices.services.transfer import adaptation_hide

NOTE_MAX_LENGTH = 2000
RESOLUTION_REASON_MAX_LENGTH = 2000

OUTCOME_PRACTICE = gettext_lazy("Your report of a practice on “%(title)s”: %(outcome)s %(reason)s")
OUTCOME_COMMENT = gettext_lazy("Your report of a comment on “%(title)s”: %(outcome)s %(reason)s")
OUTCOME_ADAPTATION = gettext_lazy(
    "Your report of an adaptation of “%(title)s”: %(outcome)s %(reason)s"
)
OUTCOME_SENTENCES = {
    ReportResolution.DISMISSED: gettext_lazy("The moderators looked at it and left it as it is."),
    ReportResolution.HIDDEN: gettext_lazy("The moderators hid it."),
    ReportResolution.EDITED: gettext_lazy("The moderators edited it."),
}


def _check_reporter(user: Any) -> None:
    if user is None or not user.is_authenticated or not user.is_active:
        raise PermissionDenied(_("Log in to report something."))
    if user.is_suspended:
        raise PermissionDenied(_("Your account is suspended: you cannot report anything for now."))
    if not user.email_verified:
        raise PermissionDenied(_("Verify your e-mail address before reporting."))


def _one_item(
    practice: Practice | None, comment: Comment | None, adaptation: Adaptation | None
) -> None:
    if sum(item is not None for item in (practice, comment, adaptation)) != 1:
        raise ValueError("a report is about one practice, one comment or one adaptation")


def _reports_on(
    reports: QuerySet[Report],
    *,
    practice: Practice | None,
    comment: Comment | None,
    adaptation: Adaptation | None,
) -> QuerySet[Report]:
    if comment is not None:
        return reports.filter(comment_id=comment.pk)
    if adaptation is not None:
        return reports.filter(adaptation_id=adaptation.pk)
    return reports.filter(practice_id=practice.pk, comment__isnull=True, adaptation__isnull=True)


def report_exists(
    *,
    reporter: User,
    practice: Practice | None = None,
    comment: Comment | None = None,
    adaptation: Adaptation | None = None,
) -> bool:
    """Whether this member already reported this item (open or resolved)."""
    reports = Report.objects.filter(reporter_id=reporter.pk)
    return _reports_on(reports, practice=practice, comment=comment, adaptation=adaptation).exists()


@transaction.atomic
def report_create(
    *,
    reporter: User,
    reason: str,
    note: str = "",
    practice: Practice | None = None,
    comment: Comment | None = None,
    adaptation: Adaptation | None = None,
) -> Report:
    """A member reports a practice, a comment or an adaptation, once. Reporting the same item
    again is refused with "you already reported this" and changes nothing."""
    _one_item(practice, comment, adaptation)
    _check_reporter(reporter)
    if reason not in ReportReason.values:
        raise ValidationError({"reason": _("Choose why you report this.")}, code="invalid_choice")
    note = note.strip() if isinstance(note, str) else ""
    if len(note) > NOTE_MAX_LENGTH:
        raise ValidationError(
            {
                "note": _("Keep the note under %(max_length)s characters.")
                % {"max_length": number_format(NOTE_MAX_LENGTH, force_grouping=True)}
            },
            code="max_length",
        )
    if reason == ReportReason.OTHER and not note:
        raise ValidationError(
            {"note": _("Tell the moderators what is wrong: you chose “Other”.")}, code="required"
        )
    if comment is not None:
        practice = comment.practice
        if comment.author_id == reporter.pk:
            raise ValidationError(_("You cannot report your own comment."), code="own")
        if comment.deleted_at is not None or comment.hidden_at is not None:
            raise ValidationError(_("This comment was already removed."), code="gone")
    elif adaptation is not None:
        practice = adaptation.original
        if adaptation.author_id == reporter.pk:
            raise ValidationError(_("You cannot report your own adaptation."), code="own")
        if adaptation.hidden_at is not None:
            raise ValidationError(_("The moderators already hid this adaptation."), code="gone")
    elif practice.author_id == reporter.pk:
        raise ValidationError(_("You cannot report your own practice."), code="own")
    if practice.hidden_at is not None:
        raise ValidationError(_("The moderators already hid this practice."), code="gone")
    if report_exists(
        reporter=reporter,
        practice=practice if comment is None and adaptation is None else None,
        comment=comment,
        adaptation=adaptation,
    ):
        raise ValidationError(
            _("You already reported this. The moderators will look at it."), code="duplicate"
        )
    try:
        with transaction.atomic():
            return Report.objects.create(
                reporter=reporter,
                practice=practice,
                comment=comment,
                adaptation=adaptation,
                reason=reason,
                note=note,
            )
    except IntegrityError:
        # Two clicks at once: the constraint keeps one report, and the second hears so.
        raise ValidationError(
            _("You already reported this. The moderators will look at it."), code="duplicate"
        ) from None


@transaction.atomic
def report_resolve(
    *,
    moderator: User,
    resolution: str,
    reason: str,
    practice: Practice | None = None,
    comment: Comment | None = None,
    adaptation: Adaptation | None = None,
) -> list[Report]:
    """Resolve every open report on one item. `hidden` hides the item (one more entry in the
    log, by practice_hide, comment_hide or adaptation_hide) unless it is already gone;
    `edited` records that a moderator edited it; `dismissed` leaves it. Each reporter is told
    the outcome, in their own language."""
    _one_item(practice, comment, adaptation)
    moderation_check(moderator)
    if resolution not in ReportResolution.values:
        raise ValidationError(
            {"resolution": _("Choose how the reports are resolved.")}, code="invalid_choice"
        )
    reason = clean_reason(reason, required=True, max_length=RESOLUTION_REASON_MAX_LENGTH)
    target: Practice | Comment | Adaptation = comment or adaptation or practice
    reports = _reports_on(
        Report.objects.select_for_update().select_related("reporter"),
        practice=practice,
        comment=comment,
        adaptation=adaptation,
    )
    open_reports = list(reports.filter(resolved_at__isnull=True).order_by("created_at", "id"))
    if not open_reports:
        raise ValidationError(
            _("There are no open reports on this item: another moderator may have handled them."),
            code="no_open_reports",
        )
    already_gone = False
    if resolution == ReportResolution.HIDDEN:
        target.refresh_from_db()
        already_gone = target.hidden_at is not None or getattr(target, "deleted_at", None)
        if not already_gone:
            if comment is not None:
                comment_hide(comment=comment, moderator=moderator, reason=reason)
            elif adaptation is not None:
                adaptation_hide(adaptation=adaptation, moderator=moderator, reason=reason)
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
    if comment is not None:
        item_practice, sentence = comment.practice, OUTCOME_COMMENT
    elif adaptation is not None:
        item_practice, sentence = adaptation.original, OUTCOME_ADAPTATION
    else:
        item_practice, sentence = practice, OUTCOME_PRACTICE
    # The reason ends the sentence the reporter reads, before "About …".
    told_reason = reason if reason.endswith((".", "!", "?", "…")) else f"{reason}."
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
            message=lambda: (
                sentence
                % {
                    "title": item_practice.title,
                    "outcome": OUTCOME_SENTENCES[resolution],
                    "reason": told_reason,
                }
            ),
        )
    return open_reports
