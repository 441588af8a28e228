import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from practices.models import Comment
from practices.selectors.comments import (
    comment_get_visible,
    thread_changes_after,
    thread_for,
    thread_practice_for,
)
from practices.services.comments import comment_create, comment_delete, comment_edit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _setup(settings):
    settings.POST_RATE_LIMIT = 10_000


def fill(practice, authors, n):
    """n comments, every third one a reply to the comment before it."""
    made = []
    for i in range(n):
        parent = made[-1] if i % 3 == 2 and made[-1].parent_id is None else None
        made.append(
            comment_create(
                practice=practice, author=authors[i % len(authors)], body=f"c{i}", parent=parent
            )
        )
    return made


def queries_for(fn):
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def test_thread_groups_replies_under_their_parents(practice_factory, member, other_member):
    practice = practice_factory()
    first = comment_create(practice=practice, author=member, body="Top one")
    reply = comment_create(practice=practice, author=other_member, body="Reply", parent=first)
    second = comment_create(practice=practice, author=other_member, body="Top two")
    practice.refresh_from_db()
    thread = thread_for(practice=practice, user=member)
    assert [c.pk for c in thread["comments"]] == [first.pk, second.pk]
    assert [r.pk for r in thread["comments"][0].thread_replies] == [reply.pk]
    assert thread["count"] == 3
    assert thread["last_seq"] == 3
    assert thread["may_post"] is True


def test_thread_costs_one_query_at_10_and_at_100_comments(
    practice_factory, member, other_member, moderator
):
    small, large = practice_factory(), practice_factory()
    fill(small, [member, other_member, moderator], 10)
    fill(large, [member, other_member, moderator], 100)
    small.refresh_from_db()
    large.refresh_from_db()
    at_10 = queries_for(lambda: thread_for(practice=small, user=member))
    at_100 = queries_for(lambda: thread_for(practice=large, user=member))
    assert at_10 == at_100 == 1

    def render(practice):
        from django.template.loader import render_to_string

        thread = thread_for(practice=practice, user=member)
        reply = next(c.thread_replies[0] for c in thread["comments"] if c.thread_replies)
        return render_to_string("practices/_comment.html", {"comment": reply})

    # Rendering a reply ("in reply to <parent author>") asks for nothing more.
    assert queries_for(lambda: render(small)) == 1


def test_detail_page_costs_the_same_at_10_and_100_comments(
    practice_factory, member, other_member, client_for
):
    small, large = practice_factory(), practice_factory()
    fill(small, [member, other_member], 10)
    fill(large, [member, other_member], 100)
    client = client_for(member)
    for practice in (small, large):  # warm the session and what is kept of each practice
        client.get(practice.get_absolute_url())

    def get(practice):
        response = client.get(practice.get_absolute_url())
        assert response.status_code == 200
        assert response.content.count(b'class="comment"') >= 10

    assert queries_for(lambda: get(small)) == queries_for(lambda: get(large))


def test_deleted_and_hidden_comments_render_without_their_text(practice_factory, member, client):
    practice = practice_factory()
    gone = comment_create(practice=practice, author=member, body="Deleted words")
    comment_delete(comment=gone, user=member)
    hidden = comment_create(practice=practice, author=member, body="Hidden words")
    Comment.objects.filter(pk=hidden.pk).update(hidden_at=timezone.now())
    comment_create(practice=practice, author=member, body="Kept words")
    response = client.get(practice.get_absolute_url())
    html = response.content.decode()
    assert "Kept words" in html
    assert "Deleted words" not in html
    assert "Hidden words" not in html
    assert html.count("Comment deleted") == 1
    assert html.count("Comment hidden by the moderators") == 1


def test_a_drafts_thread_is_closed_to_all_but_its_author(practice_factory, member, moderator):
    draft = practice_factory(status="draft", published_at=None, author=member)
    comment_create(practice=draft, author=member, body="Note to self")
    draft.refresh_from_db()
    assert thread_for(practice=draft, user=member)["open"] is True
    closed = thread_for(practice=draft, user=moderator)
    assert closed["open"] is False and closed["comments"] == []
    assert thread_practice_for(user=moderator, practice_id=draft.pk) is None
    assert thread_practice_for(user=AnonymousUser(), practice_id=draft.pk) is None
    assert thread_practice_for(user=member, practice_id=draft.pk) == draft


def test_anonymous_readers_see_the_thread_but_may_not_post(practice_factory, member):
    practice = practice_factory()
    comment_create(practice=practice, author=member, body="Public")
    practice.refresh_from_db()
    thread = thread_for(practice=practice, user=AnonymousUser())
    assert len(thread["comments"]) == 1
    assert thread["may_post"] is False
    assert thread["refusal"].code == "login_required"
    assert thread_practice_for(user=AnonymousUser(), practice_id=practice.pk) == practice


def test_changes_after_lists_each_changed_comment_once_in_change_order(practice_factory, member):
    practice = practice_factory()
    a = comment_create(practice=practice, author=member, body="a")  # 1
    b = comment_create(practice=practice, author=member, body="b")  # 2
    comment_edit(comment=a, editor=member, body="a2")  # 3
    c = comment_create(practice=practice, author=member, body="c")  # 4
    comment_delete(comment=b, user=member)  # 5
    changes = thread_changes_after(practice_id=practice.pk, after_changed=1)
    assert [(x.pk, x.changed_seq) for x in changes] == [(a.pk, 3), (c.pk, 4), (b.pk, 5)]
    assert thread_changes_after(practice_id=practice.pk, after_changed=5) == []


def test_comment_of_a_practice_one_cannot_read_is_not_visible(
    practice_factory, member, other_member
):
    draft = practice_factory(status="draft", published_at=None, author=member)
    note = comment_create(practice=draft, author=member, body="Private note")
    assert comment_get_visible(user=other_member, pk=note.pk) is None
    assert comment_get_visible(user=member, pk=note.pk) == note
