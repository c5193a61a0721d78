"""Results kept while the data they were computed from stays the same.

The web server is the warehouse's only writer (every write is a job, DESIGN §8) and every
app-DB change leaves an audit or history row, so a *generation* — the job counter plus the
newest audit and proposal-history ids — changes whenever anything a page shows could
change. Pages and the API keep their expensive results (the scoring run of a period, the
roster, the ranking rows, the overview) under the current generation; a new generation
drops them all. Nothing is ever served from an older generation.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")
Memo = Callable[[Hashable, Callable[[], Any]], Any]


class GenerationMemo:
    """An LRU of results for one generation at a time (thread-safe; a missing key is
    computed once even when several requests ask for it together)."""

    def __init__(self, size: int = 512) -> None:
        self.size = size
        self._generation: Hashable = None
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        self._pending: dict[Hashable, threading.Lock] = {}
        self.hits = 0
        self.misses = 0

    def get(self, generation: Hashable, key: Hashable, compute: Callable[[], T]) -> T:
        with self._lock:
            self._switch(generation)
            if key in self._items:
                self.hits += 1
                self._items.move_to_end(key)
                found: T = self._items[key]
                return found
            gate = self._pending.setdefault(key, threading.Lock())
        with gate:
            with self._lock:
                if self._generation == generation and key in self._items:
                    self.hits += 1
                    kept: T = self._items[key]
                    return kept
            self.misses += 1
            value = compute()
            with self._lock:
                if self._generation == generation:
                    self._items[key] = value
                    while len(self._items) > self.size:
                        self._items.popitem(last=False)
                self._pending.pop(key, None)
            return value

    def bound(self, generation: Hashable) -> Memo:
        """``memo(key, compute)`` under ``generation``."""
        return lambda key, compute: self.get(generation, key, compute)

    def _switch(self, generation: Hashable) -> None:
        if generation != self._generation:
            self._generation = generation
            self._items.clear()


def no_memo(key: Hashable, compute: Callable[[], T]) -> T:
    """Compute every time (the CLI, and any process that is not the only writer)."""
    return compute()
