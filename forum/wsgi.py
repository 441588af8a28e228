"""WSGI entry point: the pages, served by gunicorn. Sockets are served by forum/asgi.py."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "forum.settings")

from forum.startup import require_secret_key  # noqa: E402

require_secret_key()
application = get_wsgi_application()
