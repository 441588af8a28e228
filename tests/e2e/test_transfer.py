"""A practice taken home, as a new member would do it with the demo data: a city official
adapts the teacher tandems to her city, the original's author is told, the map shows both
cities, the page lists the adaptation and suggests the school-segregation practice; a year
later the author is asked to check in and answers in one click from the e-mail."""

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.models import User
from practices.models import CheckIn, Practice
from practices.services.transfer import checkins_send

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TANDEMS = "Teacher tandems: reception-class teachers coach mainstream colleagues"


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=StringIO())


@pytest.fixture
def official(user_factory, demo):
    return user_factory(
        display_name="Karin Lund",
        email="karin@example.org",
        role="city",
        organisation="Malmö City Education Office",
        city="Malmö",
        country="SE",
    )


def test_a_city_official_adapts_the_teacher_tandems_and_a_year_later_the_author_checks_in(
    open_page, official
):
    tandems = Practice.objects.get(title=TANDEMS)
    me = open_page(official)
    me.goto(tandems.get_absolute_url())
    me.get_by_role("link", name="We adapted this").click()
    expect(me.get_by_role("heading", name="We adapted this")).to_be_visible()
    expect(me.get_by_label("City")).to_have_value("Malmö")
    me.get_by_role("button", name="Record the adaptation").click()
    expect(me.get_by_text("Describe what you changed and why.").first).to_be_visible()
    me.get_by_label("What you changed and why").fill(
        "Tandems between schools in the same district, one term each."
    )
    me.get_by_label("What came of it").fill("Eight tandems in the first term.")
    me.get_by_role("button", name="Record the adaptation").click()

    expect(me.get_by_text("Your adaptation is recorded.")).to_be_visible()
    cities = me.get_by_role("list", name="Cities")
    expect(cities).to_contain_text("Ghent, Belgium")
    expect(cities).to_contain_text("Malmö, Sweden")
    expect(me.get_by_role("heading", name=re.compile(r"^Adapted elsewhere"))).to_contain_text("2")
    similar = me.get_by_role("region", name="Practices like this").get_by_role("list").first
    expect(
        similar.get_by_role("link", name="Balanced school admissions to reduce segregation")
    ).to_be_visible()

    me.get_by_role("link", name="Where", exact=True).click()
    expect(me.get_by_role("heading", name="Where practices run")).to_be_visible()
    expect(me.get_by_role("link", name="Sweden: 1 practice, 1 adaptation")).to_be_visible()
    expect(me.get_by_role("link", name="Belgium: 1 practice")).to_be_visible()
    me.get_by_text("The same as a list").click()
    expect(
        me.get_by_role("listitem").filter(has_text="Sweden: 1 practice, 1 adaptation")
    ).to_be_visible()

    author = User.objects.get(email="teacher@example.org")
    theirs = open_page(author)
    theirs.goto("/notifications/")
    expect(theirs.get_by_text(re.compile(r"Karin Lund\s+adapted"))).to_be_visible()

    # A year later (a simulated clock): the author is asked, and answers from the e-mail.
    mail.outbox.clear()
    run = checkins_send(now=tandems.published_at + timedelta(days=367))
    assert run.asked >= 1
    message = next(m for m in mail.outbox if m.to == [author.email] and TANDEMS in m.subject)
    link = next(
        line.strip()
        for line in message.body.splitlines()
        if "/checkin/" in line and line.strip().startswith("http")
    )
    visitor = open_page()  # not logged in
    visitor.goto(re.sub(r"^https?://[^/]+", "", link))
    visitor.get_by_role("button", name="Answer “Still running”").click()
    expect(visitor.get_by_role("heading", name="Thank you")).to_be_visible()
    visitor.get_by_role("link", name="See the practice").click()
    expect(visitor.get_by_text(re.compile(r"Still running\s+checked in"))).to_be_visible()
    assert CheckIn.objects.get(practice=tandems).answer == "still_running"
