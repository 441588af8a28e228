"""Per-member posting limit, counted in the cache so that every server process shares it.

A fixed window: at most `limit` posts per `window` seconds, the count starting afresh at
each window boundary. Simple and atomic (`add` then `incr`) on both the local-memory cache
and Redis; the price is that a burst straddling a boundary may reach twice the limit.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache


@dataclass(frozen=True)
class RateLimit:
    allowed: bool
    # Seconds until the next window opens; 0 when the attempt was allowed.
    retry_after: int


def _clock() -> float:
    return time.time()


def rate_limit_hit(*, key: str, limit: int, window: int) -> RateLimit:
    """Count one attempt against `key` and say whether it stays within the limit."""
    window = max(int(window), 1)
    now = _clock()
    bucket = int(now // window)
    cache_key = f"ratelimit:{key}:{window}:{bucket}"
    if cache.add(cache_key, 1, timeout=window + 1):
        count = 1
    else:
        try:
            count = cache.incr(cache_key)
        except ValueError:
            # The key expired between add and incr: this attempt opens the window.
            cache.add(cache_key, 1, timeout=window + 1)
            count = 1
    if count <= limit:
        return RateLimit(allowed=True, retry_after=0)
    return RateLimit(allowed=False, retry_after=max(int((bucket + 1) * window - now) + 1, 1))


def post_rate_limit_hit(*, user_id: int) -> RateLimit:
    """One post by this member, over HTTP or the socket alike."""
    return rate_limit_hit(
        key=f"post:{user_id}",
        limit=settings.POST_RATE_LIMIT,
        window=settings.POST_RATE_WINDOW_SECONDS,
    )
