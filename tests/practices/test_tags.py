import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils import timezone

from practices.models import Status, Tag
from practices.tags import normalise_tag, parse_tags, validate_tags

pytestmark = pytest.mark.django_db


# --- Names ---------------------------------------------------------------------------------


def test_tag_names_are_normalised_to_one_spelling():
    assert normalise_tag("  Social_media ") == "social media"
    assert normalise_tag("social-media") == "social media"
    assert normalise_tag("SOCIAL   MEDIA") == "social media"


def test_parse_tags_splits_drops_empties_and_duplicates_in_order():
    assert parse_tags("Parents, language,, parents , Language learning") == [
        "parents",
        "language",
        "language learning",
    ]
    assert parse_tags(["A", "a", " "]) == ["a"]


def test_validate_tags_limits_number_and_length():
    assert validate_tags([f"t{i}" for i in range(10)]) == [f"t{i}" for i in range(10)]
    with pytest.raises(ValidationError) as too_many:
        validate_tags([f"t{i}" for i in range(11)])
    assert too_many.value.code == "too_many_tags"
    with pytest.raises(ValidationError) as too_long:
        validate_tags(["x" * 51])
    assert too_long.value.code == "tag_too_long"


# --- Pages ---------------------------------------------------------------------------------


@pytest.fixture
def tagged(practice_factory, member):
    practice_factory(author=member, title="Cafe", tags=["language", "parents"])
    practice_factory(author=member, title="Class", tags=["language"])
    practice_factory(
        author=member,
        title="Draft",
        tags=["language", "secret"],
        status=Status.DRAFT,
        published_at=None,
    )
    practice_factory(
        author=member, title="Hidden", tags=["language", "secret"], hidden_at=timezone.now()
    )
    Tag.objects.filter(name="parents").update(
        is_official=True, description="Working with <b>parents</b>."
    )


def test_tag_index_counts_visible_practices_and_marks_official_tags(client, tagged):
    response = client.get("/tags/")
    assert response.status_code == 200
    tags = {t.name: t.count for t in response.context["tags_page"].object_list}
    assert tags == {"language": 2, "parents": 1}
    assert [t.name for t in response.context["official_tags"]] == ["parents"]
    html = response.content.decode()
    assert "Official tags" in html
    assert 'class="tag tag-official" href="/tags/parents/"' in html
    assert "secret" not in html
    assert html.count("<h1") == 1


def test_tag_page_lists_its_practices_with_the_description(client, tagged):
    response = client.get("/tags/parents/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Practices tagged “parents”" in html
    assert "Working with &lt;b&gt;parents&lt;/b&gt;." in html
    assert "Official tag" in html
    assert "Cafe" in html and "Class" not in html
    assert "1 practice" in html
    hidden_only = client.get("/tags/secret/")
    assert hidden_only.status_code == 200
    assert (
        "Draft" not in hidden_only.content.decode() and "Hidden" not in hidden_only.content.decode()
    )


def test_tag_page_filters_and_pages_like_the_list(client, practice_factory, member, settings):
    settings.PRACTICES_PER_PAGE = 2
    for i in range(3):
        practice_factory(author=member, title=f"German {i}", country="DE", tags=["language"])
    practice_factory(author=member, title="French", country="FR", tags=["language"])
    html = client.get("/tags/language/?country=DE").content.decode()
    assert "French" not in html and "3 practices" in html
    assert 'href="?country=DE&amp;page=2"' in html
    assert 'action="/tags/language/"' in html
    assert 'name="tag"' not in html
    assert client.get("/tags/language/?country=DE&page=2").status_code == 200
    assert client.get("/tags/language/?country=DE&page=3").status_code == 404


def test_unknown_tag_is_404(client):
    assert client.get("/tags/no-such-tag/").status_code == 404


def test_tag_page_costs_the_same_queries_at_two_sizes(
    client, practice_factory, member, django_assert_num_queries
):
    def add(n: int) -> None:
        for i in range(n):
            practice_factory(author=member, country=["DE", "FR"][i % 2], tags=["language", f"t{i}"])

    add(2)
    # The tag, target groups, capped count, six facets (no tag facet), the rows, their tags,
    # the tag's follower count.
    with django_assert_num_queries(12):
        assert client.get("/tags/language/").status_code == 200
    cache.clear()
    add(30)
    with django_assert_num_queries(12):
        response = client.get("/tags/language/")
    assert response.context["listing"].page.count == 32


def test_tag_index_costs_the_same_queries_at_two_sizes(
    client, practice_factory, member, django_assert_num_queries
):
    practice_factory(author=member, tags=["a", "b"])
    Tag.objects.filter(name="a").update(is_official=True)
    # Official tags, the count of used tags, one page of them.
    with django_assert_num_queries(3):
        client.get("/tags/")
    for i in range(20):
        practice_factory(author=member, tags=[f"x{i}", "a"])
    with django_assert_num_queries(3):
        response = client.get("/tags/")
    assert len(response.context["tags_page"].object_list) == 22


# --- Suggestions ---------------------------------------------------------------------------


def test_autocomplete_puts_official_tags_first_then_the_most_used(client, practice_factory, member):
    for _ in range(3):
        practice_factory(author=member, tags=["language cafe"])
    practice_factory(author=member, tags=["language learning"])
    practice_factory(author=member, tags=["sign language"], status=Status.DRAFT, published_at=None)
    Tag.objects.filter(name="language learning").update(is_official=True)
    response = client.get("/api/tags/?q=Lang")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == [
        {"name": "language learning", "slug": "language-learning", "count": 1},
        {"name": "language cafe", "slug": "language-cafe", "count": 3},
        {"name": "sign language", "slug": "sign-language", "count": 0},
    ]


def test_autocomplete_with_nothing_typed_is_empty(client, practice_factory):
    practice_factory(tags=["language"])
    assert client.get("/api/tags/").json() == []
    assert client.get("/api/tags/?q=%20,").json() == []
    assert client.get("/api/tags/?q=lang%00").json() == [
        {"name": "language", "slug": "language", "count": 1}
    ]


def test_autocomplete_is_read_only(client):
    assert client.post("/api/tags/?q=a").status_code == 405
