"""The benchmark's bare view and floor socket exist only with BENCH_ENDPOINTS on; the
benchmark finds the setting that turns the anonymous page cache on and off."""

import importlib.util
import sys
from pathlib import Path

import pytest
from channels.testing import WebsocketCommunicator

from forum.asgi import application

pytestmark = pytest.mark.django_db

BENCH_SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "bench.py"


def load_bench():
    spec = importlib.util.spec_from_file_location("bench_script", BENCH_SCRIPT)
    module = importlib.util.module_from_spec(spec)
    # Its dataclasses look their module up by name.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_the_benchmark_finds_the_page_cache_setting():
    found = load_bench().page_cache_setting()
    assert found["kind"] in {"int", "bool"}
    from django.conf import settings

    assert hasattr(settings, found["name"])


def test_the_benchmark_follows_a_renamed_page_cache_setting(tmp_path):
    settings_file = tmp_path / "settings.py"
    settings_file.write_text(
        'PRACTICE_LISTING_CACHE_SECONDS = env_int("PRACTICE_LISTING_CACHE_SECONDS", 60)\n'
        'VISITOR_PAGE_CACHE = env_bool("VISITOR_PAGE_CACHE", True)\n'
    )
    assert load_bench().page_cache_setting(settings_file) == {
        "name": "VISITOR_PAGE_CACHE",
        "kind": "bool",
    }


def test_the_bare_view_is_a_404_by_default(client):
    assert client.get("/bench/bare").status_code == 404


def test_the_bare_view_answers_when_enabled(client, settings):
    settings.BENCH_ENDPOINTS = True
    response = client.get("/bench/bare")
    assert response.status_code == 200
    assert response.content == b"ok"


async def test_the_floor_socket_closes_by_default():
    socket = WebsocketCommunicator(
        application, "/ws/bench/floor/", headers=[(b"origin", b"http://127.0.0.1")]
    )
    connected, _ = await socket.connect()
    assert connected
    closed = await socket.receive_output()
    assert closed == {"type": "websocket.close", "code": 4404}
    await socket.disconnect()


async def test_the_floor_socket_forwards_to_every_listener(settings):
    settings.BENCH_ENDPOINTS = True
    sockets = []
    for _ in range(2):
        socket = WebsocketCommunicator(
            application, "/ws/bench/floor/", headers=[(b"origin", b"http://127.0.0.1")]
        )
        assert (await socket.connect())[0]
        assert await socket.receive_json_from() == {"type": "hello"}
        sockets.append(socket)
    await sockets[0].send_to(text_data='{"n": 1}')
    for socket in sockets:
        assert await socket.receive_json_from() == {"n": 1}
    for socket in sockets:
        await socket.disconnect()
