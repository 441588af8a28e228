"""The notifications socket, /ws/notifications/, driven through WebsocketCommunicator
(docs/live-protocol.md, "The notifications socket")."""

import pytest
from channels.db import database_sync_to_async as sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser
from django.test import Client

from practices import online
from practices.models import Notification, PracticeFollow, Tag, TagFollow
from practices.routing import websocket_urlpatterns
from practices.services.comments import comment_create
from practices.services.notifications import notification_mark_all_read, notification_mark_read
from practices.services.practices import practice_create

pytestmark = pytest.mark.django_db(transaction=True)

application = URLRouter(websocket_urlpatterns)


@pytest.fixture(autouse=True)
def _layer(settings):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    settings.PRACTICE_APPROVAL_FIRST = False


@pytest.fixture
async def bells():
    """open(user) -> a connected communicator on /ws/notifications/ that had its first count."""
    opened: list[WebsocketCommunicator] = []

    async def open_socket(user, *, app=application, headers=None):
        comm = WebsocketCommunicator(app, "/ws/notifications/", headers=headers)
        if app is application:
            comm.scope["user"] = user
        connected, _ = await comm.connect()
        assert connected
        opened.append(comm)
        comm.first = await comm.receive_json_from()
        return comm

    yield open_socket
    for comm in opened:
        await comm.disconnect()


def share(author, tags, title="Conversation tables"):
    return practice_create(
        author=author,
        data={
            "title": title,
            "summary": "s",
            "description": "d",
            "country": "BE",
            "city": "Ghent",
            "organisation": "Library",
            "organisation_type": "other",
            "area": "language",
        },
        tags=tags,
        publish=True,
    )


def follow(user, name):
    tag, _ = Tag.objects.get_or_create(name=name, defaults={"slug": name.replace(" ", "-")})
    TagFollow.objects.create(user=user, tag=tag)


async def test_anonymous_connections_are_refused_with_4401():
    comm = WebsocketCommunicator(application, "/ws/notifications/")
    comm.scope["user"] = AnonymousUser()
    connected, _ = await comm.connect()
    assert connected
    message = await comm.receive_json_from()
    assert message == {
        "type": "error",
        "code": "login_required",
        "message": "Log in to get notifications.",
    }
    closed = await comm.receive_output()
    assert closed == {"type": "websocket.close", "code": 4401}


async def test_a_member_gets_the_unread_count_on_connecting(bells, member, practice_factory):
    practice = await sync_to_async(practice_factory)()
    for key in ("a", "b"):
        await sync_to_async(Notification.objects.create)(
            recipient=member, kind="new_practice", practice=practice, dedupe_key=key
        )
    bell = await bells(member)
    assert bell.first == {"type": "unread", "count": 2}
    assert await sync_to_async(online.online_filter)(user_ids=[member.pk]) == [member.pk]


async def test_a_new_practice_under_a_followed_tag_lights_the_bell_live(
    bells, member, other_member, user_factory
):
    await sync_to_async(follow)(member, "language learning")
    bystander = await sync_to_async(user_factory)()
    bell = await bells(member)
    quiet = await bells(bystander)
    assert bell.first["count"] == 0
    await sync_to_async(share)(other_member, ["language learning"])
    assert await bell.receive_json_from(timeout=2) == {"type": "unread", "count": 1}
    assert await quiet.receive_nothing(timeout=0.2)


async def test_a_comment_reaches_every_tab_of_the_practices_author(
    bells, member, other_member, practice_factory
):
    practice = await sync_to_async(practice_factory)(author=member)
    await sync_to_async(PracticeFollow.objects.create)(user=member, practice=practice)
    tab_one = await bells(member)
    tab_two = await bells(member)
    await sync_to_async(comment_create)(practice=practice, author=other_member, body="Hello!")
    assert await tab_one.receive_json_from(timeout=2) == {"type": "unread", "count": 1}
    assert await tab_two.receive_json_from(timeout=2) == {"type": "unread", "count": 1}


async def test_reading_on_one_tab_updates_the_bell_in_the_others(
    bells, member, other_member, practice_factory
):
    practice = await sync_to_async(practice_factory)()
    made = []
    for key in ("a", "b", "c"):
        made.append(
            await sync_to_async(Notification.objects.create)(
                recipient=member, kind="new_practice", practice=practice, dedupe_key=key
            )
        )
    tab_one = await bells(member)
    tab_two = await bells(member)
    assert tab_two.first["count"] == 3
    await sync_to_async(notification_mark_read)(user=member, notification=made[0])
    assert await tab_one.receive_json_from(timeout=2) == {"type": "unread", "count": 2}
    assert await tab_two.receive_json_from(timeout=2) == {"type": "unread", "count": 2}
    await sync_to_async(notification_mark_all_read)(user=member)
    assert await tab_one.receive_json_from(timeout=2) == {"type": "unread", "count": 0}
    assert await tab_two.receive_json_from(timeout=2) == {"type": "unread", "count": 0}


async def test_ones_own_actions_do_not_ring_ones_own_bell(bells, member):
    await sync_to_async(follow)(member, "language learning")
    bell = await bells(member)
    await sync_to_async(share)(member, ["language learning"])
    assert await bell.receive_nothing(timeout=0.3)


async def test_closing_the_socket_stops_counting_the_member_online(member):
    comm = WebsocketCommunicator(application, "/ws/notifications/")
    comm.scope["user"] = member
    await comm.connect()
    await comm.receive_json_from()
    await comm.disconnect()
    assert await sync_to_async(online.online_filter)(user_ids=[member.pk]) == []


async def test_ping_answers_pong_and_bad_messages_get_an_error_event(bells, member):
    bell = await bells(member)
    await bell.send_json_to({"type": "ping"})
    assert await bell.receive_json_from() == {"type": "pong"}
    await bell.send_to(text_data="not json")
    assert (await bell.receive_json_from())["code"] == "bad_json"
    await bell.send_json_to({"type": "comment.create", "body": "wrong socket"})
    error = await bell.receive_json_from()
    assert error["code"] == "unknown_type" and error["request"] == "comment.create"
    await bell.send_json_to({"type": "ping"})
    assert await bell.receive_json_from() == {"type": "pong"}


async def test_a_frame_over_the_limit_closes_with_1009(bells, member, settings):
    settings.WEBSOCKET_MAX_FRAME_BYTES = 100
    bell = await bells(member)
    await bell.send_to(text_data="x" * 200)
    assert await bell.receive_output() == {"type": "websocket.close", "code": 1009}


async def test_news_for_the_members_thread_sockets_passes_by_quietly(bells, member):
    from practices import broadcast, events

    bell = await bells(member)
    await broadcast.agroup_send(events.user_group(member.pk), {"type": "thread.something"})
    await bell.send_json_to({"type": "ping"})
    assert await bell.receive_json_from() == {"type": "pong"}


async def test_a_suspension_closes_the_bell_with_4403(bells, member):
    from practices import broadcast, events

    bell = await bells(member)
    await broadcast.agroup_send(
        events.user_group(member.pk), {"type": events.USER_SUSPENDED, "until": None}
    )
    assert (await bell.receive_json_from())["type"] == "user.suspended"
    assert (await bell.receive_output())["code"] == 4403


async def test_the_full_stack_authenticates_the_bell_by_session(bells, member):
    from forum.asgi import application as full_stack

    client = Client()
    await sync_to_async(client.force_login)(member)
    cookie = f"sessionid={client.cookies['sessionid'].value}".encode()
    bell = await bells(
        None,
        app=full_stack,
        headers=[(b"origin", b"http://127.0.0.1"), (b"cookie", cookie), (b"host", b"127.0.0.1")],
    )
    assert bell.first == {"type": "unread", "count": 0}


async def test_the_full_stack_refuses_visitors_and_foreign_origins():
    from forum.asgi import application as full_stack

    visitor = WebsocketCommunicator(
        full_stack, "/ws/notifications/", headers=[(b"origin", b"http://127.0.0.1")]
    )
    await visitor.connect()
    assert (await visitor.receive_json_from())["code"] == "login_required"
    assert (await visitor.receive_output())["code"] == 4401
    foreign = WebsocketCommunicator(
        full_stack, "/ws/notifications/", headers=[(b"origin", b"https://evil.example")]
    )
    connected, _ = await foreign.connect()
    assert not connected
