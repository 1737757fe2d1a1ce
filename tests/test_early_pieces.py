"""The start of the graph's files is written, and the later pieces that need no overlap are kept
in the cache, while the overlaps are found (issue 16: every core used), by a process of their
own; the graph's files are the bytes of a build that made every piece in its order: with one
job, with two, with a cache and without."""

from __future__ import annotations

import json
import os
from dataclasses import replace
from pathlib import Path
from types import ModuleType

import pytest
from pytest import MonkeyPatch

from graph import early_pieces as early_pieces_module
from graph import emit, pipeline, workers
from graph.early_pieces import early_pieces, leading_pieces
from graph.emit import Piece
from graph.outfolder import OUTPUT_FILES
from graph.pipeline import BuildOptions, BuildResult, build
from tests.conftest import NeverStop

STORE = (
    "第一篇:{name}门店岗位职责\n出纳岗位职责\n1、登记现金日记账。\n2、保管{name}的印章。\n"
    "会计岗位职责\n1、审核凭证。\n2、编制报表。\n3、登记现金日记帐。\n"
    "客服专员岗位职责\n1、受理客户投诉并回访。\n"
)


def _corpus(folder: Path) -> Path:
    folder.mkdir()
    for name in ("north", "south", "east", "west"):
        (folder / f"{name}.txt").write_text(STORE.format(name=name), encoding="utf-8")
    return folder


def _build(sources: Path, out: Path, **options: object) -> BuildResult:
    return build(BuildOptions(sources=(sources,), out=out, validate=False, **options))  # type: ignore[arg-type]


def _files(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in OUTPUT_FILES if name != "build-report.json"}


def _small_pieces(monkeypatch: MonkeyPatch) -> None:
    """Pieces of about two posts and one overlap, so that twelve posts make several pieces."""
    monkeypatch.setattr(emit, "POSTS_PER_PIECE", 2)
    monkeypatch.setattr(emit, "OVERLAPS_PER_PIECE", 1)
    for name in ("SHARES_PER_PIECE", "COUNTS_PER_PIECE", "CLUSTERS_PER_PIECE"):
        monkeypatch.setattr(emit, name, 1)
    monkeypatch.setattr(workers, "available_bytes", lambda: None)  # whatever this machine has free


def _mark_made(folder: Path, monkeypatch: MonkeyPatch, *modules: ModuleType) -> Path:
    """Each piece made through ``made_piece`` of ``modules`` leaves a file in ``folder`` (made
    here and returned), named by the process that made it, the piece's part and its start."""
    folder.mkdir()
    real = emit.made_piece

    def tell(emitter: emit.Emitter, piece: Piece) -> object:
        (folder / f"{os.getpid()}-{piece.part}-{piece.start}").touch()
        return real(emitter, piece)

    for module in modules:
        monkeypatch.setattr(module, "made_piece", tell)
    return folder


def _mark_triples(folder: Path, monkeypatch: MonkeyPatch) -> Path:
    """As ``_mark_made``, for each piece whose triples an emitter makes: without a cache the
    workers are handed ``made_piece`` itself (pickled by name, so it cannot be replaced)."""
    folder.mkdir()
    real = emit.Emitter.triples

    def tell(emitter: emit.Emitter, piece: Piece) -> object:
        (folder / f"{os.getpid()}-{piece.part}-{piece.start}").touch()
        return real(emitter, piece)

    monkeypatch.setattr(emit.Emitter, "triples", tell)
    return folder


def _makers(marks: Path) -> dict[str, set[int]]:
    """The processes that made each part's pieces, from the marks ``_mark_made`` or ``_mark_triples`` left."""
    by_part: dict[str, set[int]] = {}
    for mark in marks.iterdir():
        pid, part, _ = mark.name.split("-")
        by_part.setdefault(part, set()).add(int(pid))
    return by_part


def test_the_files_start_with_the_pieces_before_the_first_overlap_and_the_later_early_pieces_have_a_key() -> None:
    head, reporting = Piece("head"), Piece("reporting")
    posts = [Piece("posts", 0, 2), Piece("posts", 2, 4)]
    shares, counts = Piece("shares", 0, 3), Piece("counts", 0, 5)
    overlaps, clusters = [Piece("overlaps", 0, 1), Piece("overlaps", 1, 3)], [Piece("clusters", 0, 2)]
    whole = [head, *posts, reporting, *overlaps, shares, counts, *clusters]
    assert leading_pieces(whole) == [head, *posts, reporting]
    assert early_pieces(whole) == [shares, counts]
    no_overlaps = [head, *posts, reporting, shares, counts]  # relate's model: no overlap yet, no cluster
    assert leading_pieces(no_overlaps) == [head, *posts, reporting] and early_pieces(no_overlaps) == [shares, counts]


def test_an_early_piece_has_the_key_of_the_same_piece_once_the_overlaps_are_found(
    tmp_path: Path, monkeypatch: MonkeyPatch
) -> None:
    corpus = _corpus(tmp_path / "docs")
    _small_pieces(monkeypatch)
    whole = _build(corpus, tmp_path / "out", jobs=1).model
    relates = replace(whole, overlaps=(), clusters=())
    assert len(whole.overlaps) > 1 and len(whole.clusters) > 1
    pieces, relates_pieces = emit.graph_pieces(whole), emit.graph_pieces(relates)
    found = [p for p in leading_pieces(pieces) if p.part != "head"] + early_pieces(pieces)
    assert leading_pieces(pieces) == leading_pieces(relates_pieces) and early_pieces(pieces) == early_pieces(relates_pieces)
    assert len(found) > 6 and {p.part for p in found} == {"posts", "reporting", "counts"}
    early, late = emit.Emitter(relates), emit.Emitter(whole)
    assert all(early.inputs(piece) == late.inputs(piece) is not None for piece in found)


@pytest.mark.parametrize("cached", [True, False], ids=["with a cache", "without one"])
@pytest.mark.usefixtures("early_makes_all")
def test_two_jobs_write_the_start_of_the_files_in_a_process_of_their_own_and_make_the_same_files(
    tmp_path: Path, monkeypatch: MonkeyPatch, cached: bool
) -> None:
    corpus = _corpus(tmp_path / "docs")
    _small_pieces(monkeypatch)
    one = _build(corpus, tmp_path / "one", jobs=1)
    # without a cache the workers are handed made_piece itself (pickled by name): the emitter is watched instead
    marks = tmp_path / "made-by"
    made_by = _mark_made(marks, monkeypatch, emit, early_pieces_module) if cached else _mark_triples(marks, monkeypatch)
    two = _build(corpus, tmp_path / "two", jobs=2, cache=tmp_path / "cache" if cached else None)
    by_part = _makers(made_by)
    assert set(by_part) == {"head", "posts", "reporting", "overlaps", "counts", "clusters"}  # no theme two roles share
    # the start of the files (head, posts, reporting) is the early process's; with a cache it
    # also keeps the later pieces that need no overlap (counts), without one they are the workers'
    early = by_part["head"] | by_part["posts"] | by_part["reporting"] | (by_part["counts"] if cached else set())
    late = by_part["overlaps"] | by_part["clusters"] | (set() if cached else by_part["counts"])
    assert len(early) == 1 and len(late) == 2  # one early process; the two workers
    assert not early & late and os.getpid() not in early | late
    assert one.report["counts"]["posts"] == 12 and len(one.model.overlaps) > 1
    assert _files(one.out) == _files(two.out)
    assert two.report["piece_cache"] == {"pieces": one.report["piece_cache"]["pieces"], "from_cache": 0}


class _Already(NeverStop):
    """A stop signal set from the start: the early process works out the keys and makes none."""

    def is_set(self) -> bool:
        return True


def test_the_early_pieces_not_made_when_the_overlaps_are_found_are_the_workers(tmp_path: Path, monkeypatch: MonkeyPatch) -> None:
    corpus = _corpus(tmp_path / "docs")
    _small_pieces(monkeypatch)
    one = _build(corpus, tmp_path / "one", jobs=1)
    kept_by = _mark_made(tmp_path / "kept-by", monkeypatch, early_pieces_module)
    monkeypatch.setattr(pipeline, "_stop_signal", _Already)
    two = _build(corpus, tmp_path / "two", jobs=2, cache=tmp_path / "cache")
    assert list(kept_by.iterdir()) == []  # the early process made none
    assert _files(two.out) == _files(one.out)
    assert two.report["piece_cache"]["from_cache"] == 0
    again = _build(corpus, tmp_path / "again", jobs=2, cache=tmp_path / "cache")  # the workers kept them
    assert again.report["piece_cache"]["from_cache"] == again.report["piece_cache"]["pieces"] - 1


def test_a_rebuild_takes_the_early_pieces_from_the_cache_and_keeps_them_there(tmp_path: Path, monkeypatch: MonkeyPatch) -> None:
    corpus = _corpus(tmp_path / "docs")
    _small_pieces(monkeypatch)
    cache = tmp_path / "cache"
    first = _build(corpus, tmp_path / "first", jobs=2, cache=cache)
    pieces = first.report["piece_cache"]["pieces"]
    assert pieces > 8 and first.report["piece_cache"]["from_cache"] == 0
    for name in ("second", "third"):  # the third finds what the second's prune kept
        again = _build(corpus, tmp_path / name, jobs=2, cache=cache)
        assert again.report["piece_cache"] == {"pieces": pieces, "from_cache": pieces - 1}  # all but the head
        assert _files(again.out) == _files(first.out)
    clean = _build(corpus, tmp_path / "clean", jobs=1)
    assert _files(clean.out) == _files(first.out)
    report = json.loads((tmp_path / "third" / "build-report.json").read_bytes())
    assert report["reading_cache"] == {"documents": 4, "from_cache": 4}


@pytest.mark.usefixtures("early_makes_all")  # it comes to make a piece
def test_a_failure_in_the_early_process_fails_the_build_and_keeps_the_last_output(
    tmp_path: Path, monkeypatch: MonkeyPatch
) -> None:
    corpus = _corpus(tmp_path / "docs")
    _small_pieces(monkeypatch)
    out = tmp_path / "out"
    good = _build(corpus, out, jobs=1)
    before = _files(good.out)

    def fail(*_: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(early_pieces_module, "made_piece", fail)
    (corpus / "north.txt").write_text(STORE.format(name="north") + "前台岗位职责\n1、接待来访客户。\n", encoding="utf-8")
    with pytest.raises(OSError, match="No space left on device"):
        _build(corpus, out, jobs=2, cache=tmp_path / "cache")
    assert _files(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache", "docs", "out"]  # no staging folder left
