"""Check-ins: asked a year after publication or the last answer, answered in one click on
the site or from the e-mail's signed link, shown on the practice and filterable."""

from __future__ import annotations

from datetime import datetime, timedelta
from io import StringIO
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core import mail, signing
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.services import user_set_email_frequency
from practices.models import CheckIn, Notification
from practices.services.emails import unsubscribe_token
from practices.services.transfer import (
    checkin_answer,
    checkin_token,
    checkins_send,
)

pytestmark = pytest.mark.django_db

UTC = ZoneInfo("UTC")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.fixture
def published(practice_factory, member):
    return practice_factory(
        author=member, title="Teacher tandems", published_at=at("2026-01-10 09:00")
    )


def _ask(now: str) -> CheckIn:
    run = checkins_send(now=at(now))
    assert run.asked == 1
    return CheckIn.objects.latest("id")


# --- Scheduling ----------------------------------------------------------------------------


def test_nothing_is_asked_before_twelve_months(published):
    assert checkins_send(now=at("2026-12-31 12:00")).asked == 0
    assert not CheckIn.objects.exists()


def test_the_author_is_asked_by_notification_and_email_after_twelve_months(published, member):
    checkin = _ask("2027-01-11 12:00")
    assert checkin.practice == published and checkin.author == member
    assert str(checkin.due_on) == "2027-01-10"
    notification = Notification.objects.get(recipient=member, kind="checkin")
    assert notification.practice == published
    assert notification.emailed_at is not None  # the check-in e-mail is its e-mail
    (message,) = mail.outbox
    assert message.to == [member.email]
    assert "still running" in message.subject.lower()
    body = message.body
    for label in ("Still running", "Mainstreamed into regular services", "Changed", "Ended"):
        assert label in body
    assert body.count("/checkin/") == 4


def test_never_asked_twice_for_the_same_period(published):
    _ask("2027-01-11 12:00")
    assert checkins_send(now=at("2027-01-11 12:00")).asked == 0
    assert checkins_send(now=at("2027-06-01 12:00")).asked == 0
    # Still unanswered a year later: the open question stands, no second one.
    assert checkins_send(now=at("2028-02-01 12:00")).asked == 0
    assert CheckIn.objects.count() == 1
    assert len(mail.outbox) == 1


def test_after_an_answer_the_next_question_comes_a_year_later(published, member):
    checkin = _ask("2027-01-11 12:00")
    checkin_answer(checkin=checkin, user=member, answer="still_running", now=at("2027-01-20 10:00"))
    assert checkins_send(now=at("2028-01-19 12:00")).asked == 0
    second = _ask("2028-01-21 12:00")
    assert str(second.due_on) == "2028-01-20"
    assert CheckIn.objects.count() == 2


def test_the_command_takes_a_date_and_is_idempotent(published):
    out = StringIO()
    call_command("send_checkins", "--now", "2027-12-01", stdout=out)
    assert "1 asked" in out.getvalue()
    out = StringIO()
    call_command("send_checkins", "--now", "2027-12-01", stdout=out)
    assert "0 asked" in out.getvalue()
    assert CheckIn.objects.count() == 1
    with pytest.raises(CommandError):
        call_command("send_checkins", "--now", "next tuesday", stdout=StringIO())


def test_members_who_want_no_email_get_the_notification_only(published, member):
    user_set_email_frequency(user=member, frequency="none")
    _ask("2027-01-11 12:00")
    assert Notification.objects.filter(recipient=member, kind="checkin").exists()
    assert mail.outbox == []


def test_drafts_and_hidden_practices_are_not_asked(practice_factory):
    practice_factory(status="draft", published_at=None)
    practice_factory(published_at=at("2026-01-10 09:00"), hidden_at=at("2026-02-01 09:00"))
    assert checkins_send(now=at("2027-06-01 12:00")).asked == 0


# --- Answering on the site -----------------------------------------------------------------


def test_the_author_answers_in_one_click_on_the_practice_page(client_for, published, member):
    checkin = _ask("2027-01-11 12:00")
    client = client_for(member)
    page = client.get(published.get_absolute_url()).content.decode()
    assert "Is this practice still running?" in page
    url = reverse("practices:checkin_answer", kwargs={"pk": checkin.pk})
    response = client.post(url, {"answer": "mainstreamed", "note": "Now part of the city's offer"})
    assert response.status_code == 302
    checkin.refresh_from_db()
    assert checkin.answer == "mainstreamed" and checkin.answered_at is not None
    page = client.get(published.get_absolute_url()).content.decode()
    assert "Mainstreamed into regular services</span> checked in" in page
    assert "Is this practice still running?" not in page
    assert Notification.objects.get(kind="checkin").read_at is not None


def test_only_the_author_can_check_in(client_for, published, other_member, moderator):
    checkin = _ask("2027-01-11 12:00")
    url = reverse("practices:checkin_answer", kwargs={"pk": checkin.pk})
    for user in (other_member, moderator):
        assert client_for(user).post(url, {"answer": "ended"}).status_code == 403
        with pytest.raises(Exception) as refused:
            checkin_answer(checkin=checkin, user=user, answer="ended")
        assert refused.type.__name__ == "PermissionDenied"
    assert "Is this practice still running?" not in (
        client_for(other_member).get(published.get_absolute_url()).content.decode()
    )
    checkin.refresh_from_db()
    assert checkin.answered_at is None


def test_a_bad_answer_changes_nothing(client_for, published, member):
    checkin = _ask("2027-01-11 12:00")
    url = reverse("practices:checkin_answer", kwargs={"pk": checkin.pk})
    response = client_for(member).post(url, {"answer": "thriving"}, follow=True)
    assert "Choose one of the four answers." in response.content.decode()
    checkin.refresh_from_db()
    assert checkin.answered_at is None and checkin.answer == ""


# --- The e-mail link -----------------------------------------------------------------------


def _link(checkin: CheckIn, answer: str = "still_running") -> str:
    return reverse(
        "practices:checkin_link", kwargs={"token": checkin_token(checkin=checkin, answer=answer)}
    )


def test_the_email_link_answers_without_logging_in(client, published):
    checkin = _ask("2027-01-11 12:00")
    url = _link(checkin, "changed")
    page = client.get(url)
    assert page.status_code == 200
    assert "Answer “Changed”" in page.content.decode()
    checkin.refresh_from_db()
    assert checkin.answered_at is None  # opening the link changes nothing
    done = client.post(url, {"note": "Smaller groups now"})
    assert done.status_code == 200
    checkin.refresh_from_db()
    assert (checkin.answer, checkin.note) == ("changed", "Smaller groups now")
    shown = client.get(published.get_absolute_url()).content.decode()
    assert "Changed</span> checked in" in shown and "Smaller groups now" in shown


def test_the_link_in_the_email_is_the_one_that_works(client, published):
    _ask("2027-01-11 12:00")
    (message,) = mail.outbox
    link = next(line for line in message.body.splitlines() if "/checkin/" in line)
    path = link.split("127.0.0.1:8000", 1)[1] if "127.0.0.1:8000" in link else link
    assert client.get(path.strip()).status_code == 200


def test_a_used_link_shows_a_clear_page_and_changes_nothing(client, published):
    checkin = _ask("2027-01-11 12:00")
    client.post(_link(checkin, "still_running"))
    again = client.post(_link(checkin, "ended"))
    assert again.status_code == 400
    assert "answered already" in again.content.decode()
    assert client.get(_link(checkin, "ended")).status_code == 400
    checkin.refresh_from_db()
    assert checkin.answer == "still_running"


def test_a_tampered_link_shows_a_clear_page_and_changes_nothing(client, published):
    checkin = _ask("2027-01-11 12:00")
    token = checkin_token(checkin=checkin, answer="ended")
    tampered = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    for bad in (tampered, "nonsense", unsubscribe_token(user=checkin.author)):
        url = reverse("practices:checkin_link", kwargs={"token": bad})
        for response in (client.get(url), client.post(url)):
            assert response.status_code == 400
            assert "This link does not work" in response.content.decode()
    # Signed properly but naming another answer than the four: refused too.
    forged = signing.TimestampSigner(salt="practices.transfer.checkin").sign_object(
        {"c": checkin.pk, "a": "thriving", "p": "checkin"}
    )
    assert (
        client.post(reverse("practices:checkin_link", kwargs={"token": forged})).status_code == 400
    )
    checkin.refresh_from_db()
    assert checkin.answered_at is None


def test_an_expired_link_shows_a_clear_page_and_changes_nothing(client, settings, published):
    settings.CHECKIN_LINK_MAX_AGE_DAYS = 30
    checkin = _ask("2027-01-11 12:00")
    with mock.patch("django.core.signing.time.time", return_value=1_000_000_000):
        token = checkin_token(checkin=checkin, answer="ended")
    url = reverse("practices:checkin_link", kwargs={"token": token})
    response = client.post(url)
    assert response.status_code == 400
    assert "This link has expired" in response.content.decode()
    checkin.refresh_from_db()
    assert checkin.answered_at is None


# --- Not recently confirmed ----------------------------------------------------------------


def test_no_answer_after_three_months_marks_the_practice(client, member, practice_factory):
    old = practice_factory(
        author=member, title="Asked long ago", published_at=at("2024-03-01 09:00")
    )
    _ask("2025-03-05 12:00")  # more than three months before today
    answered = practice_factory(title="Answered in time", published_at=at("2024-03-01 09:00"))
    checkin = _ask("2025-03-06 12:00")
    checkin_answer(
        checkin=checkin, user=answered.author, answer="ended", now=at("2025-03-07 09:00")
    )
    page = client.get(old.get_absolute_url()).content.decode()
    assert "Not recently confirmed" in page
    assert "Not recently confirmed" not in client.get(answered.get_absolute_url()).content.decode()
    listing = client.get(reverse("practices:list"), {"unconfirmed": "true"}).context["listing"]
    assert [p.title for p in listing.page.items] == ["Asked long ago"]
    active = [f"{label}: {value}" for label, value in listing.active_filters]
    assert active == ["Not recently confirmed: yes"]


def test_a_recent_question_does_not_mark_the_practice(client, member, practice_factory):
    practice = practice_factory(author=member, published_at=timezone.now() - timedelta(days=400))
    assert checkins_send().asked == 1
    page = client.get(practice.get_absolute_url()).content.decode()
    assert "Not recently confirmed" not in page
    listing = client.get(reverse("practices:list"), {"unconfirmed": "true"}).context["listing"]
    assert listing.page.items == []


def test_the_unconfirmed_filter_costs_the_same_queries_at_two_sizes(
    client, settings, practice_factory
):
    settings.PRACTICE_LISTING_CACHE_SECONDS = 0

    def add(n: int) -> None:
        for _ in range(n):
            practice_factory(published_at=at("2020-01-01 09:00"))
        checkins_send(now=at("2021-02-01 09:00"))

    def count() -> int:
        # Rows made beside the services drop nothing: measure the page as first rendered.
        cache.clear()
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("practices:list"), {"unconfirmed": "true"})
        assert response.status_code == 200
        return len(ctx.captured_queries)

    add(2)
    few = count()
    add(25)
    assert count() == few
