"""The header and footer of every page, kept per process for each kind of reader.

Around every page sit the same header and footer: the navigation with its links and the
current page marked, the search box, the language switcher, the bell's words. For one
language, one kind of reader (visitor, member, moderator) and one page (the view's name),
they are the same for everyone, and they do not depend on any data: only on the templates
and the settings, which change when the processes restart. So each process keeps them as
rendered the first time, with stand-ins for the CSRF token, and on every request renders only
what is the reader's own: their name, the bell and the moderators' counts, the search words,
the path the language switcher returns to ({% per_reader %} in templates/base.html,
practices/templatetags/pages.py).

Nothing is kept with DEBUG on, so that an edited template shows at the next request.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import get_language

from practices.fragments import SharedBlock

# Languages × kinds of reader × pages: a few hundred in all. A bound all the same, in case a
# path ever yields many view names.
MAX_KEPT = 2000

_kept: dict[tuple[str, ...], str] = {}


def forget_all() -> None:
    """Empty this process's store (tests that change a setting the chrome shows)."""
    _kept.clear()


def _kind(user: Any) -> str:
    if user is None or not user.is_authenticated:
        return "visitor"
    return "moderator" if user.is_moderator else "member"


class Chrome:
    """`chrome.header` and `chrome.footer` in every template rendered with a request."""

    def __init__(self, request: HttpRequest) -> None:
        self.request = request

    def _block(self, part: str) -> SharedBlock:
        if settings.DEBUG:
            return SharedBlock()
        match = getattr(self.request, "resolver_match", None)
        key = (
            part,
            get_language() or "",
            _kind(getattr(self.request, "user", None)),
            match.view_name if match is not None else "",
        )
        html = _kept.get(key)
        if html is not None:
            return SharedBlock(html=html)

        def keep(rendered: str) -> None:
            if len(_kept) >= MAX_KEPT:
                _kept.clear()
            _kept[key] = rendered

        return SharedBlock(keep=keep)

    @property
    def header(self) -> SharedBlock:
        return self._block("header")

    @property
    def footer(self) -> SharedBlock:
        return self._block("footer")
