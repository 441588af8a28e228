"""Reads of notifications: the bell's unread count, the notifications page, one notification.

Budget: the unread count is one query (an index range on recipient and read_at, stopped at
UNREAD_CAP rows); a page of notifications is two (the count, the page with its actor,
practice and comment joined) whatever the number of notifications.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, prefetch_related_objects

from practices.events import UNREAD_CAP
from practices.models import Notification, NotificationKind
from practices.selectors.practices import LIST_DEFERRED

NOTIFICATIONS_PER_PAGE = 30
EXCERPT_LENGTH = 160
# Columns of the practice a notification never shows (a digest shows the summary).
_PRACTICE_LONG = tuple(f"practice__{name}" for name in LIST_DEFERRED)
_PRACTICE_DEFERRED = ("practice__summary", *_PRACTICE_LONG)
COMMENT_KINDS = frozenset(
    {NotificationKind.NEW_COMMENT, NotificationKind.REPLY, NotificationKind.MENTION}
)


def unread_count(*, user: Any) -> int:
    """The member's unread notifications, counted up to UNREAD_CAP (the bell says 99+)."""
    if user is None or not user.is_authenticated:
        return 0
    # Reading the ids (a hundred at most) costs Django less work than a count over a subquery.
    return len(
        Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True)
        .order_by()
        .values_list("pk", flat=True)[:UNREAD_CAP]
    )


def unread_counts(*, user_ids: Iterable[int]) -> dict[int, int]:
    """Unread counts of several members in one grouped query; 0 for those with none."""
    ids = list(dict.fromkeys(user_ids))
    if not ids:
        return {}
    rows = (
        Notification.objects.filter(recipient_id__in=ids, read_at__isnull=True)
        .order_by()
        .values("recipient_id")
        .annotate(n=Count("pk"))
    )
    counts = dict.fromkeys(ids, 0)
    counts.update({row["recipient_id"]: min(row["n"], UNREAD_CAP) for row in rows})
    return counts


def _readable(notification: Notification, user: Any) -> bool:
    practice = notification.practice
    if practice is None:
        return True
    if user.is_moderator or practice.author_id == user.pk:
        return True
    return practice.is_visible


def _decorate(notification: Notification, user: Any) -> Notification:
    """Where the notification leads and what it quotes, decided once for page and e-mail."""
    practice = notification.practice
    comment = notification.comment
    notification.available = practice is not None and _readable(notification, user)
    notification.target_url = ""
    if practice is not None and notification.available:
        url = practice.get_absolute_url()
        if comment is not None:
            url = f"{url}#comment-{comment.pk}"
        notification.target_url = url
    notification.excerpt = ""
    if (
        comment is not None
        and notification.available
        and comment.deleted_at is None
        and comment.hidden_at is None
    ):
        text = " ".join(comment.body.split())
        if len(text) > EXCERPT_LENGTH:
            text = text[: EXCERPT_LENGTH - 1].rstrip() + "…"
        notification.excerpt = text
    notification.is_unread = notification.read_at is None
    return notification


def notifications_with_targets(
    queryset: QuerySet[Notification], *, with_summary: bool = False
) -> QuerySet[Notification]:
    deferred = _PRACTICE_LONG if with_summary else _PRACTICE_DEFERRED
    return queryset.select_related("actor", "practice", "comment").defer(*deferred)


def notification_page(*, user: Any, page: Any = None) -> Page:
    """The member's notifications, newest first, one page of them; each item carries
    `target_url` (empty when the practice is gone or no longer readable), `excerpt` and
    `is_unread`."""
    queryset = notifications_with_targets(
        Notification.objects.filter(recipient_id=user.pk).order_by("-created_at", "-id")
    )
    result = Paginator(queryset, NOTIFICATIONS_PER_PAGE).get_page(page)
    result.object_list = [_decorate(item, user) for item in result.object_list]
    return result


def notification_get_for(*, user: Any, pk: int) -> Notification | None:
    """One of the member's own notifications, or None (someone else's is not found)."""
    if user is None or not user.is_authenticated:
        return None
    return Notification.objects.filter(pk=pk, recipient_id=user.pk).first()


def notifications_decorated(*, user: Any, notifications: Iterable[Notification]) -> list:
    """Targets and excerpts for notifications already loaded with their relations (e-mails)."""
    return [_decorate(item, user) for item in notifications]


# --- Digests ------------------------------------------------------------------------------

# A digest reads at most this many notifications of its period; the rest are on the site.
DIGEST_MAX_NOTIFICATIONS = 500
DIGEST_KINDS_ABOUT_YOURS = frozenset(
    {
        NotificationKind.PRACTICE_VALIDATED,
        NotificationKind.PRACTICE_FEATURED,
        NotificationKind.PRACTICE_APPROVED,
    }
)


@dataclass
class DigestDiscussion:
    practice: Any
    comments: int = 0
    replies: int = 0
    mentions: int = 0
    names: list[str] = field(default_factory=list)


@dataclass
class Digest:
    frequency: str
    start: datetime
    end: datetime
    new_practices: list[Any] = field(default_factory=list)
    discussions: list[DigestDiscussion] = field(default_factory=list)
    about_yours: list[Notification] = field(default_factory=list)
    other: list[Notification] = field(default_factory=list)
    truncated: bool = False

    @property
    def last_day(self) -> datetime:
        return self.end - timedelta(days=1)

    @property
    def comment_total(self) -> int:
        return sum(item.comments for item in self.discussions)

    @property
    def total(self) -> int:
        return (
            len(self.new_practices) + self.comment_total + len(self.about_yours) + len(self.other)
        )

    @property
    def is_empty(self) -> bool:
        return self.total == 0


def digest_contents(*, user: Any, frequency: str, start: datetime, end: datetime) -> Digest:
    """What a member's digest for [start, end) says, made from their own notifications of
    that period: new practices under their tags, comments in discussions they follow
    (grouped by practice), news about their practices, and the moderators' messages.
    Anything no longer readable (a practice hidden since, a deleted comment) is left out.
    Two queries (the notifications with what they point at, the new practices' tags)."""
    from practices.selectors.practices import tags_prefetch

    rows = list(
        notifications_with_targets(
            Notification.objects.filter(
                recipient_id=user.pk, created_at__gte=start, created_at__lt=end
            ),
            with_summary=True,
        ).order_by("created_at", "id")[: DIGEST_MAX_NOTIFICATIONS + 1]
    )
    digest = Digest(frequency=frequency, start=start, end=end)
    digest.truncated = len(rows) > DIGEST_MAX_NOTIFICATIONS
    discussions: dict[int, DigestDiscussion] = {}
    seen_practices: set[int] = set()
    for item in rows[:DIGEST_MAX_NOTIFICATIONS]:
        _decorate(item, user)
        if item.practice is not None and not item.available:
            continue
        if item.kind == NotificationKind.NEW_PRACTICE:
            if item.practice_id not in seen_practices:
                seen_practices.add(item.practice_id)
                digest.new_practices.append(item.practice)
        elif item.kind in COMMENT_KINDS:
            if not item.excerpt:
                continue
            entry = discussions.setdefault(
                item.practice_id, DigestDiscussion(practice=item.practice)
            )
            entry.comments += 1
            entry.replies += item.kind == NotificationKind.REPLY
            entry.mentions += item.kind == NotificationKind.MENTION
            name = item.actor.display_name if item.actor is not None else ""
            if name and name not in entry.names:
                entry.names.append(name)
        elif item.kind in DIGEST_KINDS_ABOUT_YOURS:
            digest.about_yours.append(item)
        else:
            digest.other.append(item)
    digest.discussions = sorted(
        discussions.values(), key=lambda entry: (-entry.comments, entry.practice.title)
    )
    if digest.new_practices:
        prefetch_related_objects(digest.new_practices, tags_prefetch())
        for practice in digest.new_practices:
            practice.tag_list = [tagged.tag for tagged in practice.tag_items]
    return digest


# --- @mention suggestions -----------------------------------------------------------------

MENTION_SUGGESTIONS = 8
MENTION_QUERY_MAX = 40


def member_mention_suggestions(
    *,
    q: str,
    practice_id: int | None = None,
    exclude_id: int | None = None,
    limit: int = MENTION_SUGGESTIONS,
) -> list[dict]:
    """Active members whose handle starts with, or whose name contains, what is typed after
    "@" (but not the one typing); people already in the practice's discussion first. One
    query."""
    from accounts.models import User
    from practices.models import Comment

    text = (q or "").replace("\x00", "").strip().lstrip("@")[:MENTION_QUERY_MAX]
    if not text:
        return []
    members = User.objects.filter(is_active=True).filter(
        Q(handle__istartswith=text) | Q(display_name__icontains=text)
    )
    if exclude_id is not None:
        members = members.exclude(pk=exclude_id)
    if practice_id is not None:
        members = members.annotate(
            in_thread=Exists(
                Comment.objects.filter(practice_id=practice_id, author_id=OuterRef("pk"))
            )
        ).order_by("-in_thread", "display_name", "pk")
    else:
        members = members.order_by("display_name", "pk")
    rows = members.values("handle", "display_name", "organisation")[:limit]
    return [
        {"handle": r["handle"], "name": r["display_name"], "organisation": r["organisation"]}
        for r in rows
    ]
