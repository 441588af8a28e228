"""The pages readers see most, put together: what each reads, and which of its parts are kept
in the cache (practices/caching, docs/caching.md). Views call these; selectors stay reads.

A page is read in one round trip to the cache: the stamp of its scopes and every part kept
under it. A part missing from the cache is rendered from what the page reads lazily (the
thread, the transfer section, the listing): a page whose parts were all kept reads nothing
but what is the reader's own (practices/selectors/readers.py, one query for a member).

Parts are kept per language and per kind of reader: a visitor, or a member who may post,
or one who may not and why. A reader with anything of their own on a practice's page (its
author, a member who wrote in its thread or adapted it) and the moderators get that page
rendered for them alone, with their controls; so does everyone for a practice that is not
visible to all.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from practices import selectors
from practices.caching import (
    HOME,
    LISTING,
    SITE,
    kept_value,
    practice_scope,
    stamp_set,
    tag_scope,
)
from practices.caching.fragments import (
    Fragment,
    attach_card_html,
    attach_comment_html,
    page_parts,
)
from practices.filters import listing_query
from practices.models import Practice, Tag
from practices.selectors.comments import thread_for, thread_viewer
from practices.selectors.follows import tag_follower_count
from practices.selectors.practices import PracticeListing, home_page, practice_attach_related
from practices.selectors.readers import Reader, list_reader, practice_reader, tag_reader
from practices.selectors.transfer import PracticeTransfer, practice_transfer, similar_context_key

PAGE_SECONDS = 300
# A thread says "3 minutes ago": kept a minute at most (the script corrects the ages too).
THREAD_SECONDS = 60


def _reader_kind(user: Any) -> str:
    return "member" if user.is_authenticated else "visitor"


# --- A practice ---------------------------------------------------------------------------


@dataclass
class PracticePage:
    practice: Practice
    user: Any
    reader: Reader | None
    # The kept parts by name; empty for a page rendered for this reader alone.
    parts: dict[str, Fragment] = field(default_factory=dict)

    @cached_property
    def transfer(self) -> PracticeTransfer:
        return practice_transfer(practice=self.practice, user=self.user)

    @cached_property
    def thread(self) -> dict[str, Any]:
        thread = thread_for(practice=self.practice, user=self.user)
        attach_comment_html(thread["every"])
        return thread

    @cached_property
    def viewer(self) -> dict[str, Any]:
        """Who reads the thread and what they may do in it (no query)."""
        return thread_viewer(practice=self.practice, user=self.user)


def _personal(practice: Practice, user: Any, reader: Reader | None) -> bool:
    if not practice.is_visible:
        return True
    if not user.is_authenticated:
        return False
    return (
        user.is_moderator or user.pk == practice.author_id or bool(reader and reader.owns_content)
    )


def _thread_kind(user: Any) -> str:
    """Who may post decides the thread's controls; a closed discussion is the practice's own
    state, so it changes the stamp, not the kind."""
    if not user.is_authenticated or not user.is_active:
        return "visitor"
    if not user.email_verified:
        return "member-unverified"
    if user.is_suspended:
        return "member-suspended"
    return "member"


def practice_page(*, user: Any, pk: int) -> PracticePage | None:
    """The practice's page for this reader, or None if they may not read it. Queries when
    every part was kept: none for a visitor, the reader's one for a member."""
    user = user if user is not None else AnonymousUser()
    kind = _reader_kind(user)
    context = similar_context_key(user)
    practice_key = f"page:practice:{pk}"
    stamp, parts, found = page_parts(
        [SITE, practice_scope(pk)],
        {
            "head": (f"practice:{pk}:head", PAGE_SECONDS),
            "body": (f"practice:{pk}:body", PAGE_SECONDS),
            "transfer": (f"practice:{pk}:transfer:{kind}:{context}", PAGE_SECONDS),
            "thread": (f"practice:{pk}:thread:{_thread_kind(user)}", THREAD_SECONDS),
        },
        [practice_key],
    )
    practice = kept_value(found, practice_key, stamp)
    if practice is None:
        practice = selectors.practice_get_for_user(user=user, pk=pk, related=False)
        if practice is None:
            return None
        practice_attach_related(practice)
        if practice.is_visible:
            stamp_set(practice_key, stamp, practice, PAGE_SECONDS)
    reader = practice_reader(practice=practice, user=user)
    page = PracticePage(practice=practice, user=user, reader=reader)
    if not _personal(practice, user, reader):
        page.parts = parts
    return page


# --- The home page ----------------------------------------------------------------------------


@dataclass
class HomePage:
    user: Any
    part: Fragment | None

    @cached_property
    def _data(self) -> dict[str, Any]:
        data = home_page(user=self.user)
        attach_card_html([*data["featured"], *data["latest"]])
        return data

    @property
    def featured(self) -> list[Practice]:
        return self._data["featured"]

    @property
    def latest(self) -> list[Practice]:
        return self._data["latest"]

    @property
    def popular_tags(self) -> list[Tag]:
        return self._data["popular_tags"]


def home(*, user: Any) -> HomePage:
    """Featured and latest practices and the popular tags, the same for every visitor and
    for every member: no query when kept but the bell's."""
    kind = _reader_kind(user)
    _stamp, parts, _found = page_parts([SITE, HOME], {"content": (f"home:{kind}", PAGE_SECONDS)})
    return HomePage(user=user, part=parts["content"])


# --- The list and a tag's page ----------------------------------------------------------------


@dataclass
class ListingPage:
    """The listing of the list or a tag page for this request's filters and page
    (templates/practices/_listing.html), the same for every reader."""

    request: HttpRequest
    tag: Tag | None
    # None: rendered for this request alone (a moderator's form with errors).
    part: Fragment | None
    # The search words, for the page's title (the listing need not be read for them).
    query: str
    action: str

    @cached_property
    def listing(self) -> PracticeListing:
        listing = selectors.practice_list(
            user=self.request.user,
            filters=self.request.GET,
            page=self.request.GET.get("page"),
            tag=self.tag,
        )
        if listing.page.out_of_range:
            raise Http404(_("No such page."))
        attach_card_html(listing.page.items)
        return listing

    def check(self) -> None:
        """Raise Http404 now, not while the page renders, for a page past the last one."""
        if self.part is None or self.part.html is None:
            self.listing  # noqa: B018 - read for its Http404


def _listing_name(request: HttpRequest) -> str:
    raw = request.get_full_path().encode("utf-8", "surrogateescape")
    return f"listing:{hashlib.blake2b(raw, digest_size=16).hexdigest()}"


def listing_page(request: HttpRequest) -> tuple[ListingPage, Reader | None]:
    """The list of practices, and the member's own (the bell), for this request."""
    _stamp, parts, _found = page_parts(
        [SITE, LISTING], {"listing": (_listing_name(request), PAGE_SECONDS)}
    )
    page = ListingPage(
        request=request,
        tag=None,
        part=parts["listing"],
        query=listing_query(request.GET),
        action=reverse("practices:list"),
    )
    page.check()
    return page, list_reader(user=request.user)


def tag_page(request: HttpRequest, *, slug: str) -> tuple[ListingPage, Reader] | None:
    """A tag's page: the tag with its follower count and its listing, kept together under the
    tag's stamp, and the member's own. None if there is no such tag (it may have moved:
    practices.selectors.tag_redirect)."""
    tag_key = f"page:tag:{slug}"
    stamp, parts, found = page_parts(
        [SITE, tag_scope(slug)], {"listing": (_listing_name(request), PAGE_SECONDS)}, [tag_key]
    )
    kept = kept_value(found, tag_key, stamp)
    if kept is None:
        tag = selectors.tag_get(slug=slug)
        if tag is None:
            return None
        kept = (tag, tag_follower_count(tag=tag))
        stamp_set(tag_key, stamp, kept, PAGE_SECONDS)
    tag, followers = kept
    return tag_listing(request, tag=tag, part=parts["listing"]), tag_reader(
        tag=tag, user=request.user, followers=followers
    )


def tag_listing(request: HttpRequest, *, tag: Tag, part: Fragment | None = None) -> ListingPage:
    """A tag's listing; with no part, rendered for this request alone."""
    page = ListingPage(
        request=request,
        tag=tag,
        part=part,
        query=listing_query(request.GET),
        action=reverse("practices:tag", kwargs={"slug": tag.slug}),
    )
    page.check()
    return page
