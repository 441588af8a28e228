"""Best-match search ranks a bounded number of matches, the newest ones (PostgreSQL)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from practices.selectors import practices as practice_selectors
from practices.services.practices import practice_update_search_vector

pytestmark = [pytest.mark.django_db, pytest.mark.services]


def test_best_match_ranks_among_the_newest_matches(practice_factory, monkeypatch):
    assert connection.vendor == "postgresql"
    now = timezone.now()
    old_title_match = practice_factory(
        title="Interpreters for parents", summary="Schools.", published_at=now - timedelta(days=9)
    )
    newer = [
        practice_factory(
            title=f"Evening {n}", summary="With interpreters.", published_at=now - timedelta(days=n)
        )
        for n in range(3)
    ]
    for practice in [old_title_match, *newer]:
        practice_update_search_vector(practice_id=practice.pk)

    listing = practice_selectors.practice_list(user=None, filters={"q": "interpreters"})
    assert listing.page.items[0] == old_title_match
    monkeypatch.setattr(practice_selectors, "RANK_CANDIDATES", 3)
    listing = practice_selectors.practice_list(user=None, filters={"q": "interpreters"})
    assert old_title_match not in listing.page.items
    assert set(listing.page.items) == set(newer)
    newest = practice_selectors.practice_list(
        user=None, filters={"q": "interpreters", "sort": "newest"}
    )
    assert old_title_match in newest.page.items
