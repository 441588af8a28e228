"""What a page shows of the member's own, in one query: their follows on the page, the bell's
unread count, and whether the page holds anything of theirs (a comment in the thread, an
adaptation), which decides whether they may be given the page's kept fragments
(practices/pages.py).

Each is a small query of its own elsewhere (practices/selectors/follows.py,
practices/selectors/notifications.py); on the pages every member reads most they are one
round trip. It is written as SQL: the same union built from querysets costs Django about
5 ms of processor time a request (measured in-process, a third of such a page), this a tenth
of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import connection

from practices.events import UNREAD_CAP
from practices.models import (
    Adaptation,
    Comment,
    Notification,
    Practice,
    PracticeFollow,
    Tag,
    TagFollow,
)
from practices.selectors.follows import PracticeFollowState, TagFollowState


@dataclass
class Reader:
    """The member's follow state on this page (None where it shows none), and their unread
    count (the bell)."""

    follow: PracticeFollowState | TagFollowState | None
    unread: int
    # On a practice's page: whether the thread holds a comment of theirs, or the practice an
    # adaptation of theirs (their own controls then show on the page).
    owns_content: bool = False


_FOLLOWING, _TAG, _UNREAD, _OWN = 0, 1, 2, 3


def _reader_rows(
    *, user_id: int, practice_id: int | None = None, tag_ids: list[int] | tuple[int, ...] = ()
) -> list[tuple[int, int]]:
    """(kind, value) rows in one query: the member's follow of the practice (value: muted,
    1 or 0) and whether they wrote a comment or an adaptation on it (value: its id, one row
    of each at most), their follows among `tag_ids` (value: the tag) and their unread
    notifications (value: its id; UNREAD_CAP of them at most). Plain SQL that SQLite and
    PostgreSQL both run."""
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
        for model, column in ((Comment, "practice_id"), (Adaptation, "original_id")):
            table = quote(model._meta.db_table)
            parts.append(
                f"SELECT {_OWN}, id FROM {table} WHERE id IN ("  # noqa: S608
                f"SELECT id FROM {table} WHERE {column} = %s AND author_id = %s LIMIT 1)"
            )
            params += [practice_id, user_id]
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
    muted it, which of its tags they follow, their unread count, whether they wrote in its
    thread or adapted it. One query; None for a visitor."""
    if user is None or not user.is_authenticated:
        return None
    tags = practice.tag_list
    muted: int | None = None
    followed: set[int] = set()
    unread = 0
    owns_content = False
    rows = _reader_rows(user_id=user.pk, practice_id=practice.pk, tag_ids=[tag.pk for tag in tags])
    for kind, value in rows:
        if kind == _FOLLOWING:
            muted = value
        elif kind == _TAG:
            followed.add(value)
        elif kind == _OWN:
            owns_content = True
        else:
            unread += 1
    follow = PracticeFollowState(
        practice=practice,
        following=muted == 0,
        muted=bool(muted),
        tags=[(tag, tag.pk in followed) for tag in tags],
        may_follow=bool(user.email_verified),
    )
    return Reader(follow=follow, unread=unread, owns_content=owns_content)


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
