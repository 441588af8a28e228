from django.conf import settings
from django.http import HttpRequest

from forum.chrome import Chrome


def site(request: HttpRequest) -> dict:
    return {"SITE_NAME": settings.SITE_NAME}


def chrome(request: HttpRequest) -> dict:
    """The header and footer kept for this kind of reader (forum/chrome.py)."""
    return {"chrome": Chrome(request)}
