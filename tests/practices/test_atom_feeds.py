"""Atom feeds of all practices and of each tag: valid XML, the right entries, discoverable."""

import re
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.utils import timezone

from practices.models import Tag, TagRedirect

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def parse(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content)


def entry_titles(root):
    return [entry.findtext(f"{ATOM}title") for entry in root.findall(f"{ATOM}entry")]


def test_all_practices_feed_lists_visible_practices_newest_first(client, practice_factory, member):
    now = timezone.now()
    practice_factory(title="Older", published_at=now - timedelta(days=2), tags=["housing"])
    newest = practice_factory(
        title="Newer", author=member, published_at=now, tags=["parents", "language"]
    )
    practice_factory(title="A draft", status="draft", published_at=None)
    practice_factory(title="Hidden one", hidden_at=now)

    root = parse(client.get("/practices/feed/"))
    assert root.tag == f"{ATOM}feed"
    assert "new practices" in root.findtext(f"{ATOM}title")
    assert entry_titles(root) == ["Newer", "Older"]
    entry = root.find(f"{ATOM}entry")
    link = entry.find(f"{ATOM}link").get("href")
    # Absolute, on the host the reader used (not the Sites framework's placeholder domain).
    assert link == f"http://testserver{newest.get_absolute_url()}"
    assert entry.find(f"{ATOM}author/{ATOM}name").text == "Amira Haddad"
    assert sorted(c.get("term") for c in entry.findall(f"{ATOM}category")) == [
        "language",
        "parents",
    ]
    assert "A short account" in entry.findtext(f"{ATOM}summary")
    assert entry.findtext(f"{ATOM}updated")


def test_a_tags_feed_has_only_that_tags_practices(client, practice_factory):
    practice_factory(title="About parents", tags=["parents"])
    practice_factory(title="About housing", tags=["housing"])
    root = parse(client.get("/tags/parents/feed/"))
    assert entry_titles(root) == ["About parents"]
    assert "“parents”" in root.findtext(f"{ATOM}title")
    self_link = [link for link in root.findall(f"{ATOM}link") if link.get("rel") == "self"]
    assert self_link[0].get("href").endswith("/tags/parents/feed/")


def test_feed_text_is_escaped_xml_not_markup(client, practice_factory):
    practice_factory(title='Rock & <roll> "quoted"', summary="<script>alert(1)</script>")
    response = client.get("/practices/feed/")
    assert b"<script>" not in response.content
    root = parse(response)
    assert entry_titles(root) == ['Rock & <roll> "quoted"']
    assert "<script>alert(1)</script>" in root.find(f"{ATOM}entry").findtext(f"{ATOM}summary")


def test_an_unknown_tags_feed_is_404_and_a_merged_one_moves(client, practice_factory):
    assert client.get("/tags/no-such-tag/feed/").status_code == 404
    practice_factory(tags=["language learning"])
    TagRedirect.objects.create(
        old_slug="languages", old_name="languages", tag=Tag.objects.get(name="language learning")
    )
    response = client.get("/tags/languages/feed/")
    assert response.status_code == 301
    assert response["Location"] == "/tags/language-learning/feed/"


def test_feeds_are_discoverable_from_the_pages(client, practice_factory):
    practice_factory(tags=["parents"])
    home = client.get("/").content.decode()
    assert re.search(
        r'<link rel="alternate" type="application/atom\+xml" title="[^"]+" href="/practices/feed/">',
        home,
    )
    tag_page = client.get("/tags/parents/").content.decode()
    assert 'href="/tags/parents/feed/"' in tag_page
    assert tag_page.count('type="application/atom+xml"') >= 2


def test_feeds_cost_the_same_queries_at_two_sizes(
    client, practice_factory, django_assert_num_queries
):
    practice_factory(tags=["parents"])
    # Django's feed view reads the current Site once per process.
    client.get("/practices/feed/")
    # The practices with their authors, their tags.
    with django_assert_num_queries(2):
        client.get("/practices/feed/")
    # The tag (twice), the practices, their tags.
    with django_assert_num_queries(4):
        client.get("/tags/parents/feed/")
    for i in range(40):
        practice_factory(tags=["parents", f"t{i}"])
    with django_assert_num_queries(2):
        root = parse(client.get("/practices/feed/"))
    assert len(root.findall(f"{ATOM}entry")) == 30
    with django_assert_num_queries(4):
        client.get("/tags/parents/feed/")
