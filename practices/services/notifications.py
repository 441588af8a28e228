"""Notifications: who hears about what. Called by the services whose events members follow.

The rules, each about one event and so one `dedupe_key`:
- a new practice under a tag the member follows (`practice:<id>:published`);
- a new comment on a practice the member follows, a reply to the member's comment, an
  @mention of the member (`comment:<id>`: the strongest of mention, reply, new comment wins);
- a moderator validating or featuring the member's practice, and whatever the moderation
  work sends through notification_send.
Nobody is told of their own action, and muting a practice silences everything about it.

Fan-out costs a constant number of queries whatever the number of followers: recipients are
chosen and inserted by one INSERT ... SELECT ... ON CONFLICT DO NOTHING per rule (SQLite and
PostgreSQL alike), inside the transaction of the post or the comment. After commit, the
members among them who have a notifications socket open (practices/online.py, one cache
lookup) get their new unread count; nobody else is sent anything.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from django.db import connection, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone, translation

from accounts.models import User
from practices import events, online
from practices.markdown import MENTION_PATTERN, mention_handle
from practices.models import (
    Comment,
    Notification,
    NotificationKind,
    Practice,
    PracticeFollow,
    TagFollow,
    TaggedPractice,
)
from practices.selectors import notifications as notification_selectors
from practices.services.follows import practice_follow_auto

logger = logging.getLogger(__name__)

# A comment that names more members than this notifies the first ones only.
MAX_MENTIONS = 20


def mentioned_handles(body: str) -> list[str]:
    """The @handles named in a text, lower-cased, each once, in order of appearance."""
    handles: dict[str, None] = {}
    for match in MENTION_PATTERN.finditer(body or ""):
        handle = mention_handle(match)
        if handle:
            handles.setdefault(handle, None)
        if len(handles) >= MAX_MENTIONS:
            break
    return list(handles)


def practice_dedupe_key(practice_id: int, event: str) -> str:
    return f"practice:{practice_id}:{event}"


def comment_dedupe_key(comment_id: int) -> str:
    return f"comment:{comment_id}"


# --- Live unread counts -----------------------------------------------------------------------


def unread_push(*, user_ids: Iterable[int]) -> int:
    """Send the members among `user_ids` with an open notifications socket their unread
    count, now. Returns how many were sent. Failures are logged: the count is news."""
    try:
        online_ids = online.online_filter(user_ids=user_ids)
        if not online_ids:
            return 0
        counts = notification_selectors.unread_counts(user_ids=online_ids)
        return events.unread_send(counts)
    except Exception:
        logger.exception("unread counts not pushed")
        return 0


def unread_push_on_commit(*, user_ids: Iterable[int] | Callable[[], Iterable[int]]) -> None:
    """Push unread counts once the surrounding transaction commits. `user_ids` may be a
    callable, evaluated after commit (one query for a fan-out, outside the transaction)."""

    def push() -> None:
        try:
            ids = user_ids() if callable(user_ids) else user_ids
        except Exception:
            logger.exception("recipients of unread counts not found")
            return
        unread_push(user_ids=ids)

    transaction.on_commit(push, robust=True)


# --- One notification ---------------------------------------------------------------------


@transaction.atomic
def notification_send(
    *,
    recipient: User,
    kind: str,
    dedupe_key: str,
    actor: User | None = None,
    practice: Practice | None = None,
    comment: Comment | None = None,
    message: str | Callable[[], str] = "",
) -> Notification | None:
    """Tell one member about one event, once. Nobody is told of their own action: returns
    None then, and for an event the member was already told about, and for a member whose
    account is closed. Their open sockets get the new unread count after commit.

    A `message` is stored as text: give it as a function that builds the sentence, and it is
    written in the recipient's language rather than in that of whoever caused the event."""
    if actor is not None and actor.pk == recipient.pk:
        return None
    if not recipient.is_active:
        return None
    if callable(message):
        with translation.override(recipient.preferred_language):
            message = str(message())
    notification, created = Notification.objects.get_or_create(
        recipient=recipient,
        dedupe_key=dedupe_key,
        defaults={
            "kind": kind,
            "actor": actor,
            "practice": practice,
            "comment": comment,
            "message": message[:500],
        },
    )
    if not created:
        return None
    unread_push_on_commit(user_ids=[recipient.pk])
    return notification


@transaction.atomic
def notification_mark_read(*, user: User, notification: Notification) -> Notification:
    """Mark one of the member's own notifications read; reading it again changes nothing."""
    if notification.recipient_id != user.pk:
        raise Notification.DoesNotExist("Not this member's notification.")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
        unread_push_on_commit(user_ids=[user.pk])
    return notification


@transaction.atomic
def notification_mark_all_read(*, user: User) -> int:
    """Mark every unread notification of the member read; returns how many there were."""
    changed = Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    if changed:
        unread_push_on_commit(user_ids=[user.pk])
    return changed


# --- Fan-out ------------------------------------------------------------------------------


def _insert_for_recipients(
    recipients: QuerySet,
    *,
    kind: str,
    dedupe_key: str,
    actor_id: int | None,
    practice_id: int | None,
    comment_id: int | None,
) -> None:
    """One notification per member in `recipients` (a queryset with a `recipient` column),
    in a single INSERT ... SELECT; members who already have one for this event keep theirs
    (ON CONFLICT DO NOTHING, on the unique recipient and dedupe_key)."""
    inner_sql, inner_params = recipients.query.sql_with_params()
    quote = connection.ops.quote_name
    table = quote(Notification._meta.db_table)
    columns = ", ".join(
        quote(Notification._meta.get_field(name).column)
        for name in (
            "recipient",
            "kind",
            "actor",
            "practice",
            "comment",
            "dedupe_key",
            "message",
            "created_at",
        )
    )
    # Only quoted names and the ORM's own SQL are formatted in; values go as parameters.
    # The WHERE keeps SQLite from reading ON CONFLICT as part of the SELECT's join.
    sql = (
        f"INSERT INTO {table} ({columns}) "  # noqa: S608
        f"SELECT r.{quote('recipient')}, %s, %s, %s, %s, %s, %s, %s "
        f"FROM ({inner_sql}) r WHERE 1 = 1 ON CONFLICT DO NOTHING"
    )
    created_at = connection.ops.adapt_datetimefield_value(timezone.now())
    # In the order of the placeholders: the constants of the outer SELECT, then the inner's.
    params = (kind, actor_id, practice_id, comment_id, dedupe_key, "", created_at, *inner_params)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _readers(practice: Practice) -> Q:
    """Members (as a filter on User) who may read the practice."""
    if practice.is_visible:
        return Q(is_active=True)
    return Q(is_active=True) & (Q(pk=practice.author_id) | Q(moderator=True) | Q(is_superuser=True))


def _muted(practice_id: int) -> QuerySet:
    return PracticeFollow.objects.filter(practice_id=practice_id, muted=True).values("user_id")


def _tag_followers(practice: Practice) -> QuerySet:
    """Followers of any of the practice's tags, each once, minus its author and anyone who
    muted it, as a `recipient` column."""
    tag_ids = TaggedPractice.objects.filter(content_object_id=practice.pk).values("tag_id")
    return (
        TagFollow.objects.filter(tag_id__in=tag_ids, user__is_active=True)
        .exclude(user_id=practice.author_id)
        .exclude(user_id__in=_muted(practice.pk))
        .order_by()
        .annotate(recipient=F("user_id"))
        .values("recipient")
        .distinct()
    )


def practice_published_fanout(*, practice: Practice) -> None:
    """Call inside the transaction that made `practice` public: its author follows it and
    its tags' followers hear. Three queries however many followers; a practice that is not
    visible (waiting for approval, hidden) tells nobody yet, and calling this again for the
    same practice tells nobody twice."""
    if not practice.is_visible:
        return
    practice_follow_auto(user_id=practice.author_id, practice_id=practice.pk)
    recipients = _tag_followers(practice)
    _insert_for_recipients(
        recipients,
        kind=NotificationKind.NEW_PRACTICE,
        dedupe_key=practice_dedupe_key(practice.pk, "published"),
        actor_id=practice.author_id,
        practice_id=practice.pk,
        comment_id=None,
    )
    unread_push_on_commit(
        user_ids=lambda: recipients.values_list("recipient", flat=True).iterator(chunk_size=2000)
    )


def comment_created_fanout(*, comment: Comment) -> None:
    """Call inside the transaction that saved `comment`: mentioned members, the author of
    the comment answered and the practice's followers hear, each once and the strongest
    reason first (mention, then reply, then new comment); the commenter follows the
    practice unless they muted it. A constant number of queries whatever the followers."""
    practice = comment.practice
    author_id = comment.author_id
    key = comment_dedupe_key(comment.pk)
    readers = _readers(practice)
    muted = _muted(practice.pk)
    common = {
        "dedupe_key": key,
        "actor_id": author_id,
        "practice_id": practice.pk,
        "comment_id": comment.pk,
    }
    told: list[int] = []

    handles = mentioned_handles(comment.body)
    if handles:
        mentioned = list(
            User.objects.filter(readers, handle__in=handles)
            .exclude(pk=author_id)
            .exclude(pk__in=muted)
            .values_list("pk", flat=True)
        )
        if mentioned:
            Notification.objects.bulk_create(
                [
                    Notification(recipient_id=pk, kind=NotificationKind.MENTION, **common)
                    for pk in mentioned
                ],
                ignore_conflicts=True,
            )
            told.extend(mentioned)

    parent_author_id = comment.parent.author_id if comment.parent_id else None
    if parent_author_id is not None and parent_author_id != author_id:
        _insert_for_recipients(
            User.objects.filter(readers, pk=parent_author_id)
            .exclude(pk__in=muted)
            .annotate(recipient=F("pk"))
            .values("recipient"),
            kind=NotificationKind.REPLY,
            **common,
        )
        told.append(parent_author_id)

    followers = (
        PracticeFollow.objects.filter(practice_id=practice.pk, muted=False)
        .filter(user_id__in=User.objects.filter(readers).values("pk"))
        .exclude(user_id=author_id)
        .order_by()
        .annotate(recipient=F("user_id"))
        .values("recipient")
    )
    _insert_for_recipients(followers, kind=NotificationKind.NEW_COMMENT, **common)
    practice_follow_auto(user_id=author_id, practice_id=practice.pk)

    def recipients() -> list[int]:
        return [*told, *followers.values_list("recipient", flat=True)]

    unread_push_on_commit(user_ids=recipients)
