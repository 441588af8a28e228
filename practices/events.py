"""Live events of comment threads: group names, payloads, and sending them after commit.

Every payload is a plain dict that survives a JSON round trip; docs/live-protocol.md is the
public description of each one. Comment payloads carry HTML rendered from
templates/practices/_comment.html without a request or a viewer, so it is the same for
every reader of a language: a comment event sent to a thread's group carries the HTML in
every interface language (`html_by_language`), and each socket forwards its reader's one as
`html` (`for_reader`), so the wire message has one shape whatever the language.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from asgiref.sync import async_to_sync
from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from practices import broadcast
from practices.models import Comment

logger = logging.getLogger(__name__)

PROTOCOL_VERSION = 1

COMMENT_CREATED = "comment.created"
COMMENT_EDITED = "comment.edited"
COMMENT_DELETED = "comment.deleted"


def thread_group(practice_id: int) -> str:
    return f"practice.{practice_id}"


def _checked(payload: dict[str, Any]) -> dict[str, Any]:
    """Fail loudly, at build time, on anything that would not survive the wire."""
    if json.loads(json.dumps(payload)) != payload:
        raise ValueError(f"event {payload.get('type')} does not survive a JSON round trip")
    return payload


def render_comment(comment: Comment) -> str:
    """The comment's HTML as every reader sees it. Needs comment.author (and
    comment.parent.author for a reply) loaded to cost no query."""
    return render_to_string("practices/_comment.html", {"comment": comment}).strip()


def comment_payload(
    comment: Comment, event_type: str, *, language: str | None = None
) -> dict[str, Any]:
    """The wire message for one reader's language (the active one when not given)."""
    with translation.override(language or translation.get_language()):
        html = render_comment(comment)
    return _checked(
        {
            "type": event_type,
            "seq": comment.changed_seq,
            "id": comment.pk,
            "parent": comment.parent_id,
            "html": html,
        }
    )


def comment_broadcast(comment: Comment, event_type: str) -> dict[str, Any]:
    """The group message: the wire message in the default language, plus the HTML in every
    interface language for the sockets to choose from."""
    by_language = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            by_language[code] = render_comment(comment)
    payload = comment_payload(comment, event_type, language=settings.LANGUAGE_CODE)
    payload["html_by_language"] = by_language
    return _checked(payload)


def for_reader(event: dict[str, Any], language: str) -> dict[str, Any]:
    """A group message as one socket sends it: `html` in the reader's language."""
    by_language = event.get("html_by_language")
    if by_language is None:
        return event
    message = {key: value for key, value in event.items() if key != "html_by_language"}
    message["html"] = by_language.get(language, event["html"])
    return message


def replay_payload(comment: Comment, *, after: int, language: str | None = None) -> dict[str, Any]:
    """How a comment that changed after sequence `after` is replayed to a resuming client:
    as new if the client never saw it, otherwise as its latest change."""
    if comment.seq > after:
        event_type = COMMENT_CREATED
    elif comment.deleted_at is not None or comment.hidden_at is not None:
        event_type = COMMENT_DELETED
    else:
        event_type = COMMENT_EDITED
    return comment_payload(comment, event_type, language=language)


def send_on_commit(group: str, payload: dict[str, Any]) -> None:
    """Broadcast once the surrounding transaction commits; nothing if it rolls back."""
    transaction.on_commit(lambda: broadcast.group_send(group, payload))


def comment_created(comment: Comment) -> dict[str, Any]:
    payload = comment_broadcast(comment, COMMENT_CREATED)
    send_on_commit(thread_group(comment.practice_id), payload)
    return payload


def comment_edited(comment: Comment) -> dict[str, Any]:
    payload = comment_broadcast(comment, COMMENT_EDITED)
    send_on_commit(thread_group(comment.practice_id), payload)
    return payload


def comment_deleted(comment: Comment) -> dict[str, Any]:
    payload = comment_broadcast(comment, COMMENT_DELETED)
    send_on_commit(thread_group(comment.practice_id), payload)
    return payload


# --- Payloads sent to one socket, or by the consumer itself --------------------------------


def hello(*, practice_id: int, last_seq: int) -> dict[str, Any]:
    return _checked(
        {
            "type": "hello",
            "version": PROTOCOL_VERSION,
            "practice": practice_id,
            "last_seq": last_seq,
        }
    )


def presence(*, practice_id: int, count: int) -> dict[str, Any]:
    return _checked({"type": "presence", "practice": practice_id, "count": count})


def ack(*, request: str, comment_id: int, seq: int, client_id: str | None) -> dict[str, Any]:
    return _checked(
        {"type": "ack", "request": request, "client_id": client_id, "id": comment_id, "seq": seq}
    )


def resumed(*, after: int, last_seq: int, replayed: int) -> dict[str, Any]:
    return _checked({"type": "resumed", "after": after, "last_seq": last_seq, "replayed": replayed})


def pong() -> dict[str, Any]:
    return {"type": "pong"}


def error(
    *,
    code: str,
    message: str,
    request: str | None = None,
    client_id: str | None = None,
    field: str | None = None,
    retry_after: int | None = None,
) -> dict[str, Any]:
    payload: dict[str, Any] = {"type": "error", "code": code, "message": message}
    if request is not None:
        payload["request"] = request
    if client_id is not None:
        payload["client_id"] = client_id
    if field is not None:
        payload["field"] = field
    if retry_after is not None:
        payload["retry_after"] = retry_after
    return _checked(payload)


# --- Moderation ------------------------------------------------------------------------------
# Hiding and restoring comments reuse the comment payloads above (the HTML's data-hidden
# attribute is what clients rely on; `reason` is a hint for announcements). Locking a thread
# and suspending a member are events of their own.

COMMENT_HIDDEN_REASON = "hidden"
COMMENT_RESTORED_REASON = "restored"
THREAD_LOCKED = "thread.locked"
USER_SUSPENDED = "user.suspended"


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def comment_hidden(comment: Comment) -> dict[str, Any]:
    """A moderator hid the comment: readers see it vanish (comment.deleted, reason hidden)."""
    payload = _checked(
        {**comment_broadcast(comment, COMMENT_DELETED), "reason": COMMENT_HIDDEN_REASON}
    )
    send_on_commit(thread_group(comment.practice_id), payload)
    return payload


def comment_restored(comment: Comment) -> dict[str, Any]:
    """A moderator restored a hidden comment: it comes back as an edit (reason restored),
    or stays "deleted" if its author deleted it meanwhile."""
    event_type = COMMENT_DELETED if comment.deleted_at is not None else COMMENT_EDITED
    payload = _checked(
        {**comment_broadcast(comment, event_type), "reason": COMMENT_RESTORED_REASON}
    )
    send_on_commit(thread_group(comment.practice_id), payload)
    return payload


def thread_locked(*, practice_id: int, locked: bool) -> dict[str, Any]:
    """A moderator closed the thread to new comments (locked) or opened it again."""
    payload = _checked({"type": THREAD_LOCKED, "practice": practice_id, "locked": locked})
    send_on_commit(thread_group(practice_id), payload)
    return payload


def user_suspended(*, user_id: int, until: str | None) -> dict[str, Any]:
    """Sent to the member's own sockets: every one of them closes (code 4403).
    `until` is an ISO 8601 time, or None for a suspension until further notice."""
    payload = _checked({"type": USER_SUSPENDED, "until": until})
    send_on_commit(user_group(user_id), payload)
    return payload


# --- Notifications ---------------------------------------------------------------------------
# Every notifications socket a member has open joins their group, user_group(id) above
# (docs/live-protocol.md, "The notifications socket"). The one event is the unread count.

UNREAD = "unread"
# Counts are sent up to this number; the bell shows "99+" beyond 99.
UNREAD_CAP = 100


def unread(*, count: int) -> dict[str, Any]:
    return _checked({"type": UNREAD, "count": max(0, min(count, UNREAD_CAP))})


def unread_send(counts: dict[int, int]) -> int:
    """Send each member in `counts` their unread count, now: call it after commit. One
    event loop for all of them, however many; returns how many sends succeeded. A failure
    is logged and swallowed by the broadcast wrapper; the next page load shows the count."""
    if not counts:
        return 0

    async def send_all() -> int:
        results = await asyncio.gather(
            *(
                broadcast.agroup_send(user_group(user_id), unread(count=count))
                for user_id, count in counts.items()
            )
        )
        return sum(1 for ok in results if ok)

    try:
        return async_to_sync(send_all)()
    except Exception:
        logger.exception("unread counts for %s members not sent", len(counts))
        return 0
