from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import get_language

from practices.caching.fragments import ProcessPart, process_part


def site(request: HttpRequest) -> dict:
    return {"SITE_NAME": settings.SITE_NAME}


class Chrome:
    """`chrome.<part>` in templates/base.html: the header's and footer's parts that are the
    same for every reader of a kind on a page, kept in the process
    (practices/caching/fragments.py); what is the reader's own is rendered between them."""

    def __init__(self, request: HttpRequest) -> None:
        self.request = request

    def __getattr__(self, part: str) -> ProcessPart | None:
        if part.startswith("_"):
            raise AttributeError(part)
        user = getattr(self.request, "user", None)
        kind = "member" if user is not None and user.is_authenticated else "visitor"
        match = getattr(self.request, "resolver_match", None)
        view = match.view_name if match is not None else ""
        return process_part(("chrome", part, get_language() or "", kind, view))


def chrome(request: HttpRequest) -> dict:
    return {"chrome": Chrome(request)}
