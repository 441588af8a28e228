"""Sign-up, confirmation, login, logout and password reset through the real allauth views."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from accounts.models import Role, User

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://testserver(/accounts/[^\s]+/)")

SIGNUP = {
    "email": "Leyla.Demir@Example.org",
    "password1": "harbour-lantern-47",
    "password2": "harbour-lantern-47",
    "display_name": "  Leyla   Demir ",
    "role": Role.CITY,
    "organisation": "Integration Office, Eastport",
    "city": "Eastport",
    "country": "NL",
}


def _link_in(message) -> str:
    match = LINK.search(message.body)
    assert match, message.body
    return match.group(1)


def test_signup_page_asks_every_profile_field_with_labels(client):
    response = client.get(reverse("account_signup"))
    html = response.content.decode()
    assert response.status_code == 200
    for name in ["email", "password1", "password2", "display_name", "role", "organisation"]:
        assert f'<label for="id_{name}"' in html
        assert f'id="id_{name}"' in html
    assert '<label for="id_country"' in html
    assert html.count("<h1") == 1
    for label in Role.labels:
        assert str(label) in html


def test_signup_sends_confirmation_and_following_it_verifies_the_member(client, mailoutbox):
    response = client.post(reverse("account_signup"), SIGNUP)
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")

    user = User.objects.get(email="leyla.demir@example.org")
    assert user.display_name == "Leyla Demir"
    assert user.role == Role.CITY
    assert user.organisation == "Integration Office, Eastport"
    assert user.city == "Eastport"
    assert user.country.code == "NL"
    assert user.email_verified is False
    assert not EmailAddress.objects.get(user=user).verified

    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["leyla.demir@example.org"]
    assert mailoutbox[0].subject.startswith("[Practice Exchange] ")
    assert "Hello from Practice Exchange" in mailoutbox[0].body
    assert "example.com" not in mailoutbox[0].body
    confirm_url = _link_in(mailoutbox[0])

    # A GET only shows the confirmation form; the POST confirms.
    page = client.get(confirm_url)
    assert page.status_code == 200
    assert b"Confirm" in page.content
    user.refresh_from_db()
    assert user.email_verified is False

    done = client.post(confirm_url)
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.email_verified is True
    address = EmailAddress.objects.get(user=user)
    assert address.verified and address.primary
    # Logged in on confirmation, in the same browser session.
    assert client.get(reverse("accounts:profile_edit")).status_code == 200


def test_signup_with_unknown_country_is_a_field_error_and_creates_nobody(client, mailoutbox):
    response = client.post(reverse("account_signup"), {**SIGNUP, "country": "XX"})
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["country"] == ["Choose a country from the list."]
    assert 'aria-describedby="id_country_error"' in response.content.decode()
    assert not User.objects.exists()
    assert mailoutbox == []


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("display_name", "   ", "Please give the name others will see."),
        ("role", "mayor", "Choose one of the roles in the list."),
    ],
)
def test_signup_with_bad_profile_field_is_a_field_error(client, field, value, message):
    response = client.post(reverse("account_signup"), {**SIGNUP, field: value})
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert not User.objects.exists()


def test_signup_with_an_address_already_taken_creates_no_second_member(client, user_factory):
    user_factory(email="leyla.demir@example.org")
    client.post(reverse("account_signup"), SIGNUP)
    assert User.objects.filter(email__iexact="leyla.demir@example.org").count() == 1


def test_unverified_member_cannot_log_in_but_gets_a_new_link(client, user_factory, mailoutbox):
    user_factory(email="new@example.org", email_verified=False)
    response = client.post(
        reverse("account_login"), {"login": "new@example.org", "password": "exchange-test"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session
    assert len(mailoutbox) == 1


def test_login_by_email_then_logout_by_post(client, member):
    response = client.post(
        reverse("account_login"), {"login": "AMIRA@example.org", "password": "exchange-test"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session["_auth_user_id"] == str(member.pk)

    # A GET only asks; the POST logs out.
    assert client.get(reverse("account_logout")).status_code == 200
    assert client.session["_auth_user_id"] == str(member.pk)
    client.post(reverse("account_logout"))
    assert "_auth_user_id" not in client.session


def test_login_with_wrong_password_is_refused_with_a_message(client, member):
    response = client.post(
        reverse("account_login"), {"login": "amira@example.org", "password": "wrong-one"}
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert "_auth_user_id" not in client.session


def test_password_reset_mail_and_link_set_a_new_password(client, member, mailoutbox):
    response = client.post(reverse("account_reset_password"), {"email": "amira@example.org"})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["amira@example.org"]
    key_url = _link_in(mailoutbox[0])

    form_page = client.get(key_url, follow=True)
    assert form_page.status_code == 200
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(
        set_url, {"password1": "new-river-stone-82", "password2": "new-river-stone-82"}
    )
    assert done.status_code == 302
    member.refresh_from_db()
    assert member.check_password("new-river-stone-82")


def test_password_reset_for_unknown_address_sends_no_reset_link(client, mailoutbox):
    client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})
    assert all("password/reset/key" not in m.body for m in mailoutbox)


def test_account_pages_use_the_site_layout(client):
    for name in ["account_login", "account_signup", "account_reset_password"]:
        html = client.get(reverse(name)).content.decode()
        assert 'class="site-header"' in html, name
        assert html.count("<h1") == 1, name
        assert 'name="csrfmiddlewaretoken"' in html, name


def test_account_management_pages_use_the_site_layout(member_client):
    for name in ["account_email", "account_change_password", "account_logout"]:
        response = member_client.get(reverse(name))
        assert response.status_code == 200, name
        html = response.content.decode()
        assert 'class="site-header"' in html, name
        assert html.count("<h1") == 1, name
