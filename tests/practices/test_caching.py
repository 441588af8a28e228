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


# --- Kept under the content generation -------------------------------------------------------


def test_values_kept_under_a_generation_are_found_until_it_is_replaced():
    from forum.anon_cache import GENERATION_KEY

    assert caching.generation_get_many(["a"]) == (None, {})  # starts a generation
    generation, found = caching.generation_get_many(["a"])
    assert generation is not None and found == {}
    caching.generation_set_many(generation, {"a": 1}, 60)
    assert caching.generation_get_many(["a", "b"]) == (generation, {"a": 1})
    cache.set(GENERATION_KEY, "another")
    assert caching.generation_get_many(["a"]) == ("another", {})


def test_nothing_is_kept_without_a_generation():
    caching.generation_set_many(None, {"a": 1}, 60)
    assert cache.get("a") is None


def test_a_cache_that_fails_keeps_nothing_and_finds_nothing(monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("the cache is down")

    monkeypatch.setattr(caching.cache, "get_many", down)
    monkeypatch.setattr(caching.cache, "set_many", down)
    assert caching.generation_get_many(["a"]) == (None, {})
    caching.generation_set_many("g", {"a": 1}, 60)
