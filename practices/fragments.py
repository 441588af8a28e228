"""Rendered comments and practice cards, kept in the cache: a thread of 100 comments or a
list of 20 cards is mostly the same HTML on every visit, and rendering it (dates, names,
links) costs more than the queries.

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
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from practices.events import render_comment
from practices.models import Comment, Practice

FRAGMENT_SECONDS = 300
CARD_SECONDS = 600
MIN_AGE = timedelta(hours=1)


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
    found = cache.get_many(list(storable)) if storable else {}
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
        cache.set_many(fresh, FRAGMENT_SECONDS)


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
    found = cache.get_many(list(keys))
    fresh: dict[str, str] = {}
    for key, practice in keys.items():
        html = found.get(key)
        if html is None:
            html = render_to_string("practices/_practice_card.html", {"practice": practice})
            fresh[key] = html
        practice.card_html = _safe(html)
    if fresh:
        cache.set_many(fresh, CARD_SECONDS)


# --- Blocks shared by one kind of reader ----------------------------------------------------
# A block kept for every reader of one kind (a thread as the members who may post in it see
# it) holds nothing that is one reader's own. It is rendered with stand-ins for the two
# things that are: the CSRF token of its forms and the reader's id, which each request puts
# back with `fill_in`. The stand-ins are plain letters and digits, so escaping keeps them.
CSRF_STAND_IN = "csrf0stand0in0a61f"
READER_STAND_IN = "reader0stand0in0c29e"
# The path a form sends the reader back to ({% reader_path %}, practices/templatetags/pages.py).
PATH_STAND_IN = "path0stand0in0d83b"


@dataclass
class SharedBlock:
    """A {% shared %} part of a page (practices/templatetags/pages.py): the HTML kept for
    this kind of reader if there is one, else how to keep what is rendered now (None: it
    is this reader's alone)."""

    html: str | None = None
    keep: Callable[[str], None] | None = None


def render_shared(template_name: str, context: dict[str, Any]) -> str:
    """`template_name` rendered without a request, its CSRF tokens left as stand-ins."""
    return render_to_string(template_name, {**context, "csrf_token": CSRF_STAND_IN})


def fill_in(html: str, *, request: HttpRequest | None) -> SafeString:
    """A shared block with this request's CSRF token and reader in place of the stand-ins.
    The token is asked for only if the block has a form, as rendering it would have."""
    if CSRF_STAND_IN in html:
        html = html.replace(CSRF_STAND_IN, get_token(request) if request is not None else "")
    if READER_STAND_IN in html:
        user = getattr(request, "user", None)
        reader = str(user.pk) if user is not None and user.is_authenticated else ""
        html = html.replace(READER_STAND_IN, reader)
    if PATH_STAND_IN in html:
        html = html.replace(PATH_STAND_IN, escape(request.get_full_path()) if request else "")
    return _safe(html)


class ProcessKept:
    """Blocks that depend on nothing but their key, the templates and the settings (which
    change only when the process restarts), kept in this process's memory: no round trip
    to the cache at all. The least recently used go first past `size`. Nothing is kept with
    DEBUG on, so that an edited template shows at the next request."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.kept: OrderedDict[Hashable, str] = OrderedDict()
        # Requests run in threads.
        self.lock = threading.Lock()

    def block(self, key: Hashable) -> SharedBlock:
        if settings.DEBUG:
            return SharedBlock()
        with self.lock:
            html = self.kept.get(key)
            if html is not None:
                self.kept.move_to_end(key)
                return SharedBlock(html=html)
        return SharedBlock(keep=lambda rendered: self._keep(key, rendered))

    def _keep(self, key: Hashable, html: str) -> None:
        with self.lock:
            self.kept[key] = html
            while len(self.kept) > self.size:
                self.kept.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.kept.clear()
