"""The one place that talks to the channel layer.

Data first, news second: a comment is saved before anything is broadcast, so a broadcast
that fails (channel layer down, Redis unreachable) is logged and swallowed, and the
clients catch up from the database when they resume.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

logger = logging.getLogger(__name__)

# A layer that hangs must not hold a request or a socket hostage.
TIMEOUT_SECONDS = 2.0


async def agroup_send(group: str, message: dict[str, Any]) -> bool:
    """Send `message` to every socket in `group`. Returns False (and logs) on failure."""
    try:
        layer = get_channel_layer()
        if layer is None:
            logger.error("broadcast to %s skipped: no channel layer configured", group)
            return False
        await asyncio.wait_for(layer.group_send(group, message), TIMEOUT_SECONDS)
    except Exception:
        logger.exception(
            "broadcast of %s to %s failed; clients catch up on resume",
            message.get("type"),
            group,
        )
        return False
    return True


def group_send(group: str, message: dict[str, Any]) -> bool:
    """The same from synchronous code, such as a transaction.on_commit callback."""
    try:
        return async_to_sync(agroup_send)(group, message)
    except Exception:
        logger.exception("broadcast of %s to %s failed", message.get("type"), group)
        return False


async def agroup_add(group: str, channel_name: str) -> bool:
    try:
        layer = get_channel_layer()
        if layer is None:
            return False
        await asyncio.wait_for(layer.group_add(group, channel_name), TIMEOUT_SECONDS)
    except Exception:
        logger.exception("joining %s failed; this socket gets no live updates", group)
        return False
    return True


async def agroup_discard(group: str, channel_name: str) -> bool:
    try:
        layer = get_channel_layer()
        if layer is None:
            return False
        await asyncio.wait_for(layer.group_discard(group, channel_name), TIMEOUT_SECONDS)
    except Exception:
        logger.exception("leaving %s failed", group)
        return False
    return True
