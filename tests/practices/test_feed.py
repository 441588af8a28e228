"""The personal feed at /feed/: what is in it, its order, its keyset pages, its cost."""

from datetime import timedelta

import pytest
from django.utils import timezone

from practices.models import PracticeFollow, Tag, TagFollow
from practices.selectors.feed import feed_cursor, feed_page, parse_cursor

pytestmark = pytest.mark.django_db


def follow(user, name):
    TagFollow.objects.create(user=user, tag=Tag.objects.get(name=name))


def titles(page):
    return [practice.title for practice in page.items]


@pytest.fixture
def world(practice_factory, member, other_member):
    now = timezone.now()

    def at(hours):
        return now - timedelta(hours=hours)

    made = {
        "tagged": practice_factory(
            title="Tagged", tags=["language learning"], last_activity_at=at(3)
        ),
        "followed": practice_factory(title="Followed", tags=["housing"], last_activity_at=at(1)),
        "unrelated": practice_factory(title="Unrelated", tags=["housing"], last_activity_at=at(0)),
        "muted": practice_factory(
            title="Muted", tags=["language learning"], last_activity_at=at(2)
        ),
        "hidden": practice_factory(
            title="Hidden", tags=["language learning"], hidden_at=now, last_activity_at=at(0)
        ),
        "draft": practice_factory(
            title="Draft",
            tags=["language learning"],
            status="draft",
            published_at=None,
            last_activity_at=at(0),
        ),
    }
    follow(member, "language learning")
    PracticeFollow.objects.create(user=member, practice=made["followed"])
    PracticeFollow.objects.create(user=member, practice=made["muted"], muted=True)
    return made


def test_feed_has_followed_tags_and_practices_newest_activity_first(world, member):
    page = feed_page(user=member)
    assert titles(page) == ["Followed", "Tagged"]
    followed, tagged = page.items
    assert followed.followed is True and followed.followed_tags == []
    assert tagged.followed is False
    assert [tag.name for tag in tagged.followed_tags] == ["language learning"]


def test_a_comment_brings_a_practice_back_to_the_top(world, member):
    from practices.models import Practice

    Practice.objects.filter(pk=world["tagged"].pk).update(last_activity_at=timezone.now())
    assert titles(feed_page(user=member)) == ["Tagged", "Followed"]


def test_someone_who_follows_nothing_has_an_empty_feed(world, other_member):
    page = feed_page(user=other_member)
    assert page.items == [] and page.follows_tags is False


def test_keyset_pages_continue_without_gaps_or_repeats(practice_factory, member):
    now = timezone.now()
    for i in range(7):
        practice_factory(
            title=f"P{i}", tags=["parents"], last_activity_at=now - timedelta(minutes=i)
        )
    # Two with the same time: the id breaks the tie.
    practice_factory(title="P7", tags=["parents"], last_activity_at=now - timedelta(minutes=6))
    follow(member, "parents")
    seen = []
    before = None
    while True:
        page = feed_page(user=member, before=before, per_page=3)
        seen.extend(titles(page))
        if not page.next_cursor:
            break
        before = page.next_cursor
    assert seen == ["P0", "P1", "P2", "P3", "P4", "P5", "P7", "P6"]


def test_cursor_round_trip_keeps_microseconds(practice_factory):
    practice = practice_factory()
    moment, pk = parse_cursor(feed_cursor(practice))
    assert moment == practice.last_activity_at and pk == practice.pk


@pytest.mark.parametrize(
    "raw",
    ["", "abc", "1,", ",1", "12,-3", "1.5,2", "9" * 30 + ",1", "١٢,٣", "1,2,3", "x\x00,1"],
)
def test_bad_cursors_are_refused_without_raising(raw):
    assert parse_cursor(raw) is None


def test_feed_page_needs_login(client):
    response = client.get("/feed/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_feed_page_shows_why_each_practice_is_there(world, member_client):
    html = member_client.get("/feed/").content.decode()
    assert "You follow this practice" in html
    assert "Tagged “language learning”" in html
    assert "Unrelated" not in html and "Muted" not in html and "Hidden" not in html


def test_a_bad_cursor_shows_the_start_of_the_feed_with_a_notice(world, member_client):
    response = member_client.get("/feed/?before=not-a-cursor")
    assert response.status_code == 200
    html = response.content.decode()
    assert "That link to an older page of your feed is not valid" in html
    assert "Followed" in html


def test_an_empty_feed_suggests_tags_to_follow(member_client, practice_factory):
    practice_factory(tags=["mentoring"])
    html = member_client.get("/feed/").content.decode()
    assert "Nothing here yet" in html
    assert "Follow a few tags to fill it." in html
    assert 'action="/follows/tags/mentoring/"' in html


def test_feed_page_costs_the_same_queries_at_two_sizes(
    settings, member_client, member, practice_factory, django_assert_num_queries
):
    settings.PRACTICES_PER_PAGE = 5

    def add(n):
        for i in range(n):
            practice = practice_factory(tags=["parents", f"other {i}"])
            if i % 3 == 0:
                PracticeFollow.objects.create(user=member, practice=practice)

    add(3)
    follow(member, "parents")
    assert member_client.get("/feed/").status_code == 200
    # The bell, the followed tags, the page's practices, their tags (the session and the
    # member are read from the cache).
    with django_assert_num_queries(4):
        assert member_client.get("/feed/").status_code == 200
    add(40)
    with django_assert_num_queries(4):
        first = member_client.get("/feed/")
    cursor = first.context["page"].next_cursor
    with django_assert_num_queries(4):
        second = member_client.get(f"/feed/?before={cursor}")
    assert len(second.context["page"].items) == 5
    assert "Older activity" in first.content.decode()
    assert "Back to the latest" in second.content.decode()
