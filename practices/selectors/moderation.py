"""Reads for the moderators' pages: the report queue, the approval queue, the audit log, the
members list and the dashboard that gathers them.

Budgets: every function costs a fixed number of queries, whatever the number of reports,
practices, members or log entries (the tests count them at two sizes).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, F, Max, Min, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from practices.models import Adaptation, Comment, ModerationAction, Practice, Report, Status
from practices.selectors.practices import LIST_DEFERRED
from practices.services.moderation import ACTION_LABELS

QUEUE_PER_PAGE = 20
LOG_PER_PAGE = 50
MEMBERS_PER_PAGE = 50
APPROVALS_PER_PAGE = 20
DASHBOARD_REPORTED_ITEMS = 10
DASHBOARD_PENDING = 10
DASHBOARD_ACTIONS = 20
MEMBER_HISTORY = 20


@dataclass
class ReportedItem:
    """One practice, comment or adaptation with its reports, as the queue shows it."""

    practice: Practice
    comment: Comment | None
    count: int
    first_at: datetime
    last_at: datetime
    reports: list[Report] = field(default_factory=list)
    adaptation: Adaptation | None = None

    @property
    def kind(self) -> str:
        if self.comment is not None:
            return "comment"
        return "adaptation" if self.adaptation is not None else "practice"

    @property
    def target(self) -> Practice | Comment | Adaptation:
        return self.comment or self.adaptation or self.practice

    @property
    def is_removed(self) -> bool:
        target = self.target
        return target.hidden_at is not None or getattr(target, "deleted_at", None) is not None

    @property
    def reasons(self) -> list[str]:
        return sorted({report.get_reason_display() for report in self.reports})


def _open_groups() -> QuerySet:
    """Open reports grouped by item: the most reported first, then the oldest."""
    return (
        Report.objects.filter(resolved_at__isnull=True)
        .values("practice_id", "comment_id", "adaptation_id")
        .annotate(count=Count("id"), first_at=Min("created_at"), last_at=Max("created_at"))
        .order_by("-count", "first_at", "practice_id", "comment_id", "adaptation_id")
    )


def _item_key(comment_id: int | None, adaptation_id: int | None, practice_id: int) -> tuple:
    if comment_id is not None:
        return ("comment", comment_id)
    if adaptation_id is not None:
        return ("adaptation", adaptation_id)
    return ("practice", practice_id)


def _items_for(groups: list[dict], *, open_only: bool = True) -> list[ReportedItem]:
    """The practices, comments, adaptations and reports behind these groups: four queries at
    most."""
    keys = [_item_key(g["comment_id"], g["adaptation_id"], g["practice_id"]) for g in groups]
    ids: dict[str, set[int]] = {"practice": set(), "comment": set(), "adaptation": set()}
    for kind, pk in keys:
        ids[kind].add(pk)
    practices = {
        p.pk: p
        for p in Practice.objects.filter(pk__in=ids["practice"])
        .select_related("author")
        .defer(*LIST_DEFERRED)
    }
    comments = {
        c.pk: c
        for c in Comment.objects.filter(pk__in=ids["comment"]).select_related(
            "author", "practice", "practice__author"
        )
    }
    # An empty id set costs no query: a page with no reported adaptation stays at three.
    adaptations = {
        a.pk: a
        for a in Adaptation.objects.filter(pk__in=ids["adaptation"]).select_related(
            "author", "original", "original__author"
        )
    }
    reports = Report.objects.filter(
        Q(comment_id__in=ids["comment"])
        | Q(adaptation_id__in=ids["adaptation"])
        | Q(practice_id__in=ids["practice"], comment__isnull=True, adaptation__isnull=True)
    ).select_related("reporter", "resolved_by")
    if open_only:
        reports = reports.filter(resolved_at__isnull=True)
    by_item: dict[tuple[str, int], list[Report]] = {}
    for report in reports.order_by("created_at", "id"):
        key = _item_key(report.comment_id, report.adaptation_id, report.practice_id)
        by_item.setdefault(key, []).append(report)
    items = []
    for group, key in zip(groups, keys, strict=True):
        kind, pk = key
        comment = comments.get(pk) if kind == "comment" else None
        adaptation = adaptations.get(pk) if kind == "adaptation" else None
        if kind == "comment":
            practice = comment.practice if comment is not None else None
        elif kind == "adaptation":
            practice = adaptation.original if adaptation is not None else None
        else:
            practice = practices.get(pk)
        if practice is None:
            continue
        items.append(
            ReportedItem(
                practice=practice,
                comment=comment,
                adaptation=adaptation,
                count=group["count"],
                first_at=group["first_at"],
                last_at=group["last_at"],
                reports=by_item.get(key, []),
            )
        )
    return items


def report_queue(*, page: Any = None, per_page: int = QUEUE_PER_PAGE) -> dict:
    """The open reports, one entry per item with all its reports: five queries a page."""
    paginator = Paginator(_open_groups(), per_page)
    page_obj: Page = paginator.get_page(page)
    items = _items_for(list(page_obj.object_list))
    return {"page": page_obj, "items": items, "item_count": paginator.count}


def reported_item(
    *,
    practice: Practice | None = None,
    comment: Comment | None = None,
    adaptation: Adaptation | None = None,
) -> ReportedItem | None:
    """One item with every report ever made on it, open ones first; None if it has none."""
    if comment is not None:
        reports = Report.objects.filter(comment_id=comment.pk)
    elif adaptation is not None:
        reports = Report.objects.filter(adaptation_id=adaptation.pk)
    else:
        reports = Report.objects.filter(
            practice_id=practice.pk, comment__isnull=True, adaptation__isnull=True
        )
    reports = list(
        reports.select_related("reporter", "resolved_by").order_by(
            F("resolved_at").desc(nulls_first=True), "created_at", "id"
        )
    )
    if not reports:
        return None
    open_reports = [r for r in reports if r.resolved_at is None]
    if comment is not None:
        practice = comment.practice
    elif adaptation is not None:
        practice = adaptation.original
    return ReportedItem(
        practice=practice,
        comment=comment,
        adaptation=adaptation,
        count=len(open_reports),
        first_at=min(r.created_at for r in reports),
        last_at=max(r.created_at for r in reports),
        reports=reports,
    )


def reported_comment_get(*, pk: int) -> Comment | None:
    return (
        Comment.objects.select_related("author", "practice", "practice__author", "parent__author")
        .filter(pk=pk)
        .first()
    )


def reported_adaptation_get(*, pk: int) -> Adaptation | None:
    """Any adaptation, hidden ones too, with its author and the original."""
    return (
        Adaptation.objects.select_related("author", "original", "original__author")
        .filter(pk=pk)
        .first()
    )


def moderation_practice_get(*, pk: int) -> Practice | None:
    """Any practice, whatever its state: moderators see everything."""
    return Practice.objects.select_related("author").filter(pk=pk).first()


def pending_practices(*, page: Any = None, per_page: int = APPROVALS_PER_PAGE) -> dict:
    """Practices waiting for approval, the longest waiting first: two queries a page."""
    queryset = (
        Practice.objects.filter(status=Status.PENDING)
        .select_related("author")
        .defer(*LIST_DEFERRED)
        .order_by("updated_at", "id")
    )
    paginator = Paginator(queryset, per_page)
    page_obj = paginator.get_page(page)
    return {"page": page_obj, "practices": list(page_obj.object_list), "count": paginator.count}


def open_counts() -> dict[str, int]:
    """How many items wait for a moderator: reported items and practices to approve (two
    queries; the header shows their sum to moderators on every page)."""
    reported = _open_groups().order_by().count()
    pending = Practice.objects.filter(status=Status.PENDING).count()
    return {"reported": reported, "pending": pending, "total": reported + pending}


def open_report_count(*, practice: Practice) -> int:
    """Open reports on the practice itself (its comments' reports are counted apart)."""
    return Report.objects.filter(
        practice_id=practice.pk, comment__isnull=True, resolved_at__isnull=True
    ).count()


def recent_actions(*, limit: int = DASHBOARD_ACTIONS) -> list[ModerationAction]:
    return list(
        ModerationAction.objects.select_related("actor").order_by("-created_at", "-id")[:limit]
    )


def moderation_dashboard() -> dict:
    """Open reports (the first few items), the approval queue and the latest actions:
    eight queries whatever the numbers."""
    queue = report_queue(per_page=DASHBOARD_REPORTED_ITEMS)
    pending = pending_practices(per_page=DASHBOARD_PENDING)
    return {
        "reported_items": queue["items"],
        "reported_count": queue["item_count"],
        "pending": pending["practices"],
        "pending_count": pending["count"],
        "actions": recent_actions(),
    }


# --- The audit log ----------------------------------------------------------------------------


def log_actor_choices() -> list[tuple[int, str]]:
    """Everyone who appears in the log as an actor (one query)."""
    actors = (
        User.objects.filter(moderation_actions__isnull=False).distinct().order_by("display_name")
    )
    return [(user.pk, user.display_name or user.email) for user in actors]


def action_log(
    *,
    action: str = "",
    actor_id: int | None = None,
    target_type: str = "",
    target_id: int | None = None,
    page: Any = None,
    per_page: int = LOG_PER_PAGE,
) -> dict:
    """The audit log, newest first, filtered by action, actor or target: two queries a page."""
    entries = ModerationAction.objects.select_related("actor").order_by("-created_at", "-id")
    if action:
        entries = entries.filter(action=action)
    if actor_id:
        entries = entries.filter(actor_id=actor_id)
    if target_type:
        entries = entries.filter(target_type=target_type)
        if target_id:
            entries = entries.filter(target_id=target_id)
    paginator = Paginator(entries, per_page)
    page_obj = paginator.get_page(page)
    return {"page": page_obj, "entries": list(page_obj.object_list), "count": paginator.count}


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action)


# --- Members ----------------------------------------------------------------------------------


def member_list(*, q: str = "", status: str = "", page: Any = None) -> dict:
    """Members for the moderators: searched by name, e-mail, organisation or city, and
    filtered to the suspended or the moderators. Two queries a page."""
    members = User.objects.order_by("display_name", "id")
    q = (q or "").replace("\x00", "").strip()[:100]
    if q:
        members = members.filter(
            Q(display_name__icontains=q)
            | Q(email__icontains=q)
            | Q(organisation__icontains=q)
            | Q(city__icontains=q)
        )
    if status == "suspended":
        members = members.filter(suspended_until__gt=timezone.now())
    elif status == "moderators":
        members = members.filter(Q(moderator=True) | Q(is_superuser=True))
    paginator = Paginator(members, MEMBERS_PER_PAGE)
    page_obj = paginator.get_page(page)
    return {"page": page_obj, "members": list(page_obj.object_list), "count": paginator.count}


def member_moderation(*, pk: int) -> dict | None:
    """One member as moderators see them: standing, what they wrote, what was hidden, and
    the log's entries about them. Four queries."""
    member = User.objects.filter(pk=pk).first()
    if member is None:
        return None
    practices = Practice.objects.filter(author=member).aggregate(
        total=Count("id"), hidden=Count("id", filter=Q(hidden_at__isnull=False))
    )
    comments = Comment.objects.filter(author=member).aggregate(
        total=Count("id"), hidden=Count("id", filter=Q(hidden_at__isnull=False))
    )
    history = list(
        ModerationAction.objects.filter(target_type="user", target_id=member.pk)
        .select_related("actor")
        .order_by("-created_at", "-id")[:MEMBER_HISTORY]
    )
    return {"member": member, "practices": practices, "comments": comments, "history": history}
