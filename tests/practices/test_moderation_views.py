"""The moderators' pages: the log (filters, pages, query counts), the practice page's panel,
hide and restore from the thread, and bad input."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from practices.models import Comment, ModerationAction, Practice
from practices.services.collections import collection_create
from practices.services.comments import comment_create, comment_delete
from practices.services.moderation import comment_hide, practice_hide, practice_lock

pytestmark = pytest.mark.django_db


# --- The log ----------------------------------------------------------------------------------


def test_the_log_reads_back_every_step(client_for, moderator, writers_practice, writers_comment):
    practice_lock(practice=writers_practice, moderator=moderator, reason="Heated <b>thread</b>")
    comment_hide(comment=writers_comment, moderator=moderator, reason="Rude")
    html = client_for(moderator).get(reverse("moderation:log")).content.decode()
    assert "2 entries" in html
    assert "Closed a discussion" in html and "Hid a comment" in html
    assert "Heated &lt;b&gt;thread&lt;/b&gt;" in html
    rows = html.split("<tbody>", 1)[1]
    assert rows.index("Hid a comment") < rows.index("Closed a discussion")  # newest first
    assert writers_practice.title in html and "Mara Moderator" in html


def test_the_log_filters_by_action_actor_and_target(
    client_for, moderator, user_factory, practice_factory
):
    other_moderator = user_factory(display_name="Other Moderator", moderator=True)
    first, second = practice_factory(title="First one"), practice_factory(title="Second one")
    practice_hide(practice=first, moderator=moderator, reason="A")
    practice_lock(practice=second, moderator=other_moderator, reason="B")
    client = client_for(moderator)
    url = reverse("moderation:log")
    by_action = client.get(url, {"action": "practice.lock"}).content.decode()
    assert "Second one" in by_action and "First one" not in by_action
    by_actor = client.get(url, {"actor": moderator.pk}).content.decode()
    assert "First one" in by_actor and "Second one" not in by_actor
    by_target = client.get(
        url, {"target_type": "practice", "target_id": second.pk}
    ).content.decode()
    assert "Second one" in by_target and "First one" not in by_target
    assert "All entries" in by_target


def test_bad_log_filters_get_a_clear_error_not_a_crash(client_for, moderator):
    client = client_for(moderator)
    for query in ({"action": "nope"}, {"actor": "abc"}, {"target_id": "-3"}, {"page": "x"}):
        response = client.get(reverse("moderation:log"), query)
        assert response.status_code in (200, 400), query
    response = client.get(reverse("moderation:log"), {"action": "nope"})
    assert response.status_code == 400 and "Select a valid choice" in response.content.decode()


def test_the_log_costs_the_same_queries_at_two_sizes(
    client_for, moderator, practice_factory, django_assert_num_queries
):
    client = client_for(moderator)
    url = reverse("moderation:log")
    practice_hide(practice=practice_factory(), moderator=moderator, reason="x")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(60):
        practice_hide(practice=practice_factory(), moderator=moderator, reason="x")
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url)
    html = response.content.decode()
    assert html.count("<tr>") == 51  # the header row and a page of 50
    assert "Page 1 of 2" in html
    assert client.get(url, {"page": 2}).content.decode().count("<tr>") == 12


# --- The practice page ---------------------------------------------------------------------------


def test_moderators_get_their_panel_on_the_practice_page(
    client_for, moderator, member, writers_practice
):
    page = client_for(moderator).get(writers_practice.get_absolute_url()).content.decode()
    assert 'aria-labelledby="practice-moderation-title"' in page
    for action in ("validate", "feature", "lock", "hide"):
        assert reverse("moderation:practice_action", args=[writers_practice.pk, action]) in page
    member_page = client_for(member).get(writers_practice.get_absolute_url()).content.decode()
    assert "practice-moderation-title" not in member_page
    assert reverse("moderation:report_practice", args=[writers_practice.pk]) in member_page


def test_the_practice_page_costs_a_moderator_a_fixed_number_of_queries(
    client_for, moderator, writers_practice, django_assert_num_queries
):
    client = client_for(moderator)
    url = writers_practice.get_absolute_url()
    collection_create(moderator=moderator, title="One")
    # The first visit starts the content generation, the second keeps the page's shared part.
    for _ in range(2):
        client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(8):
        collection_create(moderator=moderator, title=f"Set {n}")
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(url)


def test_a_locked_thread_says_so_and_refuses_the_form(
    client_for, moderator, member, writers_practice
):
    practice_lock(practice=writers_practice, moderator=moderator)
    client = client_for(member)
    page = client.get(writers_practice.get_absolute_url()).content.decode()
    assert "This discussion is closed to new comments." in page
    assert 'id="comment-form"' not in page
    response = client.post(
        reverse("practices:comment_create", args=[writers_practice.pk]), {"body": "Still here"}
    )
    assert response.status_code == 403
    assert not Comment.objects.exists()


def test_the_lock_button_closes_and_reopens(client_for, moderator, writers_practice):
    client = client_for(moderator)
    lock = reverse("moderation:practice_action", args=[writers_practice.pk, "lock"])
    response = client.post(lock, follow=True)
    assert "The discussion is closed to new comments." in response.content.decode()
    assert Practice.objects.get(pk=writers_practice.pk).locked_at is not None
    again = client.post(lock, follow=True)
    assert "already closed" in again.content.decode()
    client.post(reverse("moderation:practice_action", args=[writers_practice.pk, "unlock"]))
    assert Practice.objects.get(pk=writers_practice.pk).locked_at is None


def test_unknown_actions_and_items_are_404(
    client_for, moderator, writers_practice, writers_comment
):
    client = client_for(moderator)
    assert client.post(f"/moderation/practices/{writers_practice.pk}/delete/").status_code == 404
    assert client.post("/moderation/practices/999999/hide/", {"reason": "x"}).status_code == 404
    assert client.post(f"/moderation/comments/{writers_comment.pk}/edit/").status_code == 404
    assert not ModerationAction.objects.exists()


def test_an_unsafe_next_address_is_ignored(client_for, moderator, writers_practice):
    url = reverse("moderation:practice_action", args=[writers_practice.pk, "validate"])
    response = client_for(moderator).post(url, {"next": "https://evil.example/"})
    assert response.status_code == 302 and response.url == writers_practice.get_absolute_url()


# --- Hiding from the thread ----------------------------------------------------------------------


def test_moderators_hide_and_restore_from_the_thread(
    client_for, moderator, writer, member, writers_practice, writers_comment
):
    mod = client_for(moderator)
    page = mod.get(writers_practice.get_absolute_url()).content.decode()
    hide = reverse("moderation:comment_action", args=[writers_comment.pk, "hide"])
    assert f'href="{hide}" data-control="hide"' in page
    form = mod.get(hide).content.decode()
    assert "We met on Tuesdays." in form and 'name="reason"' in form
    response = mod.post(hide, {"reason": "Off-topic advert"})
    assert response.status_code == 302
    assert response.url == f"{writers_practice.get_absolute_url()}#comment-{writers_comment.pk}"

    public = client_for(member).get(writers_practice.get_absolute_url()).content.decode()
    assert "Comment hidden by the moderators" in public and "Tuesdays" not in public
    own = client_for(writer).get(writers_practice.get_absolute_url()).content.decode()
    assert "Only you and the moderators see what you wrote" in own
    assert "We met on Tuesdays." in own and "Off-topic advert" in own
    mod_page = mod.get(writers_practice.get_absolute_url()).content.decode()
    restore = reverse("moderation:comment_action", args=[writers_comment.pk, "restore"])
    assert f'action="{restore}"' in mod_page and "We met on Tuesdays." in mod_page

    assert mod.post(restore).status_code == 302
    assert Comment.objects.get(pk=writers_comment.pk).hidden_at is None
    again = mod.post(restore, follow=True)
    assert "This comment is not hidden." in again.content.decode()


def test_hiding_a_deleted_comment_says_so(client_for, moderator, writer, writers_practice):
    gone = comment_create(practice=writers_practice, author=writer, body="Oops")
    comment_delete(comment=gone, user=writer)
    response = client_for(moderator).post(
        reverse("moderation:comment_action", args=[gone.pk, "hide"]), {"reason": "x"}, follow=True
    )
    assert "already deleted this comment" in response.content.decode()
    assert Comment.objects.get(pk=gone.pk).hidden_at is None
