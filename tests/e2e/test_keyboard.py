"""A member who uses only the keyboard: the skip link comes first and leads to the content,
the comment box and its button are reached with Tab, a comment is posted and another answered,
and wherever focus stops, it can be seen."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.utils import translation
from playwright.sync_api import Locator, Page, expect

from practices.services.comments import comment_create
from tests.e2e.test_newcomer import words

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LIVE_WITHIN_MS = 5_000


@pytest.fixture
def practice(practice_factory):
    return practice_factory(
        title="Parents as reading mentors in the first school year", tags=["parents"]
    )


def thread_list(page: Page, _=str) -> Locator:
    return page.get_by_role("list", name=_("Comments"), exact=True)


def focused(page: Page) -> tuple[str, str]:
    """The role and accessible name of the focused element, as Chromium's accessibility tree
    gives them to a screen reader."""
    session = page.context.new_cdp_session(page)
    try:
        element = session.send("Runtime.evaluate", {"expression": "document.activeElement"})
        nodes = session.send(
            "Accessibility.getPartialAXTree",
            {"objectId": element["result"]["objectId"], "fetchRelatives": False},
        )["nodes"]
    finally:
        session.detach()
    node = nodes[0] if nodes else {}
    return node.get("role", {}).get("value", ""), node.get("name", {}).get("value", "")


def focus_is_visible(page: Page) -> bool:
    return page.evaluate(
        """() => {
            const style = getComputedStyle(document.activeElement);
            const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
            return outline || style.boxShadow !== "none";
        }"""
    )


def tab_to(
    page: Page,
    name: str,
    *,
    within: Locator | None = None,
    backwards: bool = False,
    presses: int = 80,
) -> None:
    """Press Tab (or Shift+Tab) until the focused element has this accessible name (and lies
    inside `within`, if given); fail after `presses` presses. Focus must be visible there."""
    key = "Shift+Tab" if backwards else "Tab"
    visited = []
    for _ in range(presses):
        page.keyboard.press(key)
        role, found = focused(page)
        visited.append(f"{role} “{found}”")
        inside = within is None or within.evaluate("(el) => el.contains(document.activeElement)")
        if found == name and inside:
            assert focus_is_visible(page), f"focus on {role} “{name}” cannot be seen"
            return
    raise AssertionError(f"{presses} presses of {key} never reached “{name}”: {visited}")


def screenshot(page: Page, name: str) -> None:
    folder = settings.VAR_DIR / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"keyboard-{name}.png"))


def reading_now(language: str, number: int) -> str:
    with translation.override(language):
        return translation.ngettext(
            "%(number)s person reading now", "%(number)s people reading now", number
        ) % {"number": number}


def test_the_skip_link_is_the_first_stop_and_leads_to_the_content(open_page, practice, member):
    page = open_page(member)
    page.goto(practice.get_absolute_url())
    expect(page.get_by_text("1 person reading now")).to_be_visible(timeout=LIVE_WITHIN_MS)

    page.keyboard.press("Tab")
    assert focused(page) == ("link", "Skip to content")
    assert focus_is_visible(page), "the skip link is focused but cannot be seen"
    expect(page.get_by_role("link", name="Skip to content")).to_be_in_viewport()
    screenshot(page, "skip-link")

    page.keyboard.press("Enter")
    assert focused(page)[0] == "main"
    # The next stop is inside the content, not back in the header.
    page.keyboard.press("Tab")
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)")


@pytest.mark.parametrize(
    ("language", "width"),
    [pytest.param("en", 1280, id="english-1280"), pytest.param("fr", 375, id="french-375")],
)
def test_a_member_comments_and_replies_with_the_keyboard_alone(
    open_page, practice, member, other_member, language, width
):
    _ = words(language)
    question = comment_create(
        practice=practice,
        author=other_member,
        body="How did you find parents who had time during the school day?",
    )
    page = open_page(member, locale=language, viewport={"width": width, "height": 812})
    page.goto(practice.get_absolute_url())
    expect(page.get_by_text(reading_now(language, 1))).to_be_visible(timeout=LIVE_WITHIN_MS)
    page.evaluate("window.notReloaded = true")

    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    tab_to(page, _("Your comment"))
    comment = "We asked at the school gate in the morning; grandparents came too."
    page.keyboard.type(comment)
    tab_to(page, _("Post comment"))
    screenshot(page, f"post-comment-{language}-{width}")
    page.keyboard.press("Enter")
    expect(thread_list(page, _).get_by_text(comment)).to_be_visible(timeout=LIVE_WITHIN_MS)
    expect(page.get_by_label(_("Your comment"))).to_have_value("")

    asked = thread_list(page, _).locator(f'[data-item-id="{question.pk}"]')
    tab_to(page, _("Reply", context="action"), within=asked, backwards=True)
    page.keyboard.press("Enter")
    tab_to(page, _("Your reply"), within=asked)
    answer = "Most of them worked shifts, so mornings suited them better than afternoons."
    page.keyboard.type(answer)
    tab_to(page, _("Post reply"), within=asked)
    screenshot(page, f"post-reply-{language}-{width}")
    page.keyboard.press("Enter")

    replies = asked.get_by_role("list", name=_("Replies"))
    expect(replies.get_by_text(answer)).to_be_visible(timeout=LIVE_WITHIN_MS)
    expect(replies.get_by_role("link", name=member.display_name)).to_be_visible()
    assert page.evaluate("window.notReloaded") is True
