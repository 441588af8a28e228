import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from practices.models import Status
from practices.services.practices import practice_publish

pytestmark = pytest.mark.django_db


def test_home_explains_the_place_and_invites_visitors_to_join(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "migrant and refugee integration" in html
    assert 'href="/accounts/signup/"' in html
    assert "Join the exchange" in html
    assert html.count("<h1") == 1
    assert '<a class="skip-link" href="#main">' in html
    assert '<main id="main"' in html


def test_home_for_members_offers_sharing_instead_of_joining(member_client):
    html = member_client.get("/").content.decode()
    assert "Join the exchange" not in html
    assert 'href="/practices/new/"' in html


def test_home_shows_featured_latest_and_popular_tags(client, practice_factory, member):
    now = timezone.now()
    practice_factory(author=member, title="Featured cafe", featured_at=now, tags=["language"])
    practice_factory(author=member, title="Newest class", tags=["language", "parents"])
    practice_factory(
        author=member, title="Unpublished", status=Status.DRAFT, published_at=None, featured_at=now
    )
    response = client.get("/")
    html = response.content.decode()
    featured = html.split('id="featured-heading"')[1].split("</section>")[0]
    latest = html.split('id="latest-heading"')[1].split("</section>")[0]
    tags = html.split('id="tags-heading"')[1].split("</section>")[0]
    assert "Featured cafe" in featured and "Newest class" not in featured
    assert "Newest class" in latest and "Featured cafe" in latest
    assert "Unpublished" not in html
    assert 'href="/tags/language/"' in tags and 'href="/tags/parents/"' in tags


def test_home_escapes_practice_titles(client, practice_factory, member):
    practice_factory(author=member, title="<script>alert(1)</script>", slug="x")
    html = client.get("/").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_home_costs_the_same_queries_at_two_sizes(
    client, practice_factory, member, django_assert_num_queries
):
    now = timezone.now()
    practice_factory(author=member, featured_at=now, tags=["a"])
    # Featured and their tags, latest and their tags, popular tags.
    with django_assert_num_queries(5):
        assert client.get("/").status_code == 200
    cache.clear()
    for i in range(25):
        practice_factory(author=member, featured_at=now if i % 5 == 0 else None, tags=[f"t{i}"])
    with django_assert_num_queries(5):
        response = client.get("/")
    assert len(response.context["home"].latest) == 6


def test_a_kept_home_page_costs_a_member_only_the_bell(
    client_for, member, other_member, practice_factory, django_assert_num_queries
):
    practice_factory(author=other_member, title="Homework club", tags=["school"])
    client = client_for(member)
    # The first visit starts the content generation, the second keeps the content.
    for _ in range(2):
        client.get("/")
    with django_assert_num_queries(1):
        html = client.get("/").content.decode()
    assert "Homework club" in html and 'href="/practices/new/"' in html
    # Visitors have their own: no "Share a practice" in the hero.
    visitor = Client().get("/").content.decode()
    assert "Join the exchange" in visitor and "Homework club" in visitor


def test_a_new_practice_shows_on_a_kept_home_page(
    client_for, member, other_member, practice_factory, django_capture_on_commit_callbacks
):
    practice_factory(author=other_member, title="An earlier one")
    draft = practice_factory(
        author=other_member,
        title="Breakfast for parents in three languages",
        status=Status.DRAFT,
        published_at=None,
    )
    client = client_for(member)
    for _ in range(2):
        assert "Breakfast for parents" not in client.get("/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        practice_publish(practice=draft, user=other_member)
    assert "Breakfast for parents in three languages" in client.get("/").content.decode()
