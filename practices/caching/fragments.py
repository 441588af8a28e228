"""Parts of pages kept in the cache: fragments of a page under its stamp (`page_parts`,
printed by `{% kept %}` in practices/templatetags/kept.py), and single comments and practice
cards under a digest of what they show.

A fragment holds only what every reader who is given it sees alike: the page assembly
(practices/pages.py) gives none to a reader with anything of their own in it, and `{% kept %}`
renders it without a CSRF token, so a form inside one could never carry a reader's token.

Rendered comments and practice cards: a thread of 100 comments or a list of 20 cards is
mostly the same HTML on every visit, and rendering it (dates, names, links) costs more than
the queries.

A comment's HTML (templates/practices/_comment.html, the partial the live events carry) is
the same for every reader. It is stored under a key that changes whenever anything in it
changes: the comment's changed_seq (every edit, deletion, hiding or restoring takes a new
one), its author's name, role and organisation, and for a reply the state and author of the
comment it answers. The one thing the key cannot see is the clock ("3 hours ago"), so only
comments older than an hour are stored, for FRAGMENT_SECONDS: the relative time then moves
by the hour, and a stored one is late by at most those few minutes.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections import OrderedDict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from practices.caching import kept_value, stamp_get, stamp_set
from practices.events import render_comment
from practices.models import Comment, Practice

logger = logging.getLogger(__name__)

FRAGMENT_SECONDS = 300
CARD_SECONDS = 600
MIN_AGE = timedelta(hours=1)


class Kept:
    """A part of a page that `{% kept %}` prints: `html` if it was kept, else rendered and
    handed to `keep`."""

    html: str | None

    def keep(self, html: str) -> None:
        raise NotImplementedError


@dataclass
class Fragment(Kept):
    """One kept part of a page: its HTML if the cache had it under the page's stamp, else
    where to keep it once rendered."""

    key: str
    stamp: str | None
    seconds: int
    html: str | None = None

    def keep(self, html: str) -> None:
        stamp_set(self.key, self.stamp, html, self.seconds)


# --- Parts that depend on nothing but the templates -----------------------------------------
# The header's and footer's links, labels and language menu are the same for every reader of
# one kind (visitor or member), in one language, on one page (the view's name): they depend
# on the templates and settings alone, which change only when the process restarts. So each
# process keeps them in its memory, rendered once: no round trip at all. Nothing is kept with
# DEBUG on, so that an edited template shows at the next request. Languages × kinds × pages ×
# parts: a few hundred at most.
_PROCESS_PARTS: OrderedDict[Hashable, str] = OrderedDict()
_PROCESS_LOCK = threading.Lock()
PROCESS_PARTS_MAX = 2000


@dataclass
class ProcessPart(Kept):
    key: Hashable
    html: str | None = None

    def keep(self, html: str) -> None:
        with _PROCESS_LOCK:
            _PROCESS_PARTS[self.key] = html
            while len(_PROCESS_PARTS) > PROCESS_PARTS_MAX:
                _PROCESS_PARTS.popitem(last=False)


def process_part(key: Hashable) -> ProcessPart | None:
    """The part kept in this process under `key` (a tuple of what it depends on), or where to
    keep it; None with DEBUG on (rendered every time)."""
    if settings.DEBUG:
        return None
    with _PROCESS_LOCK:
        html = _PROCESS_PARTS.get(key)
        if html is not None:
            _PROCESS_PARTS.move_to_end(key)
    return ProcessPart(key=key, html=html)


def process_parts_clear() -> None:
    with _PROCESS_LOCK:
        _PROCESS_PARTS.clear()


def fragment_key(name: str) -> str:
    """The key of a part of a page, in the language it is rendered in."""
    return f"frag:{name}:{get_language()}"


def page_parts(
    scopes: list[str], parts: dict[str, tuple[str, int]], keys: Iterable[str] = ()
) -> tuple[str | None, dict[str, Fragment], dict[str, Any]]:
    """A page's stamp, its kept parts (`parts`: name to the fragment's name and how long it
    may be kept) and the values of `keys`, all in one round trip. With the cache down there
    is no stamp: every part is rendered, nothing is kept."""
    full = {name: (fragment_key(key), seconds) for name, (key, seconds) in parts.items()}
    stamp, found = stamp_get(scopes, [*(key for key, _ in full.values()), *keys])
    fragments = {
        name: Fragment(key=key, stamp=stamp, seconds=seconds, html=kept_value(found, key, stamp))
        for name, (key, seconds) in full.items()
    }
    return stamp, fragments, found


def _get_many(keys: list[str]) -> dict[str, str]:
    try:
        return cache.get_many(keys)
    except Exception:
        # Rendered again, never wrong: the page only takes longer.
        logger.exception("rendered comments and cards unavailable")
        return {}


def _set_many(values: dict[str, str], seconds: int) -> None:
    try:
        cache.set_many(values, seconds)
    except Exception:
        logger.exception("rendered comments and cards not kept")


def _key(comment: Comment) -> str:
    author = comment.author
    parts = [
        str(comment.changed_seq),
        author.display_name,
        author.role,
        author.organisation,
    ]
    if comment.parent_id:
        parent = comment.parent
        gone = parent.deleted_at is not None or parent.hidden_at is not None
        parts += ["gone" if gone else parent.author.display_name]
    digest = hashlib.blake2b("\x1f".join(parts).encode(), digest_size=8).hexdigest()
    return f"comment-html:{comment.pk}:{get_language()}:{digest}"


def attach_comment_html(comments: Iterable[Comment]) -> None:
    """Set `comment.html` on each comment, from the cache where it can be. Needs the author
    (and for replies the parent with its author) loaded, as render_comment does."""
    comments = list(comments)
    old_enough = timezone.now() - MIN_AGE
    storable = {_key(c): c for c in comments if c.created_at <= old_enough}
    found = _get_many(list(storable)) if storable else {}
    fresh: dict[str, str] = {}
    for comment in comments:
        key = _key(comment) if comment.created_at <= old_enough else None
        html = found.get(key) if key else None
        if html is None:
            html = render_comment(comment)
            if key:
                fresh[key] = html
        comment.html = _safe(html)
    if fresh:
        _set_many(fresh, FRAGMENT_SECONDS)


def _safe(html: str) -> SafeString:
    # The partial's own output, escaped by the template engine when it was rendered.
    return mark_safe(html)  # noqa: S308


# --- Practice cards -------------------------------------------------------------------------
# A card (templates/practices/_practice_card.html) shows the same to every reader and holds no
# time: its key is a digest of everything it shows, so any change to the practice, its counts
# or its tags (a renamed tag included) gives a new key.


def _card_key(practice: Practice) -> str:
    tags = getattr(practice, "tag_list", [])
    parts = [
        practice.title,
        practice.summary,
        practice.city,
        str(practice.country),
        practice.organisation,
        practice.area,
        practice.stage,
        str(practice.comment_count),
        str(practice.adaptation_count),
        str(practice.validated_at is not None),
        str(practice.featured_at is not None),
        practice.slug,
        *(f"{tag.slug}\x1e{tag.name}\x1e{tag.is_official}" for tag in tags),
    ]
    digest = hashlib.blake2b("\x1f".join(parts).encode(), digest_size=8).hexdigest()
    return f"card-html:{practice.pk}:{get_language()}:{digest}"


def attach_card_html(practices: Iterable[Practice]) -> None:
    """Set `practice.card_html` on each practice (with its `tag_list`), from the cache where
    it can be; the card template prints it instead of rendering itself again."""
    practices = list(practices)
    if not practices:
        return
    keys = {_card_key(p): p for p in practices}
    found = _get_many(list(keys))
    fresh: dict[str, str] = {}
    for key, practice in keys.items():
        html = found.get(key)
        if html is None:
            html = render_to_string("practices/_practice_card.html", {"practice": practice})
            fresh[key] = html
        practice.card_html = _safe(html)
    if fresh:
        _set_many(fresh, CARD_SECONDS)
