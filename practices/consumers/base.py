"""What every socket of the site shares: JSON frames, the size limit, close codes, and the
rule that nothing raised in a consumer escapes it."""

from __future__ import annotations

import json
import logging

from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.http.cookie import parse_cookie
from django.utils import translation
from django.utils.translation import get_supported_language_variant
from django.utils.translation import gettext as _
from django.utils.translation.trans_real import parse_accept_lang_header

from practices import events

logger = logging.getLogger(__name__)

# Close codes (RFC 6455, and the 4000 range for the application; docs/live-protocol.md).
CLOSE_TOO_BIG = 1009
CLOSE_SERVER_ERROR = 1011
CLOSE_LOGIN_REQUIRED = 4401
CLOSE_SUSPENDED = 4403
CLOSE_NOT_FOUND = 4404


def reader_language(scope: dict) -> str:
    """The interface language of the person on this socket, chosen as for their pages: their
    saved choice, else the language cookie, else the browser's Accept-Language."""
    codes = dict(settings.LANGUAGES)
    user = scope.get("user")
    if user is not None and user.is_authenticated and getattr(user, "language", "") in codes:
        return user.language
    headers = dict(scope.get("headers") or [])
    cookies = scope.get("cookies")
    if cookies is None:
        cookies = parse_cookie(headers.get(b"cookie", b"").decode("latin-1"))
    cookie = cookies.get(settings.LANGUAGE_COOKIE_NAME)
    if cookie in codes:
        return cookie
    accept = headers.get(b"accept-language", b"").decode("latin-1")
    for language, _quality in parse_accept_lang_header(accept):
        try:
            return get_supported_language_variant(language)
        except LookupError:
            continue
    return settings.LANGUAGE_CODE


class JsonSocket(AsyncWebsocketConsumer):
    closing: bool = False

    def describe(self) -> str:
        """Names this socket in the log."""
        return type(self).__name__

    def _not_for_this_socket(self, message: dict) -> bool:
        """A member's group user.<id> carries news for each of their sockets; one without a
        handler for a kind of news lets it pass."""
        kind = message.get("type")
        if not isinstance(kind, str) or kind.startswith("websocket."):
            return False
        return not hasattr(self, kind.replace(".", "_"))

    async def dispatch(self, message: dict) -> None:
        if self._not_for_this_socket(message):
            return
        kind = message.get("type")
        try:
            if kind in ("websocket.connect", "websocket.receive"):
                # What the client sent is answered in the reader's language: refusals and
                # errors carry a sentence for people (the forwarded news is rendered per
                # language already).
                with translation.override(reader_language(self.scope)):
                    await super().dispatch(message)
            else:
                await super().dispatch(message)
        except StopConsumer:
            raise
        except OSError as exc:
            # The client left while we were sending to it (uvicorn raises ClientDisconnected,
            # an OSError); its disconnect message ends this consumer.
            logger.debug("%s gone: %s", self.describe(), exc)
        except Exception:
            logger.exception("%s failed", self.describe())
            if kind == "websocket.disconnect":
                # The connection is gone whatever failed on the way out: end this consumer.
                raise StopConsumer() from None
            if kind == "websocket.connect":
                await self._close_safely(CLOSE_SERVER_ERROR)
            elif kind == "websocket.receive" and not self.closing:
                with translation.override(reader_language(self.scope)):
                    sorry = _("Something went wrong on our side.")
                await self._send_safely(events.error(code="server_error", message=sorry))

    async def _refuse_big_frame(self, text_data: str | None, bytes_data: bytes | None) -> bool:
        """Close with 1009 and return True when a frame is over the limit."""
        size = len(text_data.encode("utf-8")) if text_data is not None else len(bytes_data or b"")
        if size > settings.WEBSOCKET_MAX_FRAME_BYTES:
            await self._close(CLOSE_TOO_BIG)
            return True
        return False

    async def _send(self, payload: dict) -> None:
        if not self.closing:
            await self.send(text_data=json.dumps(payload))

    async def _send_safely(self, payload: dict) -> None:
        try:
            await self._send(payload)
        except Exception:
            logger.exception("could not tell the client about a failure")

    async def _close(self, code: int) -> None:
        self.closing = True
        await self.close(code=code)

    async def _close_safely(self, code: int) -> None:
        try:
            await self._close(code)
        except Exception:
            logger.exception("could not close the socket")
