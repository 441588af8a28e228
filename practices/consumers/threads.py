"""The live side of a comment thread: /ws/practices/<id>/ (docs/live-protocol.md).

An adapter: `connect` checks the reader through the selector and joins the group;
`receive` checks a message's shape and calls the same service the HTTP view calls; the
group handlers only forward. Refusals and bad input become `error` events and the
connection stays open; nothing raised in here escapes it.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext as _

from practices import broadcast, events
from practices import presence as readers
from practices.consumers.base import (
    CLOSE_NOT_FOUND,
    CLOSE_SUSPENDED,
    JsonSocket,
    reader_language,
)
from practices.models import Practice
from practices.presence import (
    presence_claim,
    presence_join,
    presence_leave,
    presence_release,
)
from practices.selectors import comments as thread_selectors
from practices.services import comments as comment_services
from practices.services.comments import CommentError

logger = logging.getLogger(__name__)

# Presence broadcasts waiting out their interval, held so that none is collected before it
# runs; one may outlive the socket that claimed it.
_waiting: set[asyncio.Task] = set()


def _count_and_claim(change: Callable[..., int], practice_id: int) -> tuple[int, bool]:
    count = change(practice_id=practice_id)
    return count, presence_claim(practice_id=practice_id)


async def _broadcast_presence(practice_id: int, group: str) -> None:
    """The thread's coalesced presence broadcast: the count once the interval is over."""
    await asyncio.sleep(readers.PRESENCE_BROADCAST_SECONDS)
    try:
        count = await sync_to_async(presence_release)(practice_id=practice_id)
    except Exception:
        logger.exception("presence for practice %s not broadcast", practice_id)
        return
    await broadcast.agroup_send(group, events.presence(practice_id=practice_id, count=count))


class BadMessage(Exception):
    def __init__(self, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field


def _field(message: dict, name: str, kind: type, *, required: bool = True) -> Any:
    value = message.get(name)
    if value is None:
        if required:
            raise BadMessage(
                "missing_field", _("The field “%(name)s” is missing.") % {"name": name}, name
            )
        return None
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise BadMessage(
            "invalid_field", _("The field “%(name)s” has the wrong type.") % {"name": name}, name
        )
    return value


def _fresh_user(user):
    """The member as the database knows them now: a suspension or a verification made
    after the socket opened counts at once."""
    if user is None or not user.is_authenticated:
        return AnonymousUser()
    return get_user_model().objects.filter(pk=user.pk).first() or AnonymousUser()


class ThreadConsumer(JsonSocket):
    practice_id: int = 0
    group: str = ""
    joined: bool = False
    counted: bool = False
    closing: bool = False
    member_group: str = ""
    language: str = "en"

    # --- Connection -----------------------------------------------------------------------

    def describe(self) -> str:
        return f"thread socket for practice {getattr(self, 'practice_id', '?')}"

    async def connect(self) -> None:
        self.practice_id = int(self.scope["url_route"]["kwargs"]["pk"])
        self.group = events.thread_group(self.practice_id)
        user = self.scope.get("user") or AnonymousUser()
        practice = await database_sync_to_async(thread_selectors.thread_practice_for)(
            user=user, practice_id=self.practice_id
        )
        await self.accept()
        if practice is None:
            await self._send(events.error(code="not_found", message=_("No such thread.")))
            await self._close(CLOSE_NOT_FOUND)
            return
        self.practice: Practice = practice
        self.language = reader_language(self.scope)
        self.joined = await broadcast.agroup_add(self.group, self.channel_name)
        await self._join_member_group(user)
        await self._send(events.hello(practice_id=self.practice_id, last_seq=practice.comment_seq))
        await self._count_presence(presence_join)

    async def disconnect(self, code: int) -> None:
        if self.joined:
            self.joined = False
            await broadcast.agroup_discard(self.group, self.channel_name)
        await self._leave_member_group()
        if self.counted:
            await self._count_presence(presence_leave)

    async def _count_presence(self, change: Callable[..., int]) -> None:
        """Count this socket in or out. A joining socket is told the count at once; the
        thread hears of it in the next coalesced broadcast (practices/presence.py). Presence
        is a nicety: if the cache fails, the socket works on without it."""
        try:
            count, claimed = await sync_to_async(_count_and_claim)(change, self.practice_id)
        except Exception:
            logger.exception("presence for practice %s not counted", self.practice_id)
            return
        self.counted = change is presence_join
        if self.counted:
            await self._send(events.presence(practice_id=self.practice_id, count=count))
        if claimed:
            task = asyncio.create_task(_broadcast_presence(self.practice_id, self.group))
            _waiting.add(task)
            task.add_done_callback(_waiting.discard)

    # --- From the client ------------------------------------------------------------------

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if self.closing:
            return
        if await self._refuse_big_frame(text_data, bytes_data):
            return
        request: str | None = None
        client_id: str | None = None
        try:
            if text_data is None:
                raise BadMessage("bad_json", _("Messages are JSON text frames."))
            try:
                message = json.loads(text_data)
            except ValueError:
                raise BadMessage("bad_json", _("That was not JSON.")) from None
            if not isinstance(message, dict):
                raise BadMessage("bad_json", _("A message is a JSON object."))
            request = message.get("type") if isinstance(message.get("type"), str) else None
            if isinstance(message.get("client_id"), str):
                client_id = message["client_id"]
            handler = self._handler_for(request)
            if handler is None:
                raise BadMessage(
                    "unknown_type",
                    _("Unknown message type: %(type)s.") % {"type": repr(request)},
                    "type",
                )
            await handler(message)
        except BadMessage as bad:
            await self._send(
                events.error(
                    code=bad.code,
                    message=bad.message,
                    request=request,
                    client_id=client_id,
                    field=bad.field,
                )
            )
        except CommentError as refused:
            await self._send(
                events.error(
                    code=refused.code,
                    message=refused.message,
                    request=request,
                    client_id=client_id,
                    retry_after=refused.retry_after,
                )
            )

    def _handler_for(self, request: str | None) -> Callable[[dict], Awaitable[None]] | None:
        return {
            "comment.create": self._comment_create,
            "comment.edit": self._comment_edit,
            "comment.delete": self._comment_delete,
            "resume": self._resume,
            "ping": self._ping,
        }.get(request or "")

    async def _comment_create(self, message: dict) -> None:
        client_id = _field(message, "client_id", str)
        if not 0 < len(client_id) <= comment_services.CLIENT_ID_MAX_LENGTH:
            raise BadMessage(
                "invalid_field", _("client_id must be 1 to 64 characters."), "client_id"
            )
        body = _field(message, "body", str)
        parent = _field(message, "parent", int, required=False)
        ack = await database_sync_to_async(self._create)(
            body=body, parent=parent, client_id=client_id
        )
        await self._send(ack)

    def _create(self, *, body: str, parent: int | None, client_id: str) -> dict:
        comment = comment_services.comment_create(
            practice=self.practice,
            author=_fresh_user(self.scope.get("user")),
            body=body,
            parent=parent,
            client_id=client_id,
        )
        return events.ack(
            request="comment.create", comment_id=comment.pk, seq=comment.seq, client_id=client_id
        )

    async def _comment_edit(self, message: dict) -> None:
        comment_id = _field(message, "id", int)
        body = _field(message, "body", str)
        client_id = _field(message, "client_id", str, required=False)
        ack = await database_sync_to_async(self._change)(
            comment_id=comment_id, body=body, client_id=client_id, request="comment.edit"
        )
        await self._send(ack)

    async def _comment_delete(self, message: dict) -> None:
        comment_id = _field(message, "id", int)
        client_id = _field(message, "client_id", str, required=False)
        ack = await database_sync_to_async(self._change)(
            comment_id=comment_id, body=None, client_id=client_id, request="comment.delete"
        )
        await self._send(ack)

    def _change(
        self, *, comment_id: int, body: str | None, client_id: str | None, request: str
    ) -> dict:
        user = _fresh_user(self.scope.get("user"))
        if not user.is_authenticated:
            raise CommentError("login_required", "Log in to take part in the discussion.")
        comment = thread_selectors.comment_in_thread(
            practice_id=self.practice_id, comment_id=comment_id
        )
        if comment is None:
            raise CommentError("not_found", "There is no such comment in this thread.")
        if body is None:
            comment = comment_services.comment_delete(comment=comment, user=user)
        else:
            comment = comment_services.comment_edit(comment=comment, editor=user, body=body)
        return events.ack(
            request=request, comment_id=comment.pk, seq=comment.changed_seq, client_id=client_id
        )

    async def _resume(self, message: dict) -> None:
        after = _field(message, "after", int)
        if after < 0:
            raise BadMessage("invalid_field", _("after must be 0 or more."), "after")
        last_seq, payloads = await database_sync_to_async(self._replay)(after=after)
        if last_seq < after:
            raise BadMessage(
                "resume_ahead",
                _("This thread has fewer changes than that; reload the page."),
                "after",
            )
        for payload in payloads:
            await self._send(payload)
        await self._send(events.resumed(after=after, last_seq=last_seq, replayed=len(payloads)))

    def _replay(self, *, after: int) -> tuple[int, list[dict]]:
        """Everything that changed after `after`, from the database: the thread's backlog."""
        last_seq = thread_selectors.thread_last_seq(practice_id=self.practice_id)
        payloads: list[dict] = []
        cursor = after
        while after <= last_seq:
            batch = thread_selectors.thread_changes_after(
                practice_id=self.practice_id, after_changed=cursor
            )
            payloads.extend(
                events.replay_payload(comment, after=after, language=self.language)
                for comment in batch
            )
            if len(batch) < thread_selectors.REPLAY_BATCH:
                break
            cursor = batch[-1].changed_seq
        if payloads:
            last_seq = max(last_seq, payloads[-1]["seq"])
        return last_seq, payloads

    async def _ping(self, message: dict) -> None:
        await self._send(events.pong())

    # --- From the group: only forward -----------------------------------------------------

    async def comment_created(self, event: dict) -> None:
        await self._send(events.for_reader(event, self.language))

    async def comment_edited(self, event: dict) -> None:
        await self._send(events.for_reader(event, self.language))

    async def comment_deleted(self, event: dict) -> None:
        await self._send(events.for_reader(event, self.language))

    async def presence(self, event: dict) -> None:
        await self._send(event)

    # --- Moderation -----------------------------------------------------------------------
    # A member's thread sockets also join their own group, user.<id>, so that a suspension
    # reaches every socket they have open; each one closes with 4403. A locked thread is
    # news for every reader, forwarded like the comment events.

    async def _join_member_group(self, user) -> None:
        if user is not None and user.is_authenticated:
            group = events.user_group(user.pk)
            if await broadcast.agroup_add(group, self.channel_name):
                self.member_group = group

    async def _leave_member_group(self) -> None:
        if self.member_group:
            group, self.member_group = self.member_group, ""
            await broadcast.agroup_discard(group, self.channel_name)

    async def thread_locked(self, event: dict) -> None:
        await self._send(event)

    async def user_suspended(self, event: dict) -> None:
        if self.closing:
            return
        await self._send(events.error(code="suspended", message=_("Your account is suspended.")))
        await self._close(CLOSE_SUSPENDED)
