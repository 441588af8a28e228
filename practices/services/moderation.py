"""Moderators' actions on practices and comments, and the audit log every action writes.

Every moderator service checks who acts (`moderation_check`), changes one thing in a
transaction, and records exactly one entry of the audit log in that same transaction through
`moderation_action_record`, the only writer of ModerationAction. Nothing here destroys what
members wrote: hiding is soft, and the text stays in the database.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from practices import caching, events
from practices.models import (
    Adaptation,
    Collection,
    Comment,
    ModerationAction,
    NotificationKind,
    Practice,
    Report,
    Status,
    Tag,
)
from practices.services import notifications
from practices.services.comments import _lock_thread, _take_seq

REASON_MAX_LENGTH = 500

# Every action the log knows, with the words the log page uses for it.
ACTION_LABELS: dict[str, str] = {
    "practice.hide": gettext_lazy("Hid a practice"),
    "practice.restore": gettext_lazy("Restored a practice"),
    "practice.lock": gettext_lazy("Closed a discussion"),
    "practice.unlock": gettext_lazy("Reopened a discussion"),
    "practice.approve": gettext_lazy("Approved a practice"),
    "practice.reject": gettext_lazy("Sent a practice back to its author"),
    "practice.validate": gettext_lazy("Validated a practice"),
    "practice.unvalidate": gettext_lazy("Withdrew a validation"),
    "practice.feature": gettext_lazy("Featured a practice"),
    "practice.unfeature": gettext_lazy("Stopped featuring a practice"),
    "comment.hide": gettext_lazy("Hid a comment"),
    "comment.restore": gettext_lazy("Restored a comment"),
    "adaptation.hide": gettext_lazy("Hid an adaptation"),
    "adaptation.restore": gettext_lazy("Restored an adaptation"),
    "report.resolve": gettext_lazy("Resolved reports"),
    "tag.create": gettext_lazy("Created a tag"),
    "tag.rename": gettext_lazy("Renamed a tag"),
    "tag.merge": gettext_lazy("Merged a tag into another"),
    "tag.describe": gettext_lazy("Described a tag"),
    "tag.official": gettext_lazy("Marked a tag official"),
    "tag.unofficial": gettext_lazy("Unmarked an official tag"),
    "collection.create": gettext_lazy("Created a collection"),
    "collection.update": gettext_lazy("Changed a collection"),
    "collection.add": gettext_lazy("Added a practice to a collection"),
    "collection.remove": gettext_lazy("Removed a practice from a collection"),
    "collection.move": gettext_lazy("Reordered a collection"),
    "user.suspend": gettext_lazy("Suspended a member"),
    "user.unsuspend": gettext_lazy("Lifted a suspension"),
    "user.grant_moderation": gettext_lazy("Made a member moderator"),
    "user.revoke_moderation": gettext_lazy("Took moderation away"),
}

TARGET_TYPES: dict[type[models.Model], str] = {
    Practice: "practice",
    Comment: "comment",
    Tag: "tag",
    User: "user",
    Collection: "collection",
    Report: "report",
    Adaptation: "adaptation",
}


# --- Who may act, and the log ---------------------------------------------------------------


def moderation_check(user: Any) -> None:
    """Refuse anyone but an active, unsuspended moderator."""
    if not (
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.is_moderator
        and not user.is_suspended
    ):
        raise PermissionDenied(_("Only moderators may do this."))


def clean_reason(reason: Any, *, required: bool, max_length: int = REASON_MAX_LENGTH) -> str:
    """The reason a moderator gave, trimmed; a clear error when it is missing or too long."""
    text = reason.strip() if isinstance(reason, str) else ""
    if required and not text:
        raise ValidationError(
            {"reason": _("Give a reason: it goes into the log.")}, code="required"
        )
    if len(text) > max_length:
        raise ValidationError(
            {
                "reason": _("Keep the reason under %(max_length)s characters.")
                % {"max_length": max_length}
            },
            code="max_length",
        )
    return text


def _describe(target: models.Model) -> str:
    if isinstance(target, Practice):
        return target.title
    if isinstance(target, Comment):
        excerpt = " ".join(target.body.split())[:80]
        return f"Comment by {target.author.display_name}: {excerpt}"
    if isinstance(target, User):
        return f"{target.display_name} <{target.email}>"
    if isinstance(target, Adaptation):
        return f"Adaptation in {target.city} by {target.author.display_name}"
    return str(target)


def moderation_action_record(
    *,
    actor: User | None,
    action: str,
    target: models.Model,
    reason: str = "",
    data: dict[str, Any] | None = None,
    target_repr: str | None = None,
) -> ModerationAction:
    """Append one entry to the audit log. Call inside the transaction that makes the change,
    so that the entry exists exactly when the change does. `actor` is None only for the
    command line, where no member acts.

    Any moderator action may change what readers see (a hidden comment, a renamed tag, a
    featured practice), so the anonymous page cache is dropped when the change commits."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("moderation_action_record must run inside the change's transaction")
    if action not in ACTION_LABELS:
        raise ValueError(f"unknown moderation action {action!r}")
    target_type = TARGET_TYPES[type(target)]
    return ModerationAction.objects.create(
        actor=actor,
        action=action,
        target_type=target_type,
        target_id=target.pk,
        target_repr=(target_repr if target_repr is not None else _describe(target))[:200],
        reason=reason,
        data=data or {},
    )


def _tell(
    *,
    recipient: User,
    entry: ModerationAction,
    message: Callable[[], str],
    kind: str = NotificationKind.MODERATION,
    practice: Practice | None = None,
    comment: Comment | None = None,
    dedupe_key: str | None = None,
) -> None:
    notifications.notification_send(
        recipient=recipient,
        kind=kind,
        dedupe_key=dedupe_key or f"moderation:{entry.pk}",
        actor=entry.actor,
        practice=practice,
        comment=comment,
        message=message,
    )


def _similar_refresh_on_commit(*, practice_id: int) -> None:
    # Imported late: practices.services.transfer imports this module.
    from practices.services.transfer import similar_refresh_on_commit

    similar_refresh_on_commit(practice_id=practice_id)


def _with_reason(sentence: str, reason: str) -> str:
    if not reason:
        return sentence
    return _("%(sentence)s Reason: %(reason)s") % {"sentence": sentence, "reason": reason}


# --- Practices: hide, restore, lock, approve -------------------------------------------------


def _locked_practice(practice: Practice) -> Practice:
    return (
        Practice.objects.select_related("author")
        .select_for_update(of=("self",))
        .get(pk=practice.pk)
    )


@transaction.atomic
def practice_hide(*, practice: Practice, moderator: User, reason: str) -> Practice:
    """Hide a practice from members. It stays in the database, visible to its author (with a
    notice) and to moderators. Hiding a hidden practice is refused with a clear message."""
    moderation_check(moderator)
    reason = clean_reason(reason, required=True)
    current = _locked_practice(practice)
    if current.hidden_at is not None:
        raise ValidationError(_("This practice is already hidden."), code="already_hidden")
    current.hidden_at = timezone.now()
    current.hidden_reason = reason
    current.save(update_fields=["hidden_at", "hidden_reason"])
    entry = moderation_action_record(
        actor=moderator, action="practice.hide", target=current, reason=reason
    )
    _tell(
        recipient=current.author,
        entry=entry,
        practice=current,
        message=lambda: _with_reason(
            _("A moderator hid your practice “%(title)s”.") % {"title": current.title}, reason
        ),
    )
    caching.drop_practice(current.pk)
    return current


@transaction.atomic
def practice_restore(*, practice: Practice, moderator: User, reason: str = "") -> Practice:
    """Make a hidden practice visible again."""
    moderation_check(moderator)
    reason = clean_reason(reason, required=False)
    current = _locked_practice(practice)
    if current.hidden_at is None:
        raise ValidationError(_("This practice is not hidden."), code="not_hidden")
    previous = current.hidden_reason
    current.hidden_at = None
    current.hidden_reason = ""
    current.save(update_fields=["hidden_at", "hidden_reason"])
    entry = moderation_action_record(
        actor=moderator,
        action="practice.restore",
        target=current,
        reason=reason,
        data={"hidden_reason": previous},
    )
    _tell(
        recipient=current.author,
        entry=entry,
        practice=current,
        message=lambda: _with_reason(
            _("A moderator restored your practice “%(title)s”.") % {"title": current.title}, reason
        ),
    )
    caching.drop_practice(current.pk)
    return current


@transaction.atomic
def practice_lock(*, practice: Practice, moderator: User, reason: str = "") -> Practice:
    """Close a practice's discussion to new comments, over the form and the socket alike.
    Readers with the thread open are told at once (thread.locked)."""
    moderation_check(moderator)
    reason = clean_reason(reason, required=False)
    current = _locked_practice(practice)
    if current.locked_at is not None:
        raise ValidationError(_("This discussion is already closed."), code="already_locked")
    current.locked_at = timezone.now()
    current.save(update_fields=["locked_at"])
    moderation_action_record(actor=moderator, action="practice.lock", target=current, reason=reason)
    events.thread_locked(practice_id=current.pk, locked=True)
    caching.drop_practice(current.pk)
    return current


@transaction.atomic
def practice_unlock(*, practice: Practice, moderator: User, reason: str = "") -> Practice:
    moderation_check(moderator)
    reason = clean_reason(reason, required=False)
    current = _locked_practice(practice)
    if current.locked_at is None:
        raise ValidationError(_("This discussion is not closed."), code="not_locked")
    current.locked_at = None
    current.save(update_fields=["locked_at"])
    moderation_action_record(
        actor=moderator, action="practice.unlock", target=current, reason=reason
    )
    events.thread_locked(practice_id=current.pk, locked=False)
    caching.drop_practice(current.pk)
    return current


@transaction.atomic
def practice_approve(*, practice: Practice, moderator: User, reason: str = "") -> Practice:
    """Publish a practice that waits for approval (a new member's first). Followers of its
    tags hear of it now, as they would have at publication."""
    moderation_check(moderator)
    reason = clean_reason(reason, required=False)
    current = _locked_practice(practice)
    if current.status != Status.PENDING:
        raise ValidationError(
            _("This practice is not waiting for approval (another moderator may have handled it)."),
            code="not_pending",
        )
    now = timezone.now()
    current.status = Status.PUBLISHED
    current.published_at = now
    current.last_activity_at = now
    current.save(update_fields=["status", "published_at", "last_activity_at"])
    entry = moderation_action_record(
        actor=moderator, action="practice.approve", target=current, reason=reason
    )
    notifications.practice_published_fanout(practice=current)
    _similar_refresh_on_commit(practice_id=current.pk)
    _tell(
        recipient=current.author,
        entry=entry,
        kind=NotificationKind.PRACTICE_APPROVED,
        dedupe_key=f"practice-approved:{current.pk}",
        practice=current,
        message=lambda: _("Your practice “%(title)s” is published.") % {"title": current.title},
    )
    caching.drop_practice(current.pk)
    return current


@transaction.atomic
def practice_reject(*, practice: Practice, moderator: User, reason: str) -> Practice:
    """Send a waiting practice back to its author as a draft, with the reason."""
    moderation_check(moderator)
    reason = clean_reason(reason, required=True)
    current = _locked_practice(practice)
    if current.status != Status.PENDING:
        raise ValidationError(
            _("This practice is not waiting for approval (another moderator may have handled it)."),
            code="not_pending",
        )
    current.status = Status.DRAFT
    current.save(update_fields=["status"])
    entry = moderation_action_record(
        actor=moderator, action="practice.reject", target=current, reason=reason
    )
    _tell(
        recipient=current.author,
        entry=entry,
        practice=current,
        message=lambda: _with_reason(
            _("A moderator sent your practice “%(title)s” back to you as a draft.")
            % {"title": current.title},
            reason,
        ),
    )
    caching.drop_practice(current.pk)
    return current


# --- Comments: hide and restore --------------------------------------------------------------


def _current_comment(comment: Comment) -> Comment:
    return Comment.objects.select_related("author", "parent__author", "practice").get(pk=comment.pk)


@transaction.atomic
def comment_hide(*, comment: Comment, moderator: User, reason: str) -> Comment:
    """Hide a comment: it vanishes for every reader at once (comment.deleted, reason hidden),
    takes a sequence number so that resuming clients replay it, and stays in the database for
    its author and the moderators."""
    moderation_check(moderator)
    reason = clean_reason(reason, required=True)
    locked = _lock_thread(comment.practice_id)
    current = _current_comment(comment)
    if current.hidden_at is not None:
        raise ValidationError(_("This comment is already hidden."), code="already_hidden")
    if current.deleted_at is not None:
        raise ValidationError(
            _("Its author already deleted this comment; there is nothing to hide."),
            code="deleted",
        )
    current.changed_seq = _take_seq(locked, comment_count=Greatest(F("comment_count") - 1, 0))
    current.hidden_at = timezone.now()
    current.hidden_reason = reason
    current.save(update_fields=["hidden_at", "hidden_reason", "changed_seq"])
    entry = moderation_action_record(
        actor=moderator,
        action="comment.hide",
        target=current,
        reason=reason,
        data={"practice": current.practice_id},
    )
    events.comment_hidden(current)
    _tell(
        recipient=current.author,
        entry=entry,
        practice=current.practice,
        comment=current,
        message=lambda: _with_reason(
            _("A moderator hid your comment on “%(title)s”.") % {"title": current.practice.title},
            reason,
        ),
    )
    caching.drop_practice(current.practice_id)
    return current


@transaction.atomic
def comment_restore(*, comment: Comment, moderator: User, reason: str = "") -> Comment:
    """Show a hidden comment again, live for every reader."""
    moderation_check(moderator)
    reason = clean_reason(reason, required=False)
    locked = _lock_thread(comment.practice_id)
    current = _current_comment(comment)
    if current.hidden_at is None:
        raise ValidationError(_("This comment is not hidden."), code="not_hidden")
    counts_again = current.deleted_at is None
    updates = {"comment_count": F("comment_count") + 1} if counts_again else {}
    current.changed_seq = _take_seq(locked, **updates)
    previous = current.hidden_reason
    current.hidden_at = None
    current.hidden_reason = ""
    current.save(update_fields=["hidden_at", "hidden_reason", "changed_seq"])
    entry = moderation_action_record(
        actor=moderator,
        action="comment.restore",
        target=current,
        reason=reason,
        data={"practice": current.practice_id, "hidden_reason": previous},
    )
    events.comment_restored(current)
    _tell(
        recipient=current.author,
        entry=entry,
        practice=current.practice,
        comment=current,
        message=lambda: _with_reason(
            _("A moderator restored your comment on “%(title)s”.")
            % {"title": current.practice.title},
            reason,
        ),
    )
    caching.drop_practice(current.practice_id)
    return current
