from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command
from django.urls import reverse

from accounts.models import Role, User
from practices.demo import PRACTICES
from practices.models import Area, Practice, PracticeRevision, Tag, TaggedPractice

pytestmark = pytest.mark.django_db

DEMO_LOGINS = {
    "teacher@example.org": Role.TEACHER,
    "city@example.org": Role.CITY,
    "ngo@example.org": Role.NGO,
    "moderator@example.org": Role.RESEARCHER,
}


def _seed() -> None:
    call_command("seed_demo", stdout=StringIO())


def _snapshot() -> dict:
    return {
        "users": sorted(User.objects.values_list("email", "password", "moderator", "last_login")),
        "addresses": sorted(EmailAddress.objects.values_list("email", "verified", "primary")),
        "practices": sorted(
            Practice.objects.values_list("title", "updated_at", "featured_at", "validated_at")
        ),
        "revisions": PracticeRevision.objects.count(),
        "tags": Tag.objects.count(),
        "tagged": TaggedPractice.objects.count(),
    }


def test_seed_creates_verified_demo_members_who_can_log_in(client):
    _seed()
    for email, role in DEMO_LOGINS.items():
        user = User.objects.get(email=email)
        assert user.role == role
        assert user.email_verified and user.can_post
        address = EmailAddress.objects.get(user=user)
        assert address.verified and address.primary and address.email == email
    assert User.objects.get(email="moderator@example.org").is_moderator
    assert not User.objects.get(email="teacher@example.org").is_moderator

    response = client.post(
        reverse("account_login"), {"login": "teacher@example.org", "password": "exchange-demo"}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(User.objects.get(email="teacher@example.org").pk)


def test_seed_publishes_a_dozen_complete_practices_covering_every_area():
    _seed()
    practices = list(Practice.objects.visible().prefetch_related("tags", "target_groups"))
    assert len(practices) == len(PRACTICES) >= 12
    assert {p.area for p in practices} == set(Area.values)
    for practice in practices:
        assert practice.summary and practice.challenge and practice.transfer_tips
        assert "<li>" in practice.rendered["description"], practice.title
        assert any(ch.isdigit() for ch in practice.results), practice.title
        assert practice.resources and practice.difficulties
        assert practice.tags.all() and practice.target_groups.all()
        assert practice.country and practice.city and practice.organisation
        assert practice.started_on is not None
        assert practice.revisions.count() == 1
    assert Practice.objects.filter(featured_at__isnull=False).count() == 2
    assert Practice.objects.filter(validated_at__isnull=False).count() == 1
    assert {p.author.email for p in practices} == {
        "teacher@example.org",
        "city@example.org",
        "ngo@example.org",
    }


def test_seed_twice_changes_nothing_the_second_time():
    _seed()
    first = _snapshot()
    _seed()
    assert _snapshot() == first


def test_seed_leaves_existing_members_and_edited_practices_alone(user_factory):
    user_factory(email="teacher@example.org", display_name="Changed name", role=Role.OTHER)
    _seed()
    teacher = User.objects.get(email="teacher@example.org")
    assert teacher.display_name == "Changed name"
    Practice.objects.filter(title=PRACTICES[0]["title"]).update(summary="Edited by the author.")
    _seed()
    assert Practice.objects.filter(title=PRACTICES[0]["title"]).get().summary == (
        "Edited by the author."
    )
    assert Practice.objects.count() == len(PRACTICES)


def test_seed_restores_the_target_groups_of_a_flushed_database():
    from practices.models import TargetGroup
    from practices.services.target_groups import TARGET_GROUPS

    TargetGroup.objects.all().delete()
    _seed()
    assert sorted(TargetGroup.objects.values_list("slug", flat=True)) == sorted(
        slug for slug, _ in TARGET_GROUPS
    )
    assert Practice.objects.filter(target_groups__slug="pupils").exists()
