"""A bounded least-recently-used mapping, the one eviction rule behind every cache of the scorer.

The template miner's memo and per-key windows and the scorer's prediction and explanation caches
all keep at most a fixed number of entries and drop the one used longest ago. Not thread-safe:
each owner already holds its own lock around a whole operation (the miner's lock spans a drain3
call and the window update), and a second lock per lookup would only add cost on the hot path.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Iterator
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class Lru(Generic[K, V]):
    """At most ``capacity`` entries; a lookup that finds its key makes it the most recent.
    Capacity 0 (or less) stores nothing."""

    def __init__(self, capacity: int, items: Iterable[tuple[K, V]] = ()) -> None:
        self.capacity = capacity
        self._items: OrderedDict[K, V] = OrderedDict()
        for key, value in items:
            self.put(key, value)

    def get(self, key: K) -> V | None:
        item = self._items.get(key)
        if item is not None:
            self._items.move_to_end(key)
        return item

    def put(self, key: K, value: V) -> None:
        """Store ``value`` as the most recent entry, dropping the oldest beyond capacity."""
        if self.capacity <= 0:
            return
        self._items[key] = value
        self._items.move_to_end(key)
        while len(self._items) > self.capacity:
            self._items.popitem(last=False)

    def discard(self, key: K) -> None:
        self._items.pop(key, None)

    def clear(self) -> None:
        self._items.clear()

    def items(self) -> Iterator[tuple[K, V]]:
        """Entries from the oldest to the most recently used."""
        return iter(self._items.items())

    def __len__(self) -> int:
        return len(self._items)
