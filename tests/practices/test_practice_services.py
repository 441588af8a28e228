from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from practices.models import Practice, Status, TargetGroup
from practices.services.practices import (
    practice_create,
    practice_may_edit,
    practice_publish,
    practice_update,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _publish_directly(settings):
    """These tests are about publishing itself; a new member's first practice waiting for
    approval (PRACTICE_APPROVAL_FIRST) is tested in test_moderation_approval.py."""
    settings.PRACTICE_APPROVAL_FIRST = False


def data(**overrides) -> dict:
    values = {
        "title": "Buddy programme for new teachers",
        "summary": "Experienced teachers pair with colleagues new to migrant pupils.",
        "description": "Pairs meet **twice a month**.",
        "challenge": "",
        "results": "",
        "resources": "",
        "difficulties": "",
        "transfer_tips": "",
        "country": "NL",
        "city": "Rotterdam",
        "organisation": "Rotterdam schools",
        "organisation_type": "school",
        "area": "education",
        "stage": "pilot",
        "still_running": False,
        "started_on": date(2023, 9, 1),
        "ended_on": None,
        "links": ["https://example.org/buddy"],
    }
    values.update(overrides)
    return values


def test_create_saves_a_draft_with_rendered_markdown_tags_groups_and_a_revision(member):
    groups = list(TargetGroup.objects.filter(slug__in=["professionals", "pupils"]))
    practice = practice_create(
        author=member, data=data(), tags="Teacher training, mentoring", target_groups=groups
    )
    practice.refresh_from_db()
    assert practice.status == Status.DRAFT and practice.published_at is None
    assert practice.slug == "buddy-programme-for-new-teachers"
    assert practice.rendered["description"] == "<p>Pairs meet <strong>twice a month</strong>.</p>\n"
    assert sorted(practice.tags.names()) == ["mentoring", "teacher training"]
    revision = practice.revisions.get()
    assert revision.number == 1 and revision.editor == member
    assert revision.data["title"] == "Buddy programme for new teachers"
    assert revision.data["tags"] == ["teacher training", "mentoring"]
    assert revision.data["target_groups"] == ["professionals", "pupils"]
    assert revision.data["started_on"] == "2023-09-01"


def test_markdown_is_sanitised_and_raw_html_kept_as_text(member):
    practice = practice_create(
        author=member,
        data=data(
            description="<script>alert(1)</script> [click](javascript:alert(2)) [ok](https://example.org)"
        ),
    )
    html = practice.rendered["description"]
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'href="javascript:' not in html
    assert '<a href="https://example.org" rel="nofollow noopener ugc">ok</a>' in html


def test_create_and_publish_at_once(member):
    practice = practice_create(author=member, data=data(), publish=True)
    assert practice.is_published
    assert practice.published_at is not None and practice.last_activity_at == practice.published_at


def test_create_refuses_unverified_and_suspended_members(user_factory):
    unverified = user_factory(email_verified=False)
    suspended = user_factory(suspended_until=timezone.now() + timedelta(days=1))
    for user in (unverified, suspended):
        with pytest.raises(PermissionDenied):
            practice_create(author=user, data=data())
    assert not Practice.objects.exists()


def test_create_with_bad_tags_or_fields_saves_nothing(member):
    with pytest.raises(ValidationError):
        practice_create(author=member, data=data(), tags=[f"t{i}" for i in range(11)])
    with pytest.raises(ValidationError):
        practice_create(author=member, data=data(), tags=["x" * 70])
    with pytest.raises(ValidationError) as error:
        practice_create(author=member, data=data(title="t" * 300))
    assert "title" in error.value.error_dict
    with pytest.raises(ValidationError) as error:
        practice_create(author=member, data=data(country="XX"))
    assert "country" in error.value.error_dict
    assert not Practice.objects.exists()


def test_still_running_clears_the_end_date(member):
    practice = practice_create(
        author=member, data=data(still_running=True, ended_on=date(2024, 6, 1))
    )
    assert practice.ended_on is None


def test_publish_is_for_the_author_only_and_happens_once(member, other_member, moderator):
    practice = practice_create(author=member, data=data())
    for user in (other_member, moderator):
        with pytest.raises(PermissionDenied):
            practice_publish(practice=practice, user=user)
    practice_publish(practice=practice, user=member)
    first = Practice.objects.get(pk=practice.pk).published_at
    practice_publish(practice=practice, user=member)
    assert Practice.objects.get(pk=practice.pk).published_at == first


def test_update_keeps_every_earlier_version(member):
    practice = practice_create(author=member, data=data(), tags="mentoring")
    practice_update(
        practice=practice,
        editor=member,
        data={"summary": "A shorter summary.", "description": "Pairs meet *weekly*."},
        tags="mentoring, induction",
    )
    practice.refresh_from_db()
    assert practice.summary == "A shorter summary."
    assert practice.rendered["description"] == "<p>Pairs meet <em>weekly</em>.</p>\n"
    revisions = list(practice.revisions.order_by("number"))
    assert [r.number for r in revisions] == [1, 2]
    assert revisions[0].data["summary"].startswith("Experienced teachers")
    assert revisions[1].data["tags"] == ["mentoring", "induction"]


def test_update_leaves_tags_and_groups_alone_when_not_given(member):
    groups = list(TargetGroup.objects.filter(slug="pupils"))
    practice = practice_create(author=member, data=data(), tags="mentoring", target_groups=groups)
    practice_update(practice=practice, editor=member, data={"city": "Delft"})
    assert list(practice.tags.names()) == ["mentoring"]
    assert [g.slug for g in practice.target_groups.all()] == ["pupils"]


def test_only_author_and_moderators_may_edit(member, other_member, moderator):
    practice = practice_create(author=member, data=data())
    assert practice_may_edit(practice=practice, user=member)
    assert practice_may_edit(practice=practice, user=moderator)
    assert not practice_may_edit(practice=practice, user=other_member)
    with pytest.raises(PermissionDenied):
        practice_update(practice=practice, editor=other_member, data={"title": "Taken over"})
    practice_update(practice=practice, editor=moderator, data={"title": "Tidied title"})
    practice.refresh_from_db()
    assert practice.title == "Tidied title"
    assert practice.revisions.order_by("-number").first().editor == moderator


def test_bad_update_changes_nothing(member):
    practice = practice_create(author=member, data=data())
    with pytest.raises(ValidationError):
        practice_update(practice=practice, editor=member, data={"title": ""})
    practice.refresh_from_db()
    assert practice.title == "Buddy programme for new teachers"
    assert practice.revisions.count() == 1


@pytest.mark.services
def test_search_vector_is_stored_on_postgresql(member):
    assert connection.vendor == "postgresql"
    practice = practice_create(author=member, data=data(), publish=True)
    from practices.filters import search_query

    assert Practice.objects.filter(pk=practice.pk, search_vector=search_query("buddy")).exists()
    practice_update(practice=practice, editor=member, data={"title": "Tandem programme"})
    assert Practice.objects.filter(search_vector=search_query("tandem")).exists()
    assert not Practice.objects.filter(search_vector=search_query("buddy")).exists()


@pytest.mark.parametrize("title", ["Edit", "Comments", "revisions", "Publish"])
def test_a_title_that_names_a_route_gets_a_slug_that_does_not_shadow_it(member, title):
    practice = practice_create(author=member, data=data(title=title))
    assert practice.slug == f"{title.lower()}-practice"
    assert practice.get_absolute_url().endswith(f"/{title.lower()}-practice/")
