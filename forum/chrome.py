"""The header and footer of every page, kept per process for each kind of reader.

Around every page sit the same header and footer: the navigation with its links and the
current page marked, the search box, the language switcher, the bell's words. For one
language, one kind of reader (visitor, member, moderator) and one page (the view's name),
they are the same for everyone, and they do not depend on any data: only on the templates
and the settings, which change when the processes restart. So each process keeps them as
rendered the first time (practices.fragments.ProcessKept), with stand-ins for the CSRF token,
and on every request renders only what is the reader's own: their name, the bell and the
moderators' counts, the search words, the path the language switcher returns to
({% per_reader %} in templates/base.html, practices/templatetags/pages.py).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import get_language

from practices.fragments import ProcessKept, SharedBlock

# Languages × kinds of reader × pages × header and footer: a few hundred in all.
kept = ProcessKept(size=2000)


def _kind(user: Any) -> str:
    if user is None or not user.is_authenticated:
        return "visitor"
    return "moderator" if user.is_moderator else "member"


class Chrome:
    """`chrome.header` and `chrome.footer` in every template rendered with a request."""

    def __init__(self, request: HttpRequest) -> None:
        self.request = request

    def _block(self, part: str) -> SharedBlock:
        match = getattr(self.request, "resolver_match", None)
        return kept.block(
            (
                part,
                get_language() or "",
                _kind(getattr(self.request, "user", None)),
                match.view_name if match is not None else "",
            )
        )

    @property
    def header(self) -> SharedBlock:
        return self._block("header")

    @property
    def footer(self) -> SharedBlock:
        return self._block("footer")
