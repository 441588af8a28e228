import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from practices.models import Practice
from practices.services.curation import practice_feature, practice_validate

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("service", [practice_feature, practice_validate])
def test_curation_needs_a_moderator(service, member, other_member, practice_factory):
    practice = practice_factory(author=other_member)
    with pytest.raises(PermissionDenied):
        service(practice=practice, moderator=member)
    practice.refresh_from_db()
    assert practice.featured_at is None and practice.validated_at is None


@pytest.mark.parametrize(
    ("service", "field"), [(practice_feature, "featured_at"), (practice_validate, "validated_at")]
)
def test_curation_sets_the_date_once(service, field, moderator, practice_factory):
    practice = practice_factory()
    service(practice=practice, moderator=moderator)
    first = Practice.objects.values_list(field, "updated_at").get(pk=practice.pk)
    assert first[0] is not None
    service(practice=practice, moderator=moderator)
    assert Practice.objects.values_list(field, "updated_at").get(pk=practice.pk) == first


@pytest.mark.parametrize("service", [practice_feature, practice_validate])
def test_drafts_and_hidden_practices_cannot_be_curated(service, moderator, practice_factory):
    draft = practice_factory(status="draft", published_at=None)
    hidden = practice_factory(hidden_at=timezone.now())
    for practice in (draft, hidden):
        with pytest.raises(ValidationError):
            service(practice=practice, moderator=moderator)
    assert not Practice.objects.filter(featured_at__isnull=False).exists()
    assert not Practice.objects.filter(validated_at__isnull=False).exists()
