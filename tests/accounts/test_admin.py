import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_(client_for, user_factory):
    return client_for(user_factory(email="root@example.org", is_staff=True, is_superuser=True))


def test_admin_action_grants_and_revokes_moderation(admin_client_, member):
    url = reverse("admin:accounts_user_changelist")
    admin_client_.post(url, {"action": "grant_moderation", "_selected_action": [member.pk]})
    member.refresh_from_db()
    assert member.moderator is True
    admin_client_.post(url, {"action": "revoke_moderation", "_selected_action": [member.pk]})
    member.refresh_from_db()
    assert member.moderator is False


def test_admin_change_form_cannot_set_moderator_or_verified(admin_client_, user_factory):
    person = user_factory(email="p@example.org", email_verified=False)
    url = reverse("admin:accounts_user_change", args=[person.pk])
    page = admin_client_.get(url)
    assert page.status_code == 200
    assert 'name="moderator"' not in page.content.decode()
    response = admin_client_.post(
        url,
        {
            "email": person.email,
            "display_name": "P",
            "role": "other",
            "moderator": "on",
            "email_verified": "on",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.display_name == "P"
    assert person.moderator is False
    assert person.email_verified is False
