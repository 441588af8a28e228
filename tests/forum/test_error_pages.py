"""The 403, 404 and 500 pages are the site's own, in its layout."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.views import defaults

pytestmark = pytest.mark.django_db


def _assert_site_page(html: str) -> None:
    assert 'class="site-header"' in html
    assert html.count("<h1") == 1


def test_unknown_address_gets_the_sites_404_page(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    _assert_site_page(html)
    assert "We could not find that page" in html


def test_403_page_says_why_and_escapes_the_reason(rf: RequestFactory):
    request = rf.get("/")
    request.user = AnonymousUser()
    response = defaults.permission_denied(
        request, PermissionDenied("Only <b>moderators</b> may do this.")
    )
    assert response.status_code == 403
    html = response.content.decode()
    _assert_site_page(html)
    assert "Only &lt;b&gt;moderators&lt;/b&gt; may do this." in html


def test_500_page_renders_without_any_context(rf: RequestFactory):
    response = defaults.server_error(rf.get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    _assert_site_page(html)
    assert "Something went wrong on our side" in html
    # The 500 page gets no context processors, yet still names the site.
    assert '<a class="brand" href="/">Practice Exchange</a>' in html
