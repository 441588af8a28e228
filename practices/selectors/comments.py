"""Reads of comment threads, for the practice page, the comment views and the consumer.

Budget: a thread costs one query whatever its length (comments with their authors; replies
are grouped under their parents in memory). A resume costs one query per batch.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from practices.models import Comment, Practice
from practices.services.comments import (
    comment_may_delete,
    comment_may_edit,
    comment_post_refusal,
)

REPLAY_BATCH = 200


def thread_open_to(*, practice: Practice, user) -> bool:
    """A draft's thread is closed to everyone but its author; otherwise whoever may read
    the practice may read and listen to its thread."""
    if practice.is_published:
        return True
    return bool(user is not None and user.is_authenticated and practice.author_id == user.pk)


def thread_practice_for(*, user, practice_id: int) -> Practice | None:
    """The practice whose thread this user may read and listen to, or None."""
    user = user if user is not None else AnonymousUser()
    practice = Practice.objects.for_user(user).filter(pk=practice_id).first()
    if practice is None or not thread_open_to(practice=practice, user=user):
        return None
    return practice


def thread_for(*, practice: Practice, user) -> dict:
    """Everything templates/practices/_thread.html needs for this practice and viewer."""
    user = user if user is not None else AnonymousUser()
    # Read before the comments: a comment saved in between is replayed, never missed.
    last_seq = practice.comment_seq
    viewer = thread_viewer(practice=practice, user=user)
    comments: list[Comment] = []
    if viewer["open"]:
        comments = list(
            Comment.objects.in_thread(practice.pk).select_related("author").order_by("seq")
        )
    _set_permissions(comments, user)
    by_id = {comment.pk: comment for comment in comments}
    top_level: list[Comment] = []
    for comment in comments:
        comment.thread_replies = []
    for comment in comments:
        parent = by_id.get(comment.parent_id) if comment.parent_id else None
        if parent is None:
            top_level.append(comment)
        else:
            comment.parent = parent
            parent.thread_replies.append(comment)
    return {
        **viewer,
        "comments": top_level,
        # Every comment, replies too, in order.
        "every": comments,
        "count": sum(1 for c in comments if c.deleted_at is None and c.hidden_at is None),
        "last_seq": last_seq,
    }


def thread_viewer(*, practice: Practice, user) -> dict:
    """What templates/practices/_comment_controls.html needs of the thread and the viewer:
    may they read it, post in it, who are they."""
    user = user if user is not None else AnonymousUser()
    is_open = thread_open_to(practice=practice, user=user)
    refusal = comment_post_refusal(practice=practice, user=user) if is_open else None
    return {
        "practice": practice,
        "open": is_open,
        "may_post": is_open and refusal is None,
        "refusal": refusal,
        "viewer_id": user.pk if user.is_authenticated else "",
        "viewer_is_moderator": bool(user.is_authenticated and user.is_moderator),
        "edit_window": settings.COMMENT_EDIT_WINDOW_SECONDS,
        "max_length": settings.COMMENT_MAX_LENGTH,
    }


def reply_target(*, practice: Practice, raw: str | None) -> Comment | None:
    """The comment a reader without JavaScript chose to answer (`?reply=<id>` on the
    practice's page): a live top-level comment of this thread, else None. No query without
    the parameter."""
    text = str(raw or "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 18:
        return None
    return (
        Comment.objects.in_thread(practice.pk)
        .select_related("author")
        .filter(pk=int(text), parent__isnull=True, deleted_at__isnull=True, hidden_at__isnull=True)
        .first()
    )


def _set_permissions(comments: list[Comment], user) -> None:
    now = timezone.now()
    for comment in comments:
        comment.may_edit = comment_may_edit(comment=comment, user=user, now=now)
        comment.may_delete = comment_may_delete(comment=comment, user=user)


def thread_last_seq(*, practice_id: int) -> int:
    return (
        Practice.objects.filter(pk=practice_id).values_list("comment_seq", flat=True).first() or 0
    )


def thread_changes_after(
    *, practice_id: int, after_changed: int, limit: int = REPLAY_BATCH
) -> list[Comment]:
    """Comments whose latest change came after sequence `after_changed`, oldest change first."""
    return list(
        Comment.objects.in_thread(practice_id)
        .filter(changed_seq__gt=after_changed)
        .select_related("author", "parent__author")
        .order_by("changed_seq")[:limit]
    )


def comment_in_thread(*, practice_id: int, comment_id: int) -> Comment | None:
    return (
        Comment.objects.select_related("author", "parent__author", "practice")
        .filter(pk=comment_id, practice_id=practice_id)
        .first()
    )


def comment_get_visible(*, user, pk: int) -> Comment | None:
    """A comment in a thread this user may read, or None."""
    comment = (
        Comment.objects.select_related("author", "parent__author", "practice")
        .filter(pk=pk, practice__in=Practice.objects.for_user(user))
        .first()
    )
    if comment is None or not thread_open_to(practice=comment.practice, user=user):
        return None
    return comment
