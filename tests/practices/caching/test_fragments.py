"""Rendered comments from the cache: stored only when old enough, and never stale after an
edit, a deletion or an author's new name."""

from datetime import timedelta

import pytest
from django.utils import timezone

from practices.caching import fragments
from practices.models import Comment
from practices.selectors.comments import thread_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def renders(monkeypatch):
    calls = []
    real = fragments.render_comment

    def counting(comment):
        calls.append(comment.pk)
        return real(comment)

    monkeypatch.setattr(fragments, "render_comment", counting)
    return calls


def make_comment(practice, author, *, seq, hours_ago, body="We tried it too."):
    comment = Comment.objects.create(
        practice=practice, author=author, seq=seq, changed_seq=seq, body=body,
        body_html=f"<p>{body}</p>",
    )  # fmt: skip
    Comment.objects.filter(pk=comment.pk).update(
        created_at=timezone.now() - timedelta(hours=hours_ago)
    )
    return comment


def html_of(practice, user=None) -> list[str]:
    thread = thread_for(practice=practice, user=user)
    fragments.attach_comment_html(thread["every"])
    return [c.html for c in thread["comments"]]


def test_old_comments_are_rendered_once(practice_factory, member, renders):
    practice = practice_factory()
    old = make_comment(practice, member, seq=1, hours_ago=5)
    first = html_of(practice)
    assert html_of(practice) == first
    assert renders == [old.pk]
    assert "We tried it too." in first[0]


def test_new_comments_are_rendered_every_time(practice_factory, member, renders):
    practice = practice_factory()
    new = make_comment(practice, member, seq=1, hours_ago=0)
    html_of(practice)
    html_of(practice)
    assert renders == [new.pk, new.pk]


def test_a_change_or_a_new_name_renders_again(practice_factory, member, renders):
    practice = practice_factory()
    old = make_comment(practice, member, seq=1, hours_ago=5)
    html_of(practice)
    Comment.objects.filter(pk=old.pk).update(body_html="<p>Edited.</p>", changed_seq=2)
    assert "Edited." in html_of(practice)[0]
    member.display_name = "Amira H."
    member.save()
    assert "Amira H." in html_of(practice)[0]
    assert renders == [old.pk, old.pk, old.pk]


def test_the_page_shows_the_stored_html(client, practice_factory, member):
    practice = practice_factory()
    make_comment(practice, member, seq=1, hours_ago=5, body="Stored once.")
    for _ in range(2):
        html = client.get(practice.get_absolute_url(), HTTP_COOKIE="sessionid=x").content.decode()
        assert html.count("<p>Stored once.</p>") == 1
        assert html.count("data-comment-id=") == 1


def test_cards_are_rendered_once_and_again_after_a_change(
    client, practice_factory, monkeypatch, django_capture_on_commit_callbacks
):
    from practices import caching
    from practices.models import Practice, Tag

    practice_factory(title="Language cafe", tags=["language"])
    calls = []
    real = fragments.render_to_string

    def counting(name, context=None, *args, **kwargs):
        if name == "practices/_practice_card.html":
            calls.append(context["practice"].pk)
        return real(name, context, *args, **kwargs)

    monkeypatch.setattr(fragments, "render_to_string", counting)
    for _ in range(2):
        assert (
            "Language cafe" in client.get("/practices/", HTTP_COOKIE="sessionid=x").content.decode()
        )
    assert len(calls) == 1
    Tag.objects.filter(name="language").update(name="language learning")
    Practice.objects.update(comment_count=3)
    # The listing around the cards is kept until a write drops the listings, as the services'
    # writes do when they commit.
    with django_capture_on_commit_callbacks(execute=True):
        caching.drop(caching.LISTING)
    html = client.get("/practices/", HTTP_COOKIE="sessionid=x").content.decode()
    assert "language learning" in html and "3 comments" in html
    assert len(calls) == 2
