"""Cached reads that are slow to compute: one process recomputes, the others keep serving.

`cache.get_or_set` lets every request that finds the key expired compute the value at once;
for the list's facet counts over 100,000 practices (a second or more) that is a stampede
every time the minute runs out. Here a value stays *fresh* for `seconds`, then *stale* for
up to STALE_FACTOR times as long: the first request that finds it stale takes a short lock
and recomputes, every other one gets the stale value meanwhile. Only a key that is missing
altogether (a cold cache) is computed by whoever asks.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache

T = TypeVar("T")
STALE_FACTOR = 10


def cached_refreshing(key: str, compute: Callable[[], T], seconds: int) -> T:
    """The cached value of `compute()` under `key`, at most `seconds` old unless another
    process is busy refreshing it."""
    if seconds <= 0:
        return compute()
    entry = cache.get(key)
    now = time.time()
    if entry is not None:
        fresh_until, value = entry
        if now < fresh_until or not cache.add(f"{key}:refreshing", 1, timeout=max(seconds, 30)):
            return value
    try:
        value = compute()
        cache.set(key, (time.time() + seconds, value), seconds * STALE_FACTOR)
    finally:
        if entry is not None:
            cache.delete(f"{key}:refreshing")
    return value
