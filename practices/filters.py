"""The practice list's search, filters and sort, validated by one django-filter FilterSet.

Each filter is single-valued so that facet counts stay simple: the counts shown for one
filter are computed with every *other* filter applied (practices.selectors.practices).
"""

from __future__ import annotations

import re
from typing import Any

import django_filters
from django import forms
from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from practices.models import (
    PRACTICE_LANGUAGES,
    Area,
    OrganisationType,
    Stage,
    Tag,
    TaggedPractice,
    TargetGroup,
)

SORT_RELEVANCE = "relevance"
SORT_NEWEST = "newest"
SORT_DISCUSSED = "discussed"
SORT_ACTIVE = "active"
SORT_ADAPTED = "adapted"
SORT_CHOICES = [
    (SORT_RELEVANCE, _("Best match")),
    (SORT_NEWEST, _("Newest")),
    (SORT_DISCUSSED, _("Most discussed")),
    (SORT_ACTIVE, _("Recently active")),
    (SORT_ADAPTED, _("Most adapted")),
]
# Every ordering ends in -id and matches one of the indexes on Practice.
ORDERINGS = {
    SORT_NEWEST: ("-published_at", "-id"),
    SORT_DISCUSSED: ("-comment_count", "-id"),
    SORT_ACTIVE: ("-last_activity_at", "-id"),
    SORT_ADAPTED: ("-adaptation_count", "-id"),
}
FACET_NAMES = ("tag", "country", "area", "target_group", "organisation_type", "stage", "language")
SEARCH_MAX_LENGTH = 200
# The SQLite fallback ANDs one OR-group per word; more words than this are ignored.
FALLBACK_MAX_WORDS = 8
FALLBACK_FIELDS = ("title", "summary", "description", "organisation", "city")
_WORDS = re.compile(r"[^\s\"']+")


def search_query(text: str):
    """The PostgreSQL query for `text`: the "simple" config, as the stored vector uses."""
    from django.contrib.postgres.search import SearchQuery

    return SearchQuery(text, config="simple", search_type="websearch")


def uses_full_text_search() -> bool:
    return connection.vendor == "postgresql"


def _fallback_search(queryset: QuerySet, text: str) -> QuerySet:
    words = _WORDS.findall(text)[:FALLBACK_MAX_WORDS]
    for word in words:
        any_field = Q()
        for field in FALLBACK_FIELDS:
            any_field |= Q(**{f"{field}__icontains": word})
        queryset = queryset.filter(any_field)
    return queryset


def country_choices() -> list[tuple[str, str]]:
    return [(country.code, country.name) for country in countries]


class PracticeFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"), method="filter_search", max_length=SEARCH_MAX_LENGTH, strip=True
    )
    tag = django_filters.CharFilter(label=_("Tag"), method="filter_tag")
    country = django_filters.ChoiceFilter(
        label=_("Country"), choices=country_choices, empty_label=_("Any country")
    )
    area = django_filters.ChoiceFilter(
        label=_("Area"), choices=Area.choices, empty_label=_("Any area")
    )
    target_group = django_filters.ChoiceFilter(
        label=_("Target group"),
        field_name="target_groups__slug",
        choices=(),
        empty_label=_("Any target group"),
    )
    organisation_type = django_filters.ChoiceFilter(
        label=_("Organisation type"),
        choices=OrganisationType.choices,
        empty_label=_("Any type of organisation"),
    )
    stage = django_filters.ChoiceFilter(
        label=_("Stage"), choices=Stage.choices, empty_label=_("Any stage")
    )
    language = django_filters.ChoiceFilter(
        label=_("Written in"), choices=PRACTICE_LANGUAGES, empty_label=_("Any language")
    )
    adapted = django_filters.BooleanFilter(label=_("Has been adapted"), method="filter_adapted")
    unconfirmed = django_filters.BooleanFilter(
        label=_("Not recently confirmed"), method="filter_unconfirmed"
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"), choices=SORT_CHOICES, empty_label=None, method="filter_nothing"
    )

    def __init__(self, *args, target_groups: list[tuple[str, str]] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if target_groups is None:
            target_groups = [(g.slug, g.label) for g in TargetGroup.objects.all()]
        self.filters["target_group"].extra["choices"] = target_groups
        self.form.fields["tag"] = forms.SlugField(
            label=gettext("Tag"), required=False, max_length=100, allow_unicode=True
        )
        self.form.fields["sort"].required = False
        for name in ("adapted", "unconfirmed"):
            self.form.fields[name] = forms.BooleanField(
                label=self.filters[name].label, required=False
            )
        self.form.fields["q"].widget = forms.TextInput(attrs={"type": "search"})
        self.form.label_suffix = ""
        # Tag ids by slug, looked up once per list (practice_list fills in the tag it has).
        self.tag_ids: dict[str, int | None] = {}

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if not value:
            return queryset
        if uses_full_text_search():
            return queryset.filter(search_vector=search_query(value))
        return _fallback_search(queryset, value)

    def filter_tag(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if not value:
            return queryset
        if value not in self.tag_ids:
            self.tag_ids[value] = (
                Tag.objects.filter(slug=value).values_list("pk", flat=True).first()
            )
        tag_id = self.tag_ids[value]
        if tag_id is None:
            return queryset.none()
        # By id, not by slug through a join: PostgreSQL knows how common each tag id is, so a
        # popular tag walks the newest practices and stops, a rare one starts from its rows.
        tagged = TaggedPractice.objects.filter(content_object=OuterRef("pk"), tag_id=tag_id)
        return queryset.filter(Exists(tagged))

    def filter_adapted(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        return queryset.filter(adaptation_count__gt=0) if value else queryset

    def filter_unconfirmed(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        if not value:
            return queryset
        from practices.selectors.transfer import unconfirmed_filter

        return queryset.filter(unconfirmed_filter())

    def filter_nothing(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        # Sorting is applied by the selector, which also knows about search ranking.
        return queryset

    def cleaned(self) -> dict:
        """The valid values only; an invalid field is dropped (and reported by the form)."""
        if not self.is_bound:
            return {}
        self.form.is_valid()
        return {
            k: v
            for k, v in self.form.cleaned_data.items()
            if v not in (None, "") and v is not False
        }

    def filter_excluding(self, queryset: QuerySet, *, exclude: tuple[str, ...] = ()) -> QuerySet:
        for name, value in self.cleaned().items():
            if name not in exclude:
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    def sort_key(self) -> str:
        values = self.cleaned()
        sort = values.get("sort")
        if sort == SORT_RELEVANCE or not sort:
            return SORT_RELEVANCE if values.get("q") else SORT_NEWEST
        return sort


def listing_query(data: Any) -> str:
    """The search words of a listing's query string, as the filter set cleans them (too long
    or holding a NUL: none), without building the filter set."""
    value = str(data.get("q") or "").strip()
    if len(value) > SEARCH_MAX_LENGTH or "\x00" in value:
        return ""
    return value
