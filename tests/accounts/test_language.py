"""Choosing the interface language: the switcher, the cookie, the member's saved choice."""

import re
from datetime import UTC, date, datetime

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from accounts.models import User

pytestmark = pytest.mark.django_db

URL = reverse("accounts:language_set")


def test_a_visitor_chooses_french_and_the_next_pages_are_french(client):
    response = client.post(URL, {"language": "fr", "next": "/practices/"})
    assert response.status_code == 302 and response["Location"] == "/practices/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    page = client.get("/practices/")
    assert page["Content-Language"] == "fr"
    assert '<html lang="fr">' in page.content.decode()


def test_a_visitor_needs_no_csrf_token_since_only_a_cookie_changes():
    client = Client(enforce_csrf_checks=True)
    response = client.post(URL, {"language": "de", "next": "/"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "de"


def test_a_members_choice_is_checked_for_csrf(member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    assert client.post(URL, {"language": "de", "next": "/"}).status_code == 403
    member.refresh_from_db()
    assert member.language == ""


def test_a_members_choice_is_saved_and_followed_on_another_device(member_client, member):
    member_client.post(URL, {"language": "de", "next": "/"})
    member.refresh_from_db()
    assert member.language == "de"
    elsewhere = Client(HTTP_ACCEPT_LANGUAGE="fr")
    elsewhere.force_login(member)
    assert elsewhere.get("/practices/")["Content-Language"] == "de"


def test_without_a_choice_the_browser_language_is_used(client, member):
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="de-AT,de;q=0.9")["Content-Language"] == "de"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="pt-BR")["Content-Language"] == "en"
    member_client = Client(HTTP_ACCEPT_LANGUAGE="fr-FR")
    member_client.force_login(member)
    assert member_client.get("/")["Content-Language"] == "fr"


def test_an_unknown_language_is_refused_and_changes_nothing(member_client, member):
    response = member_client.post(URL, {"language": "xx", "next": "/practices/"}, follow=True)
    assert "Choose one of the languages in the list." in response.content.decode()
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    member.refresh_from_db()
    assert member.language == ""


@pytest.mark.parametrize("target", ["https://elsewhere.example/", "//elsewhere.example/", ""])
def test_the_switcher_only_returns_to_this_site(client, target):
    response = client.post(URL, {"language": "fr", "next": target})
    assert response["Location"] == "/"


def test_the_switcher_is_on_every_page_with_each_language_named_in_itself(client):
    html = client.get("/").content.decode()
    assert f'action="{URL}"' in html
    for code, name in (("en", "English"), ("fr", "Français"), ("de", "Deutsch")):
        assert re.search(rf'<option value="{code}" lang="{code}"( selected)?>{name}</option>', html)
    # Visitors' pages are cached whole: the switcher must not put a CSRF token in them.
    assert "csrfmiddlewaretoken" not in html


def test_only_post_changes_the_language(client):
    assert client.get(URL, {"language": "fr"}).status_code == 405


def test_pages_speak_the_chosen_language(client, practice_factory):
    practice = practice_factory(
        title="Parents’ café", published_at=datetime(2026, 3, 2, tzinfo=UTC)
    )
    french = client.get("/practices/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert ">Pratiques</a>" in french and "Partager une pratique" not in french
    assert 'placeholder="Rechercher des pratiques"' in french
    assert "Toutes les langues" in french
    german = client.get(practice.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "<dt>Verfasst in</dt><dd>Englisch</dd>" in german
    english = client.get("/practices/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert ">Practices</a>" in english and "Any language" in english


def test_dates_follow_the_language(client, practice_factory):
    practice = practice_factory(started_on=date(2024, 3, 1))
    url = practice.get_absolute_url()
    assert "March 2024" in client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "mars 2024" in client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "März 2024" in client.get(url, HTTP_ACCEPT_LANGUAGE="de").content.decode()


def test_a_member_signing_up_in_french_is_written_to_in_french(client):
    client.post(
        "/accounts/signup/",
        {
            "email": "nadia@example.org",
            "password1": "a long enough passphrase 1",
            "password2": "a long enough passphrase 1",
            "display_name": "Nadia Benali",
            "role": "city",
        },
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert User.objects.get(email="nadia@example.org").language == "fr"


def test_country_names_in_forms_follow_the_language(client, member_client):
    assert '<option value="NL">Niederlande' in client.get(
        "/accounts/signup/", HTTP_ACCEPT_LANGUAGE="de"
    ).content.decode()
    assert '<option value="NL">Pays-Bas' in member_client.get(
        "/profile/edit/", HTTP_ACCEPT_LANGUAGE="fr"
    ).content.decode()
    assert '<option value="NL">Netherlands' in client.get("/accounts/signup/").content.decode()
