"""The member of a session is read from the cache, and forgotten whenever their row changes."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import services
from accounts.backends import MemberBackend, member_key

pytestmark = pytest.mark.django_db

PAGE = "/practices/"


def _user_queries(client: Client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return [q["sql"] for q in ctx.captured_queries if 'FROM "accounts_user"' in q["sql"]]


def test_a_members_row_is_read_once_then_kept(member_client):
    assert len(_user_queries(member_client, reverse("practices:list"))) == 1
    assert _user_queries(member_client, reverse("practices:list")) == []
    assert _user_queries(member_client, reverse("notifications:inbox")) == []


def test_a_changed_profile_shows_at_the_next_request(member_client, member):
    member_client.get(reverse("practices:list"))
    services.user_update_profile(
        user=member,
        data={"display_name": "Amira H. Renamed"},
    )
    assert "Amira H. Renamed" in member_client.get(reverse("practices:list")).content.decode()


def test_a_suspended_member_is_told_at_their_next_request(member_client, member, moderator):
    member_client.get(reverse("practices:list"))
    services.user_suspend(user=member, moderator=moderator, reason="Repeated spam links")
    html = member_client.get(reverse("practices:list")).content.decode()
    assert "Your account is suspended" in html
    assert "Repeated spam links" in html


def test_a_deactivated_member_is_logged_out_at_their_next_request(member_client, member):
    member_client.get(reverse("practices:list"))
    member.is_active = False
    member.save(update_fields=["is_active"])
    response = member_client.get(reverse("notifications:inbox"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_a_password_change_logs_out_the_members_other_sessions(client_for, member):
    laptop, phone = client_for(member), client_for(member)
    assert phone.get(reverse("notifications:inbox")).status_code == 200
    laptop.post(
        reverse("account_change_password"),
        {
            "oldpassword": "exchange-test",
            "password1": "another-passphrase-2",
            "password2": "another-passphrase-2",
        },
    )
    member.refresh_from_db()
    assert member.check_password("another-passphrase-2")
    assert laptop.get(reverse("notifications:inbox")).status_code == 200
    assert phone.get(reverse("notifications:inbox")).status_code == 302


def test_a_confirmed_address_is_seen_at_the_next_request(client_for, user_factory):
    unverified = user_factory(email_verified=False)
    client = client_for(unverified)
    assert "Please confirm your e-mail address" in client.get(PAGE).content.decode()
    services.user_mark_email_verified(user=unverified, email=unverified.email)
    assert "Please confirm your e-mail address" not in client.get(PAGE).content.decode()


def test_the_kept_member_is_dropped_when_the_write_commits(
    member, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    backend = MemberBackend()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        member.display_name = "Renamed"
        member.save(update_fields=["display_name"])
        # A request that read the row while the write was under way keeps the old one...
        cache.set(member_key(member.pk), backend.get_user(member.pk))
    assert cache.get(member_key(member.pk)) is not None
    for callback in callbacks:
        callback()
    # ... until the write commits.
    assert cache.get(member_key(member.pk)) is None
    assert backend.get_user(member.pk).display_name == "Renamed"


def test_an_unknown_member_is_nobody(db):
    assert MemberBackend().get_user(987654) is None
