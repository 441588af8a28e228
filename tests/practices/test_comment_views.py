from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from practices.models import Comment
from practices.services.comments import comment_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def practice(practice_factory):
    return practice_factory()


def create_url(practice):
    return reverse("practices:comment_create", kwargs={"pk": practice.pk})


def edit_url(comment):
    return reverse("practices:comment_edit", kwargs={"pk": comment.pk})


def delete_url(comment):
    return reverse("practices:comment_delete", kwargs={"pk": comment.pk})


# --- Posting ------------------------------------------------------------------------------


def test_member_posts_a_comment_and_lands_on_it(practice, member_client, member):
    response = member_client.post(create_url(practice), {"body": "We tried this in *Ghent*."})
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{practice.get_absolute_url()}#comment-{comment.pk}"
    assert comment.author == member
    assert "<em>Ghent</em>" in comment.body_html


def test_the_page_shows_the_comment_with_author_role_and_organisation(
    practice, member_client, member
):
    member_client.post(create_url(practice), {"body": "Visible on the page"})
    html = member_client.get(practice.get_absolute_url()).content.decode()
    assert "Visible on the page" in html
    assert "Amira Haddad" in html
    assert member.get_role_display() in html
    assert member.organisation in html


def test_member_replies_to_a_comment(practice, member_client, other_member):
    parent = comment_create(practice=practice, author=other_member, body="Question")
    response = member_client.post(create_url(practice), {"body": "Answer", "parent": parent.pk})
    assert response.status_code == 302
    reply = Comment.objects.get(body="Answer")
    assert reply.parent == parent
    html = member_client.get(practice.get_absolute_url()).content.decode()
    assert "in reply to" in html


def test_anonymous_post_is_sent_to_log_in(practice, client):
    response = client.post(create_url(practice), {"body": "Hello"})
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
    assert not Comment.objects.exists()


def test_unverified_member_is_told_why_and_keeps_the_text(practice, user_factory, client_for):
    client = client_for(user_factory(email_verified=False))
    response = client.post(create_url(practice), {"body": "My careful words"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "Verify your e-mail address" in html
    assert "My careful words" in html
    assert not Comment.objects.exists()


def test_empty_and_too_long_comments_are_refused_with_the_text_kept(practice, member_client):
    response = member_client.post(create_url(practice), {"body": "   "})
    assert response.status_code == 400
    assert "Write something" in response.content.decode()
    long_text = "y" * 10_001
    response = member_client.post(create_url(practice), {"body": long_text})
    assert response.status_code == 400
    assert long_text in response.content.decode()
    assert not Comment.objects.exists()


def test_reply_to_a_comment_of_another_practice_is_refused(
    practice, practice_factory, member_client, member
):
    elsewhere = comment_create(practice=practice_factory(), author=member, body="Elsewhere")
    response = member_client.post(create_url(practice), {"body": "Hi", "parent": elsewhere.pk})
    assert response.status_code == 400
    response = member_client.post(create_url(practice), {"body": "Hi", "parent": "abc"})
    assert response.status_code == 400
    assert Comment.objects.count() == 1


def test_posting_over_http_is_rate_limited_with_a_clear_message(practice, member_client, settings):
    settings.POST_RATE_LIMIT = 2
    for n in range(2):
        assert member_client.post(create_url(practice), {"body": f"n{n}"}).status_code == 302
    response = member_client.post(create_url(practice), {"body": "third"})
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    assert "try again" in response.content.decode()
    assert Comment.objects.count() == 2


def test_get_on_the_create_url_is_not_allowed(practice, member_client):
    assert member_client.get(create_url(practice)).status_code == 405


def test_a_draft_thread_is_not_found_for_others(practice_factory, member_client):
    draft = practice_factory(status="draft", published_at=None)
    assert member_client.post(create_url(draft), {"body": "Hi"}).status_code == 404


def test_posting_is_forbidden_without_csrf(practice, member):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    assert client.post(create_url(practice), {"body": "Hi"}).status_code == 403
    assert not Comment.objects.exists()


def test_the_page_offers_a_form_only_to_those_who_may_post(practice, client, member_client):
    assert 'id="comment-form"' not in client.get(practice.get_absolute_url()).content.decode()
    assert 'id="comment-form"' in member_client.get(practice.get_absolute_url()).content.decode()


# --- Editing ------------------------------------------------------------------------------


def test_author_edits_through_the_form(practice, member, member_client):
    comment = comment_create(practice=practice, author=member, body="Typo hier")
    page = member_client.get(edit_url(comment))
    assert page.status_code == 200
    assert "Typo hier" in page.content.decode()
    response = member_client.post(edit_url(comment), {"body": "Typo here"})
    assert response.status_code == 302
    assert response["Location"].endswith(f"#comment-{comment.pk}")
    comment.refresh_from_db()
    assert comment.body == "Typo here" and comment.edited_at is not None
    html = member_client.get(practice.get_absolute_url()).content.decode()
    assert "edited" in html


def test_editing_someone_elses_comment_is_forbidden(practice, other_member, member_client):
    comment = comment_create(practice=practice, author=other_member, body="Theirs")
    assert member_client.get(edit_url(comment)).status_code == 403
    assert member_client.post(edit_url(comment), {"body": "Mine"}).status_code == 403
    comment.refresh_from_db()
    assert comment.body == "Theirs"


def test_editing_after_the_window_is_refused(practice, member, member_client):
    comment = comment_create(practice=practice, author=member, body="Old")
    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - timedelta(hours=1))
    assert member_client.get(edit_url(comment)).status_code == 403
    response = member_client.post(edit_url(comment), {"body": "New"})
    assert response.status_code == 403
    assert "minutes" in response.content.decode()


def test_moderator_edits_any_comment_any_time(practice, member, moderator, client_for):
    comment = comment_create(practice=practice, author=member, body="Spam link")
    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - timedelta(days=3))
    response = client_for(moderator).post(edit_url(comment), {"body": "Link removed"})
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.body == "Link removed"


def test_comments_one_cannot_see_are_not_found(practice_factory, member, other_member, client_for):
    draft = practice_factory(status="draft", published_at=None, author=member)
    note = comment_create(practice=draft, author=member, body="Private")
    client = client_for(other_member)
    assert client.get(edit_url(note)).status_code == 404
    assert client.post(delete_url(note)).status_code == 404
    assert client.get(reverse("practices:comment_edit", kwargs={"pk": 999_999})).status_code == 404


def test_an_empty_edit_is_refused_and_the_text_stays(practice, member, member_client):
    comment = comment_create(practice=practice, author=member, body="Keep me")
    response = member_client.post(edit_url(comment), {"body": ""})
    assert response.status_code == 400
    comment.refresh_from_db()
    assert comment.body == "Keep me"


# --- Deleting -----------------------------------------------------------------------------


def test_author_deletes_softly_and_readers_see_comment_deleted(
    practice, member, member_client, client
):
    comment = comment_create(practice=practice, author=member, body="Second thoughts")
    response = member_client.post(delete_url(comment))
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.deleted_at is not None and comment.body == "Second thoughts"
    html = client.get(practice.get_absolute_url()).content.decode()
    assert "Comment deleted" in html
    assert "Second thoughts" not in html


def test_deleting_someone_elses_comment_is_forbidden(practice, other_member, member_client):
    comment = comment_create(practice=practice, author=other_member, body="Theirs")
    assert member_client.post(delete_url(comment)).status_code == 403
    comment.refresh_from_db()
    assert comment.deleted_at is None


def test_delete_needs_post(practice, member, member_client):
    comment = comment_create(practice=practice, author=member, body="Still here")
    assert member_client.get(delete_url(comment)).status_code == 405
    comment.refresh_from_db()
    assert comment.deleted_at is None


def test_the_page_shows_edit_and_delete_only_on_ones_own_comments(
    practice, member, other_member, member_client
):
    mine = comment_create(practice=practice, author=member, body="Mine")
    theirs = comment_create(practice=practice, author=other_member, body="Theirs")
    html = member_client.get(practice.get_absolute_url()).content.decode()
    assert edit_url(mine) in html and delete_url(mine) in html
    assert edit_url(theirs) not in html and delete_url(theirs) not in html


def test_comment_text_is_escaped_on_the_page(practice, member, client):
    comment_create(practice=practice, author=member, body='"><img src=x onerror=alert(1)>')
    html = client.get(practice.get_absolute_url()).content.decode()
    assert "<img" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_without_javascript_a_reply_link_opens_the_form_as_a_reply(
    practice, member_client, member, other_member
):
    parent = comment_create(practice=practice, author=other_member, body="How did you start?")
    page = member_client.get(practice.get_absolute_url()).content.decode()
    assert f'href="?reply={parent.pk}#comment-form" data-control="reply"' in page
    # The kept thread carries the link only: no form, so no token of anyone's.
    assert 'data-form="reply"' not in page
    page = member_client.get(f"{practice.get_absolute_url()}?reply={parent.pk}").content.decode()
    assert f'<input type="hidden" name="parent" value="{parent.pk}">' in page
    assert "Replying to" in page and "Jonas Berg" in page and "Post reply" in page
    response = member_client.post(
        reverse("practices:comment_create", args=[practice.pk]),
        {"body": "With the parents' council.", "parent": parent.pk},
    )
    assert response.status_code == 302
    assert Comment.objects.get(body="With the parents' council.").parent_id == parent.pk


@pytest.mark.parametrize("raw", ["abc", "-1", "99999999", "1" * 40, ""])
def test_a_reply_link_to_no_such_comment_shows_the_plain_form(practice, member_client, raw):
    response = member_client.get(f"{practice.get_absolute_url()}?reply={raw}")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Replying to" not in html and 'name="parent"' not in html
