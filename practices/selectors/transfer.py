"""Reads for transfer: a practice's adaptations and where they are, its similar practices,
its check-ins, a member's adaptations, and the "where" overview. Each costs a fixed number
of queries whatever the number of practices or adaptations."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Count, Exists, OuterRef, QuerySet
from django.utils import timezone
from django_countries import countries

from accounts.models import Role
from practices.models import (
    Adaptation,
    Area,
    CheckIn,
    OrganisationType,
    Practice,
    PracticeSimilarity,
)
from practices.selectors.practices import LIST_DEFERRED
from practices.services.transfer import UNCONFIRMED_AFTER

SIMILAR_SHOWN = 3
CONTEXT_SHOWN = 3
PROFILE_ADAPTATIONS_SHOWN = 20
# Which organisations are "like" a member of each role.
ROLE_ORGANISATION_TYPES = {
    Role.TEACHER: {OrganisationType.SCHOOL},
    Role.CITY: {OrganisationType.CITY},
    Role.NGO: {OrganisationType.NGO, OrganisationType.MIGRANT_ORG},
}


# --- Adaptations -------------------------------------------------------------------------------


def adaptations_for(*, practice: Practice, user: Any) -> list[Adaptation]:
    """The adaptations shown under a practice, newest first, with their authors and own
    practices (one query). Moderators also see hidden ones, and authors their own."""
    return _shown_to(_every_adaptation(practice), user)


def _every_adaptation(practice: Practice) -> list[Adaptation]:
    """All of a practice's adaptations, hidden ones too (a handful; one query)."""
    return list(
        Adaptation.objects.filter(original_id=practice.pk)
        .select_related("author", "own_practice")
        .defer(*(f"own_practice__{name}" for name in LIST_DEFERRED))
        .order_by("-created_at", "-id")
    )


def _shown_to(adaptations: list[Adaptation], user: Any) -> list[Adaptation]:
    member = user.is_authenticated
    moderator = member and user.is_moderator
    items = [
        item
        for item in adaptations
        if item.hidden_at is None or moderator or (member and item.author_id == user.pk)
    ]
    for item in items:
        own = item.own_practice
        item.own_practice_shown = (
            own if own is not None and (own.is_visible or own.author_id == user.pk) else None
        )
    return items


def adaptation_get_for_author(*, user: Any, pk: int) -> Adaptation | None:
    if not user.is_authenticated:
        return None
    return (
        Adaptation.objects.select_related("original")
        .filter(pk=pk, author_id=user.pk, original__in=Practice.objects.visible())
        .first()
    )


def adaptation_get_visible(*, pk: int) -> Adaptation | None:
    """An adaptation anyone may read (not hidden, on a readable original), with its original."""
    return (
        Adaptation.objects.visible()
        .select_related("author", "original", "original__author")
        .filter(pk=pk)
        .first()
    )


def adapted_from(*, practice: Practice) -> Adaptation | None:
    """The visible adaptation record naming this practice as its author's own version."""
    return (
        Adaptation.objects.visible()
        .filter(own_practice_id=practice.pk)
        .select_related("original")
        .only("id", "city", "original__id", "original__title", "original__slug")
        .order_by("-created_at")
        .first()
    )


def adaptation_own_practice_choices(*, user: Any, original: Practice) -> QuerySet[Practice]:
    """The member's practices they may name as their own version of `original`."""
    return (
        Practice.objects.filter(author_id=user.pk)
        .exclude(pk=original.pk)
        .only("id", "title")
        .order_by("title")
    )


def adaptations_by_author(*, author: Any, viewer: Any) -> list[Adaptation]:
    """A member's adaptations for their profile (one query): visible ones to everyone, and
    their own hidden ones to themselves."""
    queryset = Adaptation.objects.filter(author_id=author.pk)
    is_own = viewer.is_authenticated and viewer.pk == author.pk
    queryset = queryset.filter(original__in=Practice.objects.for_user(viewer))
    if not is_own:
        queryset = queryset.filter(hidden_at__isnull=True)
    return list(
        queryset.select_related("original")
        .defer(*(f"original__{name}" for name in LIST_DEFERRED))
        .order_by("-created_at", "-id")[:PROFILE_ADAPTATIONS_SHOWN]
    )


# --- Practices like this ---------------------------------------------------------------------


def _organisation_types_of(user: Any) -> set[str]:
    return ROLE_ORGANISATION_TYPES.get(getattr(user, "role", ""), set())


def similar_context_key(user: Any) -> str:
    """Everything about the reader that "in a context like yours" depends on, as text."""
    if not user.is_authenticated:
        return "-"
    return f"{','.join(sorted(_organisation_types_of(user)))}/{user.country or ''}"


@dataclass
class SimilarPractices:
    closest: list[Practice] = field(default_factory=list)
    like_yours: list[Practice] = field(default_factory=list)


def similar_for(*, practice: Practice, user: Any) -> SimilarPractices:
    """The closest visible practices (precomputed ranks, one query) and, for a member, the
    ones from a context like theirs: the same kind of organisation and country first."""
    rows = list(
        PracticeSimilarity.objects.filter(
            practice_id=practice.pk, similar__in=Practice.objects.visible()
        )
        .select_related("similar")
        .defer(*(f"similar__{name}" for name in LIST_DEFERRED))
        .order_by("rank")
    )
    result = SimilarPractices(closest=[row.similar for row in rows[:SIMILAR_SHOWN]])
    if user.is_authenticated:
        types = _organisation_types_of(user)
        country = str(user.country or "")

        def context(row: PracticeSimilarity) -> int:
            return (row.similar.organisation_type in types) + (
                bool(country) and str(row.similar.country) == country
            )

        ranked = sorted(
            (row for row in rows if context(row) > 0),
            key=lambda row: (-context(row), row.rank),
        )
        result.like_yours = [row.similar for row in ranked[:CONTEXT_SHOWN]]
    return result


# --- Check-ins -------------------------------------------------------------------------------


@dataclass
class CheckInStatus:
    latest: CheckIn | None = None
    open: CheckIn | None = None
    unconfirmed: bool = False


def checkin_status(*, practice: Practice, now: datetime | None = None) -> CheckInStatus:
    """The latest answer and the open question, if any (one query: only one question is
    ever open, so the two newest periods hold both)."""
    now = now or timezone.now()
    rows = list(CheckIn.objects.filter(practice_id=practice.pk).order_by("-due_on")[:2])
    status = CheckInStatus()
    for row in rows:
        if row.answered_at is None and status.open is None and status.latest is None:
            status.open = row
        elif row.answered_at is not None and status.latest is None:
            status.latest = row
    status.unconfirmed = bool(status.open and status.open.asked_at < now - UNCONFIRMED_AFTER)
    return status


def unconfirmed_filter(*, now: datetime | None = None) -> Exists:
    """For Practice querysets: a check-in asked more than three months ago, unanswered."""
    now = now or timezone.now()
    return Exists(
        CheckIn.objects.filter(
            practice=OuterRef("pk"),
            answered_at__isnull=True,
            asked_at__lt=now - UNCONFIRMED_AFTER,
        )
    )


# --- Where -----------------------------------------------------------------------------------

# A tile map of Europe: each country a square at (column, row), laid out roughly as on a map.
TILES: dict[str, tuple[int, int]] = {
    "IS": (0, 0), "NO": (4, 0), "SE": (5, 0), "FI": (6, 0),
    "IE": (0, 1), "GB": (1, 1), "DK": (4, 1), "EE": (6, 1),
    "BE": (2, 2), "NL": (3, 2), "DE": (4, 2), "PL": (5, 2), "LV": (6, 2), "LT": (7, 2),
    "FR": (2, 3), "LU": (3, 3), "CZ": (4, 3), "SK": (5, 3), "UA": (6, 3), "BY": (7, 3),
    "PT": (1, 4), "ES": (2, 4), "CH": (3, 4), "AT": (4, 4), "HU": (5, 4), "RO": (6, 4),
    "MD": (7, 4),
    "IT": (3, 5), "SI": (4, 5), "HR": (5, 5), "RS": (6, 5), "BG": (7, 5),
    "MT": (3, 6), "BA": (5, 6), "ME": (6, 6), "MK": (7, 6), "TR": (8, 6),
    "AL": (6, 7), "GR": (7, 7), "CY": (8, 7),
}  # fmt: skip
TILE_SIZE = 56
TILE_GAP = 4


@dataclass
class Tile:
    code: str
    name: str
    x: int
    y: int
    practices: int = 0
    adaptations: int = 0
    highlighted: bool = False

    @property
    def total(self) -> int:
        return self.practices + self.adaptations

    @property
    def level(self) -> int:
        """0 to 4, for the square's shade."""
        if not self.total:
            return 0
        return min(4, 1 + self.total // 3)


@dataclass
class TileMap:
    tiles: list[Tile]
    elsewhere: list[Tile]
    width: int
    height: int


def tile_map(
    *,
    practices: Counter | None = None,
    adaptations: Counter | None = None,
    highlight: set[str] | None = None,
) -> TileMap:
    practices = practices or Counter()
    adaptations = adaptations or Counter()
    highlight = highlight or set()
    step = TILE_SIZE + TILE_GAP
    tiles = [
        Tile(
            code=code,
            name=countries.name(code) or code,
            x=col * step,
            y=row * step,
            practices=practices.get(code, 0),
            adaptations=adaptations.get(code, 0),
            highlighted=code in highlight,
        )
        for code, (col, row) in TILES.items()
    ]
    others = sorted((set(practices) | set(adaptations)) - set(TILES))
    elsewhere = [
        Tile(
            code=code,
            name=countries.name(code) or code,
            x=0,
            y=0,
            practices=practices.get(code, 0),
            adaptations=adaptations.get(code, 0),
        )
        for code in others
    ]
    columns = max(col for col, _ in TILES.values()) + 1
    rows = max(row for _, row in TILES.values()) + 1
    return TileMap(tiles=tiles, elsewhere=elsewhere, width=columns * step, height=rows * step)


@dataclass
class AreaBar:
    value: str
    label: str
    count: int
    percent: int


@dataclass
class WhereOverview:
    map: TileMap
    areas: list[AreaBar]
    practice_total: int
    adaptation_total: int


def where_overview() -> WhereOverview:
    """Visible practices and adaptations by country, practices by area: three grouped
    queries whatever their numbers."""
    visible = Practice.objects.visible()
    by_country = Counter(
        {
            row["country"]: row["n"]
            for row in visible.order_by().values("country").annotate(n=Count("pk"))
        }
    )
    adapted = Counter(
        {
            row["country"]: row["n"]
            for row in Adaptation.objects.visible()
            .order_by()
            .values("country")
            .annotate(n=Count("pk"))
        }
    )
    area_counts = {
        row["area"]: row["n"] for row in visible.order_by().values("area").annotate(n=Count("pk"))
    }
    top = max(area_counts.values(), default=0)
    areas = [
        AreaBar(
            value=value,
            label=label,
            count=area_counts.get(value, 0),
            percent=round(100 * area_counts.get(value, 0) / top) if top else 0,
        )
        for value, label in Area.choices
    ]
    return WhereOverview(
        map=tile_map(practices=by_country, adaptations=adapted),
        areas=areas,
        practice_total=sum(by_country.values()),
        adaptation_total=sum(adapted.values()),
    )


def practice_places(*, practice: Practice, adaptations: list[Adaptation]) -> TileMap:
    """The small map on a practice's page: its own country and those it was adapted in."""
    shown = [a for a in adaptations if a.hidden_at is None]
    return tile_map(
        practices=Counter({str(practice.country): 1}),
        adaptations=Counter(str(a.country) for a in shown),
        highlight={str(practice.country), *(str(a.country) for a in shown)},
    )


# --- A practice's page -----------------------------------------------------------------------


@dataclass
class PracticeTransfer:
    adaptations: list[Adaptation]
    adaptation_count: int
    # Only drawn when there are adaptations to show.
    places: TileMap | None
    similar: SimilarPractices
    checkin: CheckInStatus
    adapted_from: Adaptation | None
    may_adapt: bool
    is_author: bool
    # Who wrote any of the practice's adaptations, hidden ones included: their page shows
    # their own (an edit link, a hidden one), so it is not the one other readers share.
    adaptation_authors: frozenset[int] = frozenset()


def practice_transfer(*, practice: Practice, user: Any) -> PracticeTransfer:
    """What the practice page shows about transfer: four queries whatever the numbers."""
    every = _every_adaptation(practice)
    adaptations = _shown_to(every, user)
    is_author = bool(user.is_authenticated and user.pk == practice.author_id)
    return PracticeTransfer(
        adaptations=adaptations,
        adaptation_count=sum(1 for a in adaptations if a.hidden_at is None),
        places=practice_places(practice=practice, adaptations=adaptations) if adaptations else None,
        similar=similar_for(practice=practice, user=user),
        checkin=checkin_status(practice=practice),
        adapted_from=adapted_from(practice=practice),
        may_adapt=practice.is_visible and not is_author,
        is_author=is_author,
        adaptation_authors=frozenset(item.author_id for item in every),
    )
