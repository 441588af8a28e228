"""Cached reads that are slow to compute: one process recomputes, the others keep serving.

`cache.get_or_set` lets every request that finds the key expired compute the value at once;
for the list's facet counts over 100,000 practices (a second or more) that is a stampede
every time the minute runs out. Here a value stays *fresh* for `seconds`, then *stale* for
up to STALE_FACTOR times as long: the first request that finds it stale takes a short lock
and recomputes, every other one gets the stale value meanwhile. Only a key that is missing
altogether (a cold cache) is computed by whoever asks.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.core.cache import cache

from forum.anon_cache import GENERATION_KEY

logger = logging.getLogger(__name__)

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


# --- Kept under the content generation -------------------------------------------------------
# Some parts of a page depend on too many rows to be keyed by what they contain (a listing,
# a thread as one kind of reader sees it). They are kept under the content generation of
# forum/anon_cache.py instead: every write that changes what readers see replaces it when it
# commits, and what was stored under the one before stops being served, on every process.


def generation_get_many(keys: Iterable[str]) -> tuple[str | None, dict[str, Any]]:
    """The current content generation, and those of `keys` that were stored under it: one
    round trip. After the cache was emptied a generation is started and nothing is found;
    with the cache down, nothing is found and nothing will be stored."""
    try:
        found = cache.get_many([GENERATION_KEY, *keys])
        generation = found.pop(GENERATION_KEY, None)
        if generation is None:
            cache.add(GENERATION_KEY, uuid.uuid4().hex, None)
            return None, {}
    except Exception:
        # The pages are computed as if nothing had been kept: slower, never wrong.
        logger.exception("kept page parts unavailable")
        return None, {}
    return generation, {
        key: entry[1]
        for key, entry in found.items()
        if isinstance(entry, tuple) and len(entry) == 2 and entry[0] == generation
    }


def generation_set_many(generation: str | None, values: dict[str, Any], seconds: int) -> None:
    """Store `values` under `generation`, read with generation_get_many before they were
    computed (so that a write committed meanwhile makes them stale, never the reverse).
    Nothing is stored without a generation."""
    if generation is None or not values or seconds <= 0:
        return
    try:
        cache.set_many({key: (generation, value) for key, value in values.items()}, seconds)
    except Exception:
        logger.exception("page parts not kept")
