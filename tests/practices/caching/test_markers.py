"""Nothing a member writes can become another reader's token, id, path or controls: pages are
never searched for strings to replace. A practice, a comment, an adaptation and a profile made
of every marker such a scheme would use are shown to every other reader exactly as written,
with DEBUG off and every cache on, however often the page is served from what was kept."""

import re

import pytest
from django.test import Client
from django.utils.html import escape

from accounts.services import user_update_profile
from practices.services.comments import comment_create
from practices.services.practices import practice_update
from practices.services.transfer import adaptation_create

pytestmark = pytest.mark.django_db

MARKERS = [
    "csrf0stand0in0a61f",
    "reader0stand0in0c29e",
    "path0stand0in0d83b",
    "per0reader0part00e5d2",
    "<!--controls 1-->",
    "{% csrf_token %}",
    "{{ user.pk }}",
    "viewer0id0here",
]
TEXT = " ".join(MARKERS)


def shown(text: str) -> str:
    """How a plain line of text stands in the page: escaped."""
    return escape(text)


@pytest.fixture
def page(practice_factory, member, other_member, user_factory, settings):
    settings.DEBUG = False
    settings.POST_RATE_LIMIT = 10_000
    user_update_profile(user=member, data={"organisation": TEXT[:120]})
    practice = practice_factory(author=member, tags=["parents"])
    practice_update(practice=practice, editor=member, data={"title": "Markers", "summary": TEXT})
    comment_create(practice=practice, author=other_member, body=TEXT)
    adaptation_create(
        original=practice,
        author=user_factory(),
        data={
            "city": "Lyon",
            "country": "FR",
            "organisation": "Office for Newcomers",
            "organisation_type": "city",
            "changes": TEXT,
            "outcome": "",
            "stage": "pilot",
        },
    )
    practice.refresh_from_db()
    return practice


def readers(client_for, user_factory, moderator):
    member_one = user_factory(display_name="Lena Novak")
    member_two = user_factory(display_name="Omar Saleh")
    return {
        "visitor": (Client(), None),
        "member one": (client_for(member_one), member_one),
        "member two": (client_for(member_two), member_two),
        "moderator": (client_for(moderator), moderator),
    }


def test_every_marker_is_shown_as_written_to_every_reader(
    page, client_for, user_factory, moderator
):
    url = page.get_absolute_url()
    for name, (client, user) in readers(client_for, user_factory, moderator).items():
        for visit in range(3):
            html = client.get(url).content.decode()
            assert html.count(shown(TEXT)) >= 3, (name, visit)  # summary, comment, adaptation
            assert shown(TEXT[:120]) in html, (name, visit)  # the author's organisation
            if user is not None:
                # The reader's own id shows only where the page puts it, never in what was
                # written.
                for found in re.finditer(rf"\b{user.pk}\b", html):
                    context = html[max(0, found.start() - 40) : found.end()]
                    assert shown(TEXT) not in context


def test_a_kept_page_carries_each_readers_own_token_and_none_of_anothers(
    page, client_for, user_factory, moderator
):
    url = page.get_absolute_url()
    tokens = {}
    for name, (client, user) in readers(client_for, user_factory, moderator).items():
        for _ in range(2):
            html = client.get(url).content.decode()
        tokens[name] = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html))
        if user is None:
            assert not tokens[name]
        else:
            assert tokens[name], name
            assert f'data-viewer-id="{user.pk}"' in html
    members = [tokens[name] for name in ("member one", "member two", "moderator")]
    assert not (members[0] & members[1]) and not (members[0] & members[2])


def test_the_listings_and_home_show_the_markers_as_written(page, client_for, user_factory):
    client = client_for(user_factory())
    for url in ("/practices/", "/tags/parents/", "/"):
        for _ in range(2):
            html = client.get(url).content.decode()
        assert shown(TEXT[:120]) in html or shown(TEXT) in html, url
