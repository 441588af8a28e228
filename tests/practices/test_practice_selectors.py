from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from practices.models import Practice, PracticeRevision, Status, TargetGroup
from practices.selectors import (
    home_page,
    practice_get_for_user,
    practice_list,
    practice_revision_history,
)
from practices.services.practices import practice_update_search_vector

pytestmark = pytest.mark.django_db


def titles(listing) -> list[str]:
    return [p.title for p in listing.page.items]


def facet(listing, name) -> dict[str, int]:
    return {c.value: c.count for c in listing.facets[name]}


@pytest.fixture
def mixed(practice_factory):
    """Four visible practices that differ in every filtered dimension, plus two invisible."""
    refugees = TargetGroup.objects.get(slug="refugees")
    parents = TargetGroup.objects.get(slug="parents")
    a = practice_factory(
        title="Hamburg language cafe",
        country="DE",
        area="language",
        organisation_type="ngo",
        stage="running",
        tags=["language", "volunteers"],
    )
    a.target_groups.set([refugees])
    b = practice_factory(
        title="Berlin parent evenings",
        country="DE",
        area="education",
        organisation_type="school",
        stage="pilot",
        tags=["parents", "language"],
    )
    b.target_groups.set([parents, refugees])
    c = practice_factory(
        title="Lyon job mentoring",
        country="FR",
        area="employment",
        organisation_type="city",
        stage="evaluated",
        tags=["mentoring"],
    )
    d = practice_factory(
        title="Toulouse French classes",
        country="FR",
        area="language",
        organisation_type="ngo",
        stage="running",
        tags=["language"],
    )
    d.target_groups.set([refugees])
    practice_factory(title="A draft about language", status=Status.DRAFT, published_at=None)
    practice_factory(title="A hidden language practice", hidden_at=timezone.now())
    return {"a": a, "b": b, "c": c, "d": d}


def test_list_shows_visible_practices_only(mixed, member):
    listing = practice_list(user=member, filters={})
    assert sorted(titles(listing)) == sorted(p.title for p in mixed.values())
    assert listing.page.count == 4


def test_filters_combine(mixed):
    listing = practice_list(user=None, filters={"country": "DE", "area": "language"})
    assert titles(listing) == ["Hamburg language cafe"]
    listing = practice_list(
        user=None, filters={"tag": "language", "target_group": "refugees", "country": "FR"}
    )
    assert titles(listing) == ["Toulouse French classes"]
    listing = practice_list(user=None, filters={"organisation_type": "ngo", "stage": "running"})
    assert sorted(titles(listing)) == ["Hamburg language cafe", "Toulouse French classes"]


def test_each_facet_counts_with_the_other_filters_applied(mixed):
    listing = practice_list(user=None, filters={"area": "language"})
    # Countries among language practices; areas among all (the area filter is this facet's own).
    assert facet(listing, "country") == {"DE": 1, "FR": 1}
    assert facet(listing, "area") == {"language": 2, "education": 1, "employment": 1}
    assert facet(listing, "tag") == {"language": 2, "volunteers": 1}
    assert facet(listing, "target_group") == {"refugees": 2}
    assert facet(listing, "organisation_type") == {"ngo": 2}
    assert facet(listing, "stage") == {"running": 2}
    selected = [c.value for c in listing.facets["area"] if c.selected]
    assert selected == ["language"]


def test_a_chosen_value_without_matches_stays_in_its_facet_at_zero(mixed):
    listing = practice_list(user=None, filters={"area": "employment", "country": "DE"})
    assert listing.page.items == []
    assert [(c.value, c.label, c.count, c.selected) for c in listing.facets["country"]] == [
        ("DE", "Germany", 0, True),
        ("FR", "France", 1, False),
    ]
    assert '<option value="DE" selected>Germany (0)</option>' in str(listing.form["country"])


def test_facet_counts_show_in_the_filter_form(mixed):
    listing = practice_list(user=None, filters={})
    html = str(listing.form["country"])
    assert "Germany (2)" in html
    assert "France (2)" in html
    assert "language (3)" in str(listing.form["tag"])


def test_facets_cost_a_fixed_number_of_grouped_queries(practice_factory, django_assert_num_queries):
    def build(n: int) -> None:
        for i in range(n):
            practice_factory(country=["DE", "FR", "IT"][i % 3], tags=[f"tag {i % 7}", "common"])

    build(3)
    with django_assert_num_queries(11):
        practice_list(user=None, filters={"area": "education"})
    cache.clear()
    build(30)
    with django_assert_num_queries(11):
        listing = practice_list(user=None, filters={"area": "education"})
    assert len(listing.facets["tag"]) == 8


def test_listing_cache_skips_count_and_facet_queries_on_the_next_request(
    practice_factory, django_assert_num_queries
):
    practice_factory(tags=["language"])
    practice_list(user=None, filters={"country": "DE"})
    # Target groups, the page's rows and their tags: the count and the facets come from the cache.
    with django_assert_num_queries(3):
        listing = practice_list(user=None, filters={"country": "DE", "page": "1"})
    assert listing.page.count == 1
    assert facet(listing, "tag") == {"language": 1}


def test_invalid_filter_value_is_reported_and_ignored(mixed):
    listing = practice_list(user=None, filters={"area": "astrology", "country": "FR"})
    assert "area" in listing.form.errors
    assert sorted(titles(listing)) == ["Lyon job mentoring", "Toulouse French classes"]
    listing = practice_list(user=None, filters={"country": "XX"})
    assert "country" in listing.form.errors
    assert listing.page.count == 4


def test_unknown_tag_matches_nothing(mixed):
    listing = practice_list(user=None, filters={"tag": "no-such-tag"})
    assert listing.page.items == []
    assert listing.page.count == 0


def test_search_finds_words_in_title_summary_and_city(practice_factory):
    cafe = practice_factory(title="Language cafe", summary="Volunteers meet newcomers.")
    bus = practice_factory(title="Mobile advice bus", summary="Advice in the neighbourhoods.")
    school = practice_factory(title="Welcome classes", city="Rotterdam")
    for p in (cafe, bus, school):
        practice_update_search_vector(practice_id=p.pk)
    assert titles(practice_list(user=None, filters={"q": "volunteers"})) == ["Language cafe"]
    assert titles(practice_list(user=None, filters={"q": "rotterdam"})) == ["Welcome classes"]
    assert titles(practice_list(user=None, filters={"q": "advice bus"})) == ["Mobile advice bus"]
    assert titles(practice_list(user=None, filters={"q": "advice cafe"})) == []


def test_search_combines_with_filters(practice_factory):
    de = practice_factory(title="Language cafe Hamburg", country="DE")
    fr = practice_factory(title="Language cafe Lyon", country="FR")
    for p in (de, fr):
        practice_update_search_vector(practice_id=p.pk)
    listing = practice_list(user=None, filters={"q": "cafe", "country": "FR"})
    assert titles(listing) == ["Language cafe Lyon"]
    assert facet(listing, "country") == {"DE": 1, "FR": 1}


def test_sorting_by_newest_discussion_and_activity(practice_factory):
    now = timezone.now()
    old = practice_factory(
        title="Old but busy",
        published_at=now - timedelta(days=30),
        last_activity_at=now - timedelta(days=2),
        comment_count=9,
    )
    new = practice_factory(
        title="New and quiet", published_at=now - timedelta(days=1), comment_count=0
    )
    mid = practice_factory(
        title="Middle, active today",
        published_at=now - timedelta(days=10),
        last_activity_at=now,
        comment_count=3,
    )
    assert titles(practice_list(user=None, filters={})) == [new.title, mid.title, old.title]
    assert titles(practice_list(user=None, filters={"sort": "discussed"})) == [
        old.title,
        mid.title,
        new.title,
    ]
    assert titles(practice_list(user=None, filters={"sort": "active"})) == [
        mid.title,
        new.title,
        old.title,
    ]


def test_pages_split_the_list_and_keep_order(practice_factory, settings):
    settings.PRACTICES_PER_PAGE = 2
    now = timezone.now()
    made = [
        practice_factory(title=f"P{i}", published_at=now - timedelta(hours=i)) for i in range(5)
    ]
    page1 = practice_list(user=None, filters={}, page="1").page
    page3 = practice_list(user=None, filters={}, page="3").page
    assert [p.title for p in page1.items] == ["P0", "P1"]
    assert page1.has_next and not page1.has_previous
    assert page1.num_pages == 3
    assert [p.title for p in page3.items] == [made[4].title]
    assert not page3.has_next and page3.has_previous
    assert page3.start_index == 5 and page3.end_index == 5
    assert practice_list(user=None, filters={}, page="4").page.out_of_range
    assert practice_list(user=None, filters={}, page="abc").page.number == 1
    assert practice_list(user=None, filters={}, page="99999999999999999999").page.out_of_range


def test_count_is_capped_by_a_sliced_subquery(practice_factory, settings):
    settings.PRACTICE_COUNT_CAP = 4
    settings.PRACTICES_PER_PAGE = 2
    for _ in range(7):
        practice_factory()
    with CaptureQueriesContext(connection) as ctx:
        listing = practice_list(user=None, filters={})
    page = listing.page
    assert page.count == 5
    assert page.count_is_capped
    assert page.shown_count == 4
    count_sql = [q["sql"] for q in ctx.captured_queries if "COUNT(" in q["sql"].upper()][0]
    assert "LIMIT 5" in count_sql.upper()
    # Past the counted pages, the next page is still offered because a row was fetched beyond it.
    page3 = practice_list(user=None, filters={}, page="3").page
    page4 = practice_list(user=None, filters={}, page="4").page
    assert page3.has_next
    assert [p.pk for p in page4.items]
    assert not page4.has_next


def test_page_range_elides_far_pages(practice_factory, settings):
    settings.PRACTICES_PER_PAGE = 1
    for _ in range(12):
        practice_factory()
    page = practice_list(user=None, filters={}, page="6").page
    assert page.page_range == [1, None, 4, 5, 6, 7, 8, None, 12]


def test_tag_page_listing_is_the_list_with_the_tag_fixed(mixed):
    from practices.models import Tag

    tag = Tag.objects.get(slug="language")
    listing = practice_list(user=None, filters={"country": "FR"}, tag=tag)
    assert titles(listing) == ["Toulouse French classes"]
    assert "tag" not in listing.facets
    assert facet(listing, "country") == {"DE": 2, "FR": 1}


def test_list_items_carry_their_tags(practice_factory):
    practice_factory(tags=["parents", "language"])
    item = practice_list(user=None, filters={}).page.items[0]
    assert [t.name for t in item.tag_list] == ["language", "parents"]


def test_practice_get_for_user_hides_other_members_drafts(
    practice_factory, member, other_member, moderator
):
    draft = practice_factory(author=member, status=Status.DRAFT, published_at=None)
    assert practice_get_for_user(user=member, pk=draft.pk) == draft
    assert practice_get_for_user(user=moderator, pk=draft.pk) == draft
    assert practice_get_for_user(user=other_member, pk=draft.pk) is None
    from django.contrib.auth.models import AnonymousUser

    assert practice_get_for_user(user=AnonymousUser(), pk=draft.pk) is None


def test_practice_get_for_user_keeps_only_web_links(practice_factory):
    p = practice_factory()
    Practice.objects.filter(pk=p.pk).update(
        links=["https://example.org/a", "javascript:alert(1)", "http://example.org/b"]
    )
    got = practice_get_for_user(user=None, pk=p.pk)
    assert got.safe_links == ["https://example.org/a", "http://example.org/b"]


def test_detail_read_costs_three_queries_however_many_tags(
    practice_factory, django_assert_num_queries
):
    few = practice_factory(tags=["one"])
    many = practice_factory(tags=[f"tag {i}" for i in range(9)])
    many.target_groups.set(TargetGroup.objects.all()[:5])
    with django_assert_num_queries(3):
        a = practice_get_for_user(user=None, pk=few.pk)
    with django_assert_num_queries(3):
        b = practice_get_for_user(user=None, pk=many.pk)
    assert len(a.tag_list) == 1 and len(b.tag_list) == 9
    assert len(b.target_group_list) == 5


def test_revision_history_lists_changes_field_by_field(practice_factory, member, moderator):
    p = practice_factory(author=member)
    base = {"title": "Cafe", "summary": "We talk", "tags": ["language"], "area": "language"}
    PracticeRevision.objects.create(practice=p, number=1, editor=member, data=base)
    PracticeRevision.objects.create(
        practice=p,
        number=2,
        editor=moderator,
        data={**base, "summary": "We talk every Friday", "tags": ["language", "parents"]},
    )
    PracticeRevision.objects.create(
        practice=p,
        number=3,
        editor=member,
        data={
            **base,
            "area": "education",
            "summary": "We talk every Friday",
            "tags": ["language", "parents"],
        },
    )
    entries = practice_revision_history(practice=p)
    assert [e.revision.number for e in entries] == [3, 2, 1]
    assert entries[2].is_first
    second = {c.name: c for c in entries[1].changes}
    assert set(second) == {"summary", "tags"}
    assert second["summary"].segments == [("equal", "We talk"), ("insert", " every Friday")]
    assert second["tags"].segments == [("equal", "language"), ("insert", ", parents")]
    third = entries[0].changes
    assert [(c.name, c.label) for c in third] == [("area", "Area")]
    assert ("delete", "Language") in third[0].segments
    assert ("insert", "Education") in third[0].segments


def test_home_page_has_featured_latest_and_popular_tags(practice_factory):
    now = timezone.now()
    featured = practice_factory(title="Featured one", featured_at=now, tags=["language"])
    practice_factory(title="Plain", tags=["language", "parents"])
    practice_factory(title="Draft", status=Status.DRAFT, published_at=None, featured_at=now)
    data = home_page(user=None)
    assert [p.title for p in data["featured"]] == [featured.title]
    assert {p.title for p in data["latest"]} == {"Featured one", "Plain"}
    assert [(t.name, t.count) for t in data["popular_tags"]] == [("language", 2), ("parents", 1)]


def test_home_page_costs_the_same_at_two_sizes(practice_factory, django_assert_num_queries):
    now = timezone.now()
    practice_factory(featured_at=now, tags=["a"])
    practice_factory(tags=["b"])
    with django_assert_num_queries(5):
        home_page(user=None)
    cache.clear()
    for i in range(20):
        practice_factory(featured_at=now if i % 4 == 0 else None, tags=[f"t{i}", "a"])
    with django_assert_num_queries(5):
        data = home_page(user=None)
    assert len(data["featured"]) == 3 and len(data["latest"]) == 6


@pytest.mark.services
def test_search_uses_the_gin_index_on_postgresql(practice_factory, member):
    assert connection.vendor == "postgresql"
    now = timezone.now()
    Practice.objects.bulk_create(
        Practice(
            author=member,
            title=f"Welcome class {i}",
            slug="welcome-class",
            summary="Pupils learn the language.",
            description="Daily lessons.",
            country="DE",
            city="Hamburg",
            organisation="School",
            organisation_type="school",
            area="education",
            status=Status.PUBLISHED,
            published_at=now,
            last_activity_at=now,
        )
        for i in range(3000)
    )
    first = Practice.objects.order_by("pk").first()
    practice_update_search_vector(practice_id=first.pk)
    with connection.cursor() as cursor:
        # The other classes have the same words: copy the first one's vector.
        cursor.execute(
            "UPDATE practices_practice SET search_vector = "
            "(SELECT search_vector FROM practices_practice WHERE id = %s) "
            "WHERE search_vector IS NULL",
            [first.pk],
        )
    for i in range(3):
        p = practice_factory(author=member, title=f"Mentoring {i}", summary="Job mentoring")
        practice_update_search_vector(practice_id=p.pk)
    with CaptureQueriesContext(connection) as ctx:
        listing = practice_list(user=None, filters={"q": "mentoring"})
    assert sorted(titles(listing)) == ["Mentoring 0", "Mentoring 1", "Mentoring 2"]
    searches = [q["sql"] for q in ctx.captured_queries if "@@" in q["sql"]]
    # The capped count, seven facets and the page's rows all search.
    assert len(searches) == 9
    count_sql = next(sql for sql in searches if sql.startswith("SELECT COUNT(*)"))
    rows_sql = next(sql for sql in searches if sql.startswith('SELECT "practices_practice"."id"'))
    with connection.cursor() as cursor:
        # Rows that earlier tests wrote and rolled back wait in the GIN index's pending list
        # until autovacuum merges them; a long list makes the index look dear. Merge it now,
        # as autovacuum would have in a running site.
        cursor.execute("SELECT gin_clean_pending_list('practice_search_gin'::regclass)")
        cursor.execute("ANALYZE")
        # On tiny tables a sequential scan is cheapest, and walking the newest-first index
        # can look cheap too; forbid both so the planner shows which index finds the term.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        for sql in (count_sql, rows_sql):
            cursor.execute(f"EXPLAIN {sql}")
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert "practice_search_gin" in plan, plan


@pytest.mark.services
def test_search_ranks_title_matches_first_on_postgresql(practice_factory):
    assert connection.vendor == "postgresql"
    now = timezone.now()
    summary_only = practice_factory(
        title="Evening meetings",
        summary="Parents learn about school with interpreters.",
        published_at=now,
    )
    in_title = practice_factory(
        title="Interpreters for parents' evenings",
        summary="Schools book interpreters.",
        published_at=now - timedelta(days=3),
    )
    for p in (summary_only, in_title):
        practice_update_search_vector(practice_id=p.pk)
    listing = practice_list(user=None, filters={"q": "interpreters"})
    assert listing.sort == "relevance"
    assert titles(listing) == [in_title.title, summary_only.title]
    newest = practice_list(user=None, filters={"q": "interpreters", "sort": "newest"})
    assert titles(newest) == [summary_only.title, in_title.title]
