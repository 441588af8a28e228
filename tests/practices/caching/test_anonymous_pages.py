"""Whole pages for visitors (practices/caching/pages.py): served without a query, never to or
from a member, never with a cookie or a CSRF token, dropped by the writes that change them,
and kept only for the query parameters a page understands."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from practices.caching.pages import HIT_HEADER, AnonymousPageCacheMiddleware
from practices.services.comments import comment_create
from practices.services.practices import practice_update

pytestmark = pytest.mark.django_db


def warm(client, url: str) -> None:
    """Two visits: the second is kept whatever the first found."""
    for _ in range(2):
        assert client.get(url).status_code == 200


@pytest.fixture
def practice(practice_factory, member):
    return practice_factory(author=member, title="Language cafe for parents", tags=["language"])


@pytest.fixture
def pages(practice):
    return [
        "/",
        "/practices/",
        "/practices/?page=1&q=cafe",
        "/tags/language/",
        practice.get_absolute_url(),
    ]


def test_anonymous_pages_come_from_the_cache_without_a_query(
    client, pages, django_assert_num_queries
):
    for url in pages:
        warm(client, url)
        first = client.get(url)
        with django_assert_num_queries(0):
            again = client.get(url)
        assert again[HIT_HEADER] == "hit"
        assert again.content == first.content
        assert again["Content-Type"] == first["Content-Type"]
        assert again["X-Frame-Options"] == "DENY"


def test_pages_are_stored_per_path_and_query(client, practice):
    warm(client, "/practices/?q=cafe")
    other = client.get("/practices/?q=nothing-matches-this")
    assert other.get(HIT_HEADER) != "hit"
    assert "Language cafe" not in other.content.decode()


def test_pages_are_stored_per_language(client, practice):
    for _ in range(2):
        client.get("/practices/", HTTP_ACCEPT_LANGUAGE="fr")
    french = client.get("/practices/", HTTP_ACCEPT_LANGUAGE="fr-CH,fr;q=0.9")
    assert french[HIT_HEADER] == "hit" and french["Content-Language"] == "fr"
    german = client.get("/practices/", HTTP_ACCEPT_LANGUAGE="de")
    assert german.get(HIT_HEADER) != "hit" and german["Content-Language"] == "de"
    client.cookies["django_language"] = "de"
    chosen = client.get("/practices/", HTTP_ACCEPT_LANGUAGE="fr")
    assert chosen[HIT_HEADER] == "hit" and chosen["Content-Language"] == "de"


def test_a_member_never_gets_a_stored_page_and_never_stores_one(
    client, member_client, practice, django_assert_max_num_queries
):
    url = practice.get_absolute_url()
    warm(client, url)
    response = member_client.get(url)
    assert HIT_HEADER not in response
    html = response.content.decode()
    assert "csrfmiddlewaretoken" in html
    for _ in range(3):
        assert HIT_HEADER not in member_client.get(url)
    # What the member saw was never stored for anyone else.
    anonymous = client.get(url).content.decode()
    assert "csrfmiddlewaretoken" not in anonymous


def test_a_reader_with_a_messages_cookie_goes_through(client, practice):
    url = practice.get_absolute_url()
    warm(client, url)
    client.cookies["messages"] = "something"
    assert HIT_HEADER not in client.get(url)


def test_a_comment_drops_the_stored_pages(
    client, practice, other_member, django_capture_on_commit_callbacks
):
    url = practice.get_absolute_url()
    warm(client, url)
    assert client.get(url)[HIT_HEADER] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        comment_create(practice=practice, author=other_member, body="We tried it in Malmö.")
    response = client.get(url)
    assert response.get(HIT_HEADER) != "hit"
    assert "We tried it in Malmö." in response.content.decode()


def test_a_practice_edit_drops_the_stored_pages(
    client, practice, member, django_capture_on_commit_callbacks
):
    warm(client, "/")
    with django_capture_on_commit_callbacks(execute=True):
        practice_update(
            practice=practice, editor=member, data={"title": "Language cafe, second year"}
        )
    response = client.get("/")
    assert response.get(HIT_HEADER) != "hit"
    assert "Language cafe, second year" in response.content.decode()


def test_a_profile_edit_drops_the_stored_pages(
    client, practice, member, django_capture_on_commit_callbacks
):
    from accounts.services import user_update_profile

    warm(client, practice.get_absolute_url())
    with django_capture_on_commit_callbacks(execute=True):
        user_update_profile(user=member, data={"display_name": "Amira H. Haddad"})
    response = client.get(practice.get_absolute_url())
    assert response.get(HIT_HEADER) != "hit"
    assert "Amira H. Haddad" in response.content.decode()


def test_off_when_the_setting_is_zero(client, practice, settings):
    settings.ANON_PAGE_CACHE_SECONDS = 0
    for _ in range(3):
        assert HIT_HEADER not in client.get("/")


def test_a_comment_leaves_other_practices_pages_kept(
    client, practice, practice_factory, other_member, django_capture_on_commit_callbacks
):
    elsewhere = practice_factory(title="Homework club in the library", tags=["homework"])
    url = elsewhere.get_absolute_url()
    warm(client, url)
    warm(client, "/tags/homework/")
    with django_capture_on_commit_callbacks(execute=True):
        comment_create(practice=practice, author=other_member, body="We tried it in Malmö.")
    assert client.get(url)[HIT_HEADER] == "hit"
    assert client.get("/tags/homework/")[HIT_HEADER] == "hit"
    assert client.get("/tags/language/").get(HIT_HEADER) != "hit"


@pytest.mark.parametrize(
    "query",
    ["?x=1", "?utm_source=mail", "?country=FR&country=DE", "?q=cafe&q=tea", "?page=1&nonsense="],
)
def test_a_query_the_page_does_not_understand_is_neither_served_nor_stored(client, practice, query):
    for _ in range(3):
        response = client.get(f"/practices/{query}")
        assert response.status_code == 200
        assert HIT_HEADER not in response
    for _ in range(2):
        response = client.get(practice.get_absolute_url() + "?page=2")
        assert HIT_HEADER not in response


def test_the_same_query_in_another_order_is_the_same_page(client, practice):
    warm(client, "/practices/?q=cafe&page=1")
    assert client.get("/practices/?page=1&q=cafe")[HIT_HEADER] == "hit"


def test_other_pages_are_not_stored(client, practice):
    for _ in range(3):
        response = client.get("/tags/")
        assert HIT_HEADER not in response


# --- What may be stored: the middleware alone, with a view that misbehaves -----------------


def run_twice(make_response, cookies=None):
    """Three anonymous GETs of / through the middleware around `make_response`."""
    middleware = AnonymousPageCacheMiddleware(lambda request: make_response())
    results = []
    for _ in range(3):
        request = RequestFactory().get("/")
        request.COOKIES.update(cookies or {})
        results.append(middleware(request))
    return results


def test_a_response_that_sets_a_cookie_is_never_stored():
    def view():
        response = HttpResponse("<p>hello</p>")
        response.set_cookie("csrftoken", "x")
        return response

    assert all(HIT_HEADER not in r for r in run_twice(view))


def test_a_response_with_a_csrf_token_is_never_stored():
    def view():
        return HttpResponse('<input type="hidden" name="csrfmiddlewaretoken" value="abc">')

    assert all(HIT_HEADER not in r for r in run_twice(view))


@pytest.mark.parametrize(
    "header,value",
    [
        ("Cache-Control", "private"),
        ("Cache-Control", "no-store"),
        ("Vary", "Cookie, User-Agent"),
    ],
)
def test_private_or_varying_responses_are_never_stored(header, value):
    def view():
        response = HttpResponse("<p>hello</p>")
        response[header] = value
        return response

    assert all(HIT_HEADER not in r for r in run_twice(view))


def test_errors_and_redirects_are_never_stored():
    assert all(HIT_HEADER not in r for r in run_twice(lambda: HttpResponse("gone", status=404)))


def test_a_plain_public_response_is_stored_and_served():
    first, second, third = run_twice(lambda: HttpResponse("<p>hello</p>"))
    assert first[HIT_HEADER] == "miss"
    assert second[HIT_HEADER] == "hit"
    assert third[HIT_HEADER] == "hit"
    assert third.content == b"<p>hello</p>"


def test_a_session_cookie_bypasses_the_cache():
    results = run_twice(lambda: HttpResponse("<p>hello</p>"), cookies={"sessionid": "abc"})
    assert all(HIT_HEADER not in r for r in results)
