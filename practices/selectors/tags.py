"""Reads of tags: the index, one tag, the popular ones and the autocomplete suggestions.

Counts are of visible practices only; each function costs a fixed number of queries.
"""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet

from practices.caching import cached_refreshing
from practices.models import Practice, Tag, TagRedirect
from practices.tags import normalise_tag

TAGS_PER_PAGE = 100
AUTOCOMPLETE_LIMIT = 10
AUTOCOMPLETE_MAX_QUERY = 50


def _cache_seconds() -> int:
    return settings.PRACTICE_LISTING_CACHE_SECONDS


def tags_with_counts() -> QuerySet[Tag]:
    """Every tag, annotated with `count`: how many visible practices carry it."""
    visible = Practice.objects.visible().values("pk")
    return Tag.objects.annotate(
        count=Count("tagged_practices", filter=Q(tagged_practices__content_object__in=visible))
    )


def tag_get(*, slug: str) -> Tag | None:
    return Tag.objects.filter(slug=slug).first()


def tag_moved_to(*, slug: str) -> Tag | None:
    """The tag a renamed or merged tag's old slug now leads to, if any."""
    moved = TagRedirect.objects.select_related("tag").filter(old_slug=slug).first()
    return moved.tag if moved is not None else None


def tag_index(*, page: int | str | None = None) -> dict:
    """Official tags first (all of them), then every used tag, most used first, paginated."""
    official = list(tags_with_counts().filter(is_official=True).order_by("name"))
    used = tags_with_counts().filter(count__gt=0).order_by("-count", "name")
    tags_page: Page = Paginator(used, TAGS_PER_PAGE).get_page(page)
    return {"official_tags": official, "tags_page": tags_page}


def tag_popular(*, limit: int = 12) -> list[Tag]:
    """The most used tags. Cached briefly: the home page shows it on every visit."""

    def compute() -> list[Tag]:
        return list(tags_with_counts().filter(count__gt=0).order_by("-count", "name")[:limit])

    seconds = _cache_seconds()
    if seconds <= 0:
        return compute()
    return cached_refreshing(f"practices:popular-tags:{limit}", compute, seconds)


def tag_autocomplete(*, q: str, limit: int = AUTOCOMPLETE_LIMIT) -> list[dict]:
    """Suggestions for what a member is typing: official tags first, then the most used."""
    # A NUL byte is not valid in a PostgreSQL string; nothing useful is lost by dropping it.
    text = normalise_tag((q or "").replace("\x00", ""))[:AUTOCOMPLETE_MAX_QUERY]
    if not text:
        return []
    rows = (
        tags_with_counts()
        .filter(name__icontains=text)
        .order_by("-is_official", "-count", "name")
        .values("name", "slug", "count")[:limit]
    )
    return [{"name": r["name"], "slug": r["slug"], "count": r["count"]} for r in rows]
