"""Every key page meets WCAG 2.1 AA as axe-core checks it, offers the landmarks, skip link and
focus indicator that keyboard and screen-reader users rely on, and fits a 375 px phone as well
as a desktop screen. Screenshots of both widths are kept under var/screenshots/."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.utils import timezone
from django.utils.text import slugify
from playwright.sync_api import Page, expect

from accounts.models import User
from practices.demo import MEMBERS, PRACTICES
from practices.models import Practice, ReportReason, Tag
from practices.services.comments import comment_create
from practices.services.curation import practice_validate
from practices.services.follows import practice_follow, tag_follow
from practices.services.moderation import comment_hide
from practices.services.practices import EDITABLE_FIELDS, practice_create
from practices.services.reports import report_create
from practices.services.target_groups import target_groups_ensure

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}
# More Tab stops than any of these pages has; the walk ends when focus leaves the page.
MAX_TAB_STOPS = 120
FORM_CONTROLS = "input:not([type=hidden]):not([type=submit]):not([type=button]), select, textarea"

RESULTS_TABLE = """

| School year | Tandems | Teachers | Newcomer pupils still in their mainstream class after a year |
|---|---|---|---|
| 2021–2022 | 8 | 16 | 52% |
| 2022–2023 | 9 | 18 | 63% |
"""
LONG_URL = (
    "https://www.example.org/integration/resources/teacher-tandems/"
    "coaching-handbook-for-mainstream-colleagues-2024-final-version-with-all-annexes.pdf"
)


@dataclass
class Exchange:
    teacher: User
    moderator: User
    practice: Practice
    tag: Tag


DEMO_FIELDS = ("title", "summary", "country", "city", "organisation", "organisation_type", "area")


@pytest.fixture
def exchange(user_factory, practice_factory, broadcasts) -> Exchange:
    """A small exchange from the demo's people and practices, with a lively thread, a practice
    waiting for approval, a report and notifications: every page has something real to show.
    Nobody listens yet, so the live events are only recorded (`broadcasts`)."""
    teacher, city, ngo, moderator = (
        user_factory(
            email=spec["email"],
            display_name=spec["display_name"],
            handle=slugify(spec["display_name"]),
            role=spec["role"],
            organisation=spec["organisation"],
            city=spec["city"],
            country=spec["country"],
            bio=spec["bio"],
            moderator=bool(spec.get("moderator")),
        )
        for spec in MEMBERS
    )
    authors = {member.email: member for member in (teacher, city, ngo, moderator)}
    now = timezone.now()
    for spec in PRACTICES[1:9]:
        practice_factory(
            author=authors[spec["author"]],
            tags=spec["tags"],
            featured_at=now if spec.get("featured") else None,
            validated_at=now if spec.get("validated") else None,
            **{field: spec[field] for field in DEMO_FIELDS},
        )
    tag_follow(user=teacher, tag=Tag.objects.get(name="language learning"))

    tandems = PRACTICES[0]
    groups = target_groups_ensure()
    practice = practice_create(
        author=teacher,
        data={
            **{field: tandems[field] for field in EDITABLE_FIELDS if field in tandems},
            "results": tandems["results"] + RESULTS_TABLE,
            "links": [LONG_URL, "https://www.example.org/tandems"],
        },
        tags=tandems["tags"],
        target_groups=[groups[slug] for slug in tandems["target_groups"]],
        publish=True,
    )
    practice_follow(user=teacher, practice=practice)

    question = comment_create(
        practice=practice,
        author=city,
        body=(
            "We are trying tandems in Lyon next term. How many hours a week did the "
            "reception-class teachers get for coaching?"
        ),
    )
    comment_create(
        practice=practice,
        author=teacher,
        parent=question,
        body="Two hours a fortnight, taken from the reception class timetable. The head agreed.",
    )
    advert = comment_create(
        practice=practice,
        author=ngo,
        body=(
            f"The handbook we used is here: {LONG_URL}\n\n"
            "Three things that helped:\n\n"
            "- **pairing** by subject, not by school year\n"
            "- a shared notebook per tandem\n"
            "- _one_ visit to each other's lessons per month\n\n"
            "Our partner was the Ortsteilentwicklungsbeauftragtenkoordinierungsstelle."
        ),
    )
    comment_create(
        practice=practice,
        author=moderator,
        body=f"@{teacher.handle} could you add the evaluation numbers to the practice?",
    )
    spam = comment_create(
        practice=practice,
        author=user_factory(display_name="Cheap Essays", email="essays@example.org"),
        body="Essays written for you in 24 hours, visit essays.example!",
    )
    comment_hide(comment=spam, moderator=moderator, reason="Advertising")
    practice_validate(
        practice=practice,
        moderator=moderator,
        reason="Evaluated over two school years, with numbers and a tested way to transfer it.",
    )
    report_create(
        reporter=city,
        reason=ReportReason.OFF_TOPIC,
        note="Looks like an advert for a handbook.",
        comment=advert,
    )
    practice_create(
        author=city,
        data={field: PRACTICES[9][field] for field in EDITABLE_FIELDS if field in PRACTICES[9]},
        tags=[*PRACTICES[9]["tags"], "language learning"],
        publish=True,
    )
    newcomer = user_factory(display_name="Yusuf Demir", email="yusuf@example.org", role="ngo")
    practice_create(
        author=newcomer,
        data={
            "title": "Homework club run by former refugee pupils",
            "summary": "Pupils who arrived five years ago help those who arrived this year.",
            "description": "Twice a week in the school library, with a teacher present.",
            "country": "NL",
            "city": "Utrecht",
            "organisation": "Het Nieuwe Lyceum",
            "organisation_type": "school",
            "area": "education",
        },
        tags=["homework support", "peer learning"],
        publish=True,
    )
    return Exchange(
        teacher=teacher,
        moderator=moderator,
        practice=practice,
        tag=Tag.objects.get(name="peer learning"),
    )


# --- The pages -----------------------------------------------------------------------------


def submit_empty_practice(page: Page) -> None:
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.get_by_role("heading", name=re.compile(r"^Please correct"))).to_be_visible()


def submit_bad_signup(page: Page) -> None:
    page.get_by_label("Email").fill("teacher@example.org")
    page.get_by_label(re.compile(r"^Password:?$")).fill("short")
    page.get_by_label(re.compile(r"^Password \(again\)")).fill("different")
    page.get_by_label("Display name").fill("Sanne Verbeke")
    page.get_by_role("main").get_by_role("button", name="Join").click()
    expect(page.get_by_role("alert").first).to_be_visible()


def submit_bad_login(page: Page) -> None:
    page.get_by_label("Email").fill("teacher@example.org")
    page.get_by_label(re.compile(r"^Password:?$")).fill("not-the-password")
    page.get_by_role("main").get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert").first).to_be_visible()


@dataclass(frozen=True)
class KeyPage:
    name: str
    path: Callable[[Exchange], str]
    viewer: str | None = None
    then: Callable[[Page], None] | None = None

    def __str__(self) -> str:
        return self.name


KEY_PAGES = [
    KeyPage("home", lambda ex: "/"),
    KeyPage("practice-list", lambda ex: "/practices/"),
    KeyPage("search-results", lambda ex: "/practices/?q=teachers"),
    KeyPage("tag", lambda ex: ex.tag.get_absolute_url()),
    KeyPage("practice-detail", lambda ex: ex.practice.get_absolute_url()),
    KeyPage("practice-detail-member", lambda ex: ex.practice.get_absolute_url(), "teacher"),
    KeyPage("practice-form-errors", lambda ex: "/practices/new/", "teacher", submit_empty_practice),
    KeyPage("signup", lambda ex: "/accounts/signup/"),
    KeyPage("signup-errors", lambda ex: "/accounts/signup/", then=submit_bad_signup),
    KeyPage("login", lambda ex: "/accounts/login/"),
    KeyPage("login-errors", lambda ex: "/accounts/login/", then=submit_bad_login),
    KeyPage("notifications", lambda ex: "/notifications/", "teacher"),
    KeyPage("feed", lambda ex: "/feed/", "teacher"),
    KeyPage("moderation-dashboard", lambda ex: "/moderation/", "moderator"),
]


@pytest.fixture
def visit(open_page, exchange):
    """visit(key_page, viewport) -> the page opened as its viewer, in that viewport."""

    def go(key_page: KeyPage, viewport: dict[str, int]) -> Page:
        viewer = getattr(exchange, key_page.viewer) if key_page.viewer else None
        page = open_page(viewer)
        page.set_viewport_size(viewport)
        response = page.goto(key_page.path(exchange))
        assert response is not None and response.ok, f"{key_page}: {response and response.status}"
        if key_page.then is not None:
            key_page.then(page)
        page.wait_for_load_state("networkidle")
        return page

    return go


# --- axe-core ------------------------------------------------------------------------------


AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": WCAG_21_AA},
    "resultTypes": ["violations"],
}


@pytest.mark.parametrize("key_page", KEY_PAGES, ids=str)
def test_page_has_no_wcag_21_aa_violations(visit, key_page):
    page = visit(key_page, PHONE)
    reports = []
    for viewport in (PHONE, DESKTOP):
        page.set_viewport_size(viewport)
        results = Axe().run(page, options=AXE_OPTIONS)
        if results.violations_count:
            reports.append(f"At {viewport['width']} px. {results.generate_report()}")
    assert not reports, f"WCAG 2.1 AA violations on {key_page}:\n" + "\n".join(reports)


# --- Landmarks, skip link, names and focus -------------------------------------------------

FOCUS_STYLE = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  const shadow = style.boxShadow !== "none";
  const label = (el.innerText || el.value || el.getAttribute("aria-label") || el.id || "");
  return {
    node: el === document.body ? "body" : el.tagName.toLowerCase(),
    label: label.trim().replace(/\\s+/g, " ").slice(0, 60),
    href: el.getAttribute("href"),
    indicator: outline || shadow,
  };
}"""


@pytest.mark.parametrize("key_page", KEY_PAGES, ids=str)
def test_page_has_landmarks_a_skip_link_named_fields_and_visible_focus(visit, key_page):
    page = visit(key_page, DESKTOP)
    assert page.locator("html").get_attribute("lang"), f"{key_page}: <html> has no lang"
    expect(page.get_by_role("main")).to_have_count(1)
    expect(page.get_by_role("banner")).to_have_count(1)
    expect(page.get_by_role("contentinfo")).to_have_count(1)

    controls = page.locator(FORM_CONTROLS)
    for index in range(controls.count()):
        control = controls.nth(index)
        if control.is_visible():
            expect(control, f"{key_page}: form field without a name").to_have_accessible_name(
                re.compile(r"\S")
            )

    # The first Tab lands on the skip link, which leads into the main landmark.
    page.keyboard.press("Tab")
    skip = page.evaluate(FOCUS_STYLE)
    assert skip["href"] == "#main", f"{key_page}: the first focusable element is {skip}"
    assert page.get_by_role("main").get_attribute("id") == "main"
    assert skip["indicator"], f"{key_page}: the focused skip link shows no focus indicator"

    # Every further stop, to the end of the page, shows where the focus is.
    unmarked = []
    for _ in range(MAX_TAB_STOPS):
        page.keyboard.press("Tab")
        stop = page.evaluate(FOCUS_STYLE)
        if stop["node"] == "body":
            break
        if not stop["indicator"]:
            unmarked.append(stop)
    else:
        pytest.fail(f"{key_page}: more than {MAX_TAB_STOPS} Tab stops")
    assert not unmarked, f"{key_page}: focused without a visible indicator: {unmarked}"

    # Past the end, Tab comes back to the skip link; following it focuses the main content.
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUS_STYLE)["href"] == "#main"
    page.keyboard.press("Enter")
    expect(page.get_by_role("main")).to_be_focused()


# --- Phone and desktop ---------------------------------------------------------------------


def screenshot_folder() -> Path:
    folder = Path(settings.VAR_DIR) / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.mark.parametrize("key_page", KEY_PAGES, ids=str)
def test_page_fits_a_phone_without_sideways_scrolling(visit, key_page):
    page = visit(key_page, PHONE)
    page.screenshot(path=str(screenshot_folder() / f"{key_page}-375.png"), full_page=True)
    too_wide = page.evaluate(
        """() => [...document.querySelectorAll("body *")]
          .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1)
          .filter((el) => !el.closest(".visually-hidden, .skip-link"))
          .slice(0, 8)
          .map((el) => `${el.tagName.toLowerCase()}.${el.className} (${Math.round(el.getBoundingClientRect().right)} px)`)"""
    )
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (
        f"{key_page} scrolls sideways at 375 px; too wide: {too_wide}"
    )

    page.set_viewport_size(DESKTOP)
    page.screenshot(path=str(screenshot_folder() / f"{key_page}-1280.png"), full_page=True)
