"""Rendered comments, kept in the cache: a thread of 100 comments is mostly the same HTML
on every visit, and rendering it (dates, names, links) costs more than the queries.

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
from collections.abc import Iterable
from datetime import timedelta

from django.core.cache import cache
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from practices.events import render_comment
from practices.models import Comment

FRAGMENT_SECONDS = 300
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
    return f"comment-html:{comment.pk}:{digest}"


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
