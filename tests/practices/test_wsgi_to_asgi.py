"""Pages on WSGI, sockets on ASGI: a member who logs in and posts a comment with the plain
form, served by gunicorn (forum.wsgi), reaches a reader whose socket is open on a separate
ASGI process (forum.asgi), through the shared Redis channel layer. This is the production
split (docs/deployment.md) with real processes on both sides."""

from __future__ import annotations

import asyncio
import http.cookiejar
import re
import sys
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest
from channels.db import database_sync_to_async as sync_to_async
from django.conf import global_settings, settings

from practices.models import Comment
from tests.live_servers import ServerProcess, WebSocketClient

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

PASSWORD = "exchange-test"  # tests.factories.UserFactory's


class GunicornProcess(ServerProcess):
    """One `gunicorn forum.wsgi:application` master with one sync worker, on the same
    environment as the ASGI servers of tests/live_servers.py."""

    def command(self) -> list[str]:
        gunicorn = Path(sys.executable).parent / "gunicorn"
        return [
            str(gunicorn),
            "forum.wsgi:application",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            "1",
            "--graceful-timeout",
            "3",
            "--no-control-socket",
        ]

    def answers(self) -> bool:
        # The master listens before its worker has loaded the app: wait for an answer.
        try:
            urllib.request.urlopen(f"{self.url}/healthz", timeout=2).close()
            return True
        except (OSError, urllib.error.HTTPError):
            return False


class Browser:
    """Cookies kept, redirects followed, the CSRF token taken from the page: what a browser
    without JavaScript does."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def get(self, path: str) -> str:
        with self.opener.open(self.base_url + path, timeout=10) as response:
            assert response.status == 200, f"GET {path}: {response.status}"
            return response.read().decode()

    def post(self, path: str, fields: dict[str, str]) -> tuple[str, str]:
        """POST the form; (the address it ended at, the page there)."""
        request = urllib.request.Request(
            self.base_url + path,
            data=urllib.parse.urlencode(fields).encode(),
            headers={"Origin": self.base_url, "Referer": self.base_url + path},
        )
        with self.opener.open(request, timeout=10) as response:
            return response.geturl(), response.read().decode()

    def cookie(self, name: str) -> str | None:
        return next((c.value for c in self.cookies if c.name == name), None)


def csrf_token(html: str, form_id: str | None = None) -> str:
    if form_id:
        html = re.search(rf'<form [^>]*id="{form_id}".*?</form>', html, flags=re.S).group(0)
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


@pytest.fixture
def writer(settings, user_factory):
    # The servers check passwords with Django's own hashers, not the tests' quick one.
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
    return user_factory(display_name="Lena Vogt", email="lena@example.org")


@pytest.fixture
def servers(transactional_db):
    if not (settings.REDIS_URL and settings.DATABASES["default"]["ENGINE"].endswith("postgresql")):
        pytest.skip("needs DATABASE_URL (PostgreSQL) and REDIS_URL")
    # A prefix of its own, so that leftovers of earlier runs cannot leak into this one.
    prefix = f"w2a-{uuid.uuid4().hex[:8]}"
    env = {"CACHE_PREFIX": prefix, "CHANNEL_PREFIX": prefix}
    started = []
    try:
        started.append(GunicornProcess(env=env).start())
        started.append(ServerProcess(env=env).start())
        yield started
    finally:
        for server in started:
            server.stop()


async def test_a_comment_posted_by_form_on_wsgi_reaches_a_socket_on_asgi(
    servers, practice_factory, writer
):
    pages, sockets = servers
    practice = await sync_to_async(practice_factory)()
    reader = await WebSocketClient.connect(
        f"ws://127.0.0.1:{sockets.port}/ws/practices/{practice.pk}/", origin=sockets.url
    )
    try:
        hello = await reader.receive_type("hello")
        assert hello["practice"] == practice.pk
        assert hello["last_seq"] == 0

        def log_in_and_comment() -> str:
            browser = Browser(pages.url)
            login_page = browser.get("/accounts/login/")
            browser.post(
                "/accounts/login/",
                {
                    "csrfmiddlewaretoken": csrf_token(login_page),
                    "login": writer.email,
                    "password": PASSWORD,
                },
            )
            assert browser.cookie(settings.SESSION_COOKIE_NAME), "the login did not stick"
            page = browser.get(practice.get_absolute_url())
            ended_at, _ = browser.post(
                f"/practices/{practice.pk}/comments/",
                {
                    "csrfmiddlewaretoken": csrf_token(page, "comment-form"),
                    "body": "Posted through **gunicorn**",
                },
            )
            return ended_at

        ended_at = await asyncio.to_thread(log_in_and_comment)
        assert urllib.parse.urlsplit(ended_at).path == practice.get_absolute_url()

        event = await reader.receive_type("comment.created", timeout=10)
        saved = await sync_to_async(Comment.objects.get)(practice=practice)
        assert saved.author_id == writer.pk
        assert event["id"] == saved.pk
        assert event["seq"] == 1
        assert "<strong>gunicorn</strong>" in event["html"]
    finally:
        await reader.close()
