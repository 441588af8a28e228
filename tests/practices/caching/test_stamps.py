"""The caching package's core: slow reads refreshed by one process while the others serve the
stale value, and stamps, under which pages are kept until a write drops their scopes."""

import pytest
from django.core.cache import cache

from practices import caching
from practices.caching import cached_refreshing


class Counter:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> int:
        self.calls += 1
        return self.calls


def test_a_fresh_value_is_computed_once():
    compute = Counter()
    assert cached_refreshing("k", compute, 60) == 1
    assert cached_refreshing("k", compute, 60) == 1
    assert compute.calls == 1


def test_a_stale_value_is_refreshed_by_the_first_who_finds_it(monkeypatch):
    compute = Counter()
    now = [1000.0]
    monkeypatch.setattr(caching.time, "time", lambda: now[0])
    cached_refreshing("k", compute, 60)
    now[0] += 61
    assert cached_refreshing("k", compute, 60) == 2
    assert cached_refreshing("k", compute, 60) == 2


def test_while_someone_refreshes_the_others_get_the_stale_value(monkeypatch):
    compute = Counter()
    now = [1000.0]
    monkeypatch.setattr(caching.time, "time", lambda: now[0])
    cached_refreshing("k", compute, 60)
    now[0] += 61
    cache.add("k:refreshing", 1)
    assert cached_refreshing("k", compute, 60) == 1
    assert compute.calls == 1


def test_zero_seconds_means_no_cache():
    compute = Counter()
    cached_refreshing("k", compute, 0)
    assert cached_refreshing("k", compute, 0) == 2


# --- Stamps: what is kept under a page's scopes ------------------------------------------------


def test_a_value_is_found_under_the_stamp_it_was_kept_with():
    stamp, found = caching.stamp_get(["practice:1"], ["k"])
    assert stamp is not None and found == {}
    caching.stamp_set("k", stamp, "page", 60)
    again, found = caching.stamp_get(["practice:1"], ["k"])
    assert again == stamp
    assert caching.kept_value(found, "k", again) == "page"


@pytest.mark.django_db
def test_dropping_a_scope_makes_what_was_kept_under_it_stale(django_capture_on_commit_callbacks):
    stamp, _ = caching.stamp_get(["site", "practice:1"])
    caching.stamp_set("k", stamp, "page", 60)
    other, _ = caching.stamp_get(["site", "practice:2"])
    caching.stamp_set("k2", other, "other page", 60)
    with django_capture_on_commit_callbacks(execute=True):
        caching.drop(caching.practice_scope(1))
    new, found = caching.stamp_get(["site", "practice:1"], ["k"])
    assert new != stamp and caching.kept_value(found, "k", new) is None
    same, found = caching.stamp_get(["site", "practice:2"], ["k2"])
    assert same == other and caching.kept_value(found, "k2", same) == "other page"


@pytest.mark.django_db
def test_dropping_the_site_makes_every_page_stale(django_capture_on_commit_callbacks):
    stamps = [caching.stamp_get(["site", scope])[0] for scope in ("home", "listing", "tag:a")]
    with django_capture_on_commit_callbacks(execute=True):
        caching.drop_site()
    after = [caching.stamp_get(["site", scope])[0] for scope in ("home", "listing", "tag:a")]
    assert all(old != new for old, new in zip(stamps, after, strict=True))


@pytest.mark.django_db
def test_a_drop_happens_at_once_and_again_when_the_write_commits(
    django_capture_on_commit_callbacks,
):
    stamp, _ = caching.stamp_get(["home"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        caching.drop(caching.HOME)
        during = caching.stamp_get(["home"])[0]
    assert during != stamp
    # A reader who rendered from the rows before the commit kept their page under `during`.
    callbacks[0]()
    assert caching.stamp_get(["home"])[0] not in (stamp, during)


def test_nothing_is_kept_without_a_stamp():
    caching.stamp_set("a", None, 1, 60)
    assert cache.get("a") is None


@pytest.mark.django_db
def test_a_cache_that_fails_keeps_nothing_and_finds_nothing(
    monkeypatch, caplog, django_capture_on_commit_callbacks
):
    def down(*args, **kwargs):
        raise ConnectionError("the cache is down")

    monkeypatch.setattr(caching.cache, "get_many", down)
    monkeypatch.setattr(caching.cache, "set", down)
    monkeypatch.setattr(caching.cache, "delete_many", down)
    assert caching.stamp_get(["home"], ["a"]) == (None, {})
    caching.stamp_set("a", "stamp", 1, 60)
    with django_capture_on_commit_callbacks(execute=True):
        caching.drop(caching.HOME)  # logged, never raised: the write stands
    assert "kept pages not dropped" in caplog.text
