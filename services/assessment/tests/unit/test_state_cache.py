"""What an api process keeps between requests (adapters.state_cache): a snapshot only for the stamp it was
taken at, and never more than the cache's size."""

from assessment.adapters.state_cache import StateCache


def test_a_snapshot_is_given_only_for_the_stamp_it_was_taken_at_and_dropped_for_another():
    cache = StateCache(10)
    cache.keep("a", (3, "701"), "state at version 3")

    assert cache.get("a", (3, "701")) == "state at version 3"
    assert cache.get("a", (4, "702")) is None  # another process wrote: stale
    assert "a" not in cache
    assert cache.get("a", (3, "701")) is None  # dropped, not kept for an older stamp
    assert (cache.hits, cache.misses) == (1, 2)


def test_the_same_version_written_by_another_transaction_is_another_stamp():
    cache = StateCache(10)
    cache.keep("a", (4, "702"), "written by a transaction that rolled back")

    assert cache.get("a", (4, "815")) is None


def test_the_cache_keeps_at_most_its_size_the_least_recently_used_going_first():
    cache = StateCache(2)
    cache.keep("a", 1, "A")
    cache.keep("b", 1, "B")
    assert cache.get("a", 1) == "A"  # a is now the most recent
    cache.keep("c", 1, "C")

    assert len(cache) == 2
    assert "b" not in cache
    assert (cache.get("a", 1), cache.get("c", 1)) == ("A", "C")


def test_a_cache_of_size_zero_keeps_nothing():
    cache = StateCache(0)
    cache.keep("a", 1, "A")
    assert cache.get("a", 1) is None and len(cache) == 0
