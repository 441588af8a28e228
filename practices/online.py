"""Which members have a notifications socket open, counted in the shared cache.

One integer per member: incremented when their notifications socket connects, decremented
when it closes, its time-to-live refreshed on every connect (like practices/presence.py).
A new practice under a tag followed by 10,000 members sends the live "unread" nudge only
to the few of them who are online, found with one get_many instead of 10,000 sends. A
process that dies with sockets open leaves them counted until the key expires, which only
costs a few sends to nobody.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.cache import cache

ONLINE_TTL_SECONDS = 6 * 60 * 60
# Keys asked of the cache at once: one round trip per batch, even for 10,000 members.
LOOKUP_BATCH = 1000


def _key(user_id: int) -> str:
    return f"online:notifications:{user_id}"


def online_join(*, user_id: int) -> int:
    """Count one more open socket for this member; returns the new count."""
    key = _key(user_id)
    if cache.add(key, 1, timeout=ONLINE_TTL_SECONDS):
        return 1
    try:
        count = cache.incr(key)
    except ValueError:
        cache.add(key, 1, timeout=ONLINE_TTL_SECONDS)
        return 1
    cache.touch(key, ONLINE_TTL_SECONDS)
    return max(count, 0)


def online_leave(*, user_id: int) -> int:
    """Count one open socket fewer; returns the new count (never below zero)."""
    key = _key(user_id)
    try:
        count = cache.decr(key)
    except ValueError:
        return 0
    if count <= 0:
        cache.delete(key)
        return 0
    return count


def online_filter(*, user_ids: Iterable[int]) -> list[int]:
    """The members among `user_ids` who have a notifications socket open now."""
    ids = list(dict.fromkeys(user_ids))
    online: list[int] = []
    for start in range(0, len(ids), LOOKUP_BATCH):
        batch = ids[start : start + LOOKUP_BATCH]
        found = cache.get_many([_key(user_id) for user_id in batch])
        online.extend(user_id for user_id in batch if int(found.get(_key(user_id)) or 0) > 0)
    return online
