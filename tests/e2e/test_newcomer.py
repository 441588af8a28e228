"""A visitor joins, confirms the address from the e-mail the server sent, fills in a profile,
shares a first practice with a tag chosen from the suggestions, a moderator approves it, and
the newcomer finds it through the header search and under its tag. The same journey works
without JavaScript and on a phone-sized screen, where no page scrolls sideways."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.utils import translation
from django_countries import countries
from playwright.sync_api import Page, expect

from tests.live_servers import sent_mail

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TITLE = "Welcome walks for newly arrived families"
EMAIL = "noor.visser@example.org"
NAME = "Noor Visser"
PASSWORD = "lantern-harbour-cobalt-71"
BIO = "I coordinate the reception classes of two primary schools in Utrecht."
HEIGHTS = {375: 812, 1280: 800}


def words(language: str):
    """The interface's words in `language`, from the same catalogs the server uses, so the
    journey finds every label and button as a reader of that language sees it."""

    def say(text: str, context: str = "", **values: str) -> str:
        with translation.override(language):
            said = translation.pgettext(context, text) if context else translation.gettext(text)
        return said % values if values else said

    return say


@pytest.fixture
def tagged_practice(practice_factory, user_factory):
    """Someone else's practice, so that the tag "language learning" already exists."""
    author = user_factory(display_name="Ilse Maes", email="ilse@example.org", role="city")
    return practice_factory(
        author=author, title="Reading aloud in two languages", tags=["language learning"]
    )


class Journey:
    """One newcomer's browser page, and the checks every step of the journey repeats."""

    def __init__(self, page: Page, *, width: int, javascript: bool, language: str) -> None:
        self.page = page
        self.width = width
        self.variant = f"{language}-{width}" if javascript else f"{language}-no-javascript-{width}"

    def step(self, name: str) -> None:
        """Save the page as it looks now, and check that nothing pushes it sideways."""
        folder = settings.VAR_DIR / "screenshots"
        folder.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(
            path=str(folder / f"newcomer-{name}-{self.variant}.png"), full_page=True
        )
        fits = self.page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        assert fits, f"the {name} page scrolls sideways at {self.width} px"


def confirmation_link(mail_dir) -> str:
    """The address-confirmation link from the newest e-mail to the newcomer."""
    to_newcomer = [message for message in sent_mail(mail_dir) if EMAIL in message["To"]]
    assert to_newcomer, "no e-mail was sent to the new member"
    body = to_newcomer[-1].get_body(preferencelist=("plain",)).get_content()
    found = re.search(r"https?://\S+/confirm-email/\S+", body)
    assert found, body
    return found.group(0)


@pytest.mark.parametrize(
    ("language", "javascript", "width"),
    [
        pytest.param("en", True, 1280, id="javascript-1280"),
        pytest.param("en", True, 375, id="javascript-375"),
        pytest.param("en", False, 1280, id="no-javascript-1280"),
        pytest.param("fr", True, 375, id="french-375"),
    ],
)
def test_a_newcomer_joins_shares_a_practice_and_finds_it(
    open_page, server_mail_dir, tagged_practice, moderator, language, javascript, width
):
    page = open_page(
        viewport={"width": width, "height": HEIGHTS[width]},
        java_script_enabled=javascript,
        locale=language,
    )
    journey = Journey(page, width=width, javascript=javascript, language=language)
    _ = words(language)
    with translation.override(language):
        netherlands = countries.name("NL")

    page.goto("/")
    journey.step("home")
    expect(page.locator("html")).to_have_attribute("lang", language)
    page.get_by_role("link", name=_("Join"), exact=True).click()
    expect(page.get_by_role("heading", name=_("Join the exchange"))).to_be_visible()
    page.get_by_label(_("Email")).fill(EMAIL)
    # Labels read "Password:" and "Password (again):", each followed by "(required)".
    page.get_by_label(_("Password") + _(":")).fill(PASSWORD)
    page.get_by_label(_("Password (again)")).fill(PASSWORD)
    page.get_by_label(_("Display name")).fill(NAME)
    page.get_by_label(_("Role")).select_option(label=_("Teacher or school staff"))
    page.get_by_label(_("Organisation")).fill("Basisschool De Regenboog")
    page.get_by_label(_("City")).fill("Utrecht")
    page.get_by_label(_("Country")).select_option(label=netherlands)
    journey.step("signup")
    page.get_by_role("button", name=_("Join"), exact=True).click()

    expect(page.get_by_role("heading", name=_("Confirm your e-mail address"))).to_be_visible()
    journey.step("verification-sent")
    page.goto(confirmation_link(server_mail_dir))
    journey.step("confirm-email")
    page.get_by_role("button", name=_("Confirm")).click()
    profile_link = page.get_by_role("link", name=NAME, exact=True)
    expect(profile_link).to_be_visible()
    expect(page.get_by_role("link", name=_("Join"), exact=True)).to_have_count(0)

    profile_link.click()
    page.get_by_role("link", name=_("Edit your profile")).click()
    page.get_by_label(_("About me")).fill(BIO)
    journey.step("profile-edit")
    page.get_by_role("button", name=_("Save profile")).click()
    expect(page.get_by_text(_("Your profile is saved."))).to_be_visible()
    expect(page.get_by_role("heading", name=NAME)).to_be_visible()
    expect(page.get_by_text(BIO)).to_be_visible()
    journey.step("profile")

    page.get_by_role("link", name=_("Share a practice")).first.click()
    expect(page.get_by_role("heading", name=_("Share a practice"))).to_be_visible()
    page.get_by_label(_("Title")).fill(TITLE)
    page.get_by_label(_("Summary")).fill(
        "Older pupils and their parents show new families the way to school, the library "
        "and the doctor's surgery in their first week."
    )
    page.get_by_label(_("What was done")).fill(
        "Every Tuesday afternoon two pupils and a parent volunteer walk one route with a "
        "newly arrived family, with a picture map in four languages."
    )
    page.get_by_label(_("Country")).select_option(label=netherlands)
    page.get_by_label(_("City"), exact=True).fill("Utrecht")
    page.get_by_label(_("Organisation"), exact=True).fill("Basisschool De Regenboog")
    page.get_by_label(_("Type of organisation")).select_option(label=_("School"))
    page.get_by_label(_("Area")).select_option(label=_("Education"))
    tags = page.get_by_label(_("Tags"))
    if javascript:
        tags.press_sequentially("lang")
        suggestion = page.get_by_role("option", name=re.compile(r"^language learning"))
        expect(suggestion).to_be_visible()
        journey.step("tag-suggestions")
        tags.press("ArrowDown")
        expect(suggestion).to_have_attribute("aria-selected", "true")
        tags.press("Enter")
        expect(tags).to_have_value("language learning, ")
        expect(suggestion).to_have_count(0)
        tags.press_sequentially("school routes")
    else:
        tags.fill("language learning, school routes")
    journey.step("practice-form")
    page.get_by_role("button", name=_("Publish"), exact=True).click()

    waiting_notice = _(
        "A moderator looks at a new member's first practice before it is public. "
        "Until then only the author and the moderators can see it."
    )
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()
    expect(page.get_by_text(waiting_notice)).to_be_visible()
    practice_url = page.url
    journey.step("practice-waiting")

    mod = open_page(moderator)
    mod.goto("/")
    mod.get_by_role("link", name=re.compile(r"^Moderation")).click()
    waiting = mod.get_by_role("region", name=re.compile(r"^Waiting for approval"))
    expect(waiting.get_by_role("link", name=TITLE, exact=True)).to_be_visible()
    waiting.get_by_role("button", name=f"Approve “{TITLE}”").click()
    expect(waiting.get_by_text("No practice is waiting for approval.")).to_be_visible()

    page.goto(practice_url)
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()
    expect(page.get_by_text(waiting_notice)).to_have_count(0)
    journey.step("practice")

    search = page.get_by_role("search").get_by_label(_("Search practices"))
    search.fill("welcome walks")
    search.press("Enter")
    expect(page.get_by_role("link", name=TITLE, exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Reading aloud in two languages")).to_have_count(0)
    journey.step("search")

    page.get_by_role("link", name=TITLE, exact=True).click()
    page.get_by_role("list", name=_("Tags")).get_by_role("link", name="language learning").click()
    heading = _("Practices tagged “%(tag_name)s”", tag_name="language learning")
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    expect(page.get_by_role("link", name=TITLE, exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Reading aloud in two languages")).to_be_visible()
    journey.step("tag")
