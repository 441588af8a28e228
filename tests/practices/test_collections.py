"""Collections: ordered, titled sets of practices with an introduction, built by moderators
and read by everyone."""

from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from practices.demo import COLLECTIONS
from practices.models import Collection, CollectionItem
from practices.services.collections import (
    collection_add_practice,
    collection_create,
    collection_move_practice,
    collection_remove_practice,
    collection_update,
)
from tests.practices.moderation_fixtures import log_entries

pytestmark = pytest.mark.django_db


@pytest.fixture
def kit(moderator):
    return collection_create(
        moderator=moderator,
        title="Urban Academy on Integration — Education module",
        introduction="Schools as **integration hubs**.\n\n<script>alert(1)</script>",
    )


def _order(collection) -> list[str]:
    return list(
        CollectionItem.objects.filter(collection=collection)
        .order_by("position")
        .values_list("practice__title", flat=True)
    )


def test_a_collection_is_created_with_a_safe_introduction_and_a_free_address(moderator, kit):
    assert kit.slug == "urban-academy-on-integration-education-module"
    assert "<strong>integration hubs</strong>" in kit.introduction_html
    assert "<script>" not in kit.introduction_html
    twin = collection_create(moderator=moderator, title=kit.title)
    assert twin.slug == f"{kit.slug}-2"
    assert collection_create(moderator=moderator, title="New").slug == "new-collection"
    assert [e[1] for e in log_entries()] == ["collection.create"] * 3
    with pytest.raises(ValidationError) as refused:
        collection_create(moderator=moderator, title="   ")
    assert "title" in refused.value.message_dict


def test_practices_are_added_in_order_moved_and_removed(moderator, kit, practice_factory):
    a, b, c = (practice_factory(title=t) for t in ("Alpha", "Bravo", "Charlie"))
    for practice in (a, b, c):
        collection_add_practice(collection=kit, moderator=moderator, practice=practice)
    assert _order(kit) == ["Alpha", "Bravo", "Charlie"]
    collection_move_practice(collection=kit, moderator=moderator, practice=c, direction="up")
    assert _order(kit) == ["Alpha", "Charlie", "Bravo"]
    collection_move_practice(collection=kit, moderator=moderator, practice=a, direction="up")
    assert _order(kit) == ["Alpha", "Charlie", "Bravo"]  # already first: nothing moves
    collection_remove_practice(collection=kit, moderator=moderator, practice=a)
    assert _order(kit) == ["Charlie", "Bravo"]
    assert list(kit.items.order_by("position").values_list("position", flat=True)) == [1, 2]
    assert [e[1] for e in log_entries()][1:] == [
        "collection.add",
        "collection.add",
        "collection.add",
        "collection.move",
        "collection.remove",
    ]


def test_only_visible_practices_join_and_never_twice(moderator, kit, practice_factory):
    practice = practice_factory()
    collection_add_practice(collection=kit, moderator=moderator, practice=practice)
    for bad in (
        practice,
        practice_factory(status="draft", published_at=None),
        practice_factory(hidden_at=timezone.now()),
    ):
        with pytest.raises(ValidationError) as refused:
            collection_add_practice(collection=kit, moderator=moderator, practice=bad)
        assert "practice" in refused.value.message_dict
    assert kit.items.count() == 1


def test_updating_keeps_the_address_and_unchanged_saves_write_nothing(moderator, kit):
    slug = kit.slug
    collection_update(
        collection=kit, moderator=moderator, title="Education", introduction="", is_public=False
    )
    kit.refresh_from_db()
    assert (kit.title, kit.slug, kit.is_public, kit.introduction_html) == (
        "Education",
        slug,
        False,
        "",
    )
    collection_update(
        collection=kit, moderator=moderator, title="Education", introduction="", is_public=False
    )
    assert [e[1] for e in log_entries()] == ["collection.create", "collection.update"]


# --- Public pages --------------------------------------------------------------------------------


def test_the_public_page_shows_visible_practices_in_order(client, moderator, kit, practice_factory):
    first = practice_factory(title="First <i>practice</i>")
    second = practice_factory(title="Second practice")
    hidden = practice_factory(title="Hidden practice")
    for practice in (second, first, hidden):
        collection_add_practice(collection=kit, moderator=moderator, practice=practice)
    hidden.hidden_at = timezone.now()
    hidden.save(update_fields=["hidden_at"])
    response = client.get(kit.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("Second practice") < html.index("First &lt;i&gt;practice&lt;/i&gt;")
    assert "Hidden practice" not in html
    assert "<strong>integration hubs</strong>" in html and "<script>alert" not in html
    assert 'The practices <span class="count">(2)</span>' in html
    listing = client.get(reverse("moderation:collections")).content.decode()
    assert kit.title in listing and "2 practices" in listing


def test_a_private_collection_is_for_moderators_only(client, client_for, moderator, member, kit):
    collection_update(
        collection=kit, moderator=moderator, title=kit.title, introduction="", is_public=False
    )
    assert client.get(kit.get_absolute_url()).status_code == 404
    assert client_for(member).get(kit.get_absolute_url()).status_code == 404
    assert kit.title not in client.get(reverse("moderation:collections")).content.decode()
    page = client_for(moderator).get(kit.get_absolute_url())
    assert page.status_code == 200 and "Not public" in page.content.decode()


def test_the_collection_pages_cost_the_same_queries_at_two_sizes(
    client, moderator, practice_factory, django_assert_num_queries
):
    def grow(collection, n):
        for _ in range(n):
            practice = practice_factory(tags=["one", "two"])
            collection_add_practice(collection=collection, moderator=moderator, practice=practice)

    first = collection_create(moderator=moderator, title="First")
    grow(first, 2)
    urls = [first.get_absolute_url(), reverse("moderation:collections")]
    counts = {}
    for url in urls:
        client.get(url)
        with CaptureQueriesContext(connection) as few:
            assert client.get(url).status_code == 200
        counts[url] = len(few.captured_queries)
    grow(first, 20)
    for n in range(10):
        grow(collection_create(moderator=moderator, title=f"More {n}"), 2)
    for url in urls:
        with django_assert_num_queries(counts[url]):
            client.get(url)


def test_the_moderators_collection_list_costs_the_same_queries_at_two_sizes(
    client_for, moderator, practice_factory, django_assert_num_queries
):
    client = client_for(moderator)
    url = reverse("moderation:collections_manage")
    collection_create(moderator=moderator, title="One")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(12):
        collection = collection_create(moderator=moderator, title=f"Set {n}")
        collection_add_practice(
            collection=collection, moderator=moderator, practice=practice_factory()
        )
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count("/moderation/collections/set-") == 12


# --- Building one through the pages --------------------------------------------------------


def test_a_moderator_builds_a_collection_through_the_pages(
    client_for, moderator, practice_factory, client
):
    tandems = practice_factory(title="Teacher tandems")
    cafe = practice_factory(title="Parents' café")
    mod = client_for(moderator)
    assert "New collection" in mod.get(reverse("moderation:collections_manage")).content.decode()
    response = mod.post(
        reverse("moderation:collection_create"),
        {"title": "Schools", "introduction": "What *schools* did.", "is_public": "on"},
    )
    collection = Collection.objects.get()
    edit = reverse("moderation:collection_edit", args=[collection.slug])
    assert response.status_code == 302 and response.url == edit
    add = reverse("moderation:collection_add", args=[collection.slug])
    assert (
        mod.post(add, {"practice": f"http://testserver{tandems.get_absolute_url()}"}).status_code
        == 302
    )
    assert mod.post(add, {"practice": str(cafe.pk), "note": "Start here"}).status_code == 302
    mod.post(
        reverse("moderation:collection_move", args=[collection.slug]),
        {"practice": cafe.pk, "direction": "up"},
    )
    assert _order(collection) == ["Parents' café", "Teacher tandems"]
    html = client.get(collection.get_absolute_url()).content.decode()
    assert "<em>schools</em>" in html and "Start here" in html
    assert html.index("Parents&#x27; café") < html.index("Teacher tandems")


def test_bad_input_on_the_collection_pages_changes_nothing(
    client_for, moderator, kit, practice_factory
):
    mod = client_for(moderator)
    add = reverse("moderation:collection_add", args=[kit.slug])
    for value, message in (
        ("not a practice", "Give the practice&#x27;s address or its number."),
        ("99999", "There is no practice number 99999."),
        ("٣", "Give the practice&#x27;s address or its number."),
    ):
        response = mod.post(add, {"practice": value})
        assert response.status_code == 400
        assert message in response.content.decode()
    response = mod.post(
        reverse("moderation:collection_edit", args=[kit.slug]), {"title": "", "introduction": ""}
    )
    assert response.status_code == 400 and "This field is required" in response.content.decode()
    response = mod.post(
        reverse("moderation:collection_move", args=[kit.slug]), {"practice": "x"}, follow=True
    )
    assert "Choose a practice of this collection" in response.content.decode()
    assert kit.items.count() == 0
    assert Collection.objects.get().title == kit.title


def test_a_practice_is_added_from_its_own_page(client_for, moderator, kit, practice_factory):
    practice = practice_factory()
    mod = client_for(moderator)
    page = mod.get(practice.get_absolute_url()).content.decode()
    collect = reverse("moderation:practice_collect", args=[practice.pk])
    assert collect in page and kit.title in page
    response = mod.post(collect, {"collection": kit.pk}, follow=True)
    assert "Added to the collection" in response.content.decode()
    again = mod.post(collect, {"collection": kit.pk}, follow=True)
    assert "already in this collection" in again.content.decode()
    assert kit.items.count() == 1
    assert "Choose one of the collections" in mod.post(collect, {}, follow=True).content.decode()


def test_the_demo_collection_is_seeded_in_order():
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())
    collection = Collection.objects.get()
    spec = COLLECTIONS[0]
    assert collection.title == "Urban Academy on Integration — Education module"
    assert _order(collection) == spec["practices"]
    assert "Brussels" in collection.introduction_html and collection.is_public
