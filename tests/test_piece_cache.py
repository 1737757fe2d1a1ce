"""The graph's pieces kept between builds: a rebuild takes the pieces whose inputs did not change,
and gives the bytes of a clean build; a piece whose inputs changed in any way is made again."""

from __future__ import annotations

import ast
import dataclasses
import io
import os
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from pytest import MonkeyPatch

from graph import emit, piece_cache, workers
from graph.emit import Emitter, Piece, _runs
from graph.model import Duty, OrgModel, Overlap, Post, PostField, ReportingLine
from graph.outfolder import OUTPUT_FILES
from graph.paths import PACKAGE_DIR
from graph.piece_cache import PieceCache
from graph.pipeline import BuildOptions, BuildResult, build
from graph.serialize import Begun, GraphFiles, Serialized, Stored, write_graph_files

STORE = (
    "第一篇:{name}门店岗位职责\n出纳岗位职责\n1、登记现金日记账。\n2、保管门店的印章。\n"
    "会计岗位职责\n1、审核凭证。\n2、编制报表。\n3、保管门店的印章。\n"
)
STORES = ("north", "south", "east", "west")


def _corpus(folder: Path) -> Path:
    folder.mkdir()
    for name in STORES:
        (folder / f"{name}.txt").write_text(STORE.format(name=name), encoding="utf-8")
    return folder


def _build(corpus: Path, out: Path, **options: Any) -> BuildResult:
    return build(BuildOptions(sources=(corpus,), out=out, validate=False, **options))


def _graph_files(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in OUTPUT_FILES if name != "build-report.json"}


@pytest.fixture
def small_pieces(monkeypatch: MonkeyPatch) -> None:
    """Pieces of one or two posts and of one overlap: the four stores' eight posts make several."""
    monkeypatch.setattr(emit, "POSTS_PER_PIECE", 2)
    monkeypatch.setattr(emit, "OVERLAPS_PER_PIECE", 1)
    for name in ("SHARES_PER_PIECE", "COUNTS_PER_PIECE", "CLUSTERS_PER_PIECE"):
        monkeypatch.setattr(emit, name, 1)


@pytest.mark.usefixtures("small_pieces")
def test_a_build_with_nothing_changed_takes_every_piece_of_posts_and_overlaps_from_the_cache(tmp_path: Path) -> None:
    corpus, cache = _corpus(tmp_path / "docs"), tmp_path / "cache"
    first = _build(corpus, tmp_path / "first", cache=cache)
    pieces = first.report["piece_cache"]["pieces"]
    assert first.report["piece_cache"]["from_cache"] == 0
    # pieces of about two posts are runs of one to four, cut after any post once one is held:
    # each of the 8 posts is a piece, and each overlap (of the four 保管门店的印章 duties)
    assert first.report["counts"]["posts"] == 8 and pieces > 3
    again = _build(corpus, tmp_path / "again", cache=cache, jobs=2)
    # all but the head, which is made afresh each build
    assert again.report["piece_cache"] == {"pieces": pieces, "from_cache": pieces - 1}
    assert _graph_files(again.out) == _graph_files(first.out)


@pytest.mark.usefixtures("small_pieces")
def test_a_rebuild_after_one_store_changed_gives_the_bytes_of_a_clean_build(tmp_path: Path) -> None:
    corpus, cache = _corpus(tmp_path / "docs"), tmp_path / "cache"
    _build(corpus, tmp_path / "first", cache=cache)
    (corpus / "south.txt").write_text(STORE.format(name="south") + "4、盘点现金。\n", encoding="utf-8")
    (corpus / "east.txt").write_text(STORE.format(name="east").replace("审核凭证", "审核原始凭证"), encoding="utf-8")
    rebuilt = _build(corpus, tmp_path / "rebuilt", cache=cache)
    clean = _build(corpus, tmp_path / "clean")
    assert clean.report["counts"]["duties"] == 4 * 5 + 1  # the new 盘点 duty is read
    assert clean.report["piece_cache"]["from_cache"] == 0
    assert 0 < rebuilt.report["piece_cache"]["from_cache"] < rebuilt.report["piece_cache"]["pieces"] - 1
    assert _graph_files(rebuilt.out) == _graph_files(clean.out)
    assert "盘点现金".encode() in (rebuilt.out / "org.ttl").read_bytes()
    assert "审核原始凭证".encode() in (rebuilt.out / "org.ttl").read_bytes()


@pytest.mark.usefixtures("small_pieces")
def test_a_damaged_piece_is_made_again(tmp_path: Path) -> None:
    corpus, cache = _corpus(tmp_path / "docs"), tmp_path / "cache"
    first = _build(corpus, tmp_path / "first", cache=cache)
    files = [p for p in (cache / "pieces").glob("*/*/*") if p.is_file()]
    assert files
    for i, file in enumerate(files):  # cut short in its header or by its last byte, emptied, or not a piece
        data = file.read_bytes()
        file.write_bytes((data[:30], data[:-1], b"", b"RGP2 not a piece")[i % 4])
    again = _build(corpus, tmp_path / "again", cache=cache, jobs=2)
    assert again.report["piece_cache"]["from_cache"] == 0
    assert _graph_files(again.out) == _graph_files(first.out)
    third = _build(corpus, tmp_path / "third", cache=cache)  # the pieces made again were kept
    assert third.report["piece_cache"]["from_cache"] == first.report["piece_cache"]["pieces"] - 1


def _turtle(emitter: Emitter, piece: Piece) -> bytes:
    out = io.BytesIO()
    ox.serialize(emitter.triples(piece), out, format=ox.RdfFormat.N_TRIPLES)
    return out.getvalue()


def _changed(value: object) -> object:
    """Another value of the same kind."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if isinstance(value, float):
        return value / 2 + 0.01
    if isinstance(value, str):
        return value + "改"
    if value is None:
        return "改"
    if isinstance(value, tuple):
        return value[:-1] if value else ("改",)
    raise AssertionError(f"no change made for {value!r}")


def _replaced(item: Any, name: str, value: object) -> Any:
    changes: dict[str, Any] = {name: value}
    return dataclasses.replace(item, **changes)


def _with_post(model: OrgModel, i: int, post: Post) -> OrgModel:
    return dataclasses.replace(model, posts=(*model.posts[:i], post, *model.posts[i + 1 :]))


def _inputs_follow_the_triples(model: OrgModel, changed: OrgModel, piece: Piece) -> bool:
    """Whether the piece's triples differ between the two models; asserts its inputs differ then."""
    before, after = Emitter(model, ontology=[]), Emitter(changed, ontology=[])
    differ = _turtle(before, piece) != _turtle(after, piece)
    if differ:
        assert before.inputs(piece) != after.inputs(piece)
    return differ


def test_every_value_a_piece_of_posts_is_made_of_is_in_its_inputs(built: BuildResult) -> None:
    """Each field of a post and of its first duty, changed in turn: wherever the piece's triples
    change, its inputs (the key in the cache) change too."""
    i = next(i for i, p in enumerate(built.model.posts) if p.summary and p.duties[0].themes)
    post = dataclasses.replace(built.model.posts[i], fields=(PostField("superior", "直接上级", "总经理", 3),))
    model, piece = _with_post(built.model, i, post), Piece("posts", i, i + 1)
    seen = []
    for f in dataclasses.fields(Post):
        if f.name in ("source", "duties"):
            continue
        value = _changed(getattr(post, f.name))
        changed = _with_post(model, i, _replaced(post, f.name, value))
        if _inputs_follow_the_triples(model, changed, piece):
            seen.append(f.name)
    for f in dataclasses.fields(Duty):
        duty = _replaced(post.duties[0], f.name, _changed(getattr(post.duties[0], f.name)))
        changed = _with_post(model, i, dataclasses.replace(post, duties=(duty, *post.duties[1:])))
        if _inputs_follow_the_triples(model, changed, piece):
            seen.append("duty." + f.name)
    # the test saw the triples change for what a post says in the graph (and not for the fields)
    assert {"id", "label", "role", "org_id", "line", "summary", "duty.label", "duty.themes", "duty.line"} <= set(seen)
    assert "fields" not in seen


def test_a_source_whose_locators_changed_changes_the_inputs_of_its_posts(built: BuildResult) -> None:
    """A Word document's 'table 2, row 3' is read from the source, not the post."""
    model = built.model
    post = model.posts[0]
    source = next(s for s in model.sources if s.slug == post.source)
    wheres = tuple(f"table 1, row {n}" for n in range(1, source.line_count + 1))
    located = dataclasses.replace(source, wheres=wheres)
    changed = dataclasses.replace(model, sources=tuple(located if s is source else s for s in model.sources))
    assert _inputs_follow_the_triples(model, changed, Piece("posts", 0, 1))


def test_every_value_a_piece_of_overlaps_is_made_of_is_in_its_inputs(built: BuildResult) -> None:
    model = built.model
    firsts = Emitter(model, ontology=[]).firsts
    # an overlap with themes that is the first to tie its two roles (it says their sharesDutyWith)
    i = next(i for i, o in enumerate(model.overlaps) if o.themes and firsts[i] & emit.ROLE_PAIR)
    overlap, piece = model.overlaps[i], Piece("overlaps", i, i + 1)
    seen = []
    for f in dataclasses.fields(Overlap):
        if f.name in ("duty_a", "duty_b"):
            continue
        value = _changed(getattr(overlap, f.name))
        overlaps = (*model.overlaps[:i], _replaced(overlap, f.name, value), *model.overlaps[i + 1 :])
        changed = dataclasses.replace(model, overlaps=overlaps)
        if _inputs_follow_the_triples(model, changed, piece):
            seen.append(f.name)
    assert seen == ["id", "score", "themes"]
    # the role of one side's post, which the overlap's sharesDutyWith edge between roles names
    owner = model.duty_owner[overlap.duty_a]
    k = model.posts.index(owner)
    changed = _with_post(model, k, dataclasses.replace(owner, role=owner.role + "改"))
    assert _inputs_follow_the_triples(model, changed, piece)


def test_every_value_the_reporting_lines_are_made_of_is_in_their_inputs(built: BuildResult) -> None:
    model, piece = built.model, Piece("reporting")
    i = next(i for i, line in enumerate(model.reporting) if line.subordinate in model.post_by_id)
    line = model.reporting[i]
    seen = []
    for f in dataclasses.fields(ReportingLine):
        other = _replaced(line, f.name, _changed(getattr(line, f.name)))
        changed = dataclasses.replace(model, reporting=(*model.reporting[:i], other, *model.reporting[i + 1 :]))
        if _inputs_follow_the_triples(model, changed, piece):
            seen.append(f.name)
    assert seen == [f.name for f in dataclasses.fields(ReportingLine)]
    # the role of the subordinate's post: the line's edge between roles
    k = next(k for k, p in enumerate(model.posts) if p.id == line.subordinate)
    assert _inputs_follow_the_triples(model, _with_post(model, k, dataclasses.replace(model.posts[k], role="会计")), piece)


def test_every_value_the_shares_counts_and_clusters_are_made_of_is_in_their_inputs(built: BuildResult) -> None:
    model = built.model
    shares = Piece("shares", 0, len(model.theme_shares))
    counts = Piece("counts", 0, len(model.theme_counts))
    clusters = Piece("clusters", 0, len(model.clusters))
    named = model.theme_shares[0].themes[0]  # a share's label names its themes
    themes = tuple(dataclasses.replace(t, zh=t.zh + "改") if t.key == named else t for t in model.themes)
    cluster = model.clusters[0]
    for changed, piece in (
        (dataclasses.replace(model, themes=themes), shares),
        (dataclasses.replace(model, theme_shares=model.theme_shares[1:]), shares),
        (dataclasses.replace(model, theme_counts=model.theme_counts[1:]), counts),
        (dataclasses.replace(model, clusters=model.clusters[1:]), clusters),
        (dataclasses.replace(model, clusters=(_replaced(cluster, "label", "改"), *model.clusters[1:])), clusters),
    ):
        assert _inputs_follow_the_triples(model, changed, piece)


@pytest.mark.usefixtures("small_pieces")
def test_a_duty_changed_in_one_store_changes_its_own_cluster_piece_alone(tmp_path: Path) -> None:
    """The four stores share four duties, each a cluster of its copies (保管门店的印章: eight, two a
    store); east's 审核凭证 becomes a duty no other store has, and its cluster loses a member:
    the other three clusters' pieces (one cluster each here) keep their inputs."""
    corpus = _corpus(tmp_path / "docs")
    before = _build(corpus, tmp_path / "before").model
    (corpus / "east.txt").write_text(STORE.format(name="east").replace("审核凭证", "登记固定资产卡片"), encoding="utf-8")
    after = _build(corpus, tmp_path / "after").model
    assert len(before.clusters) == len(after.clusters) == 4

    def keys(model: OrgModel) -> set[bytes | None]:
        emitter = Emitter(model, ontology=[])
        return {emitter.inputs(p) for p in emit.graph_pieces(model) if p.part == "clusters"}

    old, new = keys(before), keys(after)
    assert len(old) == len(new) == 4 and len(old & new) == 3


def test_a_piece_of_no_known_part_is_refused(built: BuildResult) -> None:
    with pytest.raises(ValueError, match="'rest'"):
        list(Emitter(built.model, ontology=[]).triples(Piece("rest")))


def test_an_item_added_changes_the_runs_near_it_alone() -> None:
    ids = [f"post/store-{n:04d}/岗位{n % 7}" for n in range(400)]
    runs = list(_runs(ids, 20))
    assert [a for a, _ in runs] == [0, *(b for _, b in runs[:-1])] and runs[-1][1] == 400  # the whole list, in order
    assert all(10 <= b - a <= 40 for a, b in runs[:-1])  # half to twice the size asked for
    held = {tuple(ids[a:b]) for a, b in runs}
    for at in (0, 100, 399):  # a post added at the start, inside, before the last
        added = [*ids[:at], "post/store-0000/新岗位", *ids[at:]]
        moved = [tuple(added[a:b]) for a, b in _runs(added, 20)]
        # the run that holds the new item, and at most the next, are new; the cache holds the others
        assert len(held - set(moved)) <= 2 and len(set(moved) - held) <= 2, at


def _piece(size: int) -> Serialized:
    return Serialized(b"t" * size, b"", 1)


def _read(found: Stored | None) -> Serialized | None:
    """A piece found in the cache, read back from its file."""
    if found is None:
        return None
    with found.file as f:
        f.seek(found.turtle[0])
        turtle = f.read(found.turtle[1])
        jsonld = f.read(found.jsonld[1])
    return Serialized(turtle, jsonld, found.triples)


def test_pruning_removes_the_least_recently_used_older_pieces_beyond_this_builds_bytes(tmp_path: Path) -> None:
    """Each piece file is a header of 28 bytes and its bytes: three older pieces of 100 (128 on
    disk each, 384 in all) and this build's one of 150 (178), so older pieces may hold 178 bytes:
    the oldest two are removed (384 → 256 → 128)."""
    old = PieceCache(tmp_path / "pieces")
    folder = old.folder
    for age, key in ((300, "aa01"), (200, "aa02"), (100, "aa03")):
        old.store(key, _piece(100))
        os.utime(folder / "aa" / key, (1_000_000 - age, 1_000_000 - age))
    now = PieceCache(tmp_path / "pieces")
    now.store("bb04", _piece(150))
    assert now.prune() == 2
    assert sorted(p.name for p in folder.glob("*/*")) == ["aa03", "bb04"]
    assert _read(now.load("bb04")) == _piece(150)
    again = PieceCache(tmp_path / "pieces")  # a piece taken from the cache counts as used
    assert _read(again.load("aa03")) == _piece(100)
    assert again.prune() == 1 and sorted(p.name for p in folder.glob("*/*")) == ["aa03"]


def test_a_folder_that_cannot_be_written_only_makes_the_next_build_slower(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder", encoding="utf-8")
    cache = PieceCache(blocked / "pieces")
    cache.store("cc05", _piece(10))
    assert cache.load("cc05") is None and cache.prune() == 0


def test_the_pieces_of_another_version_of_the_emitter_are_removed(tmp_path: Path, monkeypatch: MonkeyPatch) -> None:
    older = PieceCache(tmp_path / "pieces")
    older.store("dd06", _piece(10))
    monkeypatch.setattr(piece_cache, "emitter_version", lambda: "0123456789abcdef")
    now = PieceCache(tmp_path / "pieces")
    assert now.load("dd06") is None  # a key of the other version is not looked for there
    now.store("dd07", _piece(10))
    now.prune()
    assert [p.name for p in (tmp_path / "pieces").iterdir()] == ["0123456789abcdef"]
    assert _read(now.load("dd07")) == _piece(10)


def test_pieces_from_the_cache_are_written_as_the_same_bytes_whether_the_kernel_copies_them_or_not(
    tmp_path: Path, monkeypatch: MonkeyPatch
) -> None:
    made = [
        Serialized(b"<a> <b> <c> .\n", b'{"@id":"a"}', 1),
        Serialized(b"", b"", 0),
        Serialized(b"<d> <e> <f> .\n", b'{"@id":"d"}', 1),
    ]
    cache = PieceCache(tmp_path / "pieces")
    for i, piece in enumerate(made):
        cache.store(f"ee{i}", piece)
    expected = (b"<a> <b> <c> .\n<d> <e> <f> .\n\n", b'[{"@id":"a"},{"@id":"d"}]\n')
    assert write_graph_files(made, tmp_path / "a.ttl", tmp_path / "a.jsonld") == 2
    assert ((tmp_path / "a.ttl").read_bytes(), (tmp_path / "a.jsonld").read_bytes()) == expected

    def refused(*_: object) -> int:
        raise OSError(18, "Invalid cross-device link")

    for name, copy in (("kernel", os.copy_file_range), ("read", refused), ("none-copied", lambda *_: 0)):
        monkeypatch.setattr(os, "copy_file_range", copy)
        stored = [cache.load(f"ee{i}") for i in range(3)]
        assert write_graph_files(stored, tmp_path / f"{name}.ttl", tmp_path / f"{name}.jsonld") == 2  # type: ignore[arg-type]
        assert ((tmp_path / f"{name}.ttl").read_bytes(), (tmp_path / f"{name}.jsonld").read_bytes()) == expected, name


def test_files_begun_by_one_writer_and_gone_on_with_by_another_are_the_bytes_of_one(tmp_path: Path) -> None:
    made = [
        Serialized(b"<a> <b> <c> .\n", b'{"@id":"a"}', 1),
        Serialized(b"", b"", 0),
        Serialized(b"<d> <e> <f> .\n", b'{"@id":"d"}', 2),
    ]
    expected = (b"<a> <b> <c> .\n<d> <e> <f> .\n\n", b'[{"@id":"a"},{"@id":"d"}]\n')
    for cut in range(len(made) + 1):  # none, then one, two or all three pieces written first
        ttl, js = tmp_path / f"{cut}.ttl", tmp_path / f"{cut}.jsonld"
        first = GraphFiles(ttl, js)
        for piece in made[:cut]:
            first.write(piece)
        begun = first.leave()
        assert begun == Begun(cut, sum(p.triples for p in made[:cut]), cut > 0)
        told: list[int] = []
        assert write_graph_files(made[cut:], ttl, js, written=told.append, begun=begun) == 3
        assert told == list(range(cut + 1, len(made) + 1))  # counted from the pieces written first
        assert (ttl.read_bytes(), js.read_bytes()) == expected, cut


@pytest.mark.usefixtures("small_pieces", "early_makes_all")
def test_the_workers_keep_the_pieces_they_make_and_the_build_copies_them(tmp_path: Path, monkeypatch: MonkeyPatch) -> None:
    corpus, kept_by = _corpus(tmp_path / "docs"), tmp_path / "kept-by"
    kept_by.mkdir()
    real = PieceCache.store

    def store(self: PieceCache, key: str, piece: Serialized) -> bool:
        (kept_by / str(os.getpid())).touch()
        return real(self, key, piece)

    monkeypatch.setattr(PieceCache, "store", store)
    monkeypatch.setattr(workers, "available_bytes", lambda: None)  # whatever this machine has free
    two = _build(corpus, tmp_path / "two", cache=tmp_path / "cache", jobs=2)
    one = _build(corpus, tmp_path / "one", jobs=1)
    assert two.report["piece_cache"]["from_cache"] == 0
    keepers = {int(p.name) for p in kept_by.iterdir()}
    # the two workers, and the process that keeps the pieces needing no overlap (early_pieces)
    assert len(keepers) == 3 and os.getpid() not in keepers
    assert _graph_files(two.out) == _graph_files(one.out)


@pytest.mark.usefixtures("small_pieces")
def test_a_cache_that_cannot_be_written_gives_the_graph_all_the_same(tmp_path: Path) -> None:
    corpus, blocked = _corpus(tmp_path / "docs"), tmp_path / "file"
    blocked.write_text("not a folder", encoding="utf-8")
    built = _build(corpus, tmp_path / "out", cache=blocked / "cache", jobs=2)
    clean = _build(corpus, tmp_path / "clean")
    assert built.report["piece_cache"]["from_cache"] == 0
    assert _graph_files(built.out) == _graph_files(clean.out)


# modules emit.py and serialize.py use that make no byte of a piece: errors, where the ontology
# lies, the workers, the cache itself
NO_BYTES = {"errors.py", "paths.py", "workers.py", "piece_cache.py"}


def test_every_module_the_emitter_uses_is_in_the_version_of_its_pieces() -> None:
    """A change to code that makes a piece's bytes must make the cached pieces stale."""
    used = set()
    for name in ("emit.py", "serialize.py"):
        tree = ast.parse((PACKAGE_DIR / name).read_text(encoding="utf-8"))
        for statement in ast.walk(tree):
            if isinstance(statement, ast.ImportFrom) and (statement.module or "").startswith("graph."):
                used.add(statement.module.split(".")[1] + ".py")  # type: ignore[union-attr]
    assert used, "emit.py imports nothing of graph: the test reads the wrong files"
    assert used - NO_BYTES <= set(piece_cache.EMIT_CODE)
    assert {"emit.py", "serialize.py"} <= set(piece_cache.EMIT_CODE)
