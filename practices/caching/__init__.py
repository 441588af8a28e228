"""Everything the site keeps in the cache, in one package; docs/caching.md is its table.

Scopes and stamps. What a page shows depends on a few *scopes*: one practice
(`practice:<id>`: its page and thread), one tag (`tag:<slug>`: its page), every listing
(`listing`: the list and the searches), the home page (`home`), and `site` (what shows
everywhere: tag names, members' names). Each scope has a version in the cache, and a page's
*stamp* is the versions of its scopes read together. What is kept for a page is kept under its
stamp; a write drops the scopes it changed (`drop`, called by the services; again when their
transaction commits), the next reader finds a new stamp and renders the page again. Nothing
else is touched: a comment on one practice leaves every other practice's page as it was.

The version is read *before* the content is rendered, so a write that commits while a page
renders makes what it stores stale at once; never the reverse.

What is kept (practices/caching/pages.py, practices/caching/fragments.py, practices/pages.py):
whole pages for visitors, page fragments for readers with nothing of their own on the page,
and rendered comments and cards under a digest of what they show. Slow counts that may be a
little late (the list's facets) are kept by `cached_refreshing`.

When the cache is down, nothing is kept or found and every page is computed: slower, never
wrong.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import transaction

from practices.models import Practice

logger = logging.getLogger(__name__)

T = TypeVar("T")

SITE = "site"
LISTING = "listing"
HOME = "home"


def practice_scope(pk: int | str) -> str:
    return f"practice:{pk}"


def tag_scope(slug: str) -> str:
    return f"tag:{slug}"


def _version_key(scope: str) -> str:
    return f"v:{scope}"


def stamp_get(scopes: Iterable[str], keys: Iterable[str] = ()) -> tuple[str | None, dict[str, Any]]:
    """The stamp of `scopes`, and what the cache holds under `keys`, in one round trip.
    A scope without a version (never read, dropped, or evicted) gets a new one. With the
    cache down: (None, {}), and nothing is to be stored."""
    version_keys = [_version_key(scope) for scope in scopes]
    try:
        found = cache.get_many([*version_keys, *keys])
        versions = []
        for key in version_keys:
            version = found.pop(key, None)
            if version is None:
                version = uuid.uuid4().hex[:12]
                if not cache.add(key, version, None):
                    version = cache.get(key) or version
            versions.append(version)
    except Exception:
        logger.exception("kept pages unavailable")
        return None, {}
    return ".".join(versions), found


def drop(*scopes: str) -> None:
    """What is kept under these scopes is stale: dropped now, so that the rest of the writing
    transaction reads its own change, and again once it commits, so that a reader who
    rendered the page from the rows as they were before the commit does not keep them.
    Call from the service that writes."""
    keys = [_version_key(scope) for scope in dict.fromkeys(scopes)]

    def dropped() -> None:
        try:
            cache.delete_many(keys)
        except Exception:
            # Kept pages still expire on their own (docs/caching.md gives how soon).
            logger.exception("kept pages not dropped: %s", ", ".join(keys))

    dropped()
    transaction.on_commit(dropped)


def drop_practice(practice_id: int, *, tag_slugs: Iterable[str] = ()) -> None:
    """A practice, its comments, adaptations or state changed: its page, the listings and
    the home page (cards show its counts), and the pages of its tags (`tag_slugs`: also
    those it had before the write). Call inside the write's transaction; one query."""
    slugs = set(tag_slugs) | set(Practice(pk=practice_id).tags.values_list("slug", flat=True))
    drop(practice_scope(practice_id), LISTING, HOME, *(tag_scope(slug) for slug in slugs))


def drop_site() -> None:
    """Something shown on every page changed (a member's name, a tag's name): rare writes."""
    drop(SITE)


def kept_value(found: dict[str, Any], key: str, stamp: str | None) -> Any:
    """The value stored under `key` with stamp_set, if it was stored under `stamp`."""
    entry = found.get(key)
    if stamp is None or not isinstance(entry, tuple) or len(entry) != 2 or entry[0] != stamp:
        return None
    return entry[1]


def stamp_set(key: str, stamp: str | None, value: Any, seconds: int) -> None:
    """Store `value` under `key` for readers who find the same stamp."""
    if stamp is None or seconds <= 0:
        return
    try:
        cache.set(key, (stamp, value), seconds)
    except Exception:
        logger.exception("not kept: %s", key)


def cached_refreshing(key: str, compute: Callable[[], T], seconds: int) -> T:
    """The cached value of `compute()` under `key`, at most `seconds` old unless another
    process is busy refreshing it.

    `cache.get_or_set` lets every request that finds the key expired compute the value at
    once; for the list's facet counts over 100,000 practices (a second or more) that is a
    stampede every time the minute runs out. Here a value stays fresh for `seconds`, then
    stale for up to STALE_FACTOR times as long: the first request that finds it stale takes
    a short lock and recomputes, every other one gets the stale value meanwhile."""
    if seconds <= 0:
        return compute()
    try:
        entry = cache.get(key)
        if entry is not None:
            fresh_until, value = entry
            refreshing = f"{key}:refreshing"
            if time.time() < fresh_until or not cache.add(refreshing, 1, max(seconds, 30)):
                return value
    except Exception:
        # Computed by everyone while the cache is away: slower, never wrong.
        logger.exception("kept counts unavailable: %s", key)
        return compute()
    try:
        value = compute()
    finally:
        if entry is not None:
            _quietly(cache.delete, f"{key}:refreshing")
    _quietly(cache.set, key, (time.time() + seconds, value), seconds * STALE_FACTOR)
    return value


def _quietly(operation: Callable[..., Any], *args: Any) -> None:
    """A write to the cache that may fail: logged, and the page goes on."""
    try:
        operation(*args)
    except Exception:
        logger.exception("the cache refused %s", operation.__name__)


STALE_FACTOR = 10
