"""The benchmark's floor (scripts/floor_app.py) is Django's hello world: a new project's
settings, no database, nothing of this app. It configures Django itself, so it runs in a
process of its own here, as gunicorn and uvicorn run it."""

import ast
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import django

SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"

PROBE = r"""
import asyncio
import json
from wsgiref.util import setup_testing_defaults

import floor_app
from django.conf import settings

environ = {}
setup_testing_defaults(environ)
environ["HTTP_HOST"] = "127.0.0.1"
statuses = []
body = b"".join(floor_app.application(environ, lambda status, headers: statuses.append(status)))


async def asgi():
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
        "scheme": "http", "path": "/", "raw_path": b"/", "query_string": b"", "root_path": "",
        "headers": [(b"host", b"127.0.0.1")], "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 80),
    }
    requests = [{"type": "http.request", "body": b"", "more_body": False}]
    never = asyncio.get_running_loop().create_future()
    sent = []

    async def receive():
        return requests.pop() if requests else await never

    async def send(message):
        sent.append(message)

    await floor_app.asgi_application(scope, receive, send)
    return sent


sent = asyncio.run(asgi())
print(json.dumps({
    "wsgi": [statuses[0], body.decode()],
    "asgi": [sent[0]["status"], b"".join(m.get("body", b"") for m in sent[1:]).decode()],
    "middleware": settings.MIDDLEWARE,
    "databases": settings.DATABASES,
    "apps": settings.INSTALLED_APPS,
}))
"""


def run_probe() -> dict:
    environment = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    out = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=SCRIPTS,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def startproject_list(name: str) -> list[str]:
    """A list as `django-admin startproject` writes it into settings.py."""
    template = Path(django.__file__).parent / "conf/project_template/project_name/settings.py-tpl"
    found = re.search(rf"^{name} = (\[.*?\])", template.read_text(), re.MULTILINE | re.DOTALL)
    return ast.literal_eval(found.group(1))


def test_the_floor_says_hello_over_wsgi_and_asgi_with_a_new_projects_settings():
    probe = run_probe()
    assert probe["wsgi"] == ["200 OK", "Hello, world"]
    assert probe["asgi"] == [200, "Hello, world"]
    assert probe["middleware"] == startproject_list("MIDDLEWARE")
    assert probe["apps"] == startproject_list("INSTALLED_APPS")
    # No database: Django fills in its dummy backend, which refuses every query.
    assert [db["ENGINE"] for db in probe["databases"].values()] == ["django.db.backends.dummy"]
