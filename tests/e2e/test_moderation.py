"""A moderator hides a comment while a member reads the thread: it vanishes live, and comes
back when restored. A member suspended while reading is told to reload. A member's report is
resolved from the moderators' queue: the comment vanishes for a reader, the reporter is told."""

import re

import pytest
from django.conf import settings
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


def screenshot(page, name):
    folder = settings.VAR_DIR / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"moderation-{name}.png"), full_page=True)


def test_a_reported_comment_is_hidden_from_the_queue_live_and_the_reporter_is_told(
    open_page, practice, member, other_member, moderator, user_factory
):
    watcher = user_factory(display_name="Lena Fischer", email="lena@example.org", role="ngo")
    spam = comment_create(
        practice=practice,
        author=other_member,
        body="Earn money from home, message me on essays.example!",
    )
    comment_create(practice=practice, author=other_member, body="The library lends us a room.")

    reader = open_page(watcher)
    reader.goto(practice.get_absolute_url())
    expect(reader.get_by_text(re.compile(r"reading now$"))).to_be_visible(timeout=LIVE_WITHIN_MS)
    reader.evaluate("window.notReloaded = true")

    # The member reports the comment through its own control.
    reporter = open_page(member)
    reporter.goto(practice.get_absolute_url())
    thread_list(reporter).locator(f'[data-item-id="{spam.pk}"]').get_by_role(
        "link", name="Report this comment"
    ).click()
    expect(reporter.get_by_role("heading", name="Report a comment")).to_be_visible()
    reporter.get_by_label("Spam").check()
    reporter.get_by_label("Note for the moderators").fill("An advert, not part of the talk.")
    screenshot(reporter, "report-form")
    reporter.get_by_role("button", name="Send the report").click()
    expect(reporter.get_by_text("Thank you. The moderators will look at it")).to_be_visible()
    bell = reporter.get_by_role("link", name=re.compile(r"^Notifications"))
    expect(bell).to_have_accessible_name("Notifications (none unread)")

    # The moderator goes from the header to the queue and hides it with a reason.
    mod = open_page(moderator)
    mod.goto("/")
    mod.get_by_role("link", name=re.compile(r"^Moderation")).click()
    mod.get_by_role("navigation", name="Moderation").get_by_role("link", name="Reports").click()
    expect(mod.get_by_role("heading", name=re.compile(r"^Open reports"))).to_contain_text("1 item")
    item = mod.get_by_role("article", name=re.compile(r"^Comment by Jonas Berg on"))
    expect(item).to_contain_text("Earn money from home")
    expect(item.get_by_role("list", name="Reports")).to_contain_text("Spam, from Amira Haddad")
    item.get_by_label("Hide it from members").check()
    item.get_by_label("Reason", exact=True).fill("Advertising for a paid service")
    screenshot(mod, "reports-queue")
    item.get_by_role("button", name="Resolve").click()
    expect(mod.get_by_text("Resolved 1 report; the reporter is told.")).to_be_visible()
    expect(mod.get_by_text("No open reports. Nothing needs a look right now.")).to_be_visible()

    # The reader sees it go without reloading; the rest of the thread stays.
    expect(thread_list(reader).get_by_text("Comment hidden by the moderators")).to_be_visible(
        timeout=LIVE_WITHIN_MS
    )
    expect(thread_list(reader).get_by_text("Earn money from home")).to_have_count(0)
    expect(thread_list(reader).get_by_text("The library lends us a room.")).to_be_visible()
    assert reader.evaluate("window.notReloaded") is True
    screenshot(reader, "hidden-live")

    # The reporter's bell lights up, and the notification says what was decided and why.
    expect(bell).to_have_accessible_name("Notifications (1 unread)", timeout=LIVE_WITHIN_MS)
    bell.click()
    told = reporter.get_by_role("article").filter(has_text="Your report of a comment on")
    expect(told).to_contain_text("The moderators hid it.")
    expect(told).to_contain_text("Advertising for a paid service")
    screenshot(reporter, "reporter-notification")
