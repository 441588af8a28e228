"""The approval queue: a new member's first practice waits for a moderator before it is
public (PRACTICE_APPROVAL_FIRST, on by default)."""

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from practices.models import Notification, NotificationKind, Practice, Status
from practices.services import notifications
from practices.services.moderation import practice_approve, practice_reject
from practices.services.practices import practice_create, practice_publish
from tests.practices.moderation_fixtures import log_entries
from tests.practices.test_practice_views import form_data

pytestmark = pytest.mark.django_db


def data(title="Homework club in the mosque") -> dict:
    return {
        "title": title,
        "summary": "Volunteers help pupils with homework after Friday prayers.",
        "description": "Twice a week, **two hours**.",
        "country": "BE",
        "city": "Antwerp",
        "organisation": "Noord Youth Association",
        "organisation_type": "migrant_org",
        "area": "education",
        "stage": "running",
    }


@pytest.fixture
def fanouts(monkeypatch):
    """The practices whose tag followers were told."""
    told: list[int] = []
    monkeypatch.setattr(
        notifications, "practice_published_fanout", lambda *, practice: told.append(practice.pk)
    )
    return told


def test_approval_of_a_first_practice_is_on_by_default():
    assert django_settings.PRACTICE_APPROVAL_FIRST is True


def test_a_new_members_first_practice_waits_for_approval(member, fanouts, client):
    practice = practice_create(author=member, data=data(), publish=True)
    assert practice.status == Status.PENDING and practice.published_at is None
    assert not Practice.objects.visible().filter(pk=practice.pk).exists()
    assert fanouts == []
    assert client.get(practice.get_absolute_url()).status_code == 404
    # Publishing again while it waits changes nothing.
    practice_publish(practice=practice, user=member)
    assert Practice.objects.get(pk=practice.pk).status == Status.PENDING


def test_approval_publishes_tells_followers_and_the_author(member, moderator, fanouts, client):
    practice = practice_create(author=member, data=data(), publish=True)
    practice_approve(practice=practice, moderator=moderator)
    stored = Practice.objects.get(pk=practice.pk)
    assert stored.status == Status.PUBLISHED and stored.published_at is not None
    assert fanouts == [practice.pk]
    assert Notification.objects.get(recipient=member).kind == NotificationKind.PRACTICE_APPROVED
    assert log_entries() == [(moderator.pk, "practice.approve", "practice", practice.pk, "")]
    assert client.get(stored.get_absolute_url()).status_code == 200
    with pytest.raises(ValidationError, match="not waiting"):
        practice_approve(practice=stored, moderator=moderator)
    # Once one practice is approved, the member publishes directly.
    second = practice_create(author=member, data=data("Reading buddies"), publish=True)
    assert second.status == Status.PUBLISHED
    assert fanouts == [practice.pk, second.pk]


def test_sending_back_makes_a_draft_and_tells_the_author_why(member, moderator, fanouts):
    practice = practice_create(author=member, data=data(), publish=True)
    with pytest.raises(ValidationError) as no_reason:
        practice_reject(practice=practice, moderator=moderator, reason=" ")
    assert "reason" in no_reason.value.message_dict
    practice_reject(practice=practice, moderator=moderator, reason="Please add results.")
    stored = Practice.objects.get(pk=practice.pk)
    assert stored.status == Status.DRAFT and stored.published_at is None
    note = Notification.objects.get(recipient=member)
    assert note.kind == NotificationKind.MODERATION and "Please add results." in note.message
    assert fanouts == []
    # Published again, it waits again.
    practice_publish(practice=stored, user=member)
    assert Practice.objects.get(pk=practice.pk).status == Status.PENDING


def test_moderators_and_trusted_members_publish_directly(
    moderator, member, practice_factory, fanouts
):
    by_moderator = practice_create(author=moderator, data=data(), publish=True)
    assert by_moderator.status == Status.PUBLISHED
    practice_factory(author=member)  # an earlier, published practice
    assert practice_create(author=member, data=data("Second"), publish=True).is_published


def test_a_hidden_earlier_practice_does_not_make_a_member_trusted(member, practice_factory):
    practice_factory(author=member, hidden_at=timezone.now())
    assert practice_create(author=member, data=data(), publish=True).status == Status.PENDING


def test_the_setting_off_publishes_first_practices_directly(settings, member):
    settings.PRACTICE_APPROVAL_FIRST = False
    assert practice_create(author=member, data=data(), publish=True).is_published


def test_the_author_is_told_the_practice_waits(member_client, member):
    response = member_client.post(
        reverse("practices:create"), {**form_data(), "action": "publish"}, follow=True
    )
    html = response.content.decode()
    assert "A moderator looks at a new member's first practice" in html
    assert "Waiting for approval" in html
    practice = Practice.objects.get(author=member)
    assert practice.status == Status.PENDING
    assert reverse("practices:publish", args=[practice.pk]) not in html


def test_the_approvals_page_approves_and_sends_back(client_for, moderator, member, fanouts):
    first = practice_create(author=member, data=data(), publish=True)
    client = client_for(moderator)
    page = client.get(reverse("moderation:approvals")).content.decode()
    assert first.title in page
    approve = reverse("moderation:practice_action", args=[first.pk, "approve"])
    assert approve in page
    response = client.post(approve, {"next": reverse("moderation:approvals")})
    assert response.status_code == 302 and response.url == reverse("moderation:approvals")
    assert Practice.objects.get(pk=first.pk).is_published

    other = practice_create(author=member, data=data("Other"), publish=True)
    assert other.is_published  # the member is trusted now


def test_send_back_asks_for_a_reason_on_its_own_page(client_for, moderator, user_factory):
    newcomer = user_factory()
    practice = practice_create(author=newcomer, data=data(), publish=True)
    client = client_for(moderator)
    url = reverse("moderation:practice_action", args=[practice.pk, "reject"])
    page = client.get(url)
    assert page.status_code == 200 and 'name="reason"' in page.content.decode()
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 400 and "This field is required" in refused.content.decode()
    assert Practice.objects.get(pk=practice.pk).status == Status.PENDING
    assert client.post(url, {"reason": "Needs results"}).status_code == 302
    assert Practice.objects.get(pk=practice.pk).status == Status.DRAFT


def test_the_approvals_page_costs_the_same_queries_at_two_sizes(
    client_for, moderator, practice_factory, django_assert_num_queries
):
    client = client_for(moderator)
    url = reverse("moderation:approvals")
    practice_factory(status="pending", published_at=None)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(30):
        practice_factory(status="pending", published_at=None)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count('class="mod-item"') == 20


def test_the_header_counts_what_waits_for_moderators(client_for, moderator, practice_factory):
    practice_factory(status="pending", published_at=None)
    practice_factory(status="pending", published_at=None)
    html = client_for(moderator).get("/").content.decode()
    assert '<span class="nav-count">2<span class="visually-hidden"> waiting</span>' in html
