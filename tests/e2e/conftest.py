"""Browser tests: a real ASGI server process and Debian's Chromium driven by Playwright.

Run them on their own (`pytest -m e2e tests/e2e`): Playwright's synchronous API runs its
own event loop, which does not mix with pytest-asyncio in one process.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from tests.live_servers import BASE_DIR, ServerProcess

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def static_root(tmp_path_factory) -> Path:
    """The static files, collected once, as a production server serves them."""
    root = tmp_path_factory.mktemp("static")
    env = {
        **os.environ,
        "STATIC_ROOT": str(root),
        "PLAIN_STATIC_STORAGE": "1",
        "SECRET_KEY": settings.SECRET_KEY,
        "VAR_DIR": str(settings.VAR_DIR),
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=BASE_DIR,
        env=env,
        check=True,
    )
    return root


@pytest.fixture
def server_mail_dir(tmp_path) -> Path:
    """Where the server process writes the e-mails it sends (read them with `sent_mail`)."""
    folder = tmp_path / "server-mail"
    folder.mkdir()
    return folder


@pytest.fixture
def live_server_process(transactional_db, static_root, server_mail_dir):
    """`daphne forum.asgi:application` on a free port, serving this test's database."""
    server = ServerProcess(
        env={
            "STATIC_ROOT": str(static_root),
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(server_mail_dir),
        }
    ).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def chromium():
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"Debian's Chromium is not installed at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    # Playwright's synchronous API keeps an event loop running in this thread; the test's
    # own database calls are still plain synchronous code, so let Django allow them.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture
def open_page(request, chromium, live_server_process):
    """open_page(user=None, **context_options) -> a Playwright page in its own browser
    context, logged in as `user` (by session cookie); the options go to `new_context`
    (`viewport=`, `java_script_enabled=`). On failure every page is saved as a screenshot
    under var/."""
    contexts = []
    pages = []

    def make(user=None, **context_options):
        context = chromium.new_context(base_url=live_server_process.url, **context_options)
        context.set_default_timeout(10_000)
        if user is not None:
            client = Client()
            client.force_login(user)
            context.add_cookies(
                [
                    {
                        "name": settings.SESSION_COOKIE_NAME,
                        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                        "url": live_server_process.url,
                    }
                ]
            )
        contexts.append(context)
        page = context.new_page()
        pages.append(page)
        return page

    yield make

    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        folder = Path(settings.VAR_DIR) / "e2e-failures"
        folder.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
        for number, page in enumerate(pages, start=1):
            # A screenshot that fails must never hide the real failure.
            with contextlib.suppress(Exception):
                page.screenshot(path=str(folder / f"{name}-{number}.png"), full_page=True)
    for context in contexts:
        context.close()
