"""Whole pages for anonymous readers, from the cache, invalidated on every write.

Most readers are not logged in, and they all see the same page. The way Discourse serves
them: the first anonymous GET of the home page, a list, a tag or a practice renders it as
usual and stores the finished response; the next ones get those bytes back without a
session, a user, a template or a query. Every stored page carries the content *generation*
it was rendered under, a token kept in the cache; a service that changes what readers see
calls `invalidate()`, which replaces the token once its transaction commits, and every page
rendered before it stops being served at once, on every process. ANON_PAGE_CACHE_SECONDS
bounds how long a page lives even without writes (0 turns this off).

What is never stored or served:
- a request carrying the session or messages cookie (a member, or someone with a message
  waiting): those go through Django untouched, whatever they are;
- a response that sets a cookie, carries a CSRF token, is not a plain 200, says
  `Cache-Control: private/no-store/no-cache`, or varies on more than Cookie and
  Accept-Encoding;
- anything but GET on the views named in CACHED_VIEWS.
Pages are stored per language: the one LocaleMiddleware picks from the language cookie or the
browser's Accept-Language.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Callable

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import cc_delim_re

logger = logging.getLogger(__name__)

CACHED_VIEWS = frozenset({"home", "practices:list", "practices:tag", "practices:detail"})
GENERATION_KEY = "anon:generation"
PAGE_KEY_PREFIX = "anon:page:"
# The header a response gets when it came from this cache; the benchmark and tests read it.
HIT_HEADER = "X-Anon-Cache"
# Accept-Language is part of the key (the language LocaleMiddleware will pick from the
# cookie or the header), so a page that varies on it is still one page per key.
_ALLOWED_VARY = frozenset({"cookie", "accept-encoding", "accept-language"})
_CSRF_MARKER = b'name="csrfmiddlewaretoken"'


def invalidate() -> None:
    """Pages rendered so far are stale. Call inside the transaction of any write that changes
    what anonymous readers see; the change counts once it commits (nothing if it rolls back).
    """
    transaction.on_commit(_new_generation)


def _new_generation() -> None:
    try:
        cache.set(GENERATION_KEY, uuid.uuid4().hex, None)
    except Exception:
        # A cache that is down serves nothing stale either; pages still expire on their own.
        logger.exception("anonymous page cache not invalidated")


def _seconds() -> int:
    return int(getattr(settings, "ANON_PAGE_CACHE_SECONDS", 0) or 0)


def _is_anonymous_request(request: HttpRequest) -> bool:
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and CookieStorage.cookie_name not in cookies


def _page_key(request: HttpRequest) -> str | None:
    try:
        host = request.get_host()
    except DisallowedHost:
        return None
    language = translation.get_language_from_request(request)
    raw = f"{host}\n{language}\n{request.get_full_path()}".encode("utf-8", "surrogateescape")
    return PAGE_KEY_PREFIX + hashlib.blake2b(raw, digest_size=16).hexdigest()


def _cacheable_view(request: HttpRequest) -> bool:
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    return match.view_name in CACHED_VIEWS


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
        if (
            seconds <= 0
            or request.method != "GET"
            or not _is_anonymous_request(request)
            or not _cacheable_view(request)
        ):
            return self.get_response(request)
        key = _page_key(request)
        if key is None:
            return self.get_response(request)
        try:
            found = cache.get_many([GENERATION_KEY, key])
        except Exception:
            logger.exception("anonymous page cache unavailable")
            return self.get_response(request)
        generation = found.get(GENERATION_KEY)
        stored = found.get(key)
        if generation is not None and stored is not None and stored[0] == generation:
            _, status, headers, content = stored
            response = HttpResponse(content, status=status)
            for name, value in headers:
                response[name] = value
            response[HIT_HEADER] = "hit"
            return response

        response = self.get_response(request)
        if _storable(request, response):
            if generation is None:
                # First page since the cache was emptied: start a generation, store nothing
                # until a reader comes back under it.
                cache.add(GENERATION_KEY, uuid.uuid4().hex, None)
                return response
            headers = [(name, value) for name, value in response.items() if name != HIT_HEADER]
            try:
                cache.set(
                    key, (generation, response.status_code, headers, response.content), seconds
                )
            except Exception:
                logger.exception("anonymous page not stored")
            response[HIT_HEADER] = "miss"
        return response
