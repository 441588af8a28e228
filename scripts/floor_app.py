"""The benchmark's floor: Django's hello world, in one file, with nothing of this project.

What `django-admin startproject` gives (its INSTALLED_APPS, MIDDLEWARE and TEMPLATES), no
database, and one view answering "Hello, world". scripts/bench.py serves it beside the
cluster, on its own 127.0.0.1 port, with gunicorn (WSGI: `application`) and with uvicorn
(ASGI: `asgi_application`), and reports every page's requests/s as a share of it: the most
any Django page can do on this machine, with this server, before the page does anything.

    .venv/bin/gunicorn --chdir scripts -w 2 -b 127.0.0.1:8330 floor_app:application
    .venv/bin/uvicorn --app-dir scripts --workers 2 --port 8331 floor_app:asgi_application
"""

from __future__ import annotations

import os

from django.conf import settings
from django.core.asgi import get_asgi_application
from django.core.wsgi import get_wsgi_application
from django.http import HttpRequest, HttpResponse
from django.urls import path

# The middleware of a new project, in the order startproject writes it.
STARTPROJECT_MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
STARTPROJECT_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

if not settings.configured:
    settings.configure(
        DEBUG=False,
        # Signs nothing: the view sets no cookie and reads no session.
        SECRET_KEY=os.environ.get("FLOOR_SECRET_KEY", "floor-only-not-for-the-internet"),
        ALLOWED_HOSTS=["127.0.0.1", "localhost"],
        ROOT_URLCONF=__name__,
        INSTALLED_APPS=STARTPROJECT_APPS,
        MIDDLEWARE=STARTPROJECT_MIDDLEWARE,
        TEMPLATES=[
            {
                "BACKEND": "django.template.backends.django.DjangoTemplates",
                "DIRS": [],
                "APP_DIRS": True,
                "OPTIONS": {
                    "context_processors": [
                        "django.template.context_processors.request",
                        "django.contrib.auth.context_processors.auth",
                        "django.contrib.messages.context_processors.messages",
                    ],
                },
            },
        ],
        DATABASES={},
        STATIC_URL="static/",
        USE_TZ=True,
    )


def hello(request: HttpRequest) -> HttpResponse:
    return HttpResponse("Hello, world")


urlpatterns = [path("", hello)]

application = get_wsgi_application()
asgi_application = get_asgi_application()
