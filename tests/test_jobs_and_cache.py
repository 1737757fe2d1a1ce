"""Reading in several processes and from the cache gives the same graph, byte for byte."""

from __future__ import annotations

import json
import logging
import os
import time
from pathlib import Path

import pytest
from pytest import MonkeyPatch

from graph import emit, pipeline, workers
from graph.errors import RolegraphError
from graph.outfolder import OUTPUT_FILES
from graph.pipeline import BuildOptions, BuildResult, build
from graph.read import documents
from graph.read.documents import Reading, ReadOptions, read_documents

STORE = (
    "第一篇:{name}门店岗位职责\n出纳岗位职责\n1、登记现金日记账。\n2、保管{name}的印章。\n"
    "会计岗位职责\n1、审核凭证。\n2、编制报表。\n"
)
ENGLISH = "## Receptionist\n\n### Responsibilities\n\n- Greet visitors at {name}.\n- Answer the phone.\n"


def _corpus(folder: Path) -> Path:
    # two files named alike in different folders, and documents of two languages
    for name in ("north", "south", "east"):
        (folder / name).mkdir(parents=True)
        (folder / name / "岗位职责.txt").write_text(STORE.format(name=name), encoding="utf-8")
        (folder / name / "front-desk.md").write_text(ENGLISH.format(name=name), encoding="utf-8")
    return folder


def _build(sources: Path, out: Path, **options: object) -> BuildResult:
    return build(BuildOptions(sources=(sources,), out=out, validate=False, **options))  # type: ignore[arg-type]


def _files(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in OUTPUT_FILES}


def _without_cache_entry(report: bytes) -> dict[str, object]:
    data = json.loads(report)
    data.pop("reading_cache")
    data.pop("piece_cache")
    data.pop("score_cache")
    return data


def test_one_job_and_two_give_the_same_five_files(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path / "docs")
    one = _build(corpus, tmp_path / "one", jobs=1)
    two = _build(corpus, tmp_path / "two", jobs=2)
    assert one.report["counts"]["posts"] == 9  # 3 stores x (出纳, 会计) + 3 receptionists
    assert _files(one.out) == _files(two.out)


def _small_pieces(monkeypatch: MonkeyPatch) -> None:
    """Pieces of about two posts and one overlap, so that the nine posts make several pieces."""
    monkeypatch.setattr(emit, "POSTS_PER_PIECE", 2)
    monkeypatch.setattr(emit, "OVERLAPS_PER_PIECE", 1)
    for name in ("SHARES_PER_PIECE", "COUNTS_PER_PIECE", "CLUSTERS_PER_PIECE"):
        monkeypatch.setattr(emit, name, 1)


def _watch_processes(tmp_path: Path, monkeypatch: MonkeyPatch) -> tuple[Path, Path]:
    """Small pieces; each piece, and the page with overlaps.csv, leaves a file named after the
    process that made it (in the two folders returned)."""
    _small_pieces(monkeypatch)
    pieces_by, views_by = tmp_path / "pieces-by", tmp_path / "views-by"
    pieces_by.mkdir()
    views_by.mkdir()
    real = emit.serialize_piece

    def tell(*args: object, **kwargs: object) -> object:
        (pieces_by / str(os.getpid())).touch()
        return real(*args, **kwargs)  # type: ignore[arg-type]

    real_views = pipeline._write_views

    def tell_views(*args: object) -> object:
        (views_by / str(os.getpid())).touch()
        return real_views(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(emit, "serialize_piece", tell)
    monkeypatch.setattr(pipeline, "_write_views", tell_views)  # the page and overlaps.csv
    return pieces_by, views_by


def _pids(folder: Path) -> set[int]:
    return {int(p.name) for p in folder.iterdir()}


@pytest.mark.usefixtures("early_makes_all")
def test_the_graph_made_in_pieces_by_two_workers_is_the_graph_made_here(tmp_path: Path, monkeypatch: MonkeyPatch) -> None:
    corpus = _corpus(tmp_path / "docs")
    _small_pieces(monkeypatch)
    one = _build(corpus, tmp_path / "one", jobs=1)
    pieces_by, views_by = _watch_processes(tmp_path, monkeypatch)
    monkeypatch.setattr(workers, "available_bytes", lambda: None)  # whatever this machine has free
    two = _build(corpus, tmp_path / "two", jobs=2)
    pieces, views = _pids(pieces_by), _pids(views_by)
    assert len(pieces) == 3 and os.getpid() not in pieces  # the two workers, and the process of the files' start
    assert len(views) == 1 and not views & ({os.getpid()} | pieces)
    assert one.report["counts"]["posts"] == 9
    assert _files(one.out) == _files(two.out)


def test_a_build_short_of_memory_forks_no_worker_and_says_so(
    tmp_path: Path, monkeypatch: MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """No memory left for a fork: the graph's pieces, the page and the CSV are made here."""
    corpus = _corpus(tmp_path / "docs")
    _small_pieces(monkeypatch)
    one = _build(corpus, tmp_path / "one", jobs=1)
    pieces_by, views_by = _watch_processes(tmp_path, monkeypatch)
    monkeypatch.setattr(workers, "available_bytes", lambda: 1)
    with caplog.at_level(logging.WARNING, logger="graph.pipeline"):
        two = _build(corpus, tmp_path / "two", jobs=2)
    assert _pids(pieces_by) == {os.getpid()} and _pids(views_by) == {os.getpid()}
    assert "holds 0 of the 3 processes asked for" in caplog.text and "the build's own process" in caplog.text
    assert _files(one.out) == _files(two.out)


def test_memory_for_two_forks_makes_the_graph_here_and_the_page_aside(tmp_path: Path, monkeypatch: MonkeyPatch) -> None:
    corpus = _corpus(tmp_path / "docs")
    pieces_by, views_by = _watch_processes(tmp_path, monkeypatch)
    monkeypatch.setattr(workers, "resident_bytes", lambda: 4 * 2**30)
    monkeypatch.setattr(workers, "available_bytes", lambda: 6 * 2**30)  # two forks of 3 GiB each
    _build(corpus, tmp_path / "two", jobs=2)
    assert _pids(pieces_by) == {os.getpid()}
    assert len(_pids(views_by)) == 1 and _pids(views_by) != {os.getpid()}


def test_the_workers_asked_for_are_cut_to_what_the_memory_holds(monkeypatch: MonkeyPatch) -> None:
    """(workers that make the graph, whether the page has a process of its own) for 3 jobs:
    4 processes wanted, a fork counted as 3 GiB of this process's 4 GiB."""
    monkeypatch.setattr(pipeline, "worth_spreading", lambda model: True)
    monkeypatch.setattr(workers, "resident_bytes", lambda: 4 * 2**30)
    for free_gib, spread in ((13, (3, True)), (9, (2, True)), (6, (1, True)), (3, (1, True)), (2, (1, False))):
        monkeypatch.setattr(workers, "available_bytes", lambda free=free_gib: free * 2**30)
        assert pipeline._spread(3, None) == spread, free_gib  # type: ignore[arg-type]
    assert pipeline._spread(1, None) == (1, False)  # type: ignore[arg-type]


def test_same_names_in_different_folders_are_two_documents(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path / "docs")
    result = _build(corpus, tmp_path / "out")
    slugs = sorted(s.slug for s in result.model.sources)
    assert len(slugs) == 6 and len(set(slugs)) == 6
    assert any(slug.startswith("north-") for slug in slugs)


def test_a_rebuild_reads_from_the_cache_and_gives_the_same_graph(tmp_path: Path) -> None:
    corpus, cache = _corpus(tmp_path / "docs"), tmp_path / "cache"
    first = _build(corpus, tmp_path / "first", cache=cache)
    assert first.report["reading_cache"] == {"documents": 6, "from_cache": 0}
    again = _build(corpus, tmp_path / "again", cache=cache)
    assert again.report["reading_cache"] == {"documents": 6, "from_cache": 6}
    before, after = _files(first.out), _files(again.out)
    assert {k: v for k, v in before.items() if k != "build-report.json"} == {
        k: v for k, v in after.items() if k != "build-report.json"
    }
    assert _without_cache_entry(before["build-report.json"]) == _without_cache_entry(after["build-report.json"])


def test_changing_one_file_rereads_that_file_only(tmp_path: Path) -> None:
    corpus, cache = _corpus(tmp_path / "docs"), tmp_path / "cache"
    _build(corpus, tmp_path / "first", cache=cache)
    (corpus / "south" / "岗位职责.txt").write_text(STORE.format(name="south") + "3、盘点现金。\n", encoding="utf-8")
    cached = _build(corpus, tmp_path / "cached", cache=cache)
    assert cached.report["reading_cache"] == {"documents": 6, "from_cache": 5}
    clean = _build(corpus, tmp_path / "clean")
    assert clean.report["counts"]["duties"] == 6 * 2 + 1 + 3 * 2  # the new 盘点 duty is read
    files, fresh = _files(cached.out), _files(clean.out)
    assert {k: v for k, v in files.items() if k != "build-report.json"} == {
        k: v for k, v in fresh.items() if k != "build-report.json"
    }


def test_a_cached_reading_of_a_moved_file_points_to_the_new_path(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "store.txt").write_text(STORE.format(name="x"), encoding="utf-8")
    _build(tmp_path / "a", tmp_path / "out-a", cache=cache)
    (tmp_path / "b" / "store.txt").write_text(STORE.format(name="x"), encoding="utf-8")
    moved = _build(tmp_path / "b", tmp_path / "out-b", cache=cache)
    assert moved.report["reading_cache"]["from_cache"] == 1
    assert [s.path for s in moved.model.sources] == [tmp_path / "b" / "store.txt"]
    assert moved.report["sources"][0]["file"] == "store.txt"


UNHEADED = "出纳岗位职责\n1、登记现金日记账。\n会计岗位职责\n审核凭证。\n"  # no heading; a duty with no number


def test_a_renamed_file_is_read_again_since_its_reading_holds_its_name(tmp_path: Path) -> None:
    """With no heading the organization is named after the file, and a warning names the file:
    the renamed file's graph and report are those of a clean build."""
    cache, docs = tmp_path / "cache", tmp_path / "docs"
    docs.mkdir()
    (docs / "alpha.txt").write_text(UNHEADED, encoding="utf-8")
    first = _build(docs, tmp_path / "first", cache=cache)
    assert [o.heading for o in first.model.organizations] == ["alpha"]
    (docs / "alpha.txt").rename(docs / "gamma.txt")
    renamed = _build(docs, tmp_path / "renamed", cache=cache)
    clean = _build(docs, tmp_path / "clean")
    assert renamed.report["reading_cache"]["from_cache"] == 0
    assert [o.heading for o in renamed.model.organizations] == ["gamma"]
    assert any(w.startswith("gamma.txt:4:") for w in renamed.report["warnings"])
    assert _files(renamed.out)["org.ttl"] == _files(clean.out)["org.ttl"]
    assert _without_cache_entry(_files(renamed.out)["build-report.json"]) == _without_cache_entry(
        _files(clean.out)["build-report.json"]
    )


def test_two_files_of_the_same_bytes_keep_their_own_readings(tmp_path: Path) -> None:
    cache, docs = tmp_path / "cache", tmp_path / "docs"
    docs.mkdir()
    for name in ("alpha.txt", "beta.txt"):
        (docs / name).write_text(UNHEADED, encoding="utf-8")
    _build(docs, tmp_path / "first", cache=cache)
    again = _build(docs, tmp_path / "again", cache=cache)
    clean = _build(docs, tmp_path / "clean")
    assert again.report["reading_cache"]["from_cache"] == 2
    assert [o.heading for o in again.model.organizations] == ["alpha", "beta"]
    assert _files(again.out)["org.ttl"] == _files(clean.out)["org.ttl"]


def test_a_damaged_cache_entry_is_read_afresh(tmp_path: Path) -> None:
    corpus, cache = _corpus(tmp_path / "docs"), tmp_path / "cache"
    _build(corpus, tmp_path / "first", cache=cache)
    for entry in cache.rglob("*.pickle"):
        entry.write_bytes(b"not a pickle")
    again = _build(corpus, tmp_path / "again", cache=cache)
    assert again.report["reading_cache"]["from_cache"] == 0
    assert again.report["counts"]["posts"] == 9


def _read_slowly_unless_first(item: tuple[Path, ReadOptions]) -> Reading:
    """The first document is broken; the others would each leave a mark after a few seconds."""
    path, _ = item
    if path.name == "0.txt":
        time.sleep(0.3)  # the others have started
        raise RolegraphError(f"{path}: broken")
    time.sleep(3)
    (path.parent / f"{path.stem}.read").touch()
    raise AssertionError("not reached in the test")


def test_a_failed_document_stops_the_reading_workers_where_they_are(tmp_path: Path, monkeypatch: MonkeyPatch) -> None:
    paths = [tmp_path / f"{i}.txt" for i in range(6)]
    monkeypatch.setattr(documents, "_read_one", _read_slowly_unless_first)
    with pytest.raises(RolegraphError, match="0.txt: broken"):
        read_documents(paths, ReadOptions(max_bytes=1000, jobs=2))
    time.sleep(3.5)  # what a worker left running would have finished by now
    assert list(tmp_path.glob("*.read")) == []  # the documents queued behind were not read


def test_a_reading_from_the_cache_does_not_read_the_document_again(tmp_path: Path, monkeypatch: MonkeyPatch) -> None:
    """The cache holds the text read from the bytes: a Word or PDF file is not parsed again."""
    corpus, cache = _corpus(tmp_path / "docs"), tmp_path / "cache"
    first = _build(corpus, tmp_path / "first", cache=cache)

    def unexpected(path: Path, **_: object) -> None:
        raise AssertionError(f"{path} read again")

    monkeypatch.setattr(documents, "read_source", unexpected)
    again = _build(corpus, tmp_path / "again", cache=cache, jobs=2)
    assert again.report["reading_cache"] == {"documents": 6, "from_cache": 6}
    assert _files(again.out)["org.ttl"] == _files(first.out)["org.ttl"]


def test_a_cached_document_now_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    corpus, cache = _corpus(tmp_path / "docs"), tmp_path / "cache"
    _build(corpus, tmp_path / "first", cache=cache)
    with pytest.raises(RolegraphError, match="over the 0 MB limit"):
        _build(corpus, tmp_path / "again", cache=cache, max_bytes=100)


def test_every_module_the_reader_imports_is_in_its_version_or_said_not_to_shape_a_reading() -> None:
    """A reading is kept under a digest of the code that made it: a graph module the reader
    imports (at the top of a file or inside a function, in graph/read/ or in a module the
    digest holds) whose change would not make the kept readings stale must be named, one way
    or the other."""
    import ast

    from graph.paths import PACKAGE_DIR

    named = set(documents.READER_MODULES) | set(documents.READER_TOOLS)
    digested = [p for p in documents.reader_files() if p.suffix == ".py"]
    imported: set[str] = set()
    for path in digested:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module is not None:
                imported.add(node.module)
            elif isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)
    ours = {m for m in imported if m == "graph" or m.startswith("graph.")}
    outside = {m for m in ours if not m.startswith("graph.read")}
    files = {"__init__.py" if m == "graph" else m.removeprefix("graph.") + ".py" for m in outside}
    assert all((PACKAGE_DIR / f).is_file() for f in files)
    assert files - named == set()
    assert {"clean.py", "model.py", "script.py"} <= files  # the modules that make a reading's text and classes
    # model.py: a reading is pickled as its classes; clean.py and script.py make its text
    assert {"model.py", "clean.py", "script.py"} <= {p.name for p in documents.reader_files()}


def test_the_readers_libraries_are_in_its_version(monkeypatch: MonkeyPatch) -> None:
    """pypdf or openpyxl upgraded may read the same bytes otherwise: the kept readings go stale."""
    from graph import versions

    before = documents._reader_version()
    documents._reader_version.cache_clear()
    real = versions.version
    monkeypatch.setattr(versions, "version", lambda name: "99.0" if name == "pypdf" else real(name))
    try:
        assert documents.reader_version() != before
    finally:
        documents._reader_version.cache_clear()
