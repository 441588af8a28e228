"""What both entry points (forum/asgi.py, forum/wsgi.py) check before serving."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def require_secret_key() -> None:
    """Refuse to serve without a secret key: sessions would be signed with nothing."""
    try:
        secret_key = settings.SECRET_KEY
    except ImproperlyConfigured:  # Django's own "must not be empty"
        secret_key = ""
    if not secret_key:
        raise ImproperlyConfigured(settings.MISSING_SECRET_KEY_MESSAGE)
