"""Slow cached reads: one process refreshes a stale value, the others keep serving it."""

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
