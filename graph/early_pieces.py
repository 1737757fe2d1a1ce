"""The graph's pieces that need no overlap, made while the overlaps are found.

The head, the posts, the reporting lines, the theme co-ownerships and the responsibility cells
read no overlap and no cluster: they are made from the model relate gives. The overlaps' greedy
pass runs on one core; meanwhile a forked process writes the start of the graph's files, the
pieces before the first overlap (the head, the posts, the reporting lines: about half of the
bytes), made or, with a piece cache, copied from it. With a cache it then works out the keys of
the later pieces that need no overlap, and makes and keeps those the cache does not hold, until
the build has found the overlaps. The build goes on with the files where this process left them
(``Begun``), and asks the cache for the kept pieces by their keys, as for any piece kept by a
worker: its files are the bytes of a build that made every piece in its order.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from graph.emit import Emitter, Kept, Piece, Triples, graph_pieces, made_piece
from graph.model import OrgModel
from graph.piece_cache import PieceCache
from graph.serialize import Begun, GraphFiles, Serialized, Stored

# the parts whose triples read the overlaps or the clusters: made once they are found
NEEDS_OVERLAPS = frozenset({"overlaps", "clusters"})


@dataclass(frozen=True)
class EarlyWork:
    model: OrgModel  # without overlaps: relate's
    ontology: Triples  # the head's first triples
    files: tuple[Path, Path]  # the graph's Turtle and JSON-LD files, begun here
    cache: Path | None  # the piece cache's folder
    stop: Stop  # set when the build has found the overlaps: the pieces not made yet are its workers'


class Stop(Protocol):  # an Event: multiprocessing's, or threading's where no process is forked
    def is_set(self) -> bool: ...

    def set(self) -> None: ...


@dataclass(frozen=True)
class Early:
    """What the early process did: the pieces at the start of the files it wrote, how far the
    files are, the pieces it kept (``Kept``), and the pieces it took from the cache."""

    written: tuple[Piece, ...]
    begun: Begun
    kept: Kept
    hits: int


# the parts ``graph_pieces`` puts before the overlaps: the start of the files, the same pieces
# whether the model has its overlaps yet or not
LEADING = frozenset({"head", "posts", "reporting"})


def leading_pieces(pieces: Sequence[Piece]) -> list[Piece]:
    """The pieces at the start of the files that need no overlap: those before the overlaps'."""
    return list(itertools.takewhile(lambda piece: piece.part in LEADING, pieces))


def early_pieces(pieces: Sequence[Piece]) -> list[Piece]:
    """The pieces after the start of the files that need no overlap, and have a key (only the
    head has none: made afresh each build)."""
    leading = len(leading_pieces(pieces))
    return [piece for piece in pieces[leading:] if piece.part not in NEEDS_OVERLAPS and piece.part != "head"]


def keep_early(work: EarlyWork, _: None) -> Early:
    """The start of ``work.files`` until ``work.stop`` is set; then, with a cache, the keys of
    the later pieces needing no overlap, and those the cache does not hold made and kept there,
    one by one, until ``work.stop`` is set."""
    cache = PieceCache(work.cache) if work.cache is not None else None
    emitter = Emitter(work.model, work.ontology)
    pieces = graph_pieces(work.model)
    made: set[str] = set()
    files = GraphFiles(*work.files)
    try:
        written: list[Piece] = []
        for piece in leading_pieces(pieces):
            if work.stop.is_set():
                break
            files.write(_piece(emitter, piece, cache, made))
            written.append(piece)
    finally:
        begun = files.leave()
    keys: dict[Piece, str] = {}
    if cache is None:
        return Early(tuple(written), begun, Kept(keys, frozenset(), frozenset()), 0)
    for piece in early_pieces(pieces):
        inputs = emitter.inputs(piece)
        if inputs is not None:
            keys[piece] = cache.key(piece.part, inputs)
    for piece, key in keys.items():
        if work.stop.is_set():
            break
        if not cache.holds(key) and cache.store(key, made_piece(emitter, piece)):
            made.add(key)
    return Early(tuple(written), begun, Kept(keys, frozenset(made), frozenset(cache.used)), cache.hits)


def _piece(emitter: Emitter, piece: Piece, cache: PieceCache | None, made: set[str]) -> Serialized | Stored:
    """A piece as the cache holds it, else made (and kept there, its key added to ``made``)."""
    inputs = emitter.inputs(piece) if cache is not None else None
    if cache is None or inputs is None:
        return made_piece(emitter, piece)
    key = cache.key(piece.part, inputs)
    found = cache.load(key)
    if found is not None:
        return found
    fresh = made_piece(emitter, piece)
    if cache.store(key, fresh):
        made.add(key)
    return fresh
