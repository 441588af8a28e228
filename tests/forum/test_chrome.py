"""The header's and footer's fixed parts are kept per process, language, kind of reader and
page (forum/context_processors.py), and each reader still gets their own name, bell, search
words, path and token between them."""

import re

import pytest
from django.test import Client

from practices.caching import fragments
from practices.models import Notification, NotificationKind

pytestmark = pytest.mark.django_db


def _header(html: str) -> str:
    return re.search(r'<header class="site-header">.*?</header>', html, re.S).group(0)


def test_the_header_is_rendered_once_per_kind_of_reader_and_page(client_for, member):
    client = client_for(member)
    client.get("/practices/")
    kept = {key for key in fragments._PROCESS_PARTS if key[3] == "member"}
    assert kept == {
        ("chrome", part, "en", "member", "practices:list")
        for part in ("header_links", "header_search", "header_end", "footer_start", "footer_end")
    }
    # What is served the second time is the kept HTML, with the reader's parts around it.
    key = ("chrome", "header_links", "en", "member", "practices:list")
    fragments._PROCESS_PARTS[key] = fragments._PROCESS_PARTS[key].replace(
        "Share a practice", "Share a kept practice"
    )
    assert "Share a kept practice" in client.get("/practices/").content.decode()


def test_each_member_gets_their_own_name_and_bell_in_a_kept_header(
    client_for, member, other_member, practice_factory
):
    Notification.objects.create(
        recipient=other_member,
        kind=NotificationKind.MENTION,
        practice=practice_factory(),
        dedupe_key="chrome-test",
    )
    client_for(member).get("/practices/")
    html = _header(client_for(other_member).get("/practices/").content.decode())
    assert other_member.display_name in html
    assert member.display_name not in html
    assert "(1 unread)" in html


def test_the_current_page_is_marked_in_a_kept_header(client_for, member):
    client = client_for(member)
    for _ in range(2):
        tags = _header(client.get("/tags/").content.decode())
        practices = _header(client.get("/practices/").content.decode())
    assert re.search(r'href="/tags/" aria-current="page"', tags)
    assert not re.search(r'href="/practices/" aria-current="page"', tags)
    assert re.search(r'href="/practices/" aria-current="page"', practices)


def test_the_search_box_and_the_language_switcher_carry_the_readers_own_request(client):
    client.get("/practices/?q=mentoring")
    client.get("/practices/?q=%22%3E%3Cscript%3E")
    html = client.get("/practices/?q=school+meals").content.decode()
    assert 'name="q" placeholder="Search practices" value="school meals"' in html
    assert '<input type="hidden" name="next" value="/practices/?q=school+meals">' in html
    hostile = client.get("/practices/?q=%22%3E%3Cscript%3E").content.decode()
    assert (
        'value="&quot;&gt;&lt;script&gt;"' in hostile
        and "<script>" not in hostile.split("<main", 1)[0]
    )


def test_a_member_gets_their_own_csrf_token_and_a_visitor_none(client_for, member, other_member):
    client_for(member).get("/practices/")
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(other_member)
    html = strict.get("/practices/").content.decode()
    tokens = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html))
    assert len(tokens) >= 1
    # The logout form works with the token the kept header carries.
    assert (
        strict.post("/accounts/logout/", {"csrfmiddlewaretoken": tokens.pop()}).status_code == 302
    )
    visitor = Client().get("/practices/").content.decode()
    assert "csrfmiddlewaretoken" not in visitor


def test_each_language_has_its_own_kept_header(client):
    english = client.get("/practices/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    french = client.get("/practices/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert ">Practices</a>" in _header(english)
    assert ">Pratiques</a>" in _header(french)
    assert '<option value="fr" lang="fr" selected>' in french


def test_nothing_is_kept_with_debug_on(client, settings):
    settings.DEBUG = True
    client.get("/practices/")
    assert not fragments._PROCESS_PARTS
