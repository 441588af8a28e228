"""A moderator hides a comment while a member reads the thread: it vanishes live, and comes
back when restored. A member suspended while reading is told to reload."""

import pytest
from playwright.sync_api import expect

from practices.services.comments import comment_create

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LIVE_WITHIN_MS = 5_000


@pytest.fixture
def practice(practice_factory):
    return practice_factory(title="Homework club in the neighbourhood library")


def thread_list(page):
    return page.get_by_role("list", name="Comments", exact=True)


def test_a_hidden_comment_vanishes_live_for_a_reader_and_comes_back(
    open_page, practice, member, other_member, moderator
):
    spam = comment_create(
        practice=practice, author=other_member, body="Cheap essays at essays.example!"
    )
    kept = comment_create(practice=practice, author=other_member, body="We open on Wednesdays.")
    reader = open_page(member)
    mod = open_page(moderator)
    for page in (reader, mod):
        page.goto(practice.get_absolute_url())
    expect(reader.get_by_text("2 people reading now")).to_be_visible(timeout=LIVE_WITHIN_MS)
    reader.evaluate("window.notReloaded = true")

    # The moderator uses the comment's own control, gives a reason, and is sent back.
    item = mod.locator(f'[data-item-id="{spam.pk}"]')
    item.get_by_role("link", name="Hide this comment").click()
    mod.get_by_label("Reason").fill("Advertising")
    mod.get_by_role("button", name="Hide").click()
    expect(mod.get_by_text("The comment is hidden")).to_be_visible()

    expect(thread_list(reader).get_by_text("Comment hidden by the moderators")).to_be_visible(
        timeout=LIVE_WITHIN_MS
    )
    expect(thread_list(reader).get_by_text("Cheap essays")).to_have_count(0)
    expect(thread_list(reader).get_by_text("We open on Wednesdays.")).to_be_visible()
    expect(reader.locator(f'[data-item-id="{spam.pk}"] [data-control="report"]')).to_have_count(0)
    expect(reader.locator(f'[data-item-id="{kept.pk}"] [data-control="report"]')).to_have_count(1)
    assert reader.evaluate("window.notReloaded") is True

    # Restored from the moderator's page: it is back for the reader, still without a reload.
    mod.locator(f'[data-item-id="{spam.pk}"]').get_by_role(
        "button", name="Restore this comment"
    ).click()
    expect(mod.get_by_text("The comment is visible again.")).to_be_visible()
    expect(thread_list(reader).get_by_text("Cheap essays at essays.example!")).to_be_visible(
        timeout=LIVE_WITHIN_MS
    )
    assert reader.evaluate("window.notReloaded") is True


def test_a_member_suspended_while_reading_is_told_to_reload(open_page, practice, member, moderator):
    reader = open_page(member)
    reader.goto(practice.get_absolute_url())
    expect(reader.get_by_text("1 person reading now")).to_be_visible(timeout=LIVE_WITHIN_MS)
    # The moderator goes from the member's profile to the suspension form.
    mod = open_page(moderator)
    mod.goto(member.get_absolute_url())
    mod.get_by_role("link", name="Moderate this member").click()
    mod.get_by_label("Until further notice").check()
    mod.get_by_label("Reason").fill("Spam in three threads")
    mod.get_by_role("button", name="Suspend").click()
    expect(mod.get_by_text(f"{member.display_name} is suspended.")).to_be_visible()
    expect(reader.get_by_text("Your account has been suspended. Reload the page")).to_be_visible(
        timeout=LIVE_WITHIN_MS
    )
    reader.reload()
    expect(reader.get_by_text("Your account is suspended until further notice")).to_be_visible()
    expect(reader.get_by_text("Spam in three threads")).to_be_visible()
    expect(reader.get_by_label("Your comment")).to_have_count(0)
