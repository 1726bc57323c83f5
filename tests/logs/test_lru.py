"""The bounded LRU behind the scorer's caches and the template miner's memo and windows."""

from __future__ import annotations

from classifiers.logs.lru import Lru


def test_evicts_the_least_recently_used_entry() -> None:
    lru: Lru[str, int] = Lru(2)
    lru.put("a", 1)
    lru.put("b", 2)
    assert lru.get("a") == 1  # "a" is now the most recent, so "b" goes first
    lru.put("c", 3)
    assert lru.get("b") is None
    assert list(lru.items()) == [("a", 1), ("c", 3)]


def test_put_of_a_known_key_refreshes_it() -> None:
    lru: Lru[str, int] = Lru(2, [("a", 1), ("b", 2)])
    lru.put("a", 10)
    lru.put("c", 3)
    assert dict(lru.items()) == {"a": 10, "c": 3}


def test_initial_items_keep_only_the_newest_within_capacity() -> None:
    lru: Lru[int, int] = Lru(3, ((i, i * i) for i in range(10)))
    assert [key for key, _ in lru.items()] == [7, 8, 9]


def test_capacity_zero_stores_nothing_and_discard_forgets() -> None:
    assert len(Lru[str, int](0, [("a", 1)])) == 0
    lru: Lru[str, int] = Lru(5, [("a", 1), ("b", 2)])
    lru.discard("a")
    lru.discard("missing")
    assert list(lru.items()) == [("b", 2)]
    lru.clear()
    assert len(lru) == 0
