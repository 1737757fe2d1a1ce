"""How close duty texts came to roles in earlier builds, kept for the next.

Unnamed-post inference (``relate.RoleIndex``) scores each distinct duty text of an unnamed post
against the texts of the roles it may hold: at 1,000 stores, 2,184 such asks were 2.7 s of
rapidfuzz, worked out again by every rebuild although one store's change leaves nearly all of
them as they were. A score is a function of the text, the roles' texts and the scorer alone, so
it is kept under a digest of exactly these, beside the readings and the graph's pieces.

The file (``graph.kept_file``) holds the scores the last build used.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import orjson

from graph.kept_file import read_entries, save_entries
from graph.paths import PACKAGE_DIR
from graph.versions import code_version

# the code and library a score depends on: a change to either makes every kept score stale
SCORE_CODE = ("relate.py", "score_cache.py", "kept_file.py")
SCORE_LIBRARY = "rapidfuzz"
WHAT = "role scores"


class ScoreCache:
    """Scores by key (``key``), read from and written back to one file of a folder."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / f"scores-{scorer_version()}.json"
        self.kept: dict[str, list[float]] = read_entries(self.path, _row, WHAT)
        self.used: dict[str, list[float]] = {}  # the scores this build asked for, by key
        self.found: set[str] = set()  # … of which the file held these

    @staticmethod
    def key(roles_digest: str, text: str) -> str:
        """The key of one text's scores against one set of roles' texts (``roles_digest``)."""
        return hashlib.sha256(f"{roles_digest}\0{text}".encode()).hexdigest()[:32]

    @staticmethod
    def roles_digest(roles: Sequence[tuple[str, Sequence[str]]]) -> str:
        """A digest of (role, its texts) in order: what one row of scores is made against."""
        return hashlib.sha256(orjson.dumps(roles)).hexdigest()

    def get(self, key: str, size: int) -> list[float] | None:
        """The row of ``size`` scores kept under ``key``; None when there is none of that size
        (a row of another size is not this version's and is scored again)."""
        found = self.kept.get(key)
        if found is None or len(found) != size:
            return None
        self.used[key] = found
        self.found.add(key)
        return found

    def put(self, key: str, scores: list[float]) -> None:
        self.used[key] = scores

    def save(self) -> None:
        """Write the scores this build used, when they are not what the file held."""
        save_entries(self.path, self.used, self.kept, WHAT)


def _row(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(x, float) for x in value)


@cache
def scorer_version() -> str:
    """A digest of the scorer's code and rapidfuzz's version."""
    return code_version((PACKAGE_DIR / name for name in SCORE_CODE), (SCORE_LIBRARY,))
