"""The production topology as the files describe it: pages on gunicorn (forum.wsgi), live
threads on uvicorn (forum.asgi), the proxy routing /ws/ to the latter, Redis bounded in memory.

The compose file is read in its own layout (two-space services, block or flow command lists):
no YAML parser is installed beside the app, and none is needed for this much."""

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from wsgiref.util import setup_testing_defaults

import pytest
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections

from forum.wsgi import application

BASE_DIR = Path(__file__).resolve().parents[2]


def compose_services() -> dict[str, str]:
    """Each service's block of docker-compose.yml, by name."""
    text = (BASE_DIR / "docker-compose.yml").read_text()
    body = text.split("\nservices:\n", 1)[1].split("\nvolumes:\n", 1)[0]
    parts = re.split(r"^  ([a-z][\w-]*):\n", body, flags=re.M)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def command_of(block: str) -> list[str]:
    found = re.search(r"^    command:(.*)\n((?:      - .*\n)*)", block, flags=re.M)
    assert found, "the service has no command"
    inline = found.group(1).strip()
    if inline:
        return json.loads(inline)
    items = re.findall(r"^      - (.*)$", found.group(2), flags=re.M)
    return [item.strip().strip("\"'") for item in items]


def depends_on(block: str) -> set[str]:
    found = re.search(r"^    depends_on:.*\n((?:      .*\n)*)", block, flags=re.M)
    assert found, "the service depends on nothing"
    return set(re.findall(r"^      ([a-z][\w-]*):$", found.group(1), flags=re.M))


def option(command: list[str], name: str) -> str:
    return command[command.index(name) + 1]


def nginx_locations() -> dict[str, str]:
    """Each `location` block of deploy/nginx.conf, by its path."""
    text = (BASE_DIR / "deploy" / "nginx.conf").read_text()
    return dict(re.findall(r"^    location (\S+) \{\n(.*?)^    \}", text, flags=re.M | re.S))


def proxied_to(location: str) -> str:
    """Where a location proxies to, through the `set $var …; proxy_pass $var;` of the file."""
    target = re.search(r"proxy_pass (\S+);", location).group(1)
    if target.startswith("$"):
        target = re.search(rf"set \{target} (\S+);", location).group(1)
    return target


def test_compose_serves_pages_with_gunicorn_on_the_wsgi_application():
    web = compose_services()["web"]
    command = command_of(web)
    assert command[:2] == ["gunicorn", "forum.wsgi:application"]
    assert option(command, "--bind") == "0.0.0.0:8000"
    # Worker processes come from WEB_CONCURRENCY, which gunicorn reads itself.
    assert "--workers" not in command and "-w" not in command
    assert "WEB_CONCURRENCY: ${WEB_CONCURRENCY:-2}" in (BASE_DIR / "docker-compose.yml").read_text()
    assert "healthcheck:" in web and "http://127.0.0.1:8000/healthz" in web


def test_compose_serves_sockets_with_uvicorn_on_the_asgi_application():
    sockets = compose_services()["sockets"]
    command = command_of(sockets)
    assert command[:2] == ["uvicorn", "forum.asgi:application"]
    assert option(command, "--host") == "0.0.0.0"
    assert option(command, "--port") == "8001"
    assert "--proxy-headers" in command
    assert option(command, "--lifespan") == "off"
    # The same image and environment as the pages.
    assert sockets.startswith("    <<: *app\n")
    assert "<<: *app-env" in sockets
    assert "healthcheck:" in sockets and "http://127.0.0.1:8001/healthz" in sockets


def test_the_proxy_waits_for_both_web_and_sockets():
    assert {"web", "sockets"} <= depends_on(compose_services()["proxy"])


def test_redis_is_bounded_and_evicts_the_least_recently_used_keys():
    command = command_of(compose_services()["redis"])
    assert command[0] == "redis-server"
    assert option(command, "--maxmemory") == "${REDIS_MAXMEMORY:-256mb}"
    assert option(command, "--maxmemory-policy") == "allkeys-lru"


def test_the_image_serves_pages_with_gunicorn_by_default():
    dockerfile = (BASE_DIR / "Dockerfile").read_text()
    cmd = json.loads(re.search(r"^CMD (\[.*\])$", dockerfile, flags=re.M).group(1))
    assert cmd[:2] == ["gunicorn", "forum.wsgi:application"]
    assert option(cmd, "--bind") == "0.0.0.0:8000"


def test_nginx_sends_websockets_to_sockets_and_the_rest_to_web():
    locations = nginx_locations()
    assert proxied_to(locations["/ws/"]) == "http://sockets:8001"
    assert "proxy_set_header Upgrade $http_upgrade;" in locations["/ws/"]
    assert "proxy_set_header Connection $connection_upgrade;" in locations["/ws/"]
    assert "proxy_read_timeout 1h;" in locations["/ws/"]
    assert proxied_to(locations["/"]) == "http://web:8000"


def test_the_wsgi_application_is_django_and_answers_healthz(db, settings):
    assert isinstance(application, WSGIHandler)
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    environ = {"PATH_INFO": "/healthz", "wsgi.input": io.BytesIO(b"")}
    setup_testing_defaults(environ)
    started = []

    def start_response(status, headers, exc_info=None):
        started.append((status, dict(headers)))

    # A request's end closes the database connection; the test's transaction needs it, so
    # (as Django's test client does) the handler's signals leave it alone here.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        response = application(environ, start_response)
        body = b"".join(response)
        response.close()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)

    status, headers = started[0]
    assert status == "200 OK"
    assert headers["Content-Type"] == "application/json"
    assert json.loads(body)["status"] == "ok"


@pytest.mark.parametrize("module", ["forum.wsgi", "forum.asgi"])
def test_without_a_secret_key_neither_entry_point_starts(module, tmp_path, settings):
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": str(BASE_DIR),
        "DJANGO_SETTINGS_MODULE": "forum.settings",
        "VAR_DIR": str(tmp_path),
        "SECRET_KEY": "",
    }
    result = subprocess.run(
        [sys.executable, "-c", f"import {module}"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert settings.MISSING_SECRET_KEY_MESSAGE in result.stderr
