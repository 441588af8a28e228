"""Reads of practices: the list with search, filters and facets, one practice, its revisions.

Every function here costs the same number of queries for 10 practices or 100,000.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import math
import re
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.conf import settings
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    Prefetch,
    QuerySet,
    Value,
    When,
    prefetch_related_objects,
)
from django.utils.translation import get_language, gettext, gettext_lazy
from django_countries import countries

from practices.caching import cached_refreshing
from practices.filters import (
    FACET_NAMES,
    ORDERINGS,
    SORT_RELEVANCE,
    PracticeFilterSet,
    search_query,
    uses_full_text_search,
)
from practices.models import (
    PRACTICE_LANGUAGES,
    Area,
    OrganisationType,
    Practice,
    PracticeRevision,
    Stage,
    Status,
    Tag,
    TaggedPractice,
    TargetGroup,
)
from practices.selectors.tags import tag_popular

# Columns a list item never shows; leaving them out keeps each row small.
LIST_DEFERRED = (
    "challenge",
    "description",
    "results",
    "resources",
    "difficulties",
    "transfer_tips",
    "rendered",
    "links",
    "search_vector",
)
TAG_FACET_LIMIT = 25
# Page numbers past this are not served; it also keeps OFFSET far from integer overflow.
MAX_PAGE = 100_000
# A search sorted by best match ranks at most this many matches (the newest ones).
RANK_CANDIDATES = 2_000


def _cache_seconds() -> int:
    return settings.PRACTICE_LISTING_CACHE_SECONDS


def tags_prefetch() -> Prefetch:
    """A practice's tags as `practice.tag_items` (TaggedPractice rows with their tag)."""
    return Prefetch(
        "tagged_items",
        queryset=TaggedPractice.objects.select_related("tag").order_by("tag__name"),
        to_attr="tag_items",
    )


def _attach_tags(practices: list[Practice]) -> list[Practice]:
    """Each practice's tags as `tag_list`."""
    for practice in practices:
        practice.tag_list = [item.tag for item in getattr(practice, "tag_items", [])]
    return practices


def practice_cards(queryset: QuerySet[Practice]) -> QuerySet[Practice]:
    """What a practice card in any list needs: the short fields and the tags."""
    return queryset.defer(*LIST_DEFERRED).prefetch_related(tags_prefetch())


# --- The list --------------------------------------------------------------------------------


@dataclass
class FacetChoice:
    value: str
    label: str
    count: int
    selected: bool = False


@dataclass
class CappedPage:
    """A page of a list whose total is counted only up to a cap."""

    items: list[Practice]
    number: int
    per_page: int
    count: int
    cap: int
    has_next: bool

    @property
    def count_is_capped(self) -> bool:
        return self.count > self.cap

    @property
    def shown_count(self) -> int:
        return min(self.count, self.cap)

    @property
    def num_pages(self) -> int:
        """Pages known to exist; past the cap there may be more (see has_next)."""
        return max(1, math.ceil(self.shown_count / self.per_page))

    @property
    def out_of_range(self) -> bool:
        return self.number > 1 and not self.items

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def start_index(self) -> int:
        return (self.number - 1) * self.per_page + 1 if self.items else 0

    @property
    def end_index(self) -> int:
        return (self.number - 1) * self.per_page + len(self.items)

    @property
    def page_range(self) -> list[int | None]:
        """Page numbers around the current one, with None for a gap: 1 … 4 5 [6] 7 8 … 20."""
        last = max(self.num_pages, self.number + (1 if self.has_next else 0))
        wanted = {1, *range(self.number - 2, self.number + 3)}
        if not self.count_is_capped:
            wanted.add(last)
        pages = sorted(n for n in wanted if 1 <= n <= last)
        result: list[int | None] = []
        for n in pages:
            if result and n - (result[-1] or 0) > 1:
                result.append(None)
            result.append(n)
        return result


@dataclass
class PracticeListing:
    filterset: PracticeFilterSet
    page: CappedPage
    facets: dict[str, list[FacetChoice]]
    sort: str
    query: str
    tag: Tag | None = None
    active_filters: list[tuple[str, str]] = field(default_factory=list)

    @property
    def form(self):
        return self.filterset.form


def parse_page_number(raw: Any) -> int:
    """A page number from the query string; anything that is not a whole number means 1."""
    text = str(raw or "").strip()
    if not (text.isascii() and text.isdigit()):
        return 1
    return max(1, min(int(text), MAX_PAGE + 1))


def _facet_rows(name: str, queryset: QuerySet[Practice], selected: str | None) -> list[tuple]:
    """(value, label, count) for one filter: a single grouped query."""
    if name == "tag":
        rows = (
            TaggedPractice.objects.filter(content_object__in=queryset.values("pk"))
            .values("tag__slug", "tag__name")
            .annotate(
                n=Count("id"),
                chosen=Case(
                    When(tag__slug=selected or "", then=Value(0)),
                    default=Value(1),
                    output_field=IntegerField(),
                ),
            )
            .order_by("chosen", "-n", "tag__name")[:TAG_FACET_LIMIT]
        )
        return [(r["tag__slug"], r["tag__name"], r["n"]) for r in rows]
    if name == "target_group":
        through = Practice.target_groups.through
        rows = (
            through.objects.filter(practice__in=queryset.values("pk"))
            .values("targetgroup__slug", "targetgroup__name", "targetgroup__position")
            .annotate(n=Count("id"))
            .order_by("targetgroup__position", "targetgroup__name")
        )
        return [(r["targetgroup__slug"], gettext(r["targetgroup__name"]), r["n"]) for r in rows]
    rows = queryset.order_by().values(name).annotate(n=Count("pk"))
    counts = {r[name]: r["n"] for r in rows}
    if name == "country":
        named = sorted(
            ((code, countries.name(code) or code) for code in counts), key=lambda c: c[1]
        )
        return [(code, label, counts[code]) for code, label in named]
    choices = {
        "area": Area.choices,
        "organisation_type": OrganisationType.choices,
        "stage": Stage.choices,
        "language": PRACTICE_LANGUAGES,
    }[name]
    return [(value, label, counts[value]) for value, label in choices if value in counts]


def _count_and_facets(
    filterset: PracticeFilterSet, base: QuerySet[Practice], skip: tuple[str, ...]
) -> tuple[int, dict[str, list[tuple]]]:
    cap = settings.PRACTICE_COUNT_CAP
    values = filterset.cleaned()

    def compute() -> tuple[int, dict[str, list[tuple]]]:
        filtered = filterset.filter_excluding(base, exclude=("sort",))
        # A sliced subquery: the database counts at most cap+1 rows, however many match.
        count = filtered.order_by().values("pk")[: cap + 1].count()
        facets = {}
        for name in FACET_NAMES:
            if name in skip:
                continue
            others = filterset.filter_excluding(base, exclude=("sort", name))
            facets[name] = _facet_rows(name, others, values.get(name))
        return count, facets

    seconds = _cache_seconds()
    if seconds <= 0:
        return compute()
    key_data = {k: str(v) for k, v in values.items() if k != "sort"}
    key_data["_skip"] = ",".join(skip)
    key_data["_cap"] = str(cap)
    # Country and choice labels are stored translated.
    key_data["_lang"] = get_language()
    digest = hashlib.sha256(json.dumps(key_data, sort_keys=True).encode()).hexdigest()
    return cached_refreshing(f"practices:listing:{digest}", compute, seconds)


def _facet_choices(
    filterset: PracticeFilterSet, facets: dict[str, list[tuple]]
) -> dict[str, list[FacetChoice]]:
    """Turn the counts into choices, and show them (with counts) in the filter form."""
    values = filterset.cleaned()
    result: dict[str, list[FacetChoice]] = {}
    for name, rows in facets.items():
        selected = values.get(name)
        choices = [
            FacetChoice(value=value, label=label, count=n, selected=value == selected)
            for value, label, n in rows
        ]
        form_field = filterset.form.fields[name]
        known = dict(form_field.choices) if name != "tag" else {}
        if selected and not any(c.selected for c in choices):
            # Chosen, but nothing matches with the other filters: keep it visible, at 0.
            label = str(known.get(selected, selected))
            choices.insert(0, FacetChoice(value=selected, label=label, count=0, selected=True))
        result[name] = choices
        empty = known.get("", gettext("Any tag"))
        options = [("", empty)] + [(c.value, f"{c.label} ({c.count})") for c in choices]
        form_field.widget = forms.Select(choices=options)
    return result


def _ordered(queryset: QuerySet[Practice], sort: str, q: str | None) -> QuerySet[Practice]:
    if sort == SORT_RELEVANCE and q and uses_full_text_search():
        from django.contrib.postgres.search import SearchRank

        # Ranking reads every match: for a word in most of 100,000 practices that is most of
        # the table, on every page. The best matches are therefore picked among the newest
        # RANK_CANDIDATES matches (all of them for any but the commonest words); the
        # newest-first sort still reaches every match.
        candidates = queryset.order_by("-published_at", "-id").values("pk")[:RANK_CANDIDATES]
        return (
            queryset.filter(pk__in=candidates)
            .annotate(rank=SearchRank(F("search_vector"), search_query(q)))
            .order_by("-rank", "-published_at", "-id")
        )
    return queryset.order_by(*ORDERINGS.get(sort, ORDERINGS["newest"]))


def practice_list(
    *, user: Any, filters: Any, page: Any = None, tag: Tag | None = None
) -> PracticeListing:
    """Visible practices matching `filters` (a QueryDict or dict), one page of them.

    Queries: the target groups (for the form), then, unless cached, the capped count and one
    grouped query per facet; then the page's rows and their tags.
    """
    data = filters.copy() if hasattr(filters, "copy") else dict(filters or {})
    if tag is not None:
        data["tag"] = tag.slug
    target_groups = [(group.slug, group.label) for group in TargetGroup.objects.all()]
    filterset = PracticeFilterSet(
        data=data, queryset=Practice.objects.visible(), target_groups=target_groups
    )
    if tag is not None:
        filterset.tag_ids[tag.slug] = tag.pk
    values = filterset.cleaned()
    sort = filterset.sort_key()
    q = values.get("q")
    base = Practice.objects.visible()
    skip = ("tag",) if tag is not None else ()

    count, facet_rows = _count_and_facets(filterset, base, skip)
    facets = _facet_choices(filterset, facet_rows)
    if not q:
        sort_field = filterset.form.fields["sort"]
        sort_field.widget.choices = [c for c in sort_field.choices if c[0] != SORT_RELEVANCE]

    per_page = settings.PRACTICES_PER_PAGE
    number = parse_page_number(page)
    offset = (number - 1) * per_page
    rows = _ordered(filterset.filter_excluding(base, exclude=("sort",)), sort, q)
    items = list(practice_cards(rows)[offset : offset + per_page + 1])
    has_next = len(items) > per_page
    items = _attach_tags(items[:per_page])

    active = []
    for name in FACET_NAMES:
        if name in skip or name not in values:
            continue
        chosen = next((c for c in facets.get(name, []) if c.selected), None)
        active.append((filterset.form.fields[name].label, chosen.label if chosen else values[name]))
    for name in ("adapted", "unconfirmed"):
        if values.get(name):
            active.append((filterset.form.fields[name].label, gettext("yes")))

    return PracticeListing(
        filterset=filterset,
        page=CappedPage(
            items=items,
            number=number,
            per_page=per_page,
            count=count,
            cap=settings.PRACTICE_COUNT_CAP,
            has_next=has_next,
        ),
        facets=facets,
        sort=sort,
        query=q or "",
        tag=tag,
        active_filters=active,
    )


# --- One practice ----------------------------------------------------------------------------


def practice_get_for_user(*, user: Any, pk: int, related: bool = True) -> Practice | None:
    """The practice if this viewer may read it, with its author, tags and target groups
    (3 queries). With `related` False, the row alone (1 query; the author is read when first
    asked for), for the practice page, whose kept content needs neither."""
    queryset = Practice.objects.for_user(user).filter(pk=pk)
    practice = (queryset.select_related("author") if related else queryset).first()
    if practice is not None:
        if related:
            practice_attach_related(practice)
        # Links are checked when saved; this keeps anything else off the page as a link.
        practice.safe_links = [
            link
            for link in practice.links or []
            if isinstance(link, str) and link.lower().startswith(("http://", "https://"))
        ]
    return practice


def practice_attach_related(practice: Practice) -> None:
    """Load the practice's tags as `tag_list` and its target groups as `target_group_list`
    (2 queries)."""
    prefetch_related_objects(
        [practice],
        tags_prefetch(),
        Prefetch(
            "target_groups",
            queryset=TargetGroup.objects.order_by("position", "name"),
            to_attr="target_group_list",
        ),
    )
    _attach_tags([practice])


# --- Revisions -------------------------------------------------------------------------------

_TOKENS = re.compile(r"\s+|\w+|[^\w\s]")
_CHOICE_LABELS = {
    "area": dict(Area.choices),
    "organisation_type": dict(OrganisationType.choices),
    "stage": dict(Stage.choices),
    "status": dict(Status.choices),
}
# Snapshot keys that are not model fields, and fields whose verbose name Django derives from
# the field's name (which no catalog translates).
_EXTRA_LABELS = {
    "title": gettext_lazy("Title"),
    "summary": gettext_lazy("Summary"),
    "country": gettext_lazy("Country"),
    "city": gettext_lazy("City"),
    "organisation": gettext_lazy("Organisation"),
    "organisation_type": gettext_lazy("Organisation type"),
    "area": gettext_lazy("Area"),
    "started_on": gettext_lazy("Started on"),
    "ended_on": gettext_lazy("Ended on"),
    "stage": gettext_lazy("Stage"),
    "tags": gettext_lazy("Tags"),
    "target_groups": gettext_lazy("Target groups"),
    "image": gettext_lazy("Image"),
    "status": gettext_lazy("Status"),
    "still_running": gettext_lazy("Still running"),
    "links": gettext_lazy("Links"),
}


@dataclass
class FieldChange:
    name: str
    label: str
    # (operation, text): operation is "equal", "delete" or "insert".
    segments: list[tuple[str, str]]


@dataclass
class RevisionEntry:
    revision: PracticeRevision
    changes: list[FieldChange]
    is_first: bool


def _field_label(name: str) -> str:
    if name in _EXTRA_LABELS:
        return _EXTRA_LABELS[name]
    try:
        label = str(Practice._meta.get_field(name).verbose_name)
    except Exception:  # noqa: BLE001 - an old snapshot may hold a field that no longer exists
        label = name.replace("_", " ")
    return label[:1].upper() + label[1:]


def _as_text(name: str, value: Any, group_names: dict[str, str]) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if name == "country":
        return countries.name(value) or str(value) if value else ""
    if name in _CHOICE_LABELS:
        return str(_CHOICE_LABELS[name].get(value, value))
    if name == "target_groups":
        return ", ".join(group_names.get(slug, slug) for slug in value)
    if name == "tags":
        return ", ".join(value)
    if name == "links":
        return "\n".join(value)
    return str(value)


def _diff(before: str, after: str) -> list[tuple[str, str]]:
    """A word-level diff of two texts, as runs of equal, deleted and inserted text."""
    old, new = _TOKENS.findall(before), _TOKENS.findall(after)
    segments: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            segments.append(("equal", "".join(old[i1:i2])))
            continue
        if op in ("delete", "replace"):
            segments.append(("delete", "".join(old[i1:i2])))
        if op in ("insert", "replace"):
            segments.append(("insert", "".join(new[j1:j2])))
    return segments


def practice_revision_history(*, practice: Practice) -> list[RevisionEntry]:
    """Every revision, newest first, each with what changed against the one before (2 queries)."""
    revisions = list(
        PracticeRevision.objects.filter(practice=practice)
        .select_related("editor")
        .order_by("number")
    )
    group_names = {group.slug: group.label for group in TargetGroup.objects.all()}
    entries: list[RevisionEntry] = []
    previous: dict[str, Any] | None = None
    for revision in revisions:
        data = revision.data or {}
        changes: list[FieldChange] = []
        if previous is not None:
            for name in dict.fromkeys([*previous, *data]):
                before = _as_text(name, previous.get(name), group_names)
                after = _as_text(name, data.get(name), group_names)
                if before != after:
                    changes.append(
                        FieldChange(
                            name=name, label=_field_label(name), segments=_diff(before, after)
                        )
                    )
        entries.append(RevisionEntry(revision=revision, changes=changes, is_first=previous is None))
        previous = data
    entries.reverse()
    return entries


# --- Other lists -----------------------------------------------------------------------------


def practice_list_for_author(*, author, viewer):
    qs = Practice.objects.for_user(viewer).filter(author=author)
    return qs.select_related("author")


def home_page(*, user) -> dict:
    """The home page: featured practices, the latest ones and the popular tags."""
    featured = _attach_tags(
        list(
            practice_cards(Practice.objects.visible().filter(featured_at__isnull=False)).order_by(
                "-featured_at", "-id"
            )[:3]
        )
    )
    latest = _attach_tags(
        list(practice_cards(Practice.objects.visible()).order_by("-published_at", "-id")[:6])
    )
    return {"featured": featured, "latest": latest, "popular_tags": tag_popular(limit=12)}
