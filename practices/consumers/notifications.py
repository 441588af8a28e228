"""The bell's live side: /ws/notifications/ (docs/live-protocol.md, "The notifications socket").

An adapter: `connect` refuses visitors (an `error` login_required, then close 4401), joins
the member's group user.<id>, counts the socket as online (practices/online.py) and sends
the unread count; the group handlers only forward. Reading notifications on one tab updates
the bell in every other, because the services send the new count to the group.
"""

from __future__ import annotations

import json
import logging

from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from django.utils.translation import gettext as _

from practices import broadcast, events
from practices.consumers.base import CLOSE_LOGIN_REQUIRED, CLOSE_SUSPENDED, JsonSocket
from practices.online import online_join, online_leave
from practices.selectors.notifications import unread_count

logger = logging.getLogger(__name__)


class NotificationConsumer(JsonSocket):
    user_id: int = 0
    group: str = ""
    joined: bool = False
    counted: bool = False
    closing: bool = False

    def describe(self) -> str:
        return f"notifications socket of member {self.user_id}"

    async def connect(self) -> None:
        user = self.scope.get("user")
        await self.accept()
        if user is None or not user.is_authenticated or not user.is_active:
            await self._send(
                events.error(code="login_required", message=_("Log in to get notifications."))
            )
            await self._close(CLOSE_LOGIN_REQUIRED)
            return
        self.user_id = user.pk
        self.group = events.user_group(self.user_id)
        self.joined = await broadcast.agroup_add(self.group, self.channel_name)
        try:
            await sync_to_async(online_join)(user_id=self.user_id)
            self.counted = True
        except Exception:
            # Without the cache this socket still gets counts sent to the member directly.
            logger.exception("notifications socket of member %s not counted", self.user_id)
        count = await database_sync_to_async(unread_count)(user=user)
        await self._send(events.unread(count=count))

    async def disconnect(self, code: int) -> None:
        if self.joined:
            self.joined = False
            await broadcast.agroup_discard(self.group, self.channel_name)
        if self.counted:
            self.counted = False
            try:
                await sync_to_async(online_leave)(user_id=self.user_id)
            except Exception:
                logger.exception("notifications socket of member %s not uncounted", self.user_id)

    # --- From the client ------------------------------------------------------------------

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if self.closing:
            return
        if await self._refuse_big_frame(text_data, bytes_data):
            return
        try:
            message = json.loads(text_data) if text_data is not None else None
        except ValueError:
            message = None
        if not isinstance(message, dict):
            await self._send(
                events.error(code="bad_json", message=_("A message is a JSON object."))
            )
            return
        kind = message.get("type")
        if kind == "ping":
            await self._send(events.pong())
        else:
            await self._send(
                events.error(
                    code="unknown_type",
                    message=_("Unknown message type: %(type)s.") % {"type": repr(kind)},
                    request=kind if isinstance(kind, str) else None,
                    field="type",
                )
            )

    # --- From the group: only forward -----------------------------------------------------

    async def unread(self, event: dict) -> None:
        await self._send(event)

    async def user_suspended(self, event: dict) -> None:
        # A suspension closes every open socket of the member; the pages say why on reload.
        if self.closing:
            return
        await self._send(event)
        await self._close(CLOSE_SUSPENDED)
