"""How many sockets are reading a thread now, counted in the shared cache.

One integer per practice: incremented when a socket joins, decremented when it leaves,
its time-to-live refreshed on every join. With Redis as the cache every server process
counts into the same key. A process that dies without closing its sockets leaves them
counted until the key expires (PRESENCE_TTL_SECONDS after the last join); the count never
goes below zero.

Telling the thread is coalesced: a socket that joins gets the count itself, and the others
hear of joins and leaves at most once per PRESENCE_BROADCAST_SECONDS per thread, over all
processes. Whoever changes the count first in a quiet thread claims the next broadcast
(`presence_claim`); the claimer waits out the interval, then drops the claim and reads the
count (`presence_release`), so every change made while the claim was held is in the number
it sends. Sockets opening one after another on a busy thread cost one broadcast a second,
not one for every socket already in it.
"""

from __future__ import annotations

from django.core.cache import cache

PRESENCE_TTL_SECONDS = 6 * 60 * 60
PRESENCE_BROADCAST_SECONDS = 1.0
# A claimer that dies before it broadcasts holds the thread's broadcast up to this long.
CLAIM_TTL_SECONDS = 10


def _key(practice_id: int) -> str:
    return f"presence:practice:{practice_id}"


def _claim_key(practice_id: int) -> str:
    return f"presence:broadcast:{practice_id}"


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


def presence_claim(*, practice_id: int) -> bool:
    """Claim the thread's next presence broadcast. False: another socket, here or in another
    process, has claimed it and will send the count after this change."""
    return cache.add(_claim_key(practice_id), 1, timeout=CLAIM_TTL_SECONDS)


def presence_release(*, practice_id: int) -> int:
    """Drop the claim, then read the count for the broadcast: a change made after this
    claims the next one."""
    cache.delete(_claim_key(practice_id))
    return presence_count(practice_id=practice_id)
