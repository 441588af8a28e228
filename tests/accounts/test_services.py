import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage import default_storage
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from accounts import services
from accounts.adapters import AccountAdapter
from accounts.models import Role, User

pytestmark = pytest.mark.django_db


def test_user_create_adds_a_verified_primary_address_and_a_usable_password():
    user = services.user_create(
        email="Teacher@Example.org",
        password="exchange-demo",
        display_name=" Sanne  Verbeke ",
        role=Role.TEACHER,
        country="BE",
        email_verified=True,
    )
    assert user.email == "teacher@example.org"
    assert user.display_name == "Sanne Verbeke"
    assert user.check_password("exchange-demo")
    address = EmailAddress.objects.get(user=user)
    assert (address.email, address.verified, address.primary) == (user.email, True, True)


def test_user_create_refuses_a_taken_address_and_creates_nothing(member):
    with pytest.raises(ValidationError):
        services.user_create(email="amira@example.org", password="x", display_name="Other")
    assert User.objects.count() == 1


def test_update_profile_with_unknown_country_raises_and_leaves_the_member_untouched(member):
    with pytest.raises(ValidationError) as info:
        services.user_update_profile(user=member, data={"city": "Graz", "country": "XX"})
    assert "country" in info.value.message_dict
    assert member.city == "Hamburg" and member.country.code == "DE"
    member.refresh_from_db()
    assert member.city == "Hamburg" and member.country.code == "DE"


def test_update_profile_refuses_an_empty_display_name(member):
    with pytest.raises(ValidationError):
        services.user_update_profile(user=member, data={"display_name": "   "})
    member.refresh_from_db()
    assert member.display_name == "Amira Haddad"


def test_update_profile_writes_only_the_fields_given(member):
    services.user_update_profile(user=member, data={"bio": "  Teacher.  "})
    member.refresh_from_db()
    assert member.bio == "Teacher."
    assert member.organisation == "Stadtteilschule Nord"


def test_mark_email_verified_only_for_the_members_own_address(user_factory):
    user = user_factory(email="a@example.org", email_verified=False)
    services.user_mark_email_verified(user=user, email="other@example.org")
    user.refresh_from_db()
    assert user.email_verified is False
    services.user_mark_email_verified(user=user, email="A@example.org")
    user.refresh_from_db()
    assert user.email_verified is True


def test_set_moderator_grants_revokes_and_is_idempotent(member):
    services.user_set_moderator(user=member, moderator=True)
    services.user_set_moderator(user=member, moderator=True)
    member.refresh_from_db()
    assert member.is_moderator
    services.user_set_moderator(user=member, moderator=False)
    member.refresh_from_db()
    assert not member.is_moderator


def _request():
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    request.session = {}
    request._messages = default_storage(request)
    return request


def test_adapter_confirming_the_primary_address_marks_the_member_verified(user_factory):
    user = user_factory(email="a@example.org", email_verified=False)
    address = EmailAddress.objects.get(user=user)
    assert AccountAdapter().confirm_email(_request(), address) is True
    user.refresh_from_db()
    assert user.email_verified is True


def test_adapter_confirming_a_secondary_address_does_not_verify_the_account(user_factory):
    user = user_factory(email="a@example.org", email_verified=False)
    second = EmailAddress.objects.create(user=user, email="b@example.org", primary=False)
    assert AccountAdapter().confirm_email(_request(), second) is True
    user.refresh_from_db()
    assert user.email_verified is False


def test_members_get_distinct_handles_made_from_their_names(db):
    from accounts.services import user_create

    first = user_create(email="a@example.org", password=None, display_name="Amira Haddad")
    second = user_create(email="b@example.org", password=None, display_name="Amira  Haddad")
    third = user_create(email="c@example.org", password=None, display_name="Amira Haddad")
    odd = user_create(email="d@example.org", password=None, display_name="!!!")
    assert [first.handle, second.handle, third.handle] == [
        "amira-haddad",
        "amira-haddad-2",
        "amira-haddad-3",
    ]
    assert odd.handle == "member"
