"""Follow a tag, another member shares a practice under it, the bell lights up without a
reload, and the notification leads to the practice."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LIVE_WITHIN_MS = 5_000


@pytest.fixture
def newcomer(user_factory):
    return user_factory(display_name="Sanne Verbeke", email="sanne@example.org")


@pytest.fixture
def poster(user_factory, practice_factory):
    poster = user_factory(display_name="Tomasz Nowak", email="tomasz@example.org", role="city")
    # An earlier published practice: the next one is public at once, with no approval queue.
    practice_factory(author=poster, title="Earlier practice", tags=["language learning"])
    return poster


def bell(page):
    return page.get_by_role("link", name=re.compile(r"^Notifications"))


def test_following_a_tag_lights_the_bell_when_a_practice_is_shared_under_it(
    open_page, newcomer, poster
):
    me = open_page(newcomer)
    me.goto("/tags/language-learning/")
    expect(bell(me)).to_have_accessible_name("Notifications (none unread)")
    me.get_by_role("button", name="Follow “language learning”").click()
    expect(me.get_by_text("You follow “language learning”.")).to_be_visible()
    expect(me.get_by_text("1 member follows this tag, you among them.")).to_be_visible()
    me.evaluate("window.notReloaded = true")

    other = open_page(poster)
    other.goto("/practices/new/")
    other.get_by_label("Title").fill("Conversation tables in the city library")
    other.get_by_label("Summary").fill("Volunteers and newcomers talk for an hour every week.")
    other.get_by_label("What was done").fill("We set up twelve tables with a volunteer each.")
    other.get_by_label("Country").select_option("BE")
    other.get_by_label("City", exact=True).fill("Ghent")
    other.get_by_label("Organisation", exact=True).fill("City library")
    other.get_by_label("Type of organisation").select_option("city")
    other.get_by_label("Area").select_option("language")
    other.get_by_label("Tags").fill("language learning, volunteering")
    other.get_by_role("button", name="Publish", exact=True).click()
    expect(
        other.get_by_role("heading", name="Conversation tables in the city library")
    ).to_be_visible()

    expect(bell(me)).to_have_accessible_name("Notifications (1 unread)", timeout=LIVE_WITHIN_MS)
    expect(me.locator("[data-bell-announcer]")).to_have_text(
        "New notification: 1 unread.", timeout=LIVE_WITHIN_MS
    )
    assert me.evaluate("window.notReloaded") is True

    bell(me).click()
    expect(me.get_by_role("heading", name="Notifications", exact=True)).to_be_visible()
    item = me.get_by_role("article").filter(has_text="Tomasz Nowak shared a practice")
    expect(item).to_contain_text("under a tag you follow")
    item.get_by_role("link", name="Conversation tables in the city library").click()
    expect(
        me.get_by_role("heading", name="Conversation tables in the city library")
    ).to_be_visible()
    # Opening it marked it read; the bell says so on this page too.
    expect(bell(me)).to_have_accessible_name("Notifications (none unread)", timeout=LIVE_WITHIN_MS)
