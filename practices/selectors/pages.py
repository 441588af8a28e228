"""The practice page, kept per kind of reader.

Most readers of a practice see what the reader before them saw: the same head and text, the
same adaptations and practices like it, the same thread with the same controls. The practice
(its row, tags and target groups) and the page's content are therefore kept, the content per
kind of reader, and a request that finds them renders only what is the reader's own
({% per_reader %} in templates/practices/practice_detail.html: the follow box, the
moderators' panel; practices/templatetags/pages.py). A kind of reader is: visitor, member or
moderator; whether their address is confirmed and whether they are suspended (both decide
whether they may post); and what "in a context like yours" matches on (their kind of
organisation and their country).

Both are kept under the content generation (practices/caching.py), the rule the anonymous
page cache lives by (forum/anon_cache.py): every write that changes what readers see
replaces the generation when it commits, and nothing kept before is served again, on any
process. Only visible practices are kept. A thread with a comment younger than an hour ("3
minutes ago") is kept for a minute only; the script corrects the ages it shows.

Readers whose own things are on the page: the practice's author and the author of an
adaptation (their edit link, their hidden adaptation) get it computed for them alone; the
author of a comment in the thread gets the kept page with their own controls on their own
comments (edit while the window is open, delete, a hidden comment's notice), one query more.
Kept content holds stand-ins for the reader's id and CSRF token (practices/fragments.py),
which every request fills in.

Queries when the cache holds the page: none. What the page shows of the member's own (their
follows, the bell) is read in one query by `practice_reader`, below, as on the tag pages
(`tag_reader`, beside the tag's follower count kept with its listing) and the lists
(`list_reader`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from functools import cached_property
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import connection
from django.utils import timezone
from django.utils.translation import get_language

from practices.caching import generation_get_many, generation_set_many
from practices.events import UNREAD_CAP
from practices.fragments import READER_STAND_IN, SharedBlock, render_shared
from practices.models import Notification, Practice, PracticeFollow, Tag, TagFollow
from practices.selectors.comments import thread_comments_by, thread_for, thread_viewer
from practices.selectors.follows import PracticeFollowState, TagFollowState
from practices.selectors.practices import (
    home_page,
    practice_attach_related,
    practice_get_for_user,
)
from practices.selectors.transfer import PracticeTransfer, practice_transfer, similar_context_key

PAGE_SECONDS = 300
RECENT = timedelta(hours=1)
RECENT_CONTENT_SECONDS = 60


@dataclass
class PracticePage:
    practice: Practice
    # The {% shared %} content of the page. When it came from the cache, nothing below was
    # needed: transfer is None and thread_html empty.
    content: SharedBlock
    transfer: PracticeTransfer | None = None
    # With stand-ins, filled in by the {% shared %} block it is printed in.
    thread_html: str = ""


def _kind(user: Any) -> str:
    """What a kind of reader is, as far as the page's content goes."""
    if not user.is_authenticated or not user.is_active:
        return "visitor"
    kind = "moderator" if user.is_moderator else "member"
    if not user.email_verified:
        kind += "-unverified"
    if user.is_suspended:
        kind += "-suspended"
    return f"{kind}:{similar_context_key(user)}"


def _thread_html(thread: dict[str, Any], user: Any, *, shared: bool) -> str:
    if shared and user.is_authenticated:
        thread = {**thread, "viewer_id": READER_STAND_IN}
    return render_shared("practices/_thread.html", {"thread": thread, "user": user})


def _content_seconds(thread: dict[str, Any]) -> int:
    newest = thread["newest_at"]
    if newest is not None and newest > timezone.now() - RECENT:
        return RECENT_CONTENT_SECONDS
    return PAGE_SECONDS


def practice_page(*, user: Any, pk: int) -> PracticePage | None:
    """The practice if this reader may read it (None if not), with its tags and target
    groups, and the page's content for this reader, kept or to keep."""
    user = user if user is not None else AnonymousUser()
    practice_key = f"page:practice:{pk}"
    content_key = f"page:content:{pk}:{get_language()}:{_kind(user)}"
    generation, found = generation_get_many([practice_key, content_key])
    practice = found.get(practice_key)
    if practice is None:
        practice = practice_get_for_user(user=user, pk=pk, related=False)
        if practice is None:
            return None
        practice_attach_related(practice)
        if practice.is_visible:
            generation_set_many(generation, {practice_key: practice}, PAGE_SECONDS)
    if (user.is_authenticated and user.pk == practice.author_id) or not practice.is_visible:
        return _computed(practice, user, generation=None, key="")
    kept = found.get(content_key)
    if kept is not None:
        html, thread_authors, adaptation_authors = kept
        if user.pk not in adaptation_authors:
            if user.pk in thread_authors:
                html = _with_own_controls(html, practice=practice, user=user)
            return PracticePage(practice=practice, content=SharedBlock(html=html))
    return _computed(practice, user, generation=generation, key=content_key)


def _with_own_controls(html: str, *, practice: Practice, user: Any) -> str:
    """A kept thread with this member's controls on their own comments: edit (while the
    window is open) and delete instead of report, and a hidden comment's notice. One query.
    templates/practices/_thread.html marks where each comment's controls are."""
    viewer = thread_viewer(practice=practice, user=user)
    for comment in thread_comments_by(practice=practice, user=user):
        start_mark, end_mark = f"<!--controls {comment.pk}-->", f"<!--/controls {comment.pk}-->"
        start = html.find(start_mark)
        end = html.find(end_mark, start)
        if start < 0 or end < 0:
            continue
        controls = render_shared(
            "practices/_comment_controls.html",
            {"comment": comment, "thread": viewer, "user": user},
        )
        html = html[: start + len(start_mark)] + controls + html[end:]
    return html


def _computed(practice: Practice, user: Any, *, generation: str | None, key: str) -> PracticePage:
    transfer = practice_transfer(practice=practice, user=user)
    thread = thread_for(practice=practice, user=user)
    thread_authors = thread["authors"]
    adaptation_authors = transfer.adaptation_authors
    own = user.pk in thread_authors or user.pk in adaptation_authors
    keep = None
    if key and not own:

        def keep(html: str) -> None:
            generation_set_many(
                generation,
                {key: (html, thread_authors, adaptation_authors)},
                _content_seconds(thread),
            )

    return PracticePage(
        practice=practice,
        content=SharedBlock(keep=keep),
        transfer=transfer,
        thread_html=_thread_html(thread, user, shared=keep is not None),
    )


# --- The reader's own, in one query ------------------------------------------------------------
# What a member's page shows of theirs beside the kept parts: whether they follow the practice
# or the tag, and the bell's unread count. Each is a small query of its own elsewhere
# (practices/selectors/follows.py, practices/selectors/notifications.py); on the pages every
# member reads most they are one round trip. It is written as SQL: the same union built from
# querysets costs Django about 5 ms of processor time a request (measured in-process, a
# third of such a page), this a tenth of it.


@dataclass
class Reader:
    """The member's follow state on this page (None where it shows none), and their unread
    count (the bell)."""

    follow: PracticeFollowState | TagFollowState | None
    unread: int


_FOLLOWING, _TAG, _UNREAD = 0, 1, 2


def _reader_rows(
    *, user_id: int, practice_id: int | None = None, tag_ids: list[int] | tuple[int, ...] = ()
) -> list[tuple[int, int]]:
    """(kind, value) rows in one query: the member's follow of the practice (value: muted,
    1 or 0), their follows among `tag_ids` (value: the tag) and their unread notifications
    (value: its id; UNREAD_CAP of them at most). Plain SQL that SQLite and PostgreSQL
    both run."""
    # Only quoted table names and the kinds above are put into the text; every value is a
    # parameter.
    quote = connection.ops.quote_name
    practice_follows = quote(PracticeFollow._meta.db_table)
    tag_follows = quote(TagFollow._meta.db_table)
    notifications = quote(Notification._meta.db_table)
    parts: list[str] = []
    params: list[Any] = []
    if practice_id is not None:
        parts.append(
            f"SELECT {_FOLLOWING}, CAST(muted AS integer) FROM {practice_follows} "  # noqa: S608
            "WHERE user_id = %s AND practice_id = %s"
        )
        params += [user_id, practice_id]
    if tag_ids:
        placeholders = ", ".join(["%s"] * len(tag_ids))
        parts.append(
            f"SELECT {_TAG}, tag_id FROM {tag_follows} "  # noqa: S608
            f"WHERE user_id = %s AND tag_id IN ({placeholders})"
        )
        params += [user_id, *tag_ids]
    parts.append(
        f"SELECT {_UNREAD}, id FROM {notifications} WHERE id IN ("  # noqa: S608
        f"SELECT id FROM {notifications} WHERE recipient_id = %s AND read_at IS NULL LIMIT %s)"
    )
    params += [user_id, UNREAD_CAP]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        return cursor.fetchall()


def practice_reader(*, practice: Practice, user: Any) -> Reader | None:
    """For a member on a practice's page (with `practice.tag_list`): whether they follow or
    muted it, which of its tags they follow, their unread count. One query; None for a
    visitor."""
    if user is None or not user.is_authenticated:
        return None
    tags = practice.tag_list
    muted: int | None = None
    followed: set[int] = set()
    unread = 0
    rows = _reader_rows(user_id=user.pk, practice_id=practice.pk, tag_ids=[tag.pk for tag in tags])
    for kind, value in rows:
        if kind == _FOLLOWING:
            muted = value
        elif kind == _TAG:
            followed.add(value)
        else:
            unread += 1
    follow = PracticeFollowState(
        practice=practice,
        following=muted == 0,
        muted=bool(muted),
        tags=[(tag, tag.pk in followed) for tag in tags],
        may_follow=bool(user.email_verified),
    )
    return Reader(follow=follow, unread=unread)


def tag_page_key(slug: str) -> str:
    """Where a tag's page keeps the tag and its follower count (practices/views/tags.py)."""
    return f"page:tag:{slug}"


def tag_page_forget(slug: str) -> None:
    """Drop the kept follower count, so that a member who just followed or unfollowed the
    tag finds themselves counted as they are (others may see it a few minutes late)."""
    cache.delete(tag_page_key(slug))


def tag_reader(*, tag: Tag, user: Any, followers: int) -> Reader:
    """On a tag's page: its follower count (kept with the page, as old as a visitor's page at
    most), whether this member follows it and their unread count. One query; none for a
    visitor."""
    if user is None or not user.is_authenticated:
        follow = TagFollowState(tag=tag, followers=followers, following=False, may_follow=False)
        return Reader(follow=follow, unread=0)
    rows = _reader_rows(user_id=user.pk, tag_ids=[tag.pk])
    following = any(kind == _TAG for kind, _value in rows)
    follow = TagFollowState(
        tag=tag, followers=followers, following=following, may_follow=bool(user.email_verified)
    )
    return Reader(follow=follow, unread=sum(1 for kind, _value in rows if kind == _UNREAD))


def list_reader(*, user: Any) -> Reader | None:
    """On a list page: the member's unread count (one query); None for a visitor."""
    if user is None or not user.is_authenticated:
        return None
    return Reader(follow=None, unread=len(_reader_rows(user_id=user.pk)))


# --- The home page ---------------------------------------------------------------------------
# Featured and latest practices and the popular tags are the same for every visitor and for
# every member: kept per language and the two kinds under the content generation, they cost
# a member's request no query but the bell's.


class HomePage:
    """`{% shared home.content %}` in templates/forum/home.html; the practices and tags are
    read only when the kept content is missing."""

    def __init__(self, *, content: SharedBlock, user: Any) -> None:
        self.content = content
        self.user = user

    @cached_property
    def _data(self) -> dict[str, Any]:
        return home_page(user=self.user)

    @property
    def featured(self) -> list[Practice]:
        return self._data["featured"]

    @property
    def latest(self) -> list[Practice]:
        return self._data["latest"]

    @property
    def popular_tags(self) -> list[Tag]:
        return self._data["popular_tags"]


def home_content(*, user: Any) -> HomePage:
    kind = "member" if user is not None and user.is_authenticated else "visitor"
    key = f"page:home:{get_language()}:{kind}"
    generation, found = generation_get_many([key])
    html = found.get(key)
    if html is not None:
        return HomePage(content=SharedBlock(html=html), user=user)

    def keep(rendered: str) -> None:
        generation_set_many(generation, {key: rendered}, PAGE_SECONDS)

    return HomePage(content=SharedBlock(keep=keep), user=user)
