"""Reads of collections: the public list and pages, and the moderators' views of them.

Readers only ever see public collections and, inside them, visible practices; moderators
see everything. Each function costs a fixed number of queries.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Prefetch, Q

from practices.models import Collection, CollectionItem, Practice, TaggedPractice

COLLECTIONS_PER_PAGE = 30

_CARD_DEFER = (
    "practice__challenge",
    "practice__description",
    "practice__results",
    "practice__resources",
    "practice__difficulties",
    "practice__transfer_tips",
    "practice__rendered",
    "practice__links",
    "practice__search_vector",
)


def _visible_items() -> Q:
    visible = Practice.objects.visible().values("pk")
    return Q(items__practice__in=visible)


def collection_list(*, page: Any = None, include_private: bool = False) -> dict:
    """Collections by title, each with `practice_count` (visible practices; all practices
    for the moderators' list): two queries a page."""
    collections = Collection.objects.order_by("title", "id")
    if include_private:
        collections = collections.annotate(practice_count=Count("items"))
    else:
        collections = collections.filter(is_public=True).annotate(
            practice_count=Count("items", filter=_visible_items())
        )
    paginator = Paginator(collections, COLLECTIONS_PER_PAGE)
    page_obj = paginator.get_page(page)
    return {"page": page_obj, "collections": list(page_obj.object_list)}


def collection_get(*, slug: str, user: Any) -> Collection | None:
    """A collection with its practices in order as `entries` (CollectionItem rows whose
    practice carries `tag_list`), or None. Readers see public collections and visible
    practices only; moderators see all, hidden and unpublished included. Three queries."""
    is_moderator = bool(user is not None and user.is_authenticated and user.is_moderator)
    collection = Collection.objects.filter(slug=slug).first()
    if collection is None or not (collection.is_public or is_moderator):
        return None
    items = CollectionItem.objects.filter(collection=collection)
    if not is_moderator:
        items = items.filter(practice__in=Practice.objects.visible().values("pk"))
    items = (
        items.select_related("practice", "practice__author")
        .defer(*_CARD_DEFER)
        .prefetch_related(
            Prefetch(
                "practice__tagged_items",
                queryset=TaggedPractice.objects.select_related("tag").order_by("tag__name"),
                to_attr="tag_items",
            )
        )
        .order_by("position", "id")
    )
    entries = list(items)
    for entry in entries:
        entry.practice.tag_list = [item.tag for item in entry.practice.tag_items]
    collection.entries = entries
    return collection


def collections_for_practice(*, practice: Practice) -> list[Collection]:
    """Every collection, each with `has_practice`, for the moderators' "add to a collection"
    menu on a practice page (one query)."""
    holds = CollectionItem.objects.filter(collection=OuterRef("pk"), practice_id=practice.pk)
    return list(
        Collection.objects.annotate(has_practice=Exists(holds))
        .order_by("title")
        .only("pk", "title", "slug", "is_public")
    )
