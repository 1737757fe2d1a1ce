"""The graph's pieces that need no overlap, kept in the cache while the overlaps are found.

The head, the posts, the reporting lines, the theme co-ownerships and the responsibility cells
read no overlap and no cluster: they are made from the model relate gives. The overlaps' greedy
pass runs on one core; with a piece cache, a forked process meanwhile works out these pieces'
keys, then makes and keeps those the cache does not hold until the build has found the overlaps.
The build then asks the cache for them by those keys, as for any piece kept by a worker, and its
workers make the others: its files are the bytes of a build that made every piece in its order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from graph.emit import Emitter, Kept, Piece, graph_pieces, made_piece
from graph.model import OrgModel
from graph.piece_cache import PieceCache

# the parts whose triples read the overlaps or the clusters: made once they are found
NEEDS_OVERLAPS = frozenset({"overlaps", "clusters"})


@dataclass(frozen=True)
class EarlyWork:
    model: OrgModel  # without overlaps: relate's
    cache: Path  # the piece cache's folder
    stop: Stop  # set when the build has found the overlaps: the pieces not made yet are its workers'


class Stop(Protocol):  # an Event: multiprocessing's, or threading's where no process is forked
    def is_set(self) -> bool: ...

    def set(self) -> None: ...


def early_pieces(pieces: Sequence[Piece]) -> list[Piece]:
    """The pieces that need no overlap, and have a key (the head is made afresh each build)."""
    return [piece for piece in pieces if piece.part not in NEEDS_OVERLAPS and piece.part != "head"]


def keep_early(work: EarlyWork, _: None) -> Kept:
    """The keys of the early pieces of ``work.model``; then, until ``work.stop`` is set, those
    the cache does not hold are made and kept there, one by one."""
    cache, emitter = PieceCache(work.cache), Emitter(work.model)
    keys: dict[Piece, str] = {}
    for piece in early_pieces(graph_pieces(work.model)):
        inputs = emitter.inputs(piece)
        if inputs is not None:
            keys[piece] = cache.key(piece.part, inputs)
    made: set[str] = set()
    for piece, key in keys.items():
        if work.stop.is_set():
            break
        if not cache.holds(key) and cache.store(key, made_piece(emitter, piece)):
            made.add(key)
    return Kept(keys, frozenset(made), frozenset(cache.used))
