"""E-mail: digests (contents, emptiness, never twice), one e-mail per notification for
"right away", the one-click unsubscribe, and the e-mail preference page."""

import re
from datetime import UTC, datetime, timedelta
from io import StringIO
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core import mail, signing
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone, translation

from accounts.models import User
from practices.models import Comment, DigestDelivery, Notification, Tag, TagFollow
from practices.services import emails
from practices.services.emails import (
    UNSUBSCRIBE_SALT,
    digest_period,
    digests_send,
    notification_emails_send,
    unsubscribe_token,
)

pytestmark = pytest.mark.django_db

BRUSSELS = ZoneInfo("Europe/Brussels")
# A Wednesday morning; yesterday is Tuesday 13 May, last week is 5 to 11 May 2025.
NOW = datetime(2025, 5, 14, 6, 0, tzinfo=BRUSSELS)
YESTERDAY = datetime(2025, 5, 13, 15, 0, tzinfo=BRUSSELS)
LAST_WEEK = datetime(2025, 5, 7, 10, 0, tzinfo=BRUSSELS)


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = "https://exchange.example.org"
    settings.SITE_NAME = "Practice Exchange"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def quiet_practice(practice_factory, user_factory):
    """practice_factory whose authors want no e-mail, so that only the members a test is
    about get digests."""
    quiet = user_factory(display_name="Quiet Author", email_frequency="none")

    def make(**kwargs):
        kwargs.setdefault("author", quiet)
        return practice_factory(**kwargs)

    return make


def notify(recipient, practice, *, kind="new_practice", when=YESTERDAY, comment=None, **extra):
    notification = Notification.objects.create(
        recipient=recipient,
        kind=kind,
        practice=practice,
        comment=comment,
        actor=extra.pop("actor", None),
        dedupe_key=extra.pop("dedupe_key", f"test:{Notification.objects.count()}"),
        **extra,
    )
    Notification.objects.filter(pk=notification.pk).update(created_at=when)
    return notification


def a_comment(practice, author, body="We did this in Lyon too."):
    seq = Comment.objects.filter(practice=practice).count() + 1
    return Comment.objects.create(
        practice=practice, author=author, seq=seq, changed_seq=seq, body=body, body_html=body
    )


# --- Periods ------------------------------------------------------------------------------


def test_daily_period_is_yesterday_and_weekly_the_last_iso_week_in_local_time():
    start, end = digest_period(frequency="daily", now=NOW)
    assert (start, end) == (
        datetime(2025, 5, 13, tzinfo=BRUSSELS),
        datetime(2025, 5, 14, tzinfo=BRUSSELS),
    )
    start, end = digest_period(frequency="weekly", now=NOW)
    assert (start, end) == (
        datetime(2025, 5, 5, tzinfo=BRUSSELS),
        datetime(2025, 5, 12, tzinfo=BRUSSELS),
    )
    # On a Monday the week just finished is the one sent.
    monday = datetime(2025, 5, 12, 0, 30, tzinfo=BRUSSELS)
    assert digest_period(frequency="weekly", now=monday)[0] == datetime(2025, 5, 5, tzinfo=BRUSSELS)


def test_a_day_with_a_clock_change_is_a_local_day():
    start, end = digest_period(frequency="daily", now=datetime(2025, 3, 31, 6, tzinfo=BRUSSELS))
    assert end.astimezone(UTC) - start.astimezone(UTC) == timedelta(hours=23)


# --- Digest contents ----------------------------------------------------------------------


@pytest.fixture
def weekly(user_factory):
    return user_factory(display_name="Sanne Verbeke", email="sanne@example.org")


def test_weekly_digest_tells_of_new_practices_and_discussions_the_member_follows(
    weekly, user_factory, quiet_practice
):
    author = user_factory(display_name="Tomasz Nowak", email_frequency="none")
    new = quiet_practice(
        author=author,
        title="Sixteen-week fast track",
        summary="Finnish and work from the first week.",
        city="Espoo",
        country="FI",
        tags=["language learning", "employment"],
    )
    discussed = quiet_practice(author=weekly, title="Teacher tandems")
    notify(weekly, new, when=LAST_WEEK, actor=author)
    for name in ("Hawa Diallo", "Jonas Berg"):
        commenter = user_factory(display_name=name, email_frequency="none")
        notify(
            weekly,
            discussed,
            kind="new_comment",
            comment=a_comment(discussed, commenter),
            actor=commenter,
            when=LAST_WEEK,
        )
    replier = user_factory(display_name="Mara Lindqvist", email_frequency="none")
    notify(
        weekly,
        discussed,
        kind="reply",
        comment=a_comment(discussed, replier),
        actor=replier,
        when=LAST_WEEK,
    )
    # Not in the period, and someone else's: neither is in the digest.
    notify(weekly, quiet_practice(title="Too old"), when=LAST_WEEK - timedelta(days=7))
    notify(
        user_factory(email_frequency="none"), quiet_practice(title="Someone else's"), when=LAST_WEEK
    )

    run = digests_send(now=NOW)
    assert run.sent == 1
    (message,) = mail.outbox
    assert message.to == ["sanne@example.org"]
    assert (
        message.subject == "[Practice Exchange] Your weekly digest: 1 new practice, 3 new comments"
    )
    text = message.body
    assert "5 May to 11 May 2025" in text
    assert "Sixteen-week fast track" in text and "Espoo, Finland" in text
    assert "language learning" in text
    assert (
        "Teacher tandems: 3 new comments by Hawa Diallo, Jonas Berg, Mara Lindqvist, 1 reply to you"
        in text
    )
    assert "Too old" not in text and "Someone else's" not in text
    assert f"https://exchange.example.org{new.get_absolute_url()}" in text
    html, mime = message.alternatives[0]
    assert mime == "text/html"
    assert "Sixteen-week fast track" in html and "New under your tags" in html
    delivery = DigestDelivery.objects.get(user=weekly)
    assert delivery.frequency == "weekly" and delivery.items == 4 and delivery.sent_at


def test_daily_digest_covers_yesterday_only(user_factory, quiet_practice):
    daily = user_factory(email_frequency="daily")
    notify(daily, quiet_practice(title="Yesterday's"), when=YESTERDAY)
    notify(daily, quiet_practice(title="The day before"), when=YESTERDAY - timedelta(days=1))
    digests_send(now=NOW)
    (message,) = mail.outbox
    assert "daily digest" in message.subject
    assert "Yesterday's" in message.body and "The day before" not in message.body
    assert "Tuesday 13 May" in message.body


def test_digest_leaves_out_practices_hidden_since_and_deleted_comments(
    weekly, quiet_practice, other_member
):
    hidden = quiet_practice(title="Spam", hidden_at=timezone.now())
    kept = quiet_practice(title="Kept")
    gone = a_comment(kept, other_member)
    Comment.objects.filter(pk=gone.pk).update(deleted_at=timezone.now())
    notify(weekly, hidden, when=LAST_WEEK)
    notify(weekly, kept, kind="new_comment", comment=gone, when=LAST_WEEK)
    run = digests_send(now=NOW)
    assert run.sent == 0
    assert mail.outbox == []
    assert DigestDelivery.objects.get(user=weekly).items == 0


def test_digest_escapes_what_members_typed_in_its_html(weekly, quiet_practice):
    practice = quiet_practice(title="<script>alert(1)</script>", summary="<b>bold</b>")
    notify(weekly, practice, when=LAST_WEEK)
    digests_send(now=NOW)
    html = mail.outbox[0].alternatives[0][0]
    assert "<script>alert(1)" not in html and "<b>bold</b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_an_empty_digest_is_not_sent_but_is_recorded(weekly):
    run = digests_send(now=NOW)
    assert (run.sent, run.empty) == (0, 1)
    assert mail.outbox == []
    delivery = DigestDelivery.objects.get(user=weekly)
    assert delivery.items == 0 and delivery.sent_at is None


def test_digests_never_send_the_same_period_twice(weekly, quiet_practice):
    notify(weekly, quiet_practice(), when=LAST_WEEK)
    assert digests_send(now=NOW).sent == 1
    again = digests_send(now=NOW + timedelta(hours=5))
    assert (again.sent, again.already) == (0, 1)
    assert len(mail.outbox) == 1
    # The next week is a new period.
    notify(weekly, quiet_practice(), when=NOW)
    assert digests_send(now=NOW + timedelta(days=7)).sent == 1


def test_a_period_claimed_by_a_run_at_the_same_time_is_left_to_it(weekly, quiet_practice):
    notify(weekly, quiet_practice(), when=LAST_WEEK)
    start, end = digest_period(frequency="weekly", now=NOW)
    DigestDelivery.objects.create(
        user=weekly, frequency="weekly", period_start=start, period_end=end
    )
    run = digests_send(now=NOW)
    assert (run.sent, run.already) == (0, 1)
    assert mail.outbox == []


def test_a_digest_that_could_not_be_sent_is_tried_again_next_run(weekly, quiet_practice):
    notify(weekly, quiet_practice(), when=LAST_WEEK)
    with mock.patch(
        "django.core.mail.backends.locmem.EmailBackend.send_messages",
        side_effect=ConnectionRefusedError("smtp down"),
    ):
        run = digests_send(now=NOW)
    assert run.failed == 1
    assert not DigestDelivery.objects.exists()
    assert digests_send(now=NOW).sent == 1


def test_only_members_who_want_a_digest_and_can_receive_it_get_one(user_factory, quiet_practice):
    practice = quiet_practice()
    wants_none = user_factory(email_frequency="none")
    immediate = user_factory(email_frequency="immediate")
    unverified = user_factory(email_verified=False)
    closed = user_factory(is_active=False)
    for user in (wants_none, immediate, unverified, closed):
        notify(user, practice, when=LAST_WEEK, dedupe_key=f"k{user.pk}")
    assert digests_send(now=NOW).sent == 0
    assert mail.outbox == []


def test_send_digests_command_reports_and_is_idempotent(weekly, quiet_practice):
    notify(weekly, quiet_practice(), when=LAST_WEEK)
    out = StringIO()
    call_command("send_digests", "--now", NOW.isoformat(), stdout=out)
    assert "weekly: 2025-05-05 to 2025-05-12, 1 sent" in out.getvalue()
    out = StringIO()
    call_command("send_digests", "--now", NOW.isoformat(), stdout=out)
    assert "0 sent, 0 empty, 1 sent before" in out.getvalue()
    assert len(mail.outbox) == 1
    with pytest.raises(CommandError):
        call_command("send_digests", "--now", "yesterday", stdout=StringIO())


# --- Every e-mail can unsubscribe ---------------------------------------------------------


def unsubscribe_path(message):
    url = re.search(r"https://exchange\.example\.org(/email/unsubscribe/[^/\s>]+/)", message.body)
    return url.group(1)


def test_digest_carries_the_list_unsubscribe_headers(weekly, quiet_practice):
    notify(weekly, quiet_practice(), when=LAST_WEEK)
    digests_send(now=NOW)
    message = mail.outbox[0]
    path = unsubscribe_path(message)
    assert message.extra_headers["List-Unsubscribe"] == f"<https://exchange.example.org{path}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert path in message.alternatives[0][0]


def test_the_unsubscribe_link_asks_first_and_changes_nothing_on_get(client, weekly):
    path = f"/email/unsubscribe/{unsubscribe_token(user=weekly)}/"
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert "s•••@example.org" in html and "sanne@example.org" not in html
    assert "Stop these e-mails" in html
    weekly.refresh_from_db()
    assert weekly.email_frequency == "weekly"


def test_one_click_unsubscribe_works_without_login_or_csrf_token(weekly):
    client = Client(enforce_csrf_checks=True)
    path = f"/email/unsubscribe/{unsubscribe_token(user=weekly)}/"
    response = client.post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert "E-mails stopped" in response.content.decode()
    weekly.refresh_from_db()
    assert weekly.email_frequency == "none"


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_tampered_unsubscribe_link_shows_a_clear_page_and_changes_nothing(
    client, weekly, other_member, method
):
    token = unsubscribe_token(user=weekly)
    # Another member's id with the first member's signature.
    forged = signing.TimestampSigner(salt=UNSUBSCRIBE_SALT).sign_object(
        {"u": other_member.pk, "p": "unsubscribe"}
    )
    tampered = forged.split(":")[0] + ":" + ":".join(token.split(":")[1:])
    for bad in (tampered, token[:-3] + "abc", "nonsense", token + "x"):
        response = getattr(client, method)(f"/email/unsubscribe/{bad}/")
        assert response.status_code == 400
        html = response.content.decode()
        assert "This link does not work" in html and "Nothing was changed." in html
    for user in (weekly, other_member):
        user.refresh_from_db()
        assert user.email_frequency == "weekly"


def test_a_token_for_another_purpose_does_not_unsubscribe(client, weekly):
    other = signing.TimestampSigner(salt=UNSUBSCRIBE_SALT).sign_object(
        {"u": weekly.pk, "p": "login"}
    )
    assert client.post(f"/email/unsubscribe/{other}/").status_code == 400
    weekly.refresh_from_db()
    assert weekly.email_frequency == "weekly"


def test_an_expired_unsubscribe_link_says_so_and_changes_nothing(client, settings, weekly):
    settings.UNSUBSCRIBE_LINK_MAX_AGE_DAYS = 60
    with mock.patch("django.core.signing.time.time", return_value=1_000_000_000):
        token = unsubscribe_token(user=weekly)
    response = client.post(f"/email/unsubscribe/{token}/")
    assert response.status_code == 400
    assert "This link has expired" in response.content.decode()
    weekly.refresh_from_db()
    assert weekly.email_frequency == "weekly"


# --- One e-mail per notification ("right away") -----------------------------------------------


@pytest.fixture
def immediate(user_factory):
    return user_factory(email_frequency="immediate", email="now@example.org")


def test_immediate_members_get_one_email_per_notification_once(
    immediate, user_factory, quiet_practice
):
    actor = user_factory(display_name="Hawa Diallo")
    practice = quiet_practice(title="Community health guides")
    comment = a_comment(practice, actor, body="@now see the figures for 2023")
    first = notify(
        immediate, practice, kind="mention", comment=comment, actor=actor, when=timezone.now()
    )
    second = notify(immediate, quiet_practice(title="Another"), when=timezone.now())
    weekly_member = user_factory()
    notify(weekly_member, practice, when=timezone.now())

    assert notification_emails_send() == 2
    subjects = sorted(message.subject for message in mail.outbox)
    assert subjects == [
        "[Practice Exchange] A member shared a practice under a tag you follow: “Another”",
        "[Practice Exchange] Hawa Diallo mentioned you in a comment on “Community health guides”",
    ]
    mention = next(m for m in mail.outbox if "mentioned" in m.subject)
    assert "see the figures for 2023" in mention.body
    assert (
        f"https://exchange.example.org{practice.get_absolute_url()}#comment-{comment.pk}"
        in mention.body
    )
    assert mention.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    for notification in (first, second):
        notification.refresh_from_db()
        assert notification.emailed_at is not None

    assert notification_emails_send() == 0
    assert len(mail.outbox) == 2


def test_each_member_is_written_to_in_their_own_language(user_factory, quiet_practice):
    french = user_factory(email_frequency="immediate", email="fr@example.org", language="fr")
    german = user_factory(email_frequency="immediate", email="de@example.org", language="de")
    actor = user_factory(display_name="Hawa Diallo")
    practice = quiet_practice(title="Community health guides")
    comment = a_comment(practice, actor, body="@everyone see the figures")
    for member in (french, german):
        notify(member, practice, kind="mention", comment=comment, actor=actor, when=timezone.now())
    # Sent from a command, where no request says which language: each recipient's own.
    with translation.override("en"):
        assert notification_emails_send() == 2
    by_address = {message.to[0]: message for message in mail.outbox}
    assert "Hawa Diallo a mentionné votre nom" in by_address["fr@example.org"].subject
    assert "Hawa Diallo hat Sie" in by_address["de@example.org"].subject
    assert 'lang="de"' in by_address["de@example.org"].alternatives[0][0]
    assert translation.get_language() == "en"


def test_read_or_old_notifications_are_not_emailed(immediate, quiet_practice):
    notify(immediate, quiet_practice(), when=timezone.now(), read_at=timezone.now())
    notify(immediate, quiet_practice(), when=timezone.now() - timedelta(days=2))
    assert notification_emails_send() == 0
    assert mail.outbox == []


def test_a_notification_email_that_failed_is_tried_again(immediate, quiet_practice):
    item = notify(immediate, quiet_practice(), when=timezone.now())
    with mock.patch(
        "django.core.mail.backends.locmem.EmailBackend.send_messages",
        side_effect=ConnectionRefusedError("smtp down"),
    ):
        assert notification_emails_send() == 0
    item.refresh_from_db()
    assert item.emailed_at is None
    assert notification_emails_send() == 1


def test_send_notification_emails_command(immediate, quiet_practice):
    notify(immediate, quiet_practice(), when=timezone.now())
    out = StringIO()
    call_command("send_notification_emails", stdout=out)
    assert out.getvalue().strip() == "1 notification e-mail sent."


# --- The e-mail preference page -----------------------------------------------------------


def test_email_preference_page_shows_and_saves_the_choice(member_client, member):
    html = member_client.get("/notifications/email/").content.decode()
    assert (
        'value="weekly" id="id_email_frequency_3" aria-describedby="id_email_frequency_3-help" checked'
        in html
    )
    assert "One e-mail on Mondays about the week before." in html
    response = member_client.post(
        "/notifications/email/", {"email_frequency": "daily"}, follow=True
    )
    assert "Your e-mail preference is saved." in response.content.decode()
    member.refresh_from_db()
    assert member.email_frequency == "daily"


@pytest.mark.parametrize("value", ["hourly", "", "NONE"])
def test_a_preference_outside_the_choices_is_a_form_error(member_client, member, value):
    response = member_client.post("/notifications/email/", {"email_frequency": value})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="email-frequency-errors"' in html
    assert 'aria-describedby="email-frequency-errors"' in html
    member.refresh_from_db()
    assert member.email_frequency == "weekly"


def test_email_preference_needs_login_and_csrf(client, member):
    assert client.get("/notifications/email/").status_code == 302
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(member)
    assert strict.post("/notifications/email/", {"email_frequency": "none"}).status_code == 403
    member.refresh_from_db()
    assert member.email_frequency == "weekly"


# --- As a new member would try it -----------------------------------------------------------


def test_follow_a_tag_hear_of_a_practice_in_the_digest_and_stop_with_one_click(
    settings, client_for, user_factory, django_capture_on_commit_callbacks
):
    settings.PRACTICE_APPROVAL_FIRST = False
    newcomer = user_factory(display_name="Newcomer", email="newcomer@example.org")
    poster = user_factory(display_name="Poster")
    # A tag exists once someone used it.
    from practices.services.practices import practice_create

    def share(title):
        return practice_create(
            author=poster,
            data={
                "title": title,
                "summary": "s",
                "description": "d",
                "country": "BE",
                "city": "Ghent",
                "organisation": "School",
                "organisation_type": "school",
                "area": "language",
            },
            tags=["language learning"],
            publish=True,
        )

    share("First one")
    me = client_for(newcomer)
    me.post("/follows/tags/language-learning/", {"action": "follow"})
    assert TagFollow.objects.filter(user=newcomer, tag=Tag.objects.get(slug="language-learning"))

    with django_capture_on_commit_callbacks(execute=True):
        practice = share("Conversation tables in the library")
    assert ">1</span>" in me.get("/").content.decode()
    # Next Monday's run sends last week's digest, which tells of it.
    now = timezone.now() + timedelta(days=7)
    assert digests_send(frequencies=("weekly",), now=now).sent == 1
    (message,) = mail.outbox
    assert "Conversation tables in the library" in message.body
    assert practice.get_absolute_url() in message.body

    # One click in the e-mail (as a mail program does it: POST, no session, no CSRF token).
    path = unsubscribe_path(message)
    assert Client(enforce_csrf_checks=True).post(path).status_code == 200
    assert User.objects.get(pk=newcomer.pk).email_frequency == "none"
    share("Another one")
    assert digests_send(frequencies=("weekly",), now=now + timedelta(days=7)).sent == 0
    assert len(mail.outbox) == 1
    assert emails.unsubscribe_member(token=path.split("/")[-2]).pk == newcomer.pk
