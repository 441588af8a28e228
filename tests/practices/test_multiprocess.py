"""Two real server processes sharing PostgreSQL and Redis: a comment posted through one
reaches the readers on the other, and presence counts readers on both."""

import asyncio
import uuid

import pytest
from channels.db import database_sync_to_async as sync_to_async
from django.conf import settings
from django.test import Client

from practices.models import Comment
from tests.live_servers import ServerProcess, WebSocketClient

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def servers():
    if not (settings.REDIS_URL and settings.DATABASES["default"]["ENGINE"].endswith("postgresql")):
        pytest.skip("needs DATABASE_URL (PostgreSQL) and REDIS_URL")
    # A prefix of its own, so that leftovers of earlier runs (presence counts, rate
    # limits) cannot leak into this one.
    prefix = f"mp-{uuid.uuid4().hex[:8]}"
    env = {"CACHE_PREFIX": prefix, "CHANNEL_PREFIX": prefix, "POST_RATE_LIMIT": "100"}
    started = []
    try:
        for _ in range(2):
            started.append(ServerProcess(env=env).start())
        yield started
    finally:
        for server in started:
            server.stop()


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


async def open_socket(server, practice, cookie=""):
    socket = await WebSocketClient.connect(
        f"ws://127.0.0.1:{server.port}/ws/practices/{practice.pk}/",
        origin=server.url,
        cookie=cookie,
    )
    hello = await socket.receive_type("hello")
    assert hello["practice"] == practice.pk
    return socket


async def test_a_comment_posted_on_one_process_reaches_readers_on_the_other(
    servers, practice_factory, member, other_member
):
    first, second = servers
    practice = await sync_to_async(practice_factory)()
    cookie = await sync_to_async(session_cookie)(member)

    reader_on_second = await open_socket(second, practice)
    also_on_second = await open_socket(
        second, practice, await sync_to_async(session_cookie)(other_member)
    )
    writer_on_first = await open_socket(first, practice, cookie)
    try:
        # Presence is counted in Redis: three readers over two processes.
        deadline = asyncio.get_running_loop().time() + 5
        count = 0
        while count != 3:
            assert asyncio.get_running_loop().time() < deadline, f"presence stuck at {count}"
            count = (await reader_on_second.receive_type("presence"))["count"]

        await writer_on_first.send_json(
            {"type": "comment.create", "client_id": "mp-1", "body": "Across **processes**"}
        )
        ack = await writer_on_first.receive_type("ack")
        for reader in (reader_on_second, also_on_second):
            event = await reader.receive_type("comment.created")
            assert event["id"] == ack["id"]
            assert event["seq"] == ack["seq"] == 1
            assert "<strong>processes</strong>" in event["html"]
        saved = await sync_to_async(Comment.objects.get)(pk=ack["id"])
        assert saved.author_id == member.pk
    finally:
        for socket in (reader_on_second, also_on_second, writer_on_first):
            await socket.close()


async def test_a_reader_who_reconnects_to_the_other_process_misses_nothing(
    servers, practice_factory, member
):
    first, second = servers
    practice = await sync_to_async(practice_factory)()
    cookie = await sync_to_async(session_cookie)(member)

    writer = await open_socket(first, practice, cookie)
    reader = await open_socket(second, practice)
    last_seq = 0
    try:
        await writer.send_json({"type": "comment.create", "client_id": "a", "body": "One"})
        last_seq = (await reader.receive_type("comment.created"))["seq"]
        await reader.close()
        for n, body in enumerate(["Two", "Three"]):
            await writer.send_json({"type": "comment.create", "client_id": f"b{n}", "body": body})
            await writer.receive_type("ack")
        # Back, on the other process this time.
        reader = await open_socket(first, practice)
        await reader.send_json({"type": "resume", "after": last_seq})
        replayed = []
        while True:
            message = await reader.receive_type("comment.created", "resumed")
            if message["type"] == "resumed":
                break
            replayed.append(message["seq"])
        assert replayed == [2, 3]
        assert message["last_seq"] == 3
    finally:
        await writer.close()
        await reader.close()
