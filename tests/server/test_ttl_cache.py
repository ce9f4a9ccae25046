"""The short-lived cache of verified callers."""

from __future__ import annotations

from pos_desktop.server.ttl_cache import TtlCache


class Ticker:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_ttl_cache_returns_value_within_its_time() -> None:
    """A value put is found until its seconds are up."""
    ticker = Ticker()
    cache = TtlCache[str, int](5, monotonic=ticker)
    cache.put("a", 1)

    ticker.now = 5.0

    assert cache.get("a") == 1


def test_ttl_cache_forgets_value_after_its_time() -> None:
    """After the time to live, the value is gone and must be looked up again."""
    ticker = Ticker()
    cache = TtlCache[str, int](5, monotonic=ticker)
    cache.put("a", 1)

    ticker.now = 5.1

    assert cache.get("a") is None


def test_ttl_cache_stays_bounded_under_a_flood_of_keys() -> None:
    """Fresh keys never grow the cache beyond its limit."""
    cache = TtlCache[int, int](5, max_entries=10)

    for key in range(1000):
        cache.put(key, key)

    assert sum(cache.get(key) is not None for key in range(1000)) <= 10
    assert cache.get(999) == 999
