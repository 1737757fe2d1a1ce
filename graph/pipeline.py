"""A whole build: read every source, relate, emit, render, and write out/ atomically."""

from __future__ import annotations

import gc
import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass, field, replace
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from graph.clean import load_corrections
from graph.early_pieces import Early, EarlyWork, Stop, keep_early
from graph.emit import Piece, graph_pieces, load_ontology, serialized_pieces, worth_spreading
from graph.errors import RolegraphError
from graph.model import Document, OrgModel, Source
from graph.outfolder import OUTPUT_FILES, check_out_folder, staging_folder
from graph.overlaps import DEFAULT_THRESHOLD, TextPairs, text_pairs
from graph.pack import load_pack, load_packs
from graph.paths import DEFAULT_CORPUS, DEFAULT_CORRECTIONS
from graph.piece_cache import PieceCache
from graph.read.documents import Reading, ReadOptions, read_documents
from graph.read.source import MAX_BYTES, Collected, collect_sources, slugify
from graph.relate import add_overlaps, duty_labels, relate
from graph.report import Account, account, build_report, write_overlaps_csv, write_report
from graph.score_cache import ScoreCache
from graph.serialize import write_graph_files
from graph.store import StoreLoad, store_beside
from graph.validate import BackgroundCheck, file_violations, raise_for
from graph.workers import Aside, can_fork, forks_that_fit

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BuildOptions:
    sources: tuple[Path, ...] = (DEFAULT_CORPUS,)
    out: Path = Path("out")
    pack: Path | None = None  # None: each organization gets the pack that knows its posts best
    corrections: Path | None = DEFAULT_CORRECTIONS
    threshold: float = DEFAULT_THRESHOLD
    max_bytes: int = MAX_BYTES
    validate: bool = True
    jobs: int = 1  # worker processes for reading and emitting; the output is the same whatever the number
    cache: Path | None = None  # a folder of earlier readings, keyed by the bytes read
    # the on-disk Oxigraph store beside org.ttl (graph/store.py); opt-in: at 1,000 stores its load
    # and compaction cost 73 s of CPU (6.6M triples), more than the rest of the build can hide
    store: bool = False
    # the page's stores as files beside it (True), inside it (False), or by their number (None:
    # files from graph.page.SPLIT_FROM stores on)
    page_stores: bool | None = None


@dataclass
class BuildResult:
    out: Path
    files: tuple[Path, ...]
    report: dict[str, Any]  # build-report.json but for its lists of lines (None here: graph.report.LINE_LISTS)
    model: OrgModel
    timings: dict[str, float] = field(default_factory=dict)


VALIDATE_LIMIT = 500_000  # triples; pySHACL on rdflib beyond this takes minutes: run 'rolegraph validate'
# sources up to this size start the SHACL worker at once (about 25 triples per 100 bytes read)
EARLY_CHECK_BYTES = 2_000_000


Progress = Callable[[str, int, int], None]  # (stage, done, total): total 0 when not counted


def build(options: BuildOptions, *, progress: Progress = lambda *_: None) -> BuildResult:
    """Run every stage; nothing is written to ``options.out`` unless all of them succeed."""
    if not 0 < options.threshold <= 1:
        raise RolegraphError(f"threshold {options.threshold} is not in (0, 1]")
    timings: dict[str, float] = {}
    clock = _Clock(timings, progress)
    check_out_folder(options.out, options.sources)
    paths = collect_sources(options.sources, exclude=options.out)
    early = options.validate and sum(p.stat().st_size for p in paths.paths) <= EARLY_CHECK_BYTES
    checker = BackgroundCheck() if early else None
    try:
        with _without_cycle_collection():
            return _build(options, paths, checker, clock, progress)
    finally:
        if checker is not None:
            checker.close()


@contextmanager
def _without_cycle_collection() -> Iterator[None]:
    """Pause Python's cycle collector for the build. The model is millions of small acyclic
    objects, all alive to the end, so each full collection walks all of them and frees none:
    at a thousand stores that was 11 s of 93 (peak memory the same with and without)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@dataclass(frozen=True)
class _Related:
    """What reading and relating hand on: the documents as written are not in it."""

    model: OrgModel
    accounts: list[Account]  # what the build report lists of each document
    pairs: Aside[tuple[list[Document], float], TextPairs] | None  # the duties' texts compared, aside
    scores: ScoreCache | None
    cached: int  # documents whose reading came from the cache


def _related(options: BuildOptions, paths: Collected, clock: _Clock, progress: Progress) -> _Related:
    """Read every source and relate the documents. They live only here: the model holds its
    posts and duties, the report's accounts the lines' uses, and the rest is let go before the
    overlaps are found (at a thousand stores, one job: 566 MB held when the graph is begun,
    against 709 MB while the documents and their texts were kept to the end)."""
    pack = (load_pack(options.pack),) if options.pack is not None else load_packs()
    corrections = load_corrections(options.corrections)
    reading = read_documents(
        paths.paths,
        ReadOptions(
            max_bytes=options.max_bytes,
            corrections=corrections,
            corrections_name=options.corrections.name if options.corrections else "",
            jobs=options.jobs,
            cache=options.cache,
        ),
        progress=progress,
    )
    clock.timings.update(reading.timings)
    documents = _with_distinct_slugs(reading.readings)
    # the duties' texts are compared while the posts are made: in a process of its own when the
    # corpus is large enough to pay for it
    compare_aside = _pairs_aside(options.jobs, documents)
    pairs = Aside(_text_pairs, (documents, options.threshold), fork=True) if compare_aside else None
    try:
        with clock("relate"):
            # how close unnamed posts' duties came to roles, kept beside the readings
            scores = ScoreCache(options.cache / "scores") if options.cache is not None else None
            model = relate(documents, pack, scores=scores)
            if scores is not None:
                scores.save()
    except BaseException:
        if pairs is not None:
            pairs.close()
        raise
    return _Related(model, [account(doc) for doc in documents], pairs, scores, reading.cached)


def _build(
    options: BuildOptions, paths: Collected, checker: BackgroundCheck | None, clock: _Clock, progress: Progress
) -> BuildResult:
    timings = clock.timings
    related = _related(options, paths, clock, progress)
    model, pairs, scores = related.model, related.pairs, related.scores
    with staging_folder(options.out) as staging:
        # the graph's pieces of an earlier build, kept beside its readings
        kept = PieceCache(options.cache / "pieces") if options.cache is not None else None
        # the start of the graph's files, and the pieces that need no overlap, are made while
        # the overlaps are found
        stop = _stop_signal()  # tells the early process the overlaps are found
        turtle, jsonld = staging / "org.ttl", staging / "org.jsonld"
        early = _early_pieces(options.jobs, model, (turtle, jsonld), options.cache, stop)
        try:
            with clock("overlaps"):
                model = add_overlaps(model, threshold=options.threshold, compared=pairs.result() if pairs else None)
        except BaseException:
            for aside_process in (pairs, early):
                if aside_process is not None:
                    aside_process.close()
            raise
        loader: StoreLoad | None = None
        # the page, its store files and overlaps.csv need the model alone: with several jobs and
        # a model of more than one piece, they are written in a process of their own while the
        # graph is emitted
        jobs, aside = _spread(options.jobs, model)
        views = Aside(_write_views, _Views(model, staging, options.page_stores, options.cache), fork=aside)
        try:
            with clock("emit"):  # pieces of Turtle and JSON-LD from the workers, written in their order
                parts = graph_pieces(model)
                # the start of the files, and the early process's keys: its pieces are in the
                # cache when it ends
                if early is not None:
                    stop.set()  # the pieces it has not made yet are the workers'
                began = _went_on(early.result(), parts) if early is not None else None
                rest = parts[len(began.written) :] if began is not None else parts
                known = began.kept if began is not None else None
                pieces = serialized_pieces(model, rest, ontology=load_ontology(), jobs=jobs, cache=kept, kept=known)
                with closing(pieces):  # a failed write stops the workers at once
                    count = write_graph_files(
                        pieces,
                        turtle,
                        jsonld,
                        written=lambda done: progress("emit", done, len(parts)),
                        begun=began.begun if began is not None else None,
                    )
            if options.store:
                # oxigraph's bulk loader, in a process of its own while the page and report are made
                loader = StoreLoad(turtle, staging / store_beside(turtle).name, triples=count)
            check: Callable[[], None] | None = None
            if options.validate and count <= VALIDATE_LIMIT:  # runs while the page and the CSV are made
                check = checker.start(turtle) if checker is not None else lambda: raise_for(file_violations(turtle))
            with clock("report", cpu=True):  # the page's process is busy beside it
                report = build_report(related.accounts, model, count)
                if options.validate and check is None:
                    report["warnings"].append(f"{count} triples: SHACL check skipped; run 'rolegraph validate'")
                # no timings here: the same input must give the same bytes (the benchmark reports them)
                report = {**report, "skipped_files": [{"file": str(p), "reason": why} for p, why in paths.skipped]}
                # the entries that differ between a clean build and one from the cache
                report = {**report, "reading_cache": {"documents": len(related.accounts), "from_cache": related.cached}}
                hits = (kept.hits if kept else 0) + (began.hits if began is not None else 0)
                report = {**report, "piece_cache": {"pieces": len(parts), "from_cache": hits}}
                # the rows of unnamed posts' scores against roles the cache was asked for, and held
                asked = (len(scores.used), len(scores.found)) if scores is not None else (0, 0)
                report = {**report, "score_cache": {"used": asked[0], "from_cache": asked[1]}}
                report = {**report, "outputs": list(OUTPUT_FILES)}
                write_report(report, related.accounts, staging / "build-report.json")
            with clock("page/csv"):  # what is left of the page and overlaps.csv once the rest is written
                view_timings, stores = views.result()
                timings.update(view_timings)
            if check is not None:
                with clock("validate"):  # what is left of the check once the rest is written
                    check()
            if loader is not None:
                with clock("store"):  # what is left of the store's load once the rest is written
                    loader.finish()
            if kept is not None:
                kept.prune()
        except BaseException:
            views.close()
            if early is not None:
                early.close()
            if loader is not None:
                loader.abort()
            raise
    files = tuple(options.out / name for name in OUTPUT_FILES)
    if loader is not None:
        files += (options.out / loader.store.name,)
    if stores is not None:
        files += (options.out / stores.name,)
    return BuildResult(options.out, files, report, model, timings)


def _spread(jobs: int, model: OrgModel) -> tuple[int, bool]:
    """(the workers that make the graph's pieces, 1 for this process; whether the page and
    overlaps.csv are made in a process of their own). As many as ``jobs`` asks when the graph is
    more than one piece, and as the memory available holds (``forks_that_fit``)."""
    if jobs <= 1 or not worth_spreading(model):
        return 1, False
    fit = forks_that_fit(jobs + 1)  # the workers, and the process of the page
    if fit < jobs + 1:
        log.warning(
            "the memory available holds %d of the %d processes asked for (a forked process may come to hold part "
            "of the build's memory): the graph is made by %s",
            fit,
            jobs + 1,
            f"{fit - 1} workers" if fit >= 3 else "the build's own process",
        )
    return (fit - 1 if fit >= 3 else 1), fit >= 1


# duties from which their texts are compared in a process of its own, beside relate: the
# bundled corpus (466) is compared here, where a fork would cost more than it saves
PAIRS_ASIDE_DUTIES = 5_000


def _pairs_aside(jobs: int, documents: Sequence[Document]) -> bool:
    """Whether the duties' texts are compared in a process of their own while relate runs."""
    duties = sum(len(text.duties) for doc in documents for org in doc.organizations for text in org.posts)
    return jobs > 1 and duties >= PAIRS_ASIDE_DUTIES and forks_that_fit(1) >= 1


def _text_pairs(state: tuple[Sequence[Document], float], _: None) -> TextPairs:
    documents, threshold = state
    return text_pairs(duty_labels(documents), threshold=threshold)


def _early_pieces(
    jobs: int, model: OrgModel, files: tuple[Path, Path], cache: Path | None, stop: Stop
) -> Aside[EarlyWork, Early] | None:
    """The process that begins the graph's files and keeps the pieces needing no overlap in
    the cache (``graph.early_pieces``) until the overlaps are found, started now: with several
    jobs, a graph of more than one piece of posts (``model`` has no overlaps yet), and memory for
    it beside the workers and the process of the page; None otherwise."""
    if jobs <= 1 or not worth_spreading(model) or forks_that_fit(jobs + 2) < jobs + 2:
        return None
    pieces = cache / "pieces" if cache is not None else None
    return Aside(keep_early, EarlyWork(model, load_ontology(), files, pieces, stop), fork=True)


def _went_on(early: Early, parts: Sequence[Piece]) -> Early:
    """What the early process did, once its pieces are known to be the start of ``parts``, the
    pieces of the model with its overlaps (the same by construction: checked, since the files
    would be wrong otherwise)."""
    if tuple(parts[: len(early.written)]) != early.written:
        raise RolegraphError("the start of the graph's files was cut otherwise than the graph; build with --jobs 1")
    return early


def _stop_signal() -> Stop:
    """What tells the early process the overlaps are found: an Event it shares with this one."""
    return get_context("fork").Event() if can_fork() else threading.Event()


@dataclass(frozen=True)
class _Views:
    model: OrgModel
    staging: Path
    page_stores: bool | None  # BuildOptions.page_stores
    cache: Path | None  # BuildOptions.cache: the org charts' layouts are kept there


def _write_views(views: _Views, _: None) -> tuple[dict[str, float], Path | None]:
    """The page (with its store files) and overlaps.csv, written into the staging folder; the
    processor time each took, and the folder of the page's store files (split layout) if there
    is one. Processor time, not wall time: in a process of its own the two share the cores with
    the graph's workers, and their wall time said more of the workers than of them (the table
    at 1,000 stores: 2.6 s so timed, 1.2 s alone in a process)."""
    # imported here: pyvis and Jinja load while the SHACL worker checks the Turtle
    from graph.layout_cache import LayoutCache
    from graph.page import render_page, stores_folder

    start = time.process_time()
    stores = stores_folder(views.model, views.staging, views.page_stores)
    layouts = LayoutCache(views.cache / "layouts") if views.cache is not None else None
    (views.staging / "org-graph.html").write_text(render_page(views.model, stores=stores, lay_out=layouts), encoding="utf-8")
    if layouts is not None:
        layouts.save()
    written = time.process_time()
    write_overlaps_csv(views.model, views.staging / "overlaps.csv")
    return {"render": written - start, "table": time.process_time() - written}, stores


def _with_distinct_slugs(readings: Sequence[Reading]) -> list[Document]:
    sources = distinct_slugs([r.document.source for r in readings])
    return [replace(r.document, source=s) for r, s in zip(readings, sources, strict=True)]


def distinct_slugs(texts: list[Source]) -> list[Source]:
    """Documents are known by their path: two files named alike in different folders
    (store-a/岗位职责.txt, store-b/岗位职责.txt) get slugs from the folders that tell them apart."""
    by_slug: dict[str, list[int]] = {}
    for index, text in enumerate(texts):
        by_slug.setdefault(text.slug, []).append(index)
    out = list(texts)
    for indexes in by_slug.values():
        if len(indexes) < 2:
            continue
        paths = [texts[i].path.resolve() for i in indexes]
        for depth in range(1, max(len(p.parts) for p in paths)):
            names = ["/".join(p.parts[-depth - 1 :]) for p in paths]
            if len(set(names)) == len(names):
                break
        for i, name in zip(indexes, names, strict=True):
            out[i] = replace(texts[i], slug=slugify(str(Path(name).with_suffix(""))))
    if len({t.slug for t in out}) != len(out):
        raise RolegraphError("two documents give the same identifier; rename one: " + ", ".join(str(t.path) for t in out))
    return out


class _Clock:
    """Each stage's wall time, or with ``cpu`` its processor time in this process: for a stage
    that runs while other processes of the build share the cores (the report, beside the
    page's process), the wall time says as much of them as of it."""

    def __init__(self, timings: dict[str, float], progress: Progress) -> None:
        self.timings, self.progress = timings, progress

    def __call__(self, stage: str, *, cpu: bool = False) -> _Clock:
        self.stage, self.now = stage, time.process_time if cpu else time.perf_counter
        return self

    def __enter__(self) -> None:
        self.progress(self.stage, 0, 0)
        self.start = self.now()

    def __exit__(self, *exc: object) -> None:
        self.timings[self.stage] = self.now() - self.start
