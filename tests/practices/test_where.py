"""The "where" page: practices and adaptations by country on a tile map, bars by area."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from practices.selectors.transfer import TILES, where_overview
from practices.services.transfer import adaptation_create

pytestmark = pytest.mark.django_db


def _adapt(original, author, country="FR", city="Lyon"):
    return adaptation_create(
        original=original,
        author=author,
        data={
            "city": city,
            "country": country,
            "organisation": "Office",
            "organisation_type": "city",
            "changes": "Shorter tandems.",
            "stage": "pilot",
        },
    )


def test_where_is_in_the_main_navigation(client):
    page = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("practices:where")}"' in page


def test_countries_link_to_the_filtered_list_with_their_counts(
    client, practice_factory, other_member
):
    ghent = practice_factory(country="BE", city="Ghent", area="education")
    practice_factory(country="BE", city="Antwerp", area="housing")
    practice_factory(country="DE", area="education")
    _adapt(ghent, other_member, country="FR")
    response = client.get(reverse("practices:where"))
    assert response.status_code == 200
    overview = response.context["overview"]
    tiles = {tile.code: tile for tile in overview.map.tiles}
    assert (tiles["BE"].practices, tiles["BE"].adaptations) == (2, 0)
    assert (tiles["FR"].practices, tiles["FR"].adaptations) == (0, 1)
    assert overview.practice_total == 3 and overview.adaptation_total == 1
    page = response.content.decode()
    assert 'href="/practices/?country=BE"' in page
    assert "Belgium: 2 practices" in page
    assert 'href="/practices/?area=education"' in page
    bars = {bar.value: bar for bar in overview.areas}
    assert (bars["education"].count, bars["education"].percent) == (2, 100)
    assert (bars["housing"].count, bars["housing"].percent) == (1, 50)


def test_hidden_drafts_and_hidden_adaptations_are_not_counted(
    client, practice_factory, other_member, moderator
):
    from django.utils import timezone

    from practices.services.transfer import adaptation_hide

    shown = practice_factory(country="BE")
    practice_factory(country="NL", status="draft", published_at=None)
    practice_factory(country="NL", hidden_at=timezone.now())
    adaptation = _adapt(shown, other_member, country="FR")
    adaptation_hide(adaptation=adaptation, moderator=moderator, reason="spam")
    overview = where_overview()
    tiles = {tile.code: tile for tile in overview.map.tiles}
    assert tiles["NL"].practices == 0
    assert tiles["FR"].adaptations == 0
    assert overview.practice_total == 1


def test_countries_off_the_map_are_listed(client, practice_factory):
    practice_factory(country="CA", city="Toronto")
    assert "CA" not in TILES
    response = client.get(reverse("practices:where"))
    assert [tile.code for tile in response.context["overview"].map.elsewhere] == ["CA"]
    assert "Canada" in response.content.decode()


def test_the_tile_map_has_no_two_countries_on_one_square():
    assert len(set(TILES.values())) == len(TILES)


def test_a_practice_page_lists_the_cities_it_was_adapted_in(
    client, client_for, practice_factory, other_member, user_factory
):
    original = practice_factory(country="BE", city="Ghent")
    _adapt(original, other_member, country="FR", city="Lyon")
    _adapt(original, user_factory(), country="NL", city="Utrecht")
    page = client.get(original.get_absolute_url()).content.decode()
    places = page.split('aria-label="Cities"', 1)[1].split("</ul>", 1)[0]
    assert "Ghent" in places and "Lyon, France" in places and "Utrecht, Netherlands" in places
    # A page rendered for a member (a visitor's second visit comes whole from the cache).
    transfer = client_for(user_factory()).get(original.get_absolute_url()).context["page"].transfer
    highlighted = {tile.code for tile in transfer.places.tiles if tile.highlighted}
    assert highlighted == {"BE", "FR", "NL"}


def test_the_where_page_costs_the_same_queries_at_two_sizes(client, practice_factory, user_factory):
    adapter = user_factory()

    def add(n: int) -> None:
        for i in range(n):
            country = ["BE", "DE", "FR", "IT", "SE"][i % 5]
            practice = practice_factory(country=country, area=["education", "health"][i % 2])
            _adapt(practice, adapter, country="PL")

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("practices:where")).status_code == 200
        return len(ctx.captured_queries)

    add(2)
    few = count()
    add(30)
    assert count() == few


def test_a_practice_page_costs_the_same_queries_with_one_or_many_adaptations(
    client, practice_factory, user_factory
):
    original = practice_factory()

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(original.get_absolute_url()).status_code == 200
        return len(ctx.captured_queries)

    own = practice_factory()
    adaptation_create(
        original=original,
        author=own.author,
        own_practice=own,
        data={
            "city": "Lyon",
            "country": "FR",
            "organisation": "Office",
            "organisation_type": "city",
            "changes": "Shorter tandems.",
            "stage": "pilot",
        },
    )
    one = count()
    for _ in range(12):
        _adapt(original, user_factory(), country="PL", city="Gdańsk")
    assert count() == one
