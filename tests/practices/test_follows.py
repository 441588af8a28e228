"""Following and muting tags and practices: the services, the buttons on tag and practice
pages, and the page of everything a member follows."""

import re

import pytest
from django.test import Client
from django.utils import timezone

from practices.models import Notification, PracticeFollow, Tag, TagFollow
from practices.services.follows import (
    practice_follow,
    practice_mute,
    practice_unfollow,
    tag_follow,
    tag_unfollow,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def tag(practice_factory):
    practice_factory(tags=["language learning"])
    return Tag.objects.get(name="language learning")


# --- Services -------------------------------------------------------------------------------


def test_following_a_tag_twice_keeps_one_follow_and_unfollowing_removes_it(member, tag):
    first = tag_follow(user=member, tag=tag)
    again = tag_follow(user=member, tag=tag)
    assert first.pk == again.pk
    assert TagFollow.objects.filter(user=member).count() == 1
    tag_unfollow(user=member, tag=tag)
    tag_unfollow(user=member, tag=tag)
    assert not TagFollow.objects.filter(user=member).exists()


def test_an_unverified_member_may_not_follow(user_factory, tag):
    from django.core.exceptions import PermissionDenied

    unverified = user_factory(email_verified=False)
    with pytest.raises(PermissionDenied):
        tag_follow(user=unverified, tag=tag)
    assert not TagFollow.objects.exists()


def test_a_suspended_member_may_not_follow_a_tag_or_a_practice(user_factory, tag, practice_factory):
    from datetime import timedelta

    from django.core.exceptions import PermissionDenied

    suspended = user_factory(suspended_until=timezone.now() + timedelta(days=3))
    practice = practice_factory()
    with pytest.raises(PermissionDenied, match="suspended"):
        tag_follow(user=suspended, tag=tag)
    with pytest.raises(PermissionDenied, match="suspended"):
        practice_follow(user=suspended, practice=practice)
    assert not TagFollow.objects.filter(user=suspended).exists()
    assert not PracticeFollow.objects.filter(user=suspended, muted=False).exists()


def test_follow_mute_unmute_cycle_of_a_practice(member, practice_factory):
    practice = practice_factory()
    assert practice_follow(user=member, practice=practice).muted is False
    assert practice_mute(user=member, practice=practice).muted is True
    assert PracticeFollow.objects.filter(user=member, practice=practice).count() == 1
    assert practice_follow(user=member, practice=practice).muted is False
    practice_unfollow(user=member, practice=practice)
    assert not PracticeFollow.objects.filter(user=member).exists()


# --- The tag page ---------------------------------------------------------------------------


def test_tag_page_shows_the_follower_count_and_a_login_link_to_visitors(client, tag, user_factory):
    for _ in range(3):
        TagFollow.objects.create(user=user_factory(), tag=tag)
    html = client.get("/tags/language-learning/").content.decode()
    assert "3 members follow this tag." in html
    assert "Log in to follow this tag" in html
    assert 'action="/follows/tags/language-learning/"' not in html


def test_member_follows_a_tag_from_its_page_and_comes_back_to_it(member_client, member, tag):
    page = member_client.get("/tags/language-learning/").content.decode()
    assert 'action="/follows/tags/language-learning/"' in page
    assert "Nobody follows this tag yet." in page
    response = member_client.post(
        "/follows/tags/language-learning/",
        {"action": "follow", "next": "/tags/language-learning/"},
        follow=True,
    )
    assert response.redirect_chain == [("/tags/language-learning/", 302)]
    html = response.content.decode()
    assert "You follow “language learning”." in html
    assert "1 member follows this tag, you among them." in html
    assert "Unfollow" in html
    assert TagFollow.objects.filter(user=member, tag=tag).exists()

    member_client.post("/follows/tags/language-learning/", {"action": "unfollow"})
    assert not TagFollow.objects.filter(user=member).exists()


def test_following_a_tag_that_does_not_exist_is_404(member_client):
    response = member_client.post("/follows/tags/no-such-tag/", {"action": "follow"})
    assert response.status_code == 404
    assert not Tag.objects.filter(slug="no-such-tag").exists()
    assert not TagFollow.objects.exists()


def test_an_unknown_action_is_refused_with_a_message_and_changes_nothing(member_client, tag):
    response = member_client.post(
        "/follows/tags/language-learning/", {"action": "subscribe-all"}, follow=True
    )
    assert "Choose whether to follow or unfollow the tag." in response.content.decode()
    assert not TagFollow.objects.exists()


def test_an_unverified_member_is_told_why_following_failed(client_for, user_factory, tag):
    client = client_for(user_factory(email_verified=False))
    page = client.get("/tags/language-learning/").content.decode()
    assert "Confirm your e-mail address to follow tags." in page
    response = client.post("/follows/tags/language-learning/", {"action": "follow"}, follow=True)
    assert "Verify your e-mail address" in response.content.decode()
    assert not TagFollow.objects.exists()


def test_following_needs_login_post_and_the_csrf_token(client, member, tag):
    response = client.post("/follows/tags/language-learning/", {"action": "follow"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(member)
    assert strict.get("/follows/tags/language-learning/").status_code == 405
    assert strict.post("/follows/tags/language-learning/", {"action": "follow"}).status_code == 403
    assert not TagFollow.objects.exists()


def test_next_pointing_to_another_site_is_ignored(member_client, tag):
    response = member_client.post(
        "/follows/tags/language-learning/",
        {"action": "follow", "next": "https://evil.example/phish"},
    )
    assert response["Location"] == "/tags/language-learning/"


def test_tag_names_are_escaped_on_the_follow_controls(member_client, member, practice_factory):
    practice_factory(tags=["<b>bold</b> & co"])
    tag = Tag.objects.get()
    TagFollow.objects.create(user=member, tag=tag)
    html = member_client.get(tag.get_absolute_url()).content.decode()
    assert "<b>bold</b>" not in html
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; co" in html
    follows = member_client.get("/follows/").content.decode()
    assert "<b>bold</b>" not in follows


def test_a_kept_tag_page_costs_a_member_one_query_at_any_follower_count(
    client_for, member, tag, user_factory, django_assert_num_queries
):
    client = client_for(member)
    # The first visit starts the content generation, the second keeps the page's parts.
    for _ in range(2):
        client.get("/tags/language-learning/")
    # In one query whether they follow the tag and their unread count (the session, the
    # member, the tag with its follower count and the listing come from the cache).
    with django_assert_num_queries(1):
        client.get("/tags/language-learning/")
    for _ in range(30):
        TagFollow.objects.create(user=user_factory(), tag=tag)
    with django_assert_num_queries(1):
        client.get("/tags/language-learning/")


def test_the_follower_count_is_kept_with_the_tag_page_until_a_write_or_ones_own_follow(
    client_for, member, tag, user_factory, django_capture_on_commit_callbacks
):
    from practices import caching

    client = client_for(member)
    for _ in range(2):
        client.get("/tags/language-learning/")
    for _ in range(30):
        TagFollow.objects.create(user=user_factory(), tag=tag)
    assert "Nobody follows this tag yet." in client.get("/tags/language-learning/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        caching.drop(caching.tag_scope("language-learning"))
    html = client.get("/tags/language-learning/").content.decode()
    assert "30 members follow this tag." in html
    client.post("/follows/tags/language-learning/", {"action": "follow"})
    html = client.get("/tags/language-learning/").content.decode()
    assert "31 members follow this tag, you among them." in html


# --- The practice page ----------------------------------------------------------------------


def test_visitors_see_no_follow_controls_on_a_practice(client, practice_factory):
    practice = practice_factory(tags=["parents"])
    html = client.get(practice.get_absolute_url()).content.decode()
    assert "/follows/practices/" not in html


def test_member_follows_mutes_and_unmutes_a_practice_from_its_page(
    member_client, member, practice_factory
):
    practice = practice_factory(tags=["parents"])
    url = practice.get_absolute_url()
    html = member_client.get(url).content.decode()
    assert "Follow this practice to hear of new comments." in html
    action = f"/follows/practices/{practice.pk}/"

    response = member_client.post(action, {"action": "follow", "next": url}, follow=True)
    assert "New comments on this practice reach you." in response.content.decode()
    assert PracticeFollow.objects.get(user=member, practice=practice).muted is False

    response = member_client.post(action, {"action": "mute", "next": url}, follow=True)
    html = response.content.decode()
    assert "Nothing about this practice reaches you" in html
    assert ">Unmute</button>" in html
    assert PracticeFollow.objects.get(user=member, practice=practice).muted is True

    member_client.post(action, {"action": "unmute", "next": url})
    assert not PracticeFollow.objects.filter(user=member).exists()


def test_member_follows_a_tag_from_a_practice(member_client, member, practice_factory):
    practice = practice_factory(tags=["parents", "language learning"])
    html = member_client.get(practice.get_absolute_url()).content.decode()
    assert "Follow its tags" in html
    assert "+ language learning" in html
    member_client.post(
        "/follows/tags/language-learning/",
        {"action": "follow", "next": practice.get_absolute_url()},
    )
    html = member_client.get(practice.get_absolute_url()).content.decode()
    assert "✓ language learning" in html
    assert "+ parents" in html


def _follow_box(html: str) -> str:
    return re.search(r'<div class="follow-box follow-practice">.*?</details>', html, re.S).group(0)


def test_the_follow_box_shows_each_member_their_own_state_token_and_path(
    member, other_member, practice_factory
):
    practice = practice_factory(tags=["parents", "language learning"])
    url = practice.get_absolute_url()
    tag_follow(user=member, tag=Tag.objects.get(name="parents"))
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.force_login(member)
    second.force_login(other_member)
    for _ in range(2):
        mine = _follow_box(first.get(url + "?from=feed").content.decode())
        theirs = _follow_box(second.get(url).content.decode())
    assert "✓ parents" in mine and "+ parents" in theirs
    assert f'value="{url}?from=feed"' in mine and f'value="{url}"' in theirs
    assert "stand0in" not in mine + theirs
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', theirs).group(1)
    response = second.post(
        f"/follows/practices/{practice.pk}/",
        {"action": "follow", "next": url, "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    assert PracticeFollow.objects.filter(user=other_member, practice=practice).exists()
    # A new state, a new box: the member now sees that they follow the practice.
    assert "New comments on this practice reach you." in second.get(url).content.decode()


def test_a_renamed_tag_shows_in_the_follow_box_at_once(member_client, moderator, practice_factory):
    from practices.services.tags import tag_rename

    practice = practice_factory(tags=["parents"])
    member_client.get(practice.get_absolute_url())
    tag_rename(tag=Tag.objects.get(name="parents"), moderator=moderator, name="parents and carers")
    html = member_client.get(practice.get_absolute_url()).content.decode()
    assert "+ parents and carers" in _follow_box(html)


def test_following_a_practice_the_member_may_not_read_is_404(
    member_client, member, practice_factory
):
    hidden = practice_factory(hidden_at=timezone.now())
    draft = practice_factory(status="draft", published_at=None)
    for practice in (hidden, draft):
        response = member_client.post(f"/follows/practices/{practice.pk}/", {"action": "follow"})
        assert response.status_code == 404
    assert not PracticeFollow.objects.exists()


def test_an_unknown_practice_action_is_refused(member_client, practice_factory):
    practice = practice_factory()
    response = member_client.post(
        f"/follows/practices/{practice.pk}/", {"action": "delete"}, follow=True
    )
    assert "Choose whether to follow, unfollow or mute the practice." in response.content.decode()
    assert not PracticeFollow.objects.exists()


# --- The page of everything followed --------------------------------------------------------


def test_follows_page_lists_tags_practices_and_muted_ones(
    member_client, member, practice_factory, user_factory
):
    practice_factory(tags=["housing"])
    housing = Tag.objects.get(name="housing")
    tag_follow(user=member, tag=housing)
    TagFollow.objects.create(user=user_factory(), tag=housing)
    followed = practice_factory(title="Home sharing")
    muted = practice_factory(title="Noisy thread")
    practice_follow(user=member, practice=followed)
    practice_mute(user=member, practice=muted)
    html = member_client.get("/follows/").content.decode()
    assert "housing" in html and "2 followers" in html
    assert "Home sharing" in html
    assert "Muted practices" in html and "Noisy thread" in html
    practices_section = html[html.index('id="practices-heading"') : html.index("muted-heading")]
    assert "Noisy thread" not in practices_section


def test_follows_page_needs_login(client):
    assert client.get("/follows/").status_code == 302


def test_follows_page_costs_the_same_queries_at_two_sizes(
    member_client, member, practice_factory, django_assert_num_queries
):
    def add(n):
        for i in range(n):
            practice = practice_factory(tags=[f"tag {TagFollow.objects.count()}-{i}"])
            tag_follow(user=member, tag=practice.tags.get())
            practice_follow(user=member, practice=practice)
            practice_mute(user=member, practice=practice_factory())

    add(2)
    assert member_client.get("/follows/").status_code == 200
    # Bell, tags with follower counts, practices' count and page, muted (the session and the
    # member are read from the cache).
    with django_assert_num_queries(5):
        assert member_client.get("/follows/").status_code == 200
    add(40)
    with django_assert_num_queries(5):
        response = member_client.get("/follows/?page=2")
    overview = response.context["overview"]
    assert len(overview.tags) == 42 and len(overview.practices.object_list) == 12
    assert len(overview.muted) == 42


# --- Demo data ------------------------------------------------------------------------------


def test_the_demo_members_follow_tags_and_seeding_again_adds_none():
    from io import StringIO

    from django.core.management import call_command

    from practices.demo import FOLLOWS

    call_command("seed_demo", stdout=StringIO())
    count = TagFollow.objects.count()
    assert count == sum(len(names) for names in FOLLOWS.values())
    assert TagFollow.objects.filter(
        user__email="teacher@example.org", tag__name="language learning"
    ).exists()
    call_command("seed_demo", stdout=StringIO())
    assert TagFollow.objects.count() == count
    assert not Notification.objects.filter(kind="new_practice").exists()


def test_an_unverified_member_sees_why_there_is_no_follow_button(
    client_for, user_factory, practice_factory
):
    practice = practice_factory()
    html = client_for(user_factory(email_verified=False)).get(practice.get_absolute_url())
    html = html.content.decode()
    assert "Confirm your e-mail address to follow practices." in html
    assert 'name="action" value="follow"' not in html
