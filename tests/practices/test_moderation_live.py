"""Moderation on the live thread socket: a hidden comment vanishes for every reader, a locked
thread refuses posts, a suspension closes the member's open sockets (docs/live-protocol.md,
"Moderation")."""

import json

import pytest
from channels.db import database_sync_to_async as sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from accounts.models import User
from accounts.services import user_suspend
from practices import broadcast, events
from practices.models import Comment
from practices.routing import websocket_urlpatterns
from practices.services.comments import comment_create
from practices.services.moderation import comment_hide, comment_restore, practice_lock

pytestmark = pytest.mark.django_db(transaction=True)

application = URLRouter(websocket_urlpatterns)


@pytest.fixture(autouse=True)
def _in_memory_layer(settings):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


@pytest.fixture
async def sockets():
    """open(practice, user) -> a connected communicator that has had its hello."""
    opened: list[WebsocketCommunicator] = []

    async def open_socket(practice, user=None):
        comm = WebsocketCommunicator(application, f"/ws/practices/{practice.pk}/")
        comm.scope["user"] = user or AnonymousUser()
        connected, _ = await comm.connect()
        assert connected
        opened.append(comm)
        assert (await comm.receive_json_from())["type"] == "hello"
        return comm

    yield open_socket
    for comm in opened:
        await comm.disconnect()


SKIPPABLE = {"presence", "ack", "comment.created", "comment.edited", "comment.deleted"}


async def next_of(comm, *types, timeout=2):
    while True:
        message = await comm.receive_json_from(timeout=timeout)
        if message["type"] in types:
            return message
        assert message["type"] in SKIPPABLE, message


async def assert_open(comm):
    await comm.send_json_to({"type": "ping"})
    assert (await next_of(comm, "pong"))["type"] == "pong"


async def closed_with(comm, code, timeout=2):
    """Read until the server closes the socket; return the messages sent before."""
    seen = []
    while True:
        output = await comm.receive_output(timeout=timeout)
        if output["type"] == "websocket.close":
            assert output.get("code") == code, output
            return seen
        if output["type"] == "websocket.send":
            seen.append(json.loads(output["text"]))


create = sync_to_async(comment_create)
hide = sync_to_async(comment_hide)
restore = sync_to_async(comment_restore)
lock = sync_to_async(practice_lock)
suspend = sync_to_async(user_suspend)


@pytest.fixture
def practice(writers_practice):
    return writers_practice


async def test_hidden_comment_disappears_for_viewers(practice, writer, member, moderator, sockets):
    comment = await create(
        practice=practice, author=writer, body="Call 0123 456 789 for cheap flats"
    )
    readers = [
        await sockets(practice, member),
        await sockets(practice),
        await sockets(practice, writer),
    ]
    hidden = await hide(comment=comment, moderator=moderator, reason="Advertising")
    payloads = [await next_of(reader, "comment.deleted") for reader in readers]
    for payload in payloads:
        assert payload["id"] == comment.pk
        assert payload["seq"] == hidden.changed_seq
        assert payload["reason"] == "hidden"
        assert "Comment hidden by the moderators" in payload["html"]
        assert "cheap flats" not in payload["html"]
    assert len({p["html"] for p in payloads}) == 1  # the same bytes for every reader
    for reader in readers:
        await assert_open(reader)


async def test_a_reader_who_was_away_gets_the_hiding_on_resume(
    practice, writer, member, moderator, sockets
):
    comment = await create(practice=practice, author=writer, body="Spam words")
    await hide(comment=comment, moderator=moderator, reason="Spam")
    late = await sockets(practice, member)
    await late.send_json_to({"type": "resume", "after": comment.seq})
    replayed = await next_of(late, "comment.deleted")
    assert replayed["id"] == comment.pk and "Spam words" not in replayed["html"]
    assert "data-hidden" in replayed["html"]
    resumed = await next_of(late, "resumed")
    assert resumed["replayed"] == 1


async def test_a_restored_comment_comes_back_live(practice, writer, member, moderator, sockets):
    comment = await create(practice=practice, author=writer, body="Kind words after all")
    await hide(comment=comment, moderator=moderator, reason="Misread")
    reader = await sockets(practice, member)
    restored = await restore(comment=comment, moderator=moderator)
    event = await next_of(reader, "comment.edited")
    assert event["id"] == comment.pk and event["seq"] == restored.changed_seq
    assert event["reason"] == "restored" and "Kind words after all" in event["html"]


async def test_a_locked_thread_refuses_posts_over_the_socket(practice, member, moderator, sockets):
    reader = await sockets(practice, member)
    await lock(practice=practice, moderator=moderator, reason="Cooling down")
    news = await next_of(reader, "thread.locked")
    assert news == {"type": "thread.locked", "practice": practice.pk, "locked": True}
    await reader.send_json_to({"type": "comment.create", "client_id": "c1", "body": "One more"})
    error = await next_of(reader, "error")
    assert error["code"] == "thread_locked" and error["client_id"] == "c1"
    assert await sync_to_async(Comment.objects.count)() == 0
    await assert_open(reader)


async def test_a_suspended_member_cannot_post_over_an_open_socket(practice, member, sockets):
    reader = await sockets(practice, member)
    # Suspended behind the socket's back (no event): the next post is checked afresh.
    await sync_to_async(User.objects.filter(pk=member.pk).update)(
        suspended_until=timezone.now() + timezone.timedelta(days=2)
    )
    await reader.send_json_to({"type": "comment.create", "client_id": "c1", "body": "Hello"})
    error = await next_of(reader, "error")
    assert error["code"] == "suspended"
    assert await sync_to_async(Comment.objects.count)() == 0


async def test_a_suspension_closes_the_members_open_sockets(
    practice_factory, practice, member, other_member, moderator, sockets
):
    elsewhere = await sync_to_async(practice_factory)()
    first = await sockets(practice, member)
    second = await sockets(elsewhere, member)
    bystander = await sockets(practice, other_member)
    anonymous = await sockets(practice)
    await suspend(user=member, moderator=moderator, reason="Abuse", until=None)
    for comm in (first, second):
        before_close = await closed_with(comm, 4403)
        errors = [m for m in before_close if m["type"] == "error"]
        assert errors and errors[-1]["code"] == "suspended"
    for comm in (bystander, anonymous):
        await assert_open(comm)


async def test_news_for_the_notifications_socket_passes_a_thread_socket_by(
    practice, member, sockets
):
    reader = await sockets(practice, member)
    await broadcast.agroup_send(events.user_group(member.pk), {"type": "unread", "count": 3})
    await assert_open(reader)


async def test_a_visitors_socket_joins_no_member_group(practice, sockets):
    reader = await sockets(practice)
    # A suspension event for some member never reaches a visitor's socket.
    await broadcast.agroup_send(events.user_group(1), {"type": "user.suspended", "until": None})
    await assert_open(reader)
