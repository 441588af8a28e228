"""The benchmark's baseline view and floor socket exist only with BENCH_ENDPOINTS on."""

import pytest
from channels.testing import WebsocketCommunicator

from forum.asgi import application

pytestmark = pytest.mark.django_db


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
