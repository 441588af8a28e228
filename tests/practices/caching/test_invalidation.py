"""Every kind of write drops exactly the kept pages that show it: a visitor and another member
see it at the next request, and every page that does not show it stays kept (a visitor gets
it whole from the cache, a member pays only for their own)."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.services import user_update_profile
from practices.caching.pages import HIT_HEADER
from practices.models import Tag
from practices.services.comments import comment_create
from practices.services.curation import practice_feature
from practices.services.follows import tag_follow
from practices.services.moderation import practice_hide
from practices.services.practices import practice_update
from practices.services.transfer import adaptation_create

pytestmark = pytest.mark.django_db


@dataclass
class World:
    written: Any  # the practice the write is about, tagged "parents"
    elsewhere: Any  # another practice, tagged "homework"
    author: Any
    moderator: Any
    writer: Any


@dataclass
class Write:
    do: Callable[[World], None]
    # What a reader sees after it, on the pages that show it.
    shows: dict[str, str]
    # The pages that show nothing of it and stay kept.
    untouched: tuple[str, ...] = ("elsewhere", "homework")


def pages(world: World) -> dict[str, str]:
    return {
        "written": world.written.get_absolute_url(),
        "elsewhere": world.elsewhere.get_absolute_url(),
        "list": "/practices/",
        "parents": "/tags/parents/",
        "homework": "/tags/homework/",
        "home": "/",
    }


ADAPTATION = {
    "city": "Lyon",
    "country": "FR",
    "organisation": "Office for Newcomers",
    "organisation_type": "city",
    "changes": "We ran it in four schools.",
    "outcome": "",
    "stage": "pilot",
}

WRITES = {
    "comment": Write(
        do=lambda w: comment_create(
            practice=w.written, author=w.writer, body="Our city tried it last spring."
        ),
        shows={
            "written": "Our city tried it last spring.",
            "list": "1 comment",
            "parents": "1 comment",
            "home": "1 comment",
        },
    ),
    "practice edit": Write(
        do=lambda w: practice_update(
            practice=w.written, editor=w.author, data={"title": "Parents' cafe, year two"}
        ),
        shows={
            "written": "Parents&#x27; cafe, year two",
            "list": "Parents&#x27; cafe, year two",
            "parents": "Parents&#x27; cafe, year two",
            "home": "Parents&#x27; cafe, year two",
        },
    ),
    "adaptation": Write(
        do=lambda w: adaptation_create(original=w.written, author=w.writer, data=ADAPTATION),
        shows={"written": "Lyon, France", "list": "Adapted 1 time", "parents": "Adapted 1 time"},
    ),
    "feature": Write(
        do=lambda w: practice_feature(practice=w.written, moderator=w.moderator),
        shows={"written": "badge-featured", "home": "Featured practices"},
    ),
    "tag follow": Write(
        do=lambda w: tag_follow(user=w.writer, tag=Tag.objects.get(slug="parents")),
        shows={"parents": "1 member follows this tag."},
        untouched=("written", "elsewhere", "list", "homework", "home"),
    ),
    "profile edit": Write(
        do=lambda w: user_update_profile(user=w.author, data={"display_name": "Amira H. Haddad"}),
        shows={"written": "Amira H. Haddad"},
        # Names show beside what members wrote everywhere: every page is rendered again.
        untouched=(),
    ),
}


@pytest.fixture
def world(practice_factory, member, other_member, moderator, settings):
    settings.POST_RATE_LIMIT = 10_000
    return World(
        written=practice_factory(author=member, title="Parents' cafe", tags=["parents"]),
        elsewhere=practice_factory(title="Homework club in the library", tags=["homework"]),
        author=member,
        moderator=moderator,
        writer=other_member,
    )


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("name", list(WRITES))
def test_a_write_shows_at_once_where_it_shows_and_nowhere_else_is_rendered_again(
    name, world, client, client_for, user_factory, django_capture_on_commit_callbacks
):
    write = WRITES[name]
    urls = pages(world)
    reader = client_for(user_factory(display_name="Lena Novak"))
    for url in urls.values():
        for _ in range(2):
            assert client.get(url).status_code == 200
            assert reader.get(url).status_code == 200
    kept_cost = {page: queries(reader, urls[page]) for page in write.untouched}

    with django_capture_on_commit_callbacks(execute=True):
        write.do(world)

    for page, text in write.shows.items():
        # A new title gives the practice a new address: its old one leads there.
        visitor = client.get(urls[page], follow=True)
        assert visitor.get(HIT_HEADER) != "hit", page
        assert text in visitor.content.decode(), (page, "visitor")
        assert text in reader.get(urls[page], follow=True).content.decode(), (page, "member")
    for page in write.untouched:
        assert client.get(urls[page])[HIT_HEADER] == "hit", page
        # The bell (and on a practice's or a tag's page the follows) only: nothing re-read.
        assert queries(reader, urls[page]) == kept_cost[page] == 1, page


def test_hiding_a_practice_takes_it_off_every_page_at_once(
    world, client, client_for, user_factory, django_capture_on_commit_callbacks
):
    urls = pages(world)
    reader = client_for(user_factory())
    for url in urls.values():
        for _ in range(2):
            client.get(url)
            reader.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        practice_hide(practice=world.written, moderator=world.moderator, reason="Spam links")
    assert client.get(urls["written"]).status_code == 404
    assert reader.get(urls["written"]).status_code == 404
    for page in ("list", "parents", "home"):
        assert "Parents&#x27; cafe" not in client.get(urls[page]).content.decode(), page
        assert "Parents&#x27; cafe" not in reader.get(urls[page]).content.decode(), page
    assert client.get(urls["elsewhere"])[HIT_HEADER] == "hit"
