"""Reporting an adaptation: once per member, never one's own, and resolved like any item —
hiding it through the queue hides the adaptation and tells its reporters."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from practices.models import Adaptation, ModerationAction, Notification, NotificationKind, Report
from practices.services.reports import report_create, report_resolve
from practices.services.transfer import adaptation_create, adaptation_hide
from tests.practices.test_adaptations import DATA

pytestmark = pytest.mark.django_db


@pytest.fixture
def adaptation(practice_factory, member, other_member):
    original = practice_factory(author=member, title="Teacher tandems")
    return adaptation_create(original=original, author=other_member, data=dict(DATA))


def test_a_member_reports_an_adaptation_from_the_practice_page(
    client_for, adaptation, user_factory
):
    reader = user_factory(display_name="Lena Vogel")
    client = client_for(reader)
    page = client.get(adaptation.original.get_absolute_url()).content.decode()
    url = reverse("moderation:report_adaptation", kwargs={"pk": adaptation.pk})
    assert f'href="{url}"' in page
    form = client.get(url)
    assert form.status_code == 200 and "<strong>four schools</strong>" in form.content.decode()
    response = client.post(url, {"reason": "spam", "note": "An advert"})
    assert response["Location"].endswith(f"#adaptation-{adaptation.pk}")
    report = Report.objects.get()
    assert (report.adaptation_id, report.practice_id, report.comment_id) == (
        adaptation.pk,
        adaptation.original_id,
        None,
    )


def test_an_adaptation_report_is_not_a_report_of_the_practice(adaptation, user_factory):
    reader = user_factory()
    report_create(reporter=reader, adaptation=adaptation, reason="spam")
    # The practice itself can still be reported by the same member, once.
    report_create(reporter=reader, practice=adaptation.original, reason="abuse")
    with pytest.raises(ValidationError, match="already reported"):
        report_create(reporter=reader, adaptation=adaptation, reason="abuse")
    assert Report.objects.count() == 2


def test_nobody_reports_their_own_adaptation_or_a_hidden_one(
    adaptation, other_member, moderator, user_factory, client_for
):
    with pytest.raises(ValidationError, match="your own adaptation"):
        report_create(reporter=other_member, adaptation=adaptation, reason="spam")
    url = reverse("moderation:report_adaptation", kwargs={"pk": adaptation.pk})
    assert client_for(other_member).get(url).status_code == 403
    adaptation_hide(adaptation=adaptation, moderator=moderator, reason="Advert")
    adaptation.refresh_from_db()
    reader = user_factory()
    with pytest.raises(ValidationError, match="already hid this adaptation"):
        report_create(reporter=reader, adaptation=adaptation, reason="spam")
    assert client_for(reader).get(url).status_code == 404
    assert Report.objects.count() == 0


def test_visitors_are_sent_to_log_in_and_bad_input_changes_nothing(
    client, client_for, adaptation, user_factory
):
    url = reverse("moderation:report_adaptation", kwargs={"pk": adaptation.pk})
    assert client.post(url, {"reason": "spam"})["Location"].startswith("/accounts/login/")
    response = client_for(user_factory()).post(url, {"reason": "other", "note": ""})
    assert response.status_code == 400
    assert "you chose “Other”" in response.content.decode()
    assert client_for(user_factory()).get("/report/adaptation/999999/").status_code == 404
    assert Report.objects.count() == 0


def test_hiding_through_the_queue_hides_the_adaptation_and_tells_each_reporter(
    adaptation, moderator, user_factory, client_for
):
    first, second = user_factory(), user_factory(language="fr")
    report_create(reporter=first, adaptation=adaptation, reason="spam")
    report_create(reporter=second, adaptation=adaptation, reason="abuse")
    queue = client_for(moderator).get(reverse("moderation:reports")).content.decode()
    action = reverse("moderation:reported_adaptation", kwargs={"pk": adaptation.pk})
    assert f'action="{action}"' in queue and "Adaptation by Jonas Berg in Lyon" in queue
    response = client_for(moderator).post(action, {"resolution": "hidden", "reason": "Advert"})
    assert response.status_code == 302
    adaptation.refresh_from_db()
    assert adaptation.hidden_at is not None
    assert (
        adaptation.original.__class__.objects.get(pk=adaptation.original_id).adaptation_count == 0
    )
    assert not Report.objects.filter(resolved_at__isnull=True).exists()
    told = Notification.objects.filter(kind=NotificationKind.REPORT_RESOLVED)
    assert {n.recipient_id for n in told} == {first.pk, second.pk}
    english = told.get(recipient=first).message
    assert english.startswith(
        "Your report of an adaptation of “Teacher tandems”: The moderators hid it."
    )
    french = told.get(recipient=second).message
    assert french.startswith("Votre signalement d’une adaptation de «\xa0Teacher tandems\xa0»")
    actions = set(ModerationAction.objects.values_list("action", flat=True))
    assert {"adaptation.hide", "report.resolve"} <= actions


def test_reports_of_an_adaptation_already_hidden_are_resolved_without_hiding_twice(
    adaptation, moderator, user_factory
):
    report_create(reporter=user_factory(), adaptation=adaptation, reason="spam")
    adaptation_hide(adaptation=adaptation, moderator=moderator, reason="Advert")
    resolved = report_resolve(
        moderator=moderator, adaptation=adaptation, resolution="hidden", reason="Done already"
    )
    assert len(resolved) == 1
    assert ModerationAction.objects.filter(action="adaptation.hide").count() == 1
    assert Adaptation.objects.get(pk=adaptation.pk).hidden_at is not None


def test_members_cannot_reach_the_adaptation_queue(client_for, adaptation, user_factory):
    report_create(reporter=user_factory(), adaptation=adaptation, reason="spam")
    action = reverse("moderation:reported_adaptation", kwargs={"pk": adaptation.pk})
    response = client_for(user_factory()).post(action, {"resolution": "hidden", "reason": "x"})
    assert response.status_code in (403, 404)
    assert Adaptation.objects.get(pk=adaptation.pk).hidden_at is None
