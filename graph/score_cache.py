"""How close duty texts came to roles in earlier builds, kept for the next.

Unnamed-post inference (``relate.RoleIndex``) scores each distinct duty text of an unnamed post
against the texts of the roles it may hold: at 1,000 stores, 2,184 such asks were 2.7 s of
rapidfuzz, worked out again by every rebuild although one store's change leaves nearly all of
them as they were. A score is a function of the text, the roles' texts and the scorer alone, so
it is kept under a digest of exactly these, beside the readings and the graph's pieces.

The file holds the scores the last build used; a build that used the same ones leaves it as it is.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import orjson

from graph.atomic import replaced_atomically
from graph.paths import PACKAGE_DIR
from graph.versions import code_version

log = logging.getLogger(__name__)
# the code and library a score depends on: a change to either makes every kept score stale
SCORE_CODE = ("relate.py", "score_cache.py")
SCORE_LIBRARY = "rapidfuzz"


class ScoreCache:
    """Scores by key (``key``), read from and written back to one file of a folder."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / f"scores-{scorer_version()}.json"
        self.kept = _read(self.path)
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
        """Write the scores this build used, atomically, when they are not what the file held,
        and remove other versions' files. A cache that cannot be written is a slower next build."""
        try:
            for other in self.path.parent.glob("scores-*.json"):
                if other != self.path:
                    other.unlink(missing_ok=True)
            if self.used != self.kept:
                with replaced_atomically(self.path) as f:
                    f.write(orjson.dumps(self.used, option=orjson.OPT_SORT_KEYS))
        except OSError as e:
            log.warning("cannot write the role scores to the cache %s: %s", self.path.parent, e)


def _read(path: Path) -> dict[str, list[float]]:
    """The file's scores; none when it is absent, or (with a warning) not what this module writes."""
    try:
        data = path.read_bytes()
    except OSError:
        return {}
    try:
        found = orjson.loads(data)
    except orjson.JSONDecodeError:
        found = None
    if not isinstance(found, dict) or not all(
        isinstance(v, list) and all(isinstance(x, float) for x in v) for v in found.values()
    ):
        log.warning("the role scores in %s are damaged: they are worked out again", path)
        return {}
    return found


@cache
def scorer_version() -> str:
    """A digest of the scorer's code and rapidfuzz's version."""
    return code_version((PACKAGE_DIR / name for name in SCORE_CODE), (SCORE_LIBRARY,))
