"""Writes to comment threads: create, edit, delete.

Each write locks the practice row, takes the thread's next sequence number
(practice.comment_seq) for the comment's seq or changed_seq, and broadcasts its event after
commit. The HTTP views and the socket consumer call these same functions; refusals are a
CommentError with a code that both edges translate (docs/live-protocol.md lists them).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from practices import caching, events
from practices.markdown import render_markdown
from practices.models import Comment, Practice
from practices.ratelimit import post_rate_limit_hit
from practices.services import notifications

# A create retried with the same client id within this time returns the first comment.
CLIENT_ID_TTL_SECONDS = 24 * 60 * 60
CLIENT_ID_MAX_LENGTH = 64


class CommentError(Exception):
    """A refused comment write. `code` is stable and documented; `message` is for people."""

    def __init__(self, code: str, message: str, *, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.retry_after = retry_after


# --- Rules --------------------------------------------------------------------------------


def comment_post_refusal(*, practice: Practice, user) -> CommentError | None:
    """Why this user may not post in this practice's thread now, or None if they may."""
    if user is None or not user.is_authenticated or not user.is_active:
        return CommentError("login_required", _("Log in to take part in the discussion."))
    if not user.email_verified:
        return CommentError(
            "not_verified", _("Verify your e-mail address before taking part in the discussion.")
        )
    if user.is_suspended:
        return CommentError("suspended", _("Your account is suspended."))
    return _thread_refusal(practice=practice, user=user)


def _thread_refusal(*, practice: Practice, user) -> CommentError | None:
    is_author = user.pk == practice.author_id
    if not practice.is_published and not is_author:
        return CommentError("thread_closed", _("This discussion is not open."))
    if practice.hidden_at is not None and not (is_author or user.is_moderator):
        return CommentError("thread_closed", _("This discussion is not open."))
    if practice.locked_at is not None and not user.is_moderator:
        return CommentError("thread_locked", _("This discussion is closed to new comments."))
    return None


def _edit_deadline(comment: Comment) -> datetime:
    return comment.created_at + timedelta(seconds=settings.COMMENT_EDIT_WINDOW_SECONDS)


def comment_html(body: str) -> str:
    """A comment's Markdown as HTML, its @handles of active members linked to their
    profiles (one query when it names anyone)."""
    handles = notifications.mentioned_handles(body)
    members: dict[str, str] = {}
    if handles:
        found = User.objects.filter(handle__in=handles, is_active=True).values_list("pk", "handle")
        members = {handle: reverse("accounts:profile", kwargs={"pk": pk}) for pk, handle in found}
    return render_markdown(body, mentions=members)


def comment_may_edit(*, comment: Comment, user, now: datetime | None = None) -> bool:
    """Authors within the edit window, moderators always; never a deleted or hidden comment."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if comment.deleted_at is not None or comment.hidden_at is not None:
        return False
    if user.is_moderator:
        return True
    return comment.author_id == user.pk and (now or timezone.now()) < _edit_deadline(comment)


def comment_may_delete(*, comment: Comment, user) -> bool:
    """Authors delete their own comments (softly); moderators hide, which is another action."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and comment.author_id == user.pk
        and comment.deleted_at is None
    )


def _clean_body(body) -> str:
    if not isinstance(body, str):
        raise CommentError("body_empty", _("Write something before posting."))
    body = body.strip()
    if not body:
        raise CommentError("body_empty", _("Write something before posting."))
    limit = settings.COMMENT_MAX_LENGTH
    if len(body) > limit:
        raise CommentError(
            "body_too_long",
            _("A comment can be at most %(limit)s characters long; this one has %(count)s.")
            % {
                "limit": number_format(limit, force_grouping=True),
                "count": number_format(len(body), force_grouping=True),
            },
        )
    return body


def _resolve_parent(*, practice: Practice, parent: Comment | int | None) -> Comment | None:
    """The top-level comment a reply hangs under. A reply to a reply joins its parent:
    threads have one level of nesting."""
    if parent is None:
        return None
    if not isinstance(parent, Comment):
        if isinstance(parent, bool) or not isinstance(parent, int):
            raise CommentError("bad_parent", _("The comment you are replying to does not exist."))
        parent = (
            Comment.objects.select_related("author", "parent__author")
            .filter(pk=parent, practice_id=practice.pk)
            .first()
        )
    if parent is None or parent.practice_id != practice.pk:
        raise CommentError(
            "bad_parent", _("The comment you are replying to is not in this thread.")
        )
    if parent.parent_id is not None:
        parent = parent.parent
    if parent.deleted_at is not None or parent.hidden_at is not None:
        raise CommentError("bad_parent", _("The comment you are replying to was deleted."))
    return parent


def _lock_thread(practice_id: int) -> Practice:
    """Lock the practice row: sequence numbers are taken one writer at a time.
    Call inside transaction.atomic."""
    return Practice.objects.select_for_update().get(pk=practice_id)


def _take_seq(practice: Practice, **updates) -> int:
    seq = practice.comment_seq + 1
    Practice.objects.filter(pk=practice.pk).update(comment_seq=seq, **updates)
    practice.comment_seq = seq
    return seq


def _client_key(author_id: int, client_id: str) -> str:
    return f"comment:client:{author_id}:{client_id}"


def _earlier_post(*, practice: Practice, author, client_id: str | None) -> Comment | None:
    if not client_id:
        return None
    comment_id = cache.get(_client_key(author.pk, client_id))
    if comment_id is None:
        return None
    return (
        Comment.objects.select_related("author", "parent__author")
        .filter(pk=comment_id, practice_id=practice.pk, author_id=author.pk)
        .first()
    )


# --- Writes -------------------------------------------------------------------------------


@transaction.atomic
def comment_create(
    *,
    practice: Practice,
    author,
    body: str,
    parent: Comment | int | None = None,
    client_id: str | None = None,
) -> Comment:
    """Post a comment (or a reply, with `parent`) and broadcast comment.created on commit.

    A retry with the same `client_id` (a client that lost its connection before the answer)
    returns the comment already saved, and sends nothing again.
    """
    refusal = comment_post_refusal(practice=practice, user=author)
    if refusal is not None:
        raise refusal
    if client_id is not None and (
        not isinstance(client_id, str) or not 0 < len(client_id) <= CLIENT_ID_MAX_LENGTH
    ):
        raise CommentError("invalid_field", "client_id must be a short string.")
    earlier = _earlier_post(practice=practice, author=author, client_id=client_id)
    if earlier is not None:
        return earlier
    body = _clean_body(body)
    parent = _resolve_parent(practice=practice, parent=parent)

    limit = post_rate_limit_hit(user_id=author.pk)
    if not limit.allowed:
        raise CommentError(
            "rate_limited",
            ngettext(
                "You can post %(limit)s comments every %(window)s seconds. "
                "Please wait %(wait)s second and try again.",
                "You can post %(limit)s comments every %(window)s seconds. "
                "Please wait %(wait)s seconds and try again.",
                limit.retry_after,
            )
            % {
                "limit": settings.POST_RATE_LIMIT,
                "window": settings.POST_RATE_WINDOW_SECONDS,
                "wait": limit.retry_after,
            },
            retry_after=limit.retry_after,
        )

    locked = _lock_thread(practice.pk)
    refusal = _thread_refusal(practice=locked, user=author)
    if refusal is not None:
        raise refusal
    now = timezone.now()
    seq = _take_seq(locked, comment_count=F("comment_count") + 1, last_activity_at=now)
    comment = Comment.objects.create(
        practice=practice,
        author=author,
        parent=parent,
        seq=seq,
        changed_seq=seq,
        body=body,
        body_html=comment_html(body),
    )
    practice.comment_seq = seq
    practice.comment_count = locked.comment_count + 1
    practice.last_activity_at = now
    events.comment_created(comment)
    caching.drop_practice(practice.pk)
    notifications.comment_created_fanout(comment=comment)
    if client_id:
        key = _client_key(author.pk, client_id)
        transaction.on_commit(lambda: cache.set(key, comment.pk, CLIENT_ID_TTL_SECONDS))
    return comment


@transaction.atomic
def comment_edit(*, comment: Comment, editor, body: str) -> Comment:
    """Replace a comment's text (its author within the edit window, or a moderator) and
    broadcast comment.edited on commit. The same text again changes nothing."""
    refusal = comment_post_refusal(practice=comment.practice, user=editor)
    if refusal is not None:
        raise refusal
    if comment.author_id != editor.pk and not editor.is_moderator:
        raise CommentError("forbidden", _("You can only edit your own comments."))
    if comment.deleted_at is not None or comment.hidden_at is not None:
        raise CommentError("comment_deleted", _("This comment was deleted."))
    if not comment_may_edit(comment=comment, user=editor):
        minutes = settings.COMMENT_EDIT_WINDOW_SECONDS // 60
        raise CommentError(
            "edit_window_closed",
            ngettext(
                "Comments can be edited for %(minutes)s minute after posting.",
                "Comments can be edited for %(minutes)s minutes after posting.",
                minutes,
            )
            % {"minutes": minutes},
        )
    body = _clean_body(body)

    locked = _lock_thread(comment.practice_id)
    current = Comment.objects.select_related("author", "parent__author").get(pk=comment.pk)
    if current.deleted_at is not None or current.hidden_at is not None:
        raise CommentError("comment_deleted", _("This comment was deleted."))
    if current.body == body:
        return current
    current.changed_seq = _take_seq(locked)
    current.body = body
    current.body_html = comment_html(body)
    current.edited_at = timezone.now()
    current.save(update_fields=["body", "body_html", "edited_at", "changed_seq"])
    events.comment_edited(current)
    caching.drop_practice(current.practice_id)
    return current


@transaction.atomic
def comment_delete(*, comment: Comment, user) -> Comment:
    """Soft-delete one's own comment: readers see "comment deleted", the text stays in the
    database. Broadcasts comment.deleted on commit; deleting twice changes nothing."""
    if user is None or not user.is_authenticated or not user.is_active:
        raise CommentError("login_required", _("Log in to take part in the discussion."))
    if comment.author_id != user.pk:
        raise CommentError("forbidden", _("You can only delete your own comments."))

    locked = _lock_thread(comment.practice_id)
    current = Comment.objects.select_related("author", "parent__author").get(pk=comment.pk)
    if current.deleted_at is not None:
        return current
    current.changed_seq = _take_seq(locked, comment_count=Greatest(F("comment_count") - 1, 0))
    current.deleted_at = timezone.now()
    current.save(update_fields=["deleted_at", "changed_seq"])
    events.comment_deleted(current)
    caching.drop_practice(current.practice_id)
    return current
