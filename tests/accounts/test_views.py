"""The public profile page and editing one's own profile."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role

pytestmark = pytest.mark.django_db

VALID = {
    "display_name": "Amira Haddad",
    "role": Role.NGO,
    "organisation": "Bridges Migrant Network",
    "city": "Leipzig",
    "country": "DE",
    "bio": "I run a settlement programme.",
}


def _profile_url(user) -> str:
    return reverse("accounts:profile", kwargs={"pk": user.pk})


# --- Profile page ---------------------------------------------------------------------------


def test_profile_shows_role_organisation_place_and_bio(client, user_factory):
    person = user_factory(
        display_name="Jonas Berg",
        role=Role.CITY,
        organisation="Office for Newcomers",
        city="Malmö",
        country="SE",
        bio="Volunteering and participation.\n\nSecond paragraph.",
    )
    response = client.get(_profile_url(person))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1" in html and html.count("<h1") == 1
    assert "Jonas Berg" in html
    assert "City official" in html
    assert "Office for Newcomers" in html
    assert "Malmö, Sweden" in html
    assert "<p>Second paragraph.</p>" in html
    assert person.email not in html


def test_profile_of_unknown_or_deactivated_member_is_404(client, user_factory):
    gone = user_factory(is_active=False)
    assert client.get(_profile_url(gone)).status_code == 404
    assert client.get(reverse("accounts:profile", kwargs={"pk": 999_999})).status_code == 404


def test_visitors_see_only_visible_practices(client, member, practice_factory):
    practice_factory(author=member, title="Published one", tags=["peer learning"])
    practice_factory(author=member, title="Still a draft", status="draft", published_at=None)
    practice_factory(author=member, title="Hidden one", hidden_at=timezone.now())
    html = client.get(_profile_url(member)).content.decode()
    assert "Published one" in html
    assert "peer learning" in html
    assert "Still a draft" not in html
    assert "Hidden one" not in html
    assert "(1)" in html


def test_own_profile_also_lists_drafts_marked_as_such(member_client, member, practice_factory):
    practice_factory(author=member, title="Published one")
    practice_factory(author=member, title="Still a draft", status="draft", published_at=None)
    html = member_client.get(_profile_url(member)).content.decode()
    assert "Published one" in html
    assert "Still a draft" in html
    assert "Draft: only you can see it</span>" in html
    assert reverse("accounts:profile_edit") in html


def test_other_members_do_not_see_someone_elses_drafts(
    client_for, member, other_member, practice_factory
):
    practice_factory(author=member, title="Still a draft", status="draft", published_at=None)
    html = client_for(other_member).get(_profile_url(member)).content.decode()
    assert "Still a draft" not in html
    assert reverse("accounts:profile_edit") not in html


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("as_owner", [False, True])
def test_profile_page_queries_do_not_grow_with_practices(
    client, client_for, member, practice_factory, as_owner
):
    viewer = client_for(member) if as_owner else client
    url = _profile_url(member)

    def add(n: int) -> None:
        for i in range(n):
            practice_factory(author=member, tags=[f"tag {i}", "housing"])
            practice_factory(author=member, status="draft", published_at=None, tags=["draft"])

    add(1)
    viewer.get(url)
    one = _count_queries(viewer, url)
    add(19)
    twenty = _count_queries(viewer, url)
    add(40)
    seventy = _count_queries(viewer, url)
    assert one == twenty
    # Past the 50 shown, one COUNT for the "showing the latest 50 of N" line, nothing more.
    assert seventy == one + 1
    # A member's page also counts their unread notifications for the bell in the header;
    # the practices they adapted are one more query (the member is read from the cache).
    assert one <= (6 if as_owner else 4)


def test_profile_escapes_what_members_typed(client, user_factory):
    person = user_factory(
        display_name="<script>alert(1)</script>",
        organisation="<b>Org</b>",
        bio="<img src=x onerror=alert(2)>",
    )
    html = client.get(_profile_url(person)).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;Org&lt;/b&gt;" in html
    assert "<img src=x" not in html


# --- Editing one's profile ------------------------------------------------------------------


def test_anonymous_visitor_is_sent_to_login_and_nothing_changes(client, member):
    url = reverse("accounts:profile_edit")
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={url}"
    client.post(url, VALID)
    member.refresh_from_db()
    assert member.organisation != VALID["organisation"]


def test_edit_form_has_labelled_fields_and_the_current_values(member_client, member):
    html = member_client.get(reverse("accounts:profile_edit")).content.decode()
    for name in ["display_name", "role", "organisation", "city", "country", "bio"]:
        assert f'<label for="id_{name}"' in html
    assert 'value="Amira Haddad"' in html
    assert '<option value="DE" selected>' in html
    assert html.count("<h1") == 1
    assert 'name="csrfmiddlewaretoken"' in html


def test_edit_saves_the_profile_and_shows_it(member_client, member):
    response = member_client.post(
        reverse("accounts:profile_edit"), {**VALID, "display_name": "  Amira   H. "}
    )
    assert response.status_code == 302
    assert response["Location"] == _profile_url(member)
    member.refresh_from_db()
    assert member.display_name == "Amira H."
    assert member.role == Role.NGO
    assert member.organisation == "Bridges Migrant Network"
    assert member.country.code == "DE"
    assert member.bio == "I run a settlement programme."
    page = member_client.get(response["Location"]).content.decode()
    assert "Your profile is saved." in page
    assert "NGO or migrant organisation" in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("display_name", "", "Please give the name others will see."),
        ("display_name", "   ", "Please give the name others will see."),
        ("display_name", "x" * 81, "Ensure this value has at most 80 characters (it has 81)."),
        ("country", "XX", "Choose a country from the list."),
        ("role", "mayor", "Choose one of the roles in the list."),
    ],
)
def test_bad_input_is_a_field_error_and_changes_nothing(
    member_client, member, field, value, message
):
    before = {f: getattr(member, f) for f in VALID}
    response = member_client.post(reverse("accounts:profile_edit"), {**VALID, field: value})
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    html = response.content.decode()
    assert f'aria-describedby="id_{field}' in html and f'id="id_{field}_error"' in html
    assert 'aria-invalid="true"' in html
    # The header still shows the saved name: the bad input never reached the member object.
    assert ">Amira Haddad</a>" in html
    member.refresh_from_db()
    assert {f: getattr(member, f) for f in VALID} == before


def test_script_tags_are_kept_as_text_and_escaped(member_client, member):
    evil = "<script>alert('x')</script>"
    member_client.post(
        reverse("accounts:profile_edit"), {**VALID, "display_name": evil, "bio": evil}
    )
    member.refresh_from_db()
    assert member.display_name == evil
    assert member.bio == evil
    html = member_client.get(_profile_url(member)).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html


def test_edit_refuses_other_methods(member_client):
    assert member_client.delete(reverse("accounts:profile_edit")).status_code == 405


# --- The verification notice ----------------------------------------------------------------


def test_unverified_member_sees_notice_and_can_resend(client_for, user_factory):
    unverified = user_factory(email="new@example.org", email_verified=False)
    client = client_for(unverified)
    html = client.get(_profile_url(unverified)).content.decode()
    assert "Please confirm your e-mail address" in html
    assert f'action="{reverse("account_email")}"' in html
    assert 'name="action_send"' in html

    response = client.post(
        reverse("account_email"), {"email": "new@example.org", "action_send": ""}
    )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new@example.org"]
    assert "/accounts/confirm-email/" in mail.outbox[0].body


def test_verified_members_and_visitors_see_no_notice(client, member_client, member):
    assert b"Please confirm your e-mail" not in member_client.get(_profile_url(member)).content
    assert b"Please confirm your e-mail" not in client.get(_profile_url(member)).content
