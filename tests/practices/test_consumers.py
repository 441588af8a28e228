"""The live thread socket, driven through WebsocketCommunicator (docs/live-protocol.md)."""

import json
from datetime import timedelta

import pytest
from channels.db import database_sync_to_async as sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.utils import timezone

from practices import broadcast, presence
from practices.models import Comment
from practices.routing import websocket_urlpatterns
from practices.services.comments import comment_create, comment_delete, comment_edit

pytestmark = pytest.mark.django_db(transaction=True)

application = URLRouter(websocket_urlpatterns)


@pytest.fixture(autouse=True)
def _fresh_layer_and_cache(settings):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


@pytest.fixture
def practice(practice_factory):
    return practice_factory()


@pytest.fixture
async def sockets():
    """open(practice, user) -> a connected communicator that has had its hello."""
    opened: list[WebsocketCommunicator] = []

    async def open_socket(practice, user=None, *, app=application, headers=None):
        comm = WebsocketCommunicator(app, f"/ws/practices/{practice.pk}/", headers=headers)
        if app is application:
            comm.scope["user"] = user or AnonymousUser()
        connected, _ = await comm.connect()
        assert connected
        opened.append(comm)
        hello = await comm.receive_json_from()
        assert hello["type"] == "hello"
        assert hello["version"] == 1
        comm.hello = hello
        return comm

    yield open_socket
    for comm in opened:
        await comm.disconnect()


SKIPPABLE = {"presence", "ack", "comment.created", "comment.edited", "comment.deleted"}


async def next_of(comm, *types, timeout=2):
    """The next message of one of these types, skipping news not asked for (presence,
    acks, comment events); anything else, such as an unexpected error, fails the test."""
    while True:
        message = await comm.receive_json_from(timeout=timeout)
        if message["type"] in types:
            return message
        assert message["type"] in SKIPPABLE, message


async def assert_open(comm):
    """The connection survived: it still answers."""
    await comm.send_json_to({"type": "ping"})
    assert (await next_of(comm, "pong", "error"))["type"] == "pong"


count_comments = sync_to_async(lambda **kw: Comment.objects.filter(**kw).count())
create = sync_to_async(comment_create)


# --- Listening and posting ----------------------------------------------------------------


async def test_two_listeners_receive_a_comment_posted_by_a_third(
    practice, member, other_member, moderator, sockets
):
    first = await sockets(practice, member)
    second = await sockets(practice)
    poster = await sockets(practice, other_member)
    await poster.send_json_to(
        {"type": "comment.create", "client_id": "c-1", "body": "Hello *everyone*"}
    )
    ack = await next_of(poster, "ack")
    assert ack["client_id"] == "c-1" and ack["request"] == "comment.create"
    comment = await sync_to_async(Comment.objects.get)()
    assert (ack["id"], ack["seq"]) == (comment.pk, 1)
    for listener in (first, second, poster):
        event = await next_of(listener, "comment.created")
        assert event["id"] == comment.pk and event["seq"] == 1 and event["parent"] is None
        assert "<em>everyone</em>" in event["html"]
        assert "Jonas Berg" in event["html"]


async def test_every_reader_gets_the_same_html(practice, member, other_member, sockets):
    a = await sockets(practice, member)
    b = await sockets(practice, other_member)
    c = await sockets(practice)
    await a.send_json_to({"type": "comment.create", "client_id": "x", "body": "Same for all"})
    htmls = {(await next_of(s, "comment.created"))["html"] for s in (a, b, c)}
    assert len(htmls) == 1


async def test_each_reader_gets_the_html_in_their_own_language(
    practice, member, user_factory, sockets
):
    english = await sockets(practice, headers=[(b"accept-language", b"en-GB")])
    french = await sockets(practice, headers=[(b"accept-language", b"fr-FR,fr;q=0.9")])
    german_cookie = await sockets(
        practice, headers=[(b"cookie", b"django_language=de"), (b"accept-language", b"fr")]
    )
    saved = await sync_to_async(user_factory)(language="de")
    german_member = await sockets(practice, saved, headers=[(b"accept-language", b"fr")])
    comment = await create(practice=practice, author=member, body="Bientôt")
    await sync_to_async(comment_delete)(comment=comment, user=member)
    found = {}
    for name, comm in (
        ("en", english), ("fr", french), ("de-cookie", german_cookie), ("de-member", german_member)
    ):  # fmt: skip
        await next_of(comm, "comment.created")
        event = await next_of(comm, "comment.deleted")
        assert "html_by_language" not in event
        found[name] = event["html"]
    assert "Comment deleted" in found["en"]
    assert "Commentaire supprimé" in found["fr"]
    assert "Kommentar gelöscht" in found["de-cookie"] == found["de-member"]
    # A reader who resumes gets the backlog in their language too.
    late = await sockets(practice, headers=[(b"accept-language", b"fr")])
    await late.send_json_to({"type": "resume", "after": 0})
    # Never seen by this reader, the comment is replayed as created, already deleted.
    replayed = await next_of(late, "comment.created")
    assert "Commentaire supprimé" in replayed["html"]


async def test_refusals_and_errors_come_in_the_readers_language(
    practice, member, user_factory, sockets
):
    french = await sockets(practice, member, headers=[(b"accept-language", b"fr-FR,fr;q=0.9")])
    await french.send_json_to({"type": "comment.create", "client_id": "a", "body": "   "})
    refused = await next_of(french, "error")
    assert (refused["code"], refused["message"]) == (
        "body_empty",
        "Écrivez quelque chose avant de publier.",
    )
    await french.send_json_to({"type": "shout"})
    unknown = await next_of(french, "error")
    assert unknown["code"] == "unknown_type"
    assert unknown["message"] == "Type de message inconnu\u00a0: 'shout'."
    saved = await sync_to_async(user_factory)(language="de")
    german = await sockets(practice, saved, headers=[(b"accept-language", b"fr")])
    await german.send_json_to({"type": "comment.create", "client_id": "b"})
    missing = await next_of(german, "error")
    assert (missing["code"], missing["field"]) == ("missing_field", "body")
    assert missing["message"] == "Das Feld „body“ fehlt."
    # The socket stays open, and a reader with no language of their own gets English.
    await assert_open(german)
    english = await sockets(practice, member)
    await english.send_json_to({"type": "comment.create", "client_id": "c", "body": ""})
    assert (await next_of(english, "error"))["message"] == "Write something before posting."


async def test_a_reply_says_which_comment_it_answers(practice, member, other_member, sockets):
    parent = await create(practice=practice, author=member, body="Question")
    listener = await sockets(practice, member)
    poster = await sockets(practice, other_member)
    await poster.send_json_to(
        {"type": "comment.create", "client_id": "r", "body": "Answer", "parent": parent.pk}
    )
    event = await next_of(listener, "comment.created")
    assert event["parent"] == parent.pk
    assert "in reply to" in event["html"]


async def test_anonymous_reader_listens_but_cannot_post(practice, member, sockets):
    reader = await sockets(practice)
    await reader.send_json_to({"type": "comment.create", "client_id": "a", "body": "Hi"})
    error = await next_of(reader, "error")
    assert error["code"] == "login_required"
    assert error["client_id"] == "a" and error["request"] == "comment.create"
    assert await count_comments() == 0
    await assert_open(reader)
    await create(practice=practice, author=member, body="Members talk")
    assert (await next_of(reader, "comment.created"))["seq"] == 1


async def test_unverified_member_cannot_post(practice, user_factory, sockets):
    unverified = await sync_to_async(user_factory)(email_verified=False)
    socket = await sockets(practice, unverified)
    await socket.send_json_to({"type": "comment.create", "client_id": "u", "body": "Hi"})
    assert (await next_of(socket, "error"))["code"] == "not_verified"
    assert await count_comments() == 0
    await assert_open(socket)


async def test_a_member_suspended_after_connecting_can_no_longer_post(practice, member, sockets):
    socket = await sockets(practice, member)
    member.suspended_until = timezone.now() + timedelta(days=2)
    await sync_to_async(member.save)()
    await socket.send_json_to({"type": "comment.create", "client_id": "s", "body": "Hi"})
    assert (await next_of(socket, "error"))["code"] == "suspended"


async def test_edit_and_delete_over_the_socket_reach_other_readers(
    practice, member, other_member, sockets
):
    author = await sockets(practice, member)
    reader = await sockets(practice, other_member)
    await author.send_json_to({"type": "comment.create", "client_id": "1", "body": "Frist"})
    assert (await next_of(author, "ack"))["client_id"] == "1"
    created = await next_of(reader, "comment.created")
    await author.send_json_to(
        {"type": "comment.edit", "client_id": "2", "id": created["id"], "body": "First"}
    )
    ack = await next_of(author, "ack")
    assert ack == {
        "type": "ack",
        "request": "comment.edit",
        "client_id": "2",
        "id": created["id"],
        "seq": 2,
    }
    edited = await next_of(reader, "comment.edited")
    assert edited["seq"] == 2 and "First" in edited["html"] and "edited" in edited["html"]
    await author.send_json_to({"type": "comment.delete", "id": created["id"]})
    assert (await next_of(author, "ack"))["seq"] == 3
    deleted = await next_of(reader, "comment.deleted")
    assert deleted["seq"] == 3 and "Comment deleted" in deleted["html"]
    assert "First" not in deleted["html"]


async def presence_count_reaches(comm, count, timeout=3):
    """Presence updates arrive until one says `count`; an earlier number may come first."""
    while True:
        if (await next_of(comm, "presence", timeout=timeout))["count"] == count:
            return True


async def test_presence_counts_the_sockets_in_the_thread(practice, member, sockets, monkeypatch):
    monkeypatch.setattr(presence, "PRESENCE_BROADCAST_SECONDS", 0.05)
    first = await sockets(practice, member)
    assert (await next_of(first, "presence"))["count"] == 1
    second = await sockets(practice)
    # A socket that joins is told the count at once; the others in the coalesced broadcast.
    assert (await next_of(second, "presence"))["count"] == 2
    assert await presence_count_reaches(first, 2)
    await second.disconnect()
    assert await presence_count_reaches(first, 1)


def test_one_claim_holds_a_threads_next_presence_broadcast_until_it_is_sent():
    assert presence.presence_join(practice_id=7) == 1
    assert presence.presence_claim(practice_id=7)
    assert not presence.presence_claim(practice_id=7)
    presence.presence_join(practice_id=7)
    # Released when sent, with every change made while it was held.
    assert presence.presence_release(practice_id=7) == 2
    assert presence.presence_claim(practice_id=7)


async def test_sockets_joining_at_once_are_announced_in_one_broadcast(
    practice, sockets, monkeypatch
):
    sent = []
    real_send = broadcast.agroup_send

    async def counting(group, message):
        if message.get("type") == "presence":
            sent.append(message["count"])
        return await real_send(group, message)

    monkeypatch.setattr(broadcast, "agroup_send", counting)
    first = await sockets(practice)
    for _ in range(10):
        await sockets(practice)
    assert await presence_count_reaches(first, 11)
    # Joins within one interval make one broadcast (two if they straddle its end), not ten.
    assert 1 <= len(sent) <= 2 and sent[-1] == 11


async def test_a_drafts_thread_is_closed_to_others(practice_factory, member, other_member):
    draft = await sync_to_async(practice_factory)(status="draft", published_at=None, author=member)
    comm = WebsocketCommunicator(application, f"/ws/practices/{draft.pk}/")
    comm.scope["user"] = other_member
    connected, _ = await comm.connect()
    assert connected
    assert (await comm.receive_json_from())["code"] == "not_found"
    assert (await comm.receive_output())["code"] == 4404
    await comm.wait()


async def test_the_author_may_listen_to_their_drafts_thread(practice_factory, member, sockets):
    draft = await sync_to_async(practice_factory)(status="draft", published_at=None, author=member)
    socket = await sockets(draft, member)
    assert socket.hello["practice"] == draft.pk


# --- Bad input and abuse ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ("this is not json", "bad_json"),
        ("[1, 2, 3]", "bad_json"),
        ('"comment.create"', "bad_json"),
        ('{"type": "comment.shout", "body": "x"}', "unknown_type"),
        ('{"body": "no type"}', "unknown_type"),
        ('{"type": "comment.create", "client_id": "c"}', "missing_field"),
        ('{"type": "comment.create", "body": "no client id"}', "missing_field"),
        ('{"type": "comment.create", "client_id": "c", "body": 42}', "invalid_field"),
        (
            '{"type": "comment.create", "client_id": "c", "body": "x", "parent": "1"}',
            "invalid_field",
        ),
        ('{"type": "comment.create", "client_id": "", "body": "x"}', "invalid_field"),
        ('{"type": "comment.create", "client_id": "c", "body": "   "}', "body_empty"),
        ('{"type": "comment.edit", "body": "x"}', "missing_field"),
        ('{"type": "comment.edit", "id": 999999, "body": "x"}', "not_found"),
        ('{"type": "comment.delete", "id": true}', "invalid_field"),
        ('{"type": "resume"}', "missing_field"),
        ('{"type": "resume", "after": -1}', "invalid_field"),
    ],
)
async def test_bad_input_gets_an_error_and_the_connection_stays_open(
    practice, member, sockets, frame, code
):
    socket = await sockets(practice, member)
    await socket.send_to(text_data=frame)
    error = await next_of(socket, "error")
    assert error["code"] == code, error
    assert error["message"]
    assert await count_comments() == 0
    await assert_open(socket)


async def test_a_binary_frame_is_refused(practice, member, sockets):
    socket = await sockets(practice, member)
    await socket.send_to(bytes_data=b'{"type": "ping"}')
    assert (await next_of(socket, "error"))["code"] == "bad_json"
    await assert_open(socket)


async def test_a_body_over_10000_characters_is_refused(practice, member, sockets):
    socket = await sockets(practice, member)
    await socket.send_json_to({"type": "comment.create", "client_id": "l", "body": "é" * 10_001})
    assert (await next_of(socket, "error"))["code"] == "body_too_long"
    assert await count_comments() == 0
    await assert_open(socket)


async def test_a_reply_to_a_comment_of_another_practice_is_refused(
    practice, practice_factory, member, sockets
):
    elsewhere = await create(
        practice=await sync_to_async(practice_factory)(), author=member, body="x"
    )
    socket = await sockets(practice, member)
    await socket.send_json_to(
        {"type": "comment.create", "client_id": "p", "body": "Hi", "parent": elsewhere.pk}
    )
    assert (await next_of(socket, "error"))["code"] == "bad_parent"
    assert await count_comments(practice=practice) == 0
    await assert_open(socket)


async def test_editing_or_deleting_someone_elses_comment_is_refused(
    practice, member, other_member, sockets
):
    theirs = await create(practice=practice, author=other_member, body="Theirs")
    socket = await sockets(practice, member)
    await socket.send_json_to({"type": "comment.edit", "id": theirs.pk, "body": "Mine now"})
    assert (await next_of(socket, "error"))["code"] == "forbidden"
    await socket.send_json_to({"type": "comment.delete", "id": theirs.pk, "client_id": "d"})
    error = await next_of(socket, "error")
    assert (error["code"], error["client_id"]) == ("forbidden", "d")
    await sync_to_async(theirs.refresh_from_db)()
    assert theirs.body == "Theirs" and theirs.deleted_at is None
    await assert_open(socket)


async def test_editing_a_comment_of_another_thread_is_not_found(
    practice, practice_factory, member, sockets
):
    elsewhere = await create(
        practice=await sync_to_async(practice_factory)(), author=member, body="x"
    )
    socket = await sockets(practice, member)
    await socket.send_json_to({"type": "comment.edit", "id": elsewhere.pk, "body": "y"})
    assert (await next_of(socket, "error"))["code"] == "not_found"


async def test_a_frame_over_64_kb_closes_the_connection(practice, member, sockets):
    socket = await sockets(practice, member)
    await socket.send_to(text_data=json.dumps({"type": "ping", "pad": "x" * 64 * 1024}))
    while True:
        output = await socket.receive_output(timeout=2)
        if output["type"] == "websocket.close":
            break
    assert output["code"] == 1009


async def test_posting_is_rate_limited_on_the_socket(practice, member, sockets, settings):
    settings.POST_RATE_LIMIT = 2
    socket = await sockets(practice, member)
    for n in range(2):
        await socket.send_json_to({"type": "comment.create", "client_id": f"n{n}", "body": "x"})
        assert (await next_of(socket, "ack"))["client_id"] == f"n{n}"
    await socket.send_json_to({"type": "comment.create", "client_id": "n2", "body": "x"})
    error = await next_of(socket, "error")
    assert error["code"] == "rate_limited"
    assert error["retry_after"] >= 1
    assert "wait" in error["message"]
    assert await count_comments() == 2
    await assert_open(socket)


async def test_http_and_socket_share_one_rate_limit(practice, member, sockets, settings):
    settings.POST_RATE_LIMIT = 1
    client = Client()
    await sync_to_async(client.force_login)(member)
    response = await sync_to_async(client.post)(
        f"/practices/{practice.pk}/comments/", {"body": "by form"}
    )
    assert response.status_code == 302
    socket = await sockets(practice, member)
    await socket.send_json_to({"type": "comment.create", "client_id": "s", "body": "by socket"})
    assert (await next_of(socket, "error"))["code"] == "rate_limited"


async def test_a_retried_create_is_saved_once(practice, member, sockets):
    socket = await sockets(practice, member)
    message = {"type": "comment.create", "client_id": "same", "body": "Once"}
    await socket.send_json_to(message)
    first = await next_of(socket, "ack")
    await socket.send_json_to(message)
    second = await next_of(socket, "ack")
    assert first["id"] == second["id"]
    assert await count_comments() == 1


async def test_no_exception_escapes_the_consumer(practice, member, sockets, monkeypatch):
    import practices.services.comments as services

    def explode(**kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(services, "comment_create", explode)
    socket = await sockets(practice, member)
    await socket.send_json_to({"type": "comment.create", "client_id": "b", "body": "x"})
    assert (await next_of(socket, "error"))["code"] == "server_error"
    await assert_open(socket)


async def test_a_failure_while_connecting_closes_the_socket(practice, monkeypatch):
    import practices.selectors.comments as selectors

    def explode(**kwargs):
        raise RuntimeError("the database is gone")

    monkeypatch.setattr(selectors, "thread_practice_for", explode)
    comm = WebsocketCommunicator(application, f"/ws/practices/{practice.pk}/")
    comm.scope["user"] = AnonymousUser()
    connected, code = await comm.connect()
    assert not connected and code == 1011
    await comm.wait()


async def test_a_cache_that_fails_costs_presence_only(practice, member, sockets, monkeypatch):
    import practices.consumers.threads as consumers

    def explode(**kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(consumers, "presence_join", explode)
    socket = await sockets(practice, member)
    await socket.send_json_to({"type": "comment.create", "client_id": "p", "body": "Still works"})
    assert (await next_of(socket, "ack"))["seq"] == 1


async def test_a_channel_layer_that_is_down_loses_no_comment(
    practice, member, sockets, monkeypatch
):
    class DownLayer:
        async def group_send(self, group, message):
            raise ConnectionError("Redis is not answering")

        async def group_add(self, group, channel):
            raise ConnectionError("Redis is not answering")

        async def group_discard(self, group, channel):
            raise ConnectionError("Redis is not answering")

    monkeypatch.setattr(broadcast, "get_channel_layer", lambda: DownLayer())
    socket = await sockets(practice, member)
    await socket.send_json_to({"type": "comment.create", "client_id": "d", "body": "Saved"})
    ack = await next_of(socket, "ack")
    assert (await sync_to_async(Comment.objects.get)(pk=ack["id"])).body == "Saved"


# --- Resuming -----------------------------------------------------------------------------


async def test_resume_replays_exactly_the_missed_changes_in_order(
    practice, member, other_member, sockets
):
    seen = await create(practice=practice, author=member, body="Seen before the drop")  # 1
    socket = await sockets(practice, other_member)
    last_seen = socket.hello["last_seq"]
    assert last_seen == 1
    await socket.disconnect()

    # While the reader is away:
    a = await create(practice=practice, author=member, body="Missed A")  # 2
    b = await create(practice=practice, author=member, body="Missed B", parent=seen)  # 3
    await sync_to_async(comment_edit)(comment=seen, editor=member, body="Seen, edited")  # 4
    await sync_to_async(comment_delete)(comment=a, user=member)  # 5
    c = await create(practice=practice, author=member, body="Missed C")  # 6

    socket = await sockets(practice, other_member)
    await socket.send_json_to({"type": "resume", "after": last_seen})
    replayed = []
    while True:
        message = await next_of(
            socket, "comment.created", "comment.edited", "comment.deleted", "resumed"
        )
        if message["type"] == "resumed":
            break
        replayed.append(message)
    assert [(m["type"], m["id"], m["seq"]) for m in replayed] == [
        ("comment.created", b.pk, 3),
        ("comment.edited", seen.pk, 4),
        ("comment.created", a.pk, 5),  # never seen, and deleted since: new, shown deleted
        ("comment.created", c.pk, 6),
    ]
    assert "Comment deleted" in replayed[2]["html"]
    assert message == {"type": "resumed", "after": 1, "last_seq": 6, "replayed": 4}


async def test_resume_from_the_current_sequence_replays_nothing(practice, member, sockets):
    await create(practice=practice, author=member, body="One")
    socket = await sockets(practice, member)
    await socket.send_json_to({"type": "resume", "after": socket.hello["last_seq"]})
    assert (await next_of(socket, "resumed", "comment.created"))["replayed"] == 0


async def test_resume_replays_long_backlogs_in_batches(practice, member, sockets, settings):
    settings.POST_RATE_LIMIT = 10_000
    for n in range(205):
        await create(practice=practice, author=member, body=f"n{n}")
    socket = await sockets(practice, member)
    await socket.send_json_to({"type": "resume", "after": 0})
    seqs = []
    while True:
        message = await next_of(socket, "comment.created", "resumed")
        if message["type"] == "resumed":
            break
        seqs.append(message["seq"])
    assert seqs == list(range(1, 206))


async def test_resume_from_the_future_asks_for_a_reload(practice, member, sockets):
    socket = await sockets(practice, member)
    await socket.send_json_to({"type": "resume", "after": 50})
    assert (await next_of(socket, "error"))["code"] == "resume_ahead"
    await assert_open(socket)


# --- The full stack: origin check and session authentication ------------------------------


async def test_the_full_stack_authenticates_by_session_from_an_allowed_origin(
    practice, member, sockets
):
    from forum.asgi import application as full_stack

    client = Client()
    await sync_to_async(client.force_login)(member)
    cookie = f"sessionid={client.cookies['sessionid'].value}".encode()
    socket = await sockets(
        practice,
        app=full_stack,
        headers=[(b"origin", b"http://127.0.0.1"), (b"cookie", cookie), (b"host", b"127.0.0.1")],
    )
    await socket.send_json_to({"type": "comment.create", "client_id": "f", "body": "Via session"})
    assert (await next_of(socket, "ack"))["seq"] == 1
    comment = await sync_to_async(Comment.objects.select_related("author").get)()
    assert comment.author == member


async def test_the_full_stack_refuses_a_foreign_origin(practice):
    from forum.asgi import application as full_stack

    comm = WebsocketCommunicator(
        full_stack, f"/ws/practices/{practice.pk}/", headers=[(b"origin", b"https://evil.example")]
    )
    connected, _ = await comm.connect()
    assert not connected
