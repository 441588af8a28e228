import asyncio
import logging
from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.layers import get_channel_layer
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from practices import broadcast
from practices.models import Comment, Practice
from practices.services.comments import (
    CommentError,
    comment_create,
    comment_delete,
    comment_edit,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def frozen_clock(monkeypatch):
    """The rate limiter's clock, stopped mid-window so that no test straddles a boundary."""
    import practices.ratelimit

    monkeypatch.setattr(practices.ratelimit, "_clock", lambda: 1_000_050.0)


@pytest.fixture
def sent(monkeypatch):
    """Every (group, payload) the services hand to the channel layer wrapper."""
    calls: list[tuple[str, dict]] = []

    def record(group, payload):
        calls.append((group, payload))
        return True

    monkeypatch.setattr(broadcast, "group_send", record)
    return calls


@pytest.fixture
def practice(practice_factory):
    return practice_factory()


class refused:  # noqa: N801 - reads as a context manager: `with refused("code"):`
    """Expect a CommentError with this code."""

    def __init__(self, code):
        self.code = code

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        assert exc_type is CommentError, f"expected CommentError({self.code}), got {exc!r}"
        assert exc.code == self.code, exc.code
        return True


def post(practice, author, body="A first comment", **kwargs):
    return comment_create(practice=practice, author=author, body=body, **kwargs)


# --- comment_create -----------------------------------------------------------------------


def test_comment_create_numbers_comments_and_bumps_the_practice(practice, member):
    before = practice.last_activity_at
    first = post(practice, member, "One")
    second = post(practice, member, "Two")
    assert (first.seq, first.changed_seq) == (1, 1)
    assert (second.seq, second.changed_seq) == (2, 2)
    practice.refresh_from_db()
    assert practice.comment_seq == 2
    assert practice.comment_count == 2
    assert practice.last_activity_at > before


def test_comment_create_sends_one_event_on_commit(
    practice, member, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        comment = post(practice, member, "We ran **weekly** sessions.")
        assert sent == []
    assert len(sent) == 1
    group, payload = sent[0]
    assert group == f"practice.{practice.pk}"
    assert payload["type"] == "comment.created"
    assert payload["id"] == comment.pk
    assert payload["seq"] == 1
    assert payload["parent"] is None
    assert "<strong>weekly</strong>" in payload["html"]
    assert f'data-comment-id="{comment.pk}"' in payload["html"]
    assert "Amira Haddad" in payload["html"]


@pytest.mark.django_db(transaction=True)
def test_no_event_is_sent_when_the_transaction_rolls_back(practice_factory, user_factory, sent):
    practice = practice_factory()
    member = user_factory()
    with pytest.raises(RuntimeError), transaction.atomic():
        post(practice, member, "Never seen")
        raise RuntimeError("something later in the same transaction failed")
    assert sent == []
    assert not Comment.objects.exists()
    post(practice, member, "Seen")
    assert len(sent) == 1


def test_comment_markdown_is_sanitised(practice, member):
    comment = post(practice, member, "<script>alert(1)</script> [x](javascript:alert(1))")
    assert "<script>" not in comment.body_html
    assert 'href="javascript' not in comment.body_html
    assert "&lt;script&gt;" in comment.body_html


def test_names_and_organisations_are_escaped_in_the_event_html(
    practice, user_factory, sent, django_capture_on_commit_callbacks
):
    author = user_factory(display_name="<b>Eve</b>", organisation='"><script>x()</script>')
    with django_capture_on_commit_callbacks(execute=True):
        post(practice, author, "Hello")
    html = sent[0][1]["html"]
    assert "<b>Eve" not in html and "&lt;b&gt;Eve&lt;/b&gt;" in html
    assert "<script>" not in html


def test_reply_records_its_parent_and_says_in_reply_to(
    practice, member, other_member, sent, django_capture_on_commit_callbacks
):
    parent = post(practice, member, "Question?")
    with django_capture_on_commit_callbacks(execute=True):
        reply = post(practice, other_member, "Answer.", parent=parent.pk)
    assert reply.parent_id == parent.pk
    payload = sent[-1][1]
    assert payload["parent"] == parent.pk
    assert "in reply to" in payload["html"]
    assert "Amira Haddad" in payload["html"]


def test_reply_to_a_reply_joins_the_top_level_comment(practice, member, other_member):
    top = post(practice, member, "Top")
    reply = post(practice, other_member, "Reply", parent=top)
    nested = post(practice, member, "Reply to the reply", parent=reply.pk)
    assert nested.parent_id == top.pk


def test_reply_to_a_comment_of_another_practice_is_refused(
    practice, practice_factory, member, sent
):
    elsewhere = post(practice_factory(), member, "Elsewhere")
    with refused("bad_parent"):
        post(practice, member, "Reply", parent=elsewhere.pk)
    with refused("bad_parent"):
        post(practice, member, "Reply", parent=elsewhere)
    with refused("bad_parent"):
        post(practice, member, "Reply", parent=999_999)
    assert Comment.objects.filter(practice=practice).count() == 0


def test_reply_to_a_deleted_comment_is_refused(practice, member):
    gone = comment_delete(comment=post(practice, member, "Soon gone"), user=member)
    with refused("bad_parent"):
        post(practice, member, "Reply", parent=gone.pk)


@pytest.mark.parametrize("body", ["", "   \n\t ", None])
def test_empty_comment_is_refused(practice, member, body):
    with refused("body_empty"):
        post(practice, member, body)
    assert not Comment.objects.exists()


def test_comment_over_the_length_limit_is_refused(practice, member):
    with refused("body_too_long"):
        post(practice, member, "x" * 10_001)
    assert post(practice, member, "x" * 10_000).body == "x" * 10_000


def test_anonymous_unverified_suspended_and_inactive_may_not_post(practice, user_factory):
    from django.contrib.auth.models import AnonymousUser

    with refused("login_required"):
        post(practice, AnonymousUser())
    with refused("not_verified"):
        post(practice, user_factory(email_verified=False))
    with refused("suspended"):
        post(practice, user_factory(suspended_until=timezone.now() + timedelta(days=1)))
    with refused("login_required"):
        post(practice, user_factory(is_active=False))
    assert not Comment.objects.exists()


def test_a_drafts_thread_is_closed_to_everyone_but_its_author(practice_factory, member, moderator):
    draft = practice_factory(status="draft", published_at=None)
    with refused("thread_closed"):
        post(draft, member)
    with refused("thread_closed"):
        post(draft, moderator)
    assert post(draft, draft.author, "A note on my own draft").seq == 1


def test_a_locked_thread_takes_comments_from_moderators_only(practice_factory, member, moderator):
    locked = practice_factory(locked_at=timezone.now())
    with refused("thread_locked"):
        post(locked, member)
    assert post(locked, moderator, "Closing note").seq == 1


def test_posting_is_rate_limited_per_member(practice, member, other_member, settings, frozen_clock):
    settings.POST_RATE_LIMIT = 3
    settings.POST_RATE_WINDOW_SECONDS = 60
    for n in range(3):
        post(practice, member, f"Comment {n}")
    with refused("rate_limited") as ctx:
        post(practice, member, "One too many")
    assert Comment.objects.filter(author=member).count() == 3
    post(practice, other_member, "Someone else may still post")
    assert ctx.code == "rate_limited"


def test_rate_limit_error_says_when_to_try_again(practice, member, settings, frozen_clock):
    settings.POST_RATE_LIMIT = 1
    post(practice, member, "One")
    with pytest.raises(CommentError) as info:
        post(practice, member, "Two")
    assert info.value.retry_after == 31
    assert "wait" in info.value.message


def test_a_retried_create_with_the_same_client_id_saves_once(
    practice, member, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = post(practice, member, "Hello", client_id="c-1")
    with django_capture_on_commit_callbacks(execute=True):
        again = post(practice, member, "Hello", client_id="c-1")
    assert again.pk == first.pk
    assert Comment.objects.count() == 1
    assert len(sent) == 1


# --- comment_edit -------------------------------------------------------------------------


def test_author_edits_within_the_window_and_an_event_is_sent(
    practice, member, sent, django_capture_on_commit_callbacks
):
    comment = post(practice, member, "Frist")
    post(practice, member, "Another")
    with django_capture_on_commit_callbacks(execute=True):
        edited = comment_edit(comment=comment, editor=member, body="First, *properly*")
    assert edited.body == "First, *properly*"
    assert edited.edited_at is not None
    assert edited.seq == 1 and edited.changed_seq == 3
    assert len(sent) == 1
    group, payload = sent[0]
    assert group == f"practice.{practice.pk}"
    assert payload["type"] == "comment.edited"
    assert payload["seq"] == 3
    assert "<em>properly</em>" in payload["html"]
    assert "edited" in payload["html"]


def test_editing_after_the_window_is_refused_but_moderators_may(practice, member, moderator):
    comment = post(practice, member, "Old")
    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - timedelta(minutes=31))
    comment.refresh_from_db()
    with refused("edit_window_closed"):
        comment_edit(comment=comment, editor=member, body="New")
    assert comment_edit(comment=comment, editor=moderator, body="Tidied").body == "Tidied"


def test_editing_someone_elses_comment_is_refused(practice, member, other_member, sent):
    comment = post(practice, member, "Mine")
    with refused("forbidden"):
        comment_edit(comment=comment, editor=other_member, body="Yours now")
    comment.refresh_from_db()
    assert comment.body == "Mine"


def test_editing_to_the_same_text_changes_nothing(
    practice, member, sent, django_capture_on_commit_callbacks
):
    comment = post(practice, member, "Same")
    with django_capture_on_commit_callbacks(execute=True):
        same = comment_edit(comment=comment, editor=member, body="  Same  ")
    assert same.changed_seq == 1 and same.edited_at is None
    assert sent == []


def test_editing_a_deleted_comment_or_to_empty_is_refused(practice, member):
    comment = post(practice, member, "Text")
    with refused("body_empty"):
        comment_edit(comment=comment, editor=member, body=" ")
    gone = comment_delete(comment=comment, user=member)
    with refused("comment_deleted"):
        comment_edit(comment=gone, editor=member, body="Back")


# --- comment_delete -----------------------------------------------------------------------


def test_delete_is_soft_and_readers_see_comment_deleted(
    practice, member, sent, django_capture_on_commit_callbacks
):
    comment = post(practice, member, "Regrettable words")
    with django_capture_on_commit_callbacks(execute=True):
        gone = comment_delete(comment=comment, user=member)
    gone.refresh_from_db()
    assert gone.deleted_at is not None
    assert gone.body == "Regrettable words"
    assert gone.changed_seq == 2
    assert len(sent) == 1
    payload = sent[0][1]
    assert payload["type"] == "comment.deleted"
    assert "Comment deleted" in payload["html"]
    assert "Regrettable" not in payload["html"]
    assert "data-deleted" in payload["html"]
    practice.refresh_from_db()
    assert practice.comment_count == 0
    assert practice.comment_seq == 2


def test_deleting_someone_elses_comment_is_refused(practice, member, other_member, moderator):
    comment = post(practice, member, "Mine")
    with refused("forbidden"):
        comment_delete(comment=comment, user=other_member)
    with refused("forbidden"):
        comment_delete(comment=comment, user=moderator)
    comment.refresh_from_db()
    assert comment.deleted_at is None


def test_deleting_twice_sends_one_event(practice, member, sent, django_capture_on_commit_callbacks):
    comment = post(practice, member, "Once")
    with django_capture_on_commit_callbacks(execute=True):
        comment_delete(comment=comment, user=member)
        comment_delete(comment=comment, user=member)
    assert len(sent) == 1
    assert Practice.objects.get(pk=practice.pk).comment_seq == 2


# --- Broadcasting -------------------------------------------------------------------------


def test_the_event_reaches_a_listener_on_the_channel_layer(
    practice, member, django_capture_on_commit_callbacks
):
    """Through whichever layer the settings configure (in-memory, or Redis in CI)."""
    layer = get_channel_layer()

    def post_and_commit():
        with django_capture_on_commit_callbacks(execute=True):
            return post(practice, member, "Over the wire")

    async def scenario():
        channel = await layer.new_channel()
        await layer.group_add(f"practice.{practice.pk}", channel)
        comment = await sync_to_async(post_and_commit)()
        message = await asyncio.wait_for(layer.receive(channel), 5)
        await layer.group_discard(f"practice.{practice.pk}", channel)
        return comment, message

    comment, message = async_to_sync(scenario)()
    assert message["type"] == "comment.created"
    assert message["id"] == comment.pk


def test_a_channel_layer_that_is_down_loses_no_comment(
    practice, member, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    class DownLayer:
        async def group_send(self, group, message):
            raise ConnectionError("Redis is not answering")

    monkeypatch.setattr(broadcast, "get_channel_layer", lambda: DownLayer())
    with (
        caplog.at_level(logging.ERROR, logger="practices.broadcast"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        comment = post(practice, member, "Saved all the same")
    assert Comment.objects.get(pk=comment.pk).body == "Saved all the same"
    assert any("broadcast of comment.created" in r.getMessage() for r in caplog.records)
