"""Whole pages for visitors, from the cache, dropped by the writes that change them.

Most readers are not logged in, and they all see the same page. The way Discourse serves
them: the first anonymous GET of the home page, a list, a tag or a practice renders it as
usual and stores the finished response; the next ones get those bytes back without a
session, a user, a template or a query. Every stored page carries the stamp of its scopes
(practices/caching/__init__.py: `practice:<id>` for a practice's page, `tag:<slug>` for a
tag's, `listing` for the list and searches, `home`), read in the same round trip as the page;
a write drops the scopes it changed and the page is rendered again at the next request, on
every process. ANON_PAGE_CACHE_SECONDS bounds how long a page lives even without writes
(0 turns this off).

What is never stored or served:
- a request carrying the session or messages cookie (a member, or someone with a message
  waiting): those go through Django untouched, whatever they are;
- a response that sets a cookie, carries a CSRF token, is not a plain 200, says
  `Cache-Control: private/no-store/no-cache`, or varies on more than Cookie and
  Accept-Encoding;
- anything but GET on the views named in PAGE_SCOPES, or with a query parameter the page
  does not understand (or one given twice): `?x=<random>` can neither fill the cache nor
  push out what is in it.
Pages are stored per language: the one LocaleMiddleware picks from the language cookie or the
browser's Accept-Language.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, ResolverMatch, resolve
from django.utils import translation
from django.utils.cache import cc_delim_re

from practices.caching import (
    HOME,
    LISTING,
    SITE,
    kept_value,
    practice_scope,
    stamp_get,
    stamp_set,
    tag_scope,
)
from practices.filters import PracticeFilterSet

logger = logging.getLogger(__name__)

# The pages kept, with the scopes each depends on and the query parameters it understands.
_LISTING_PARAMS = frozenset({*PracticeFilterSet.base_filters, "page"})
PAGE_SCOPES: dict[str, tuple[Callable[[ResolverMatch], list[str]], frozenset[str]]] = {
    "home": (lambda match: [SITE, HOME], frozenset()),
    "practices:list": (lambda match: [SITE, LISTING], _LISTING_PARAMS),
    "practices:tag": (lambda match: [SITE, tag_scope(match.kwargs["slug"])], _LISTING_PARAMS),
    "practices:detail": (lambda match: [SITE, practice_scope(match.kwargs["pk"])], frozenset()),
}
PAGE_KEY_PREFIX = "anon:page:"
# The header a response gets when it came from this cache; the benchmark and tests read it.
HIT_HEADER = "X-Anon-Cache"
# Accept-Language is part of the key (the language LocaleMiddleware will pick from the
# cookie or the header), so a page that varies on it is still one page per key.
_ALLOWED_VARY = frozenset({"cookie", "accept-encoding", "accept-language"})
_CSRF_MARKER = b'name="csrfmiddlewaretoken"'


def _seconds() -> int:
    return int(getattr(settings, "ANON_PAGE_CACHE_SECONDS", 0) or 0)


def _is_anonymous_request(request: HttpRequest) -> bool:
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and CookieStorage.cookie_name not in cookies


def _page(request: HttpRequest) -> tuple[str, list[str]] | None:
    """The key of this request's page and the scopes it depends on, or None if the page is
    not one that is kept, or the request asks for it with parameters it does not take."""
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    page = PAGE_SCOPES.get(match.view_name)
    if page is None:
        return None
    scopes, allowed = page
    params = request.GET
    if any(name not in allowed or len(params.getlist(name)) > 1 for name in params):
        return None
    try:
        host = request.get_host()
    except DisallowedHost:
        return None
    query = urlencode(sorted(params.items()))
    language = translation.get_language_from_request(request)
    raw = f"{host}\n{language}\n{request.path}?{query}".encode("utf-8", "surrogateescape")
    return PAGE_KEY_PREFIX + hashlib.blake2b(raw, digest_size=16).hexdigest(), scopes(match)


def _storable(request: HttpRequest, response: HttpResponse) -> bool:
    if response.status_code != 200 or response.streaming:
        return False
    if response.cookies or response.has_header("Set-Cookie"):
        return False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    cache_control = response.get("Cache-Control", "").lower()
    if any(word in cache_control for word in ("private", "no-store", "no-cache")):
        return False
    vary = {v.strip().lower() for v in cc_delim_re.split(response.get("Vary", "")) if v.strip()}
    if vary - _ALLOWED_VARY:
        return False
    return _CSRF_MARKER not in response.content


class AnonymousPageCacheMiddleware:
    """Outermost middleware: serves stored pages before the session or user is looked at."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        seconds = _seconds()
        if seconds <= 0 or request.method != "GET" or not _is_anonymous_request(request):
            return self.get_response(request)
        page = _page(request)
        if page is None:
            return self.get_response(request)
        key, scopes = page
        stamp, found = stamp_get(scopes, [key])
        stored = kept_value(found, key, stamp)
        if stored is not None:
            status, headers, content = stored
            response = HttpResponse(content, status=status)
            for name, value in headers:
                response[name] = value
            response[HIT_HEADER] = "hit"
            return response

        response = self.get_response(request)
        if stamp is not None and _storable(request, response):
            headers = [(name, value) for name, value in response.items() if name != HIT_HEADER]
            stamp_set(key, stamp, (response.status_code, headers, response.content), seconds)
            response[HIT_HEADER] = "miss"
        return response
