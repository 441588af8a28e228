"""Two members, two browsers, one practice: the thread updates live and loses nothing."""

import re

import pytest
from playwright.sync_api import expect

from practices.services.comments import comment_create

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LIVE_WITHIN_MS = 5_000


@pytest.fixture
def practice(practice_factory):
    return practice_factory(title="Language cafes for parents at the school gate")


@pytest.fixture
def amira(user_factory):
    return user_factory(
        display_name="Amira Haddad", email="amira@example.org", organisation="Ville de Lyon"
    )


@pytest.fixture
def jonas(user_factory):
    return user_factory(display_name="Jonas Berg", email="jonas@example.org", role="city")


def thread_list(page):
    return page.get_by_role("list", name="Comments", exact=True)


def test_a_comment_typed_in_one_page_appears_in_the_other(open_page, practice, amira, jonas):
    writer = open_page(amira)
    reader = open_page(jonas)
    for page in (writer, reader):
        page.goto(practice.get_absolute_url())
    expect(reader.get_by_text("2 people reading now")).to_be_visible(timeout=LIVE_WITHIN_MS)
    reader.evaluate("window.notReloaded = true")
    writer.evaluate("window.notReloaded = true")

    text = "We met parents at the school gate every Friday, with coffee and interpreters."
    writer.get_by_label("Your comment").fill(text)
    writer.get_by_role("button", name="Post comment").click()

    arrived = thread_list(reader).get_by_text(text)
    expect(arrived).to_be_visible(timeout=LIVE_WITHIN_MS)
    expect(thread_list(reader).get_by_role("link", name="Amira Haddad")).to_be_visible()
    expect(reader.locator("[aria-live=polite]")).to_have_text(
        "New comment from Amira Haddad", timeout=LIVE_WITHIN_MS
    )
    # The writer's page took it over the socket: no reload, the box is empty again.
    expect(thread_list(writer).get_by_text(text)).to_be_visible()
    expect(writer.get_by_label("Your comment")).to_have_value("")
    assert reader.evaluate("window.notReloaded") is True
    assert writer.evaluate("window.notReloaded") is True
    # Only the author gets the controls for their own comment.
    expect(thread_list(writer).get_by_role("link", name="Edit")).to_be_visible()
    expect(thread_list(reader).get_by_role("link", name="Edit")).to_have_count(0)

    reader.reload()
    expect(thread_list(reader).get_by_text(text)).to_be_visible()


def test_an_edit_and_a_deletion_reach_the_other_reader(open_page, practice, amira, jonas):
    writer = open_page(amira)
    reader = open_page(jonas)
    for page in (writer, reader):
        page.goto(practice.get_absolute_url())
    expect(reader.get_by_text("2 people reading now")).to_be_visible(timeout=LIVE_WITHIN_MS)

    writer.get_by_label("Your comment").fill("Thre languages at once")
    writer.get_by_role("button", name="Post comment").click()
    expect(thread_list(reader).get_by_text("Thre languages at once")).to_be_visible()

    thread_list(writer).get_by_role("link", name="Edit").click()
    writer.get_by_label("Edit your comment").fill("Three languages at once")
    writer.get_by_role("button", name="Save").click()
    expect(thread_list(reader).get_by_text("Three languages at once")).to_be_visible(
        timeout=LIVE_WITHIN_MS
    )
    expect(thread_list(reader).get_by_text("edited", exact=True)).to_be_visible()

    writer.once("dialog", lambda dialog: dialog.accept())
    thread_list(writer).get_by_role("button", name="Delete").click()
    expect(thread_list(reader).get_by_text("Comment deleted")).to_be_visible(timeout=LIVE_WITHIN_MS)
    expect(thread_list(reader).get_by_text("Three languages at once")).to_have_count(0)


def test_a_reply_appears_under_its_comment(open_page, practice, amira, jonas):
    question = comment_create(practice=practice, author=jonas, body="Who paid the interpreters?")
    writer = open_page(amira)
    reader = open_page(jonas)
    for page in (writer, reader):
        page.goto(practice.get_absolute_url())
    expect(reader.get_by_text("2 people reading now")).to_be_visible(timeout=LIVE_WITHIN_MS)

    writer.get_by_text("Reply", exact=True).click()
    writer.get_by_label("Your reply").fill("The city's integration fund.")
    writer.get_by_role("button", name="Post reply").click()

    replies = (
        reader.locator(f"#comment-{question.pk}")
        .locator("xpath=..")
        .get_by_role("list", name="Replies")
    )
    expect(replies.get_by_text("The city's integration fund.")).to_be_visible(
        timeout=LIVE_WITHIN_MS
    )
    expect(replies.get_by_text(re.compile("in reply to"))).to_be_visible()


def test_a_reader_misses_nothing_across_a_server_restart(
    open_page, practice, amira, jonas, live_server_process
):
    reader = open_page(jonas)
    reader.goto(practice.get_absolute_url())
    expect(reader.get_by_text("1 person reading now")).to_be_visible(timeout=LIVE_WITHIN_MS)

    live_server_process.stop()
    expect(reader.get_by_role("status").filter(has_text="Reconnecting")).to_be_visible(
        timeout=LIVE_WITHIN_MS
    )
    # Posted while the reader's connection is down: only the database knows.
    comment_create(practice=practice, author=amira, body="Posted while you were away")
    live_server_process.start()

    expect(thread_list(reader).get_by_text("Posted while you were away")).to_be_visible(
        timeout=20_000
    )
    expect(reader.get_by_role("status").filter(has_text="Reconnecting")).to_have_count(0)


def test_the_thread_works_without_javascript(chromium, live_server_process, practice, amira):
    from django.conf import settings
    from django.test import Client

    context = chromium.new_context(base_url=live_server_process.url, java_script_enabled=False)
    client = Client()
    client.force_login(amira)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server_process.url,
            }
        ]
    )
    page = context.new_page()
    try:
        page.goto(practice.get_absolute_url())
        page.get_by_label("Your comment").fill("Posted by a plain form")
        page.get_by_role("button", name="Post comment").click()
        expect(thread_list(page).get_by_text("Posted by a plain form")).to_be_visible()
        thread_list(page).get_by_role("button", name="Delete").click()
        expect(thread_list(page).get_by_text("Comment deleted")).to_be_visible()
    finally:
        context.close()


def test_a_reader_scrolled_away_is_told_of_new_comments(open_page, practice, amira, jonas):
    reader = open_page(jonas)
    reader.set_viewport_size({"width": 900, "height": 400})
    writer = open_page(amira)
    for page in (reader, writer):
        page.goto(practice.get_absolute_url())
    expect(reader.get_by_text("2 people reading now")).to_be_attached(timeout=LIVE_WITHIN_MS)
    reader.evaluate("window.scrollTo(0, 0)")

    writer.get_by_label("Your comment").fill("Did anyone try this with grandparents?")
    writer.get_by_role("button", name="Post comment").click()

    marker = reader.get_by_role("button", name="1 new comment")
    expect(marker).to_be_visible(timeout=LIVE_WITHIN_MS)
    marker.click()
    expect(
        thread_list(reader).get_by_text("Did anyone try this with grandparents?")
    ).to_be_in_viewport()
    expect(marker).to_be_hidden()
