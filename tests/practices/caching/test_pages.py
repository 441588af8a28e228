"""Pages put together from kept parts (practices/pages.py): the practice page's parts, the
listings, the home page. What is kept is the same for every reader of a kind; what is a
reader's own (their token, their id, their controls, their follow box) is always theirs,
rendered outside the kept parts; a change shows at once."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import engines
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from practices import caching
from practices.caching.fragments import Fragment
from practices.events import UNREAD_CAP
from practices.models import Notification, Tag
from practices.selectors.readers import practice_reader
from practices.services.comments import comment_create
from practices.services.follows import practice_follow, practice_mute, tag_follow
from practices.services.transfer import adaptation_create

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _setup(settings):
    settings.POST_RATE_LIMIT = 10_000


def kept(client, url):
    """Visit twice: the second finds every part kept, whatever the first found."""
    for _ in range(2):
        assert client.get(url).status_code == 200


def fill(practice, authors, n):
    for i in range(n):
        comment_create(practice=practice, author=authors[i % len(authors)], body=f"Comment {i}")


def controls_of(html, comment):
    """The controls printed under one comment (up to its replies or the next comment)."""
    start = html.index(f'id="comment-{comment.pk}"')
    start = html.index("data-controls", start)
    return html[start : html.index("</div>", start)]


# --- What a kept page costs --------------------------------------------------------------------


def test_a_kept_practice_page_costs_a_member_the_same_one_query_at_10_and_100_comments(
    practice_factory, member, other_member, user_factory, client_for, django_assert_num_queries
):
    small, large = practice_factory(tags=["parents"]), practice_factory(tags=["a", "b", "c"])
    fill(small, [other_member], 10)
    fill(large, [other_member, user_factory()], 100)
    client = client_for(member)
    for practice in (small, large):
        kept(client, practice.get_absolute_url())
        # In one query whether they follow the practice, which of its tags they follow and
        # their unread count (the session, the member, the practice and the page's content
        # come from the cache).
        with django_assert_num_queries(1):
            response = client.get(practice.get_absolute_url())
        assert response.content.count(b'class="comment"') >= 10


def test_a_kept_practice_page_costs_a_visitor_no_query(
    practice_factory, other_member, settings, django_assert_num_queries
):
    settings.ANON_PAGE_CACHE_SECONDS = 0
    practice = practice_factory()
    fill(practice, [other_member], 5)
    client = Client()
    kept(client, practice.get_absolute_url())
    with django_assert_num_queries(0):
        client.get(practice.get_absolute_url())


def test_a_kept_listing_costs_a_member_one_query(
    practice_factory, member_client, django_assert_num_queries
):
    for i in range(5):
        practice_factory(tags=["parents", f"t{i}"])
    for url in ("/practices/?country=DE", "/tags/parents/"):
        kept(member_client, url)
    # The bell; on the tag page the bell and whether the member follows the tag are one query
    # (the session and the member are kept, the tag and its follower count with the listing).
    with django_assert_num_queries(1):
        member_client.get("/practices/?country=DE")
    with django_assert_num_queries(1):
        member_client.get("/tags/parents/")


# --- Each reader's own -------------------------------------------------------------------------


def test_each_reader_gets_their_own_token_and_id_in_a_kept_page(
    practice_factory, member, other_member, client_for
):
    practice = practice_factory()
    url = practice.get_absolute_url()
    kept(client_for(other_member), url)
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    html = client.get(url).content.decode()
    assert f'data-viewer-id="{member.pk}"' in html
    assert f'data-viewer-id="{other_member.pk}"' not in html
    assert "stand0in" not in html
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    response = client.post(
        reverse("practices:comment_create", args=[practice.pk]),
        {"body": "Posted with the page's token", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302


def test_a_member_gets_their_own_controls_on_their_comments_in_a_kept_page(
    practice_factory, member, other_member, user_factory, client_for
):
    practice = practice_factory()
    mine = comment_create(practice=practice, author=member, body="Mine")
    theirs = comment_create(practice=practice, author=other_member, body="Theirs")
    url = practice.get_absolute_url()
    kept(client_for(user_factory()), url)
    html = client_for(member).get(url).content.decode()
    own = controls_of(html, mine)
    assert 'data-control="edit"' in own and 'data-control="delete"' in own
    assert 'data-control="report"' not in own
    other = controls_of(html, theirs)
    assert 'data-control="report"' in other and 'data-control="delete"' not in other
    # What the other member kept shows them no controls of the member's.
    assert 'data-control="edit"' not in controls_of(
        client_for(other_member).get(url).content.decode(), mine
    )


def test_a_members_follows_and_bell_on_a_practice_page_are_read_together(
    practice_factory, member, client_for, django_assert_num_queries
):
    practice = practice_factory(tags=["parents", "language"])
    practice_follow(user=member, practice=practice)
    tag_follow(user=member, tag=Tag.objects.get(name="parents"))
    for number in range(UNREAD_CAP + 2):
        Notification.objects.create(
            recipient=member, kind="new_practice", practice=practice, dedupe_key=f"n{number}"
        )
    Notification.objects.filter(dedupe_key="n0").update(read_at=timezone.now())
    client = client_for(member)
    practice_with_tags(practice)
    with django_assert_num_queries(1):
        reader = practice_reader(practice=practice, user=member)
    assert reader.unread == UNREAD_CAP
    assert reader.follow.following and not reader.follow.muted
    assert [(tag.name, followed) for tag, followed in reader.follow.tags] == [
        ("language", False),
        ("parents", True),
    ]
    html = client.get(practice.get_absolute_url()).content.decode()
    assert "New comments on this practice reach you." in html
    assert f">{UNREAD_CAP - 1}+</span>" in html
    practice_mute(user=member, practice=practice)
    Notification.objects.update(read_at=timezone.now())
    reader = practice_reader(practice=practice, user=member)
    assert reader.follow.muted and not reader.follow.following and reader.unread == 0
    assert practice_reader(practice=practice, user=AnonymousUser()) is None


def practice_with_tags(practice):
    from practices.selectors.practices import practice_attach_related

    practice_attach_related(practice)
    return practice


def test_the_follow_box_is_each_members_own(practice_factory, member, other_member, client_for):
    practice = practice_factory()
    practice_follow(user=other_member, practice=practice)
    url = practice.get_absolute_url()
    kept(client_for(other_member), url)
    html = client_for(member).get(url).content.decode()
    assert "Follow this practice to hear of new comments." in html
    assert "New comments on this practice reach you." not in html


def test_moderators_and_members_each_get_their_kind(
    practice_factory, member, moderator, other_member, client_for
):
    practice = practice_factory()
    comment_create(practice=practice, author=other_member, body="Something")
    url = practice.get_absolute_url()
    kept(client_for(member), url)
    kept(client_for(moderator), url)
    assert 'data-control="hide"' in client_for(moderator).get(url).content.decode()
    member_page = client_for(member).get(url).content.decode()
    assert 'data-control="hide"' not in member_page
    assert 'data-control="report"' in member_page


def test_the_practices_author_and_an_adaptations_author_get_their_own_page(
    practice_factory, member, other_member, user_factory, client_for
):
    practice = practice_factory(author=member)
    adaptation = adaptation_create(
        original=practice,
        author=other_member,
        data={
            "city": "Lyon",
            "country": "FR",
            "organisation": "Office for Newcomers",
            "organisation_type": "city",
            "changes": "Four schools.",
            "outcome": "",
            "stage": "pilot",
        },
    )
    url = practice.get_absolute_url()
    kept(client_for(user_factory()), url)
    edit = reverse("practices:adaptation_edit", kwargs={"pk": adaptation.pk})
    assert edit in client_for(other_member).get(url).content.decode()
    assert reverse("practices:edit", kwargs={"pk": practice.pk}) in (
        client_for(member).get(url).content.decode()
    )
    assert edit not in client_for(user_factory()).get(url).content.decode()


# --- A change shows at once ----------------------------------------------------------------------


def test_a_new_comment_shows_on_a_kept_page_once_it_is_committed(
    practice_factory, member, other_member, client_for, django_capture_on_commit_callbacks
):
    practice = practice_factory()
    url = practice.get_absolute_url()
    client = client_for(member)
    kept(client, url)
    with django_capture_on_commit_callbacks(execute=True):
        comment_create(practice=practice, author=other_member, body="Just now")
    assert "<p>Just now</p>" in client.get(url).content.decode()


def test_a_kept_page_is_dropped_when_the_site_is_dropped(
    practice_factory, member, other_member, client_for, django_capture_on_commit_callbacks
):
    practice = practice_factory()
    comment_create(practice=practice, author=other_member, body="Hello")
    other_member.__class__.objects.filter(pk=other_member.pk).update(display_name="Renamed")
    url = practice.get_absolute_url()
    client = client_for(member)
    kept(client, url)
    with django_capture_on_commit_callbacks(execute=True):
        caching.drop_site()
    assert "Renamed" in client.get(url).content.decode()


def test_a_kept_listing_is_dropped_when_the_listings_are_dropped(
    practice_factory, member_client, django_capture_on_commit_callbacks
):
    practice_factory(title="First one")
    kept(member_client, "/practices/")
    practice_factory(title="Second one")
    assert "Second one" not in member_client.get("/practices/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        caching.drop(caching.LISTING)
    assert "Second one" in member_client.get("/practices/").content.decode()


# --- {% kept %} ---------------------------------------------------------------------------------


def test_a_kept_part_renders_once_without_a_token_and_what_is_around_it_every_time(
    member, other_member
):
    template = engines["django"].from_string(
        "{% load kept %}{% kept part %}<p>{{ text }}</p><form>{% csrf_token %}</form>{% endkept %}"
        "<em>{{ who }}</em>{% csrf_token %}"
    )
    request = RequestFactory().get("/")
    request.user = member
    stamp, _ = caching.stamp_get(["practice:1"])
    part = Fragment(key="frag:test", stamp=stamp, seconds=60)
    first = template.render({"part": part, "text": "shared", "who": "A"}, request)
    assert "<p>shared</p><form></form><em>A</em>" in first
    assert first.count('name="csrfmiddlewaretoken"') == 1
    _stamp, found = caching.stamp_get(["practice:1"], ["frag:test"])
    stored = caching.kept_value(found, "frag:test", stamp)
    assert stored == "<p>shared</p><form></form>"
    request.user = other_member
    again = Fragment(key="frag:test", stamp=stamp, seconds=60, html=stored)
    second = template.render({"part": again, "text": "changed", "who": "B"}, request)
    assert "<p>shared</p><form></form><em>B</em>" in second


def test_without_a_part_the_block_is_rendered_for_the_reader_alone(member):
    template = engines["django"].from_string(
        "{% load kept %}{% kept part %}<form>{% csrf_token %}</form>{% endkept %}"
    )
    request = RequestFactory().get("/")
    request.user = member
    assert 'name="csrfmiddlewaretoken"' in template.render({"part": None}, request)


# --- With the cache away ---------------------------------------------------------------------------


def test_with_the_cache_down_a_visitor_still_gets_the_whole_page(
    practice_factory, other_member, monkeypatch, caplog
):
    from datetime import timedelta

    from django.core.cache import cache

    from practices.models import Comment

    practice = practice_factory(title="Homework club")
    fill(practice, [other_member], 3)
    # Old enough for their rendered HTML to be kept, and read from the cache.
    Comment.objects.update(created_at=timezone.now() - timedelta(hours=2))
    url = practice.get_absolute_url()

    def down(*args, **kwargs):
        raise ConnectionError("the cache is down")

    for method in ("get", "get_many", "set", "set_many", "add", "delete", "delete_many"):
        monkeypatch.setattr(cache, method, down)
    for _ in range(2):
        response = Client().get(url)
        assert response.status_code == 200
        html = response.content.decode()
        assert "Homework club" in html and "Comment 2" in html
    assert "kept pages unavailable" in caplog.text
    assert "rendered comments and cards unavailable" in caplog.text
    for _ in range(2):
        assert "Homework club" in Client().get("/practices/").content.decode()
