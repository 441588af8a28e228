"""How many sockets are reading a thread now, counted in the shared cache.

One integer per practice: incremented when a socket joins, decremented when it leaves,
its time-to-live refreshed on every join. With Redis as the cache every server process
counts into the same key. A process that dies without closing its sockets leaves them
counted until the key expires (PRESENCE_TTL_SECONDS after the last join); the count never
goes below zero.
"""

from __future__ import annotations

from django.core.cache import cache

PRESENCE_TTL_SECONDS = 6 * 60 * 60


def _key(practice_id: int) -> str:
    return f"presence:practice:{practice_id}"


def presence_join(*, practice_id: int) -> int:
    """Count one more reader; returns the new count."""
    key = _key(practice_id)
    if cache.add(key, 1, timeout=PRESENCE_TTL_SECONDS):
        return 1
    try:
        count = cache.incr(key)
    except ValueError:
        cache.add(key, 1, timeout=PRESENCE_TTL_SECONDS)
        return 1
    cache.touch(key, PRESENCE_TTL_SECONDS)
    return max(count, 0)


def presence_leave(*, practice_id: int) -> int:
    """Count one reader fewer; returns the new count."""
    key = _key(practice_id)
    try:
        count = cache.decr(key)
    except ValueError:
        return 0
    if count < 0:
        # The key expired and came back while old sockets were still open: heal to zero.
        try:
            count = cache.incr(key, -count)
        except ValueError:
            return 0
    return max(count, 0)


def presence_count(*, practice_id: int) -> int:
    return max(int(cache.get(_key(practice_id), 0) or 0), 0)
