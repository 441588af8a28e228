"""Atom feeds: every new practice, and the new practices under one tag.

Each costs two queries whatever the number of practices (the practices with their authors,
their tags); a tag's feed two more (the tag, looked up by the view and by the feed); Django's
feed view reads the Site once per process. Feed
readers find them through the <link rel="alternate"> of the site's pages and of each tag
page.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from practices import selectors
from practices.models import Practice, Tag, TagRedirect
from practices.selectors.practices import practice_cards

FEED_ITEMS = 30


def _latest(tag: Tag | None = None) -> list[Practice]:
    rows = Practice.objects.visible()
    if tag is not None:
        rows = rows.filter(tagged_items__tag=tag)
    items = list(
        practice_cards(rows.select_related("author")).order_by("-published_at", "-id")[:FEED_ITEMS]
    )
    for item in items:
        item.tag_list = [tagged.tag for tagged in item.tag_items]
    return items


class LatestPracticesFeed(Feed):
    """One instance per request (see the views below): it keeps the request's own address,
    so that links point at the host the reader used, not the Sites framework's domain."""

    feed_type = Atom1Feed
    base = ""

    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        self.base = request.build_absolute_uri("/").rstrip("/")
        return None

    def _absolute(self, path: str) -> str:
        return f"{self.base}{path}"

    def title(self) -> str:
        return _("%(site)s: new practices") % {"site": settings.SITE_NAME}

    def subtitle(self) -> str:
        return _("Practices of migrant and refugee integration shared by practitioners.")

    def link(self) -> str:
        return self._absolute(reverse("practices:list"))

    def feed_url(self) -> str:
        return self._absolute(reverse("notifications:practices_feed"))

    def items(self) -> list[Practice]:
        return _latest()

    def item_title(self, item: Practice) -> str:
        return item.title

    def item_description(self, item: Practice) -> str:
        # Plain text, escaped by the feed generator: the summary, and where and who.
        return f"{item.summary}\n\n{item.city}, {item.country.name} · {item.organisation}"

    def item_link(self, item: Practice) -> str:
        return self._absolute(item.get_absolute_url())

    def item_author_name(self, item: Practice) -> str:
        return item.author.display_name or _("A member")

    def item_author_link(self, item: Practice) -> str:
        return self._absolute(item.author.get_absolute_url())

    def item_pubdate(self, item: Practice):
        return item.published_at

    def item_updateddate(self, item: Practice):
        return item.updated_at

    def item_categories(self, item: Practice) -> list[str]:
        return [tag.name for tag in item.tag_list]


class TagPracticesFeed(LatestPracticesFeed):
    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Tag:
        super().get_object(request)
        tag = selectors.tag_get(slug=kwargs["slug"])
        if tag is None:
            raise Http404(_("No such tag."))
        return tag

    def title(self, obj: Tag) -> str:
        return _("%(site)s: practices tagged “%(tag)s”") % {
            "site": settings.SITE_NAME,
            "tag": obj.name,
        }

    def subtitle(self, obj: Tag) -> str:
        return obj.description or _("New practices under the tag “%(tag)s”.") % {"tag": obj.name}

    def link(self, obj: Tag) -> str:
        return self._absolute(obj.get_absolute_url())

    def feed_url(self, obj: Tag) -> str:
        return self._absolute(reverse("notifications:tag_feed", kwargs={"slug": obj.slug}))

    def items(self, obj: Tag) -> list[Practice]:
        return _latest(obj)


def latest_practices_feed(request: HttpRequest) -> HttpResponse:
    return LatestPracticesFeed()(request)


def tag_practices_feed(request: HttpRequest, slug: str) -> HttpResponse:
    """A tag's feed; the feed of a tag that was renamed or merged moves for good."""
    if selectors.tag_get(slug=slug) is None:
        moved = TagRedirect.objects.select_related("tag").filter(old_slug=slug).first()
        if moved is None:
            raise Http404(_("No such tag."))
        return HttpResponsePermanentRedirect(
            reverse("notifications:tag_feed", kwargs={"slug": moved.tag.slug})
        )
    return TagPracticesFeed()(request, slug=slug)
