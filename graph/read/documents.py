"""Every source through reading, cleaning and recognising: in a process pool, and from a cache
of earlier readings keyed by the file's bytes and the reader's version.

The order of the sources is kept whatever the number of workers, so the graph is the same
byte for byte with one job or many.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

from graph import __version__
from graph.clean import Correction, clean_source
from graph.model import CleanText, Document, SourceText
from graph.read.recognise import split_document
from graph.read.source import read_source
from graph.workers import kill_pool, process_pool

log = logging.getLogger(__name__)
READER_DIR = Path(__file__).resolve().parent
STAGES = ("read", "clean", "split")
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Reading:
    """One source, read: its cleaned text and its document, and the seconds each stage took."""

    clean: CleanText
    document: Document
    seconds: tuple[float, float, float] = (0.0, 0.0, 0.0)
    cached: bool = False


@dataclass(frozen=True)
class ReadOptions:
    max_bytes: int
    corrections: tuple[Correction, ...] = ()
    corrections_name: str = ""
    jobs: int = 1
    cache: Path | None = None


@dataclass
class ReadResult:
    readings: list[Reading]
    timings: dict[str, float] = field(default_factory=dict)
    cached: int = 0


def read_documents(paths: Sequence[Path], options: ReadOptions, *, progress: Progress = lambda *_: None) -> ReadResult:
    """Read every path; the results are in the order of ``paths``."""
    start = time.perf_counter()
    work = [(path, options) for path in paths]
    if options.jobs > 1 and len(paths) > 1:
        with process_pool(min(options.jobs, len(paths))) as pool:
            readings = []
            try:
                for i, reading in enumerate(pool.map(_read_one, work, chunksize=max(1, len(work) // (8 * options.jobs)))):
                    readings.append(reading)
                    progress("read", i + 1, len(work))
            except BaseException:  # an error or a signal: the documents still queued are not read
                kill_pool(pool)
                raise
    else:
        readings = []
        for i, item in enumerate(work):
            readings.append(_read_one(item))
            progress("read", i + 1, len(work))
    timings = {stage: sum(r.seconds[k] for r in readings) for k, stage in enumerate(STAGES)}
    timings["read-wall"] = time.perf_counter() - start
    return ReadResult(readings, timings, sum(r.cached for r in readings))


def _read_one(item: tuple[Path, ReadOptions]) -> Reading:
    path, options = item
    t0 = time.perf_counter()
    source = read_source(path, max_bytes=options.max_bytes)
    key = _cache_key(source, options) if options.cache is not None else ""
    if key:
        hit = _load(options.cache, key)  # type: ignore[arg-type]
        if hit is not None:
            return _moved(hit, source)
    t1 = time.perf_counter()
    clean = clean_source(source, corrections=options.corrections, corrections_name=options.corrections_name)
    t2 = time.perf_counter()
    document = split_document(clean)
    t3 = time.perf_counter()
    reading = Reading(clean, document, (t1 - t0, t2 - t1, t3 - t2))
    if key:
        _store(options.cache, key, reading)  # type: ignore[arg-type]
    return reading


def _moved(hit: Reading, source: SourceText) -> Reading:
    """A cached reading of the same bytes, now at this path."""
    clean = replace(hit.clean, source=source)
    document = replace(hit.document, source=source)
    return Reading(clean, document, (0.0, 0.0, 0.0), cached=True)


def reader_version() -> str:
    """The package version and a digest of the reader's code and profiles: a change to either
    makes every cached reading stale."""
    return _reader_version()


@cache
def _reader_version() -> str:
    digest = hashlib.sha256(__version__.encode())
    files = sorted(READER_DIR.rglob("*.py")) + sorted(READER_DIR.rglob("*.toml")) + [READER_DIR.parent / "clean.py"]
    for file in files:
        digest.update(file.name.encode())
        digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


def _cache_key(source: SourceText, options: ReadOptions) -> str:
    digest = hashlib.sha256()
    for part in (source.sha256, reader_version(), options.corrections_name, repr(options.corrections), source.path.suffix):
        digest.update(part.encode())
        digest.update(b"\0")
    return digest.hexdigest()


def _load(folder: Path, key: str) -> Reading | None:
    path = folder / key[:2] / f"{key}.pickle"
    try:
        with path.open("rb") as f:
            found = pickle.load(f)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError):
        return None
    return found if isinstance(found, Reading) else None


def _store(folder: Path, key: str, reading: Reading) -> None:
    """Write a reading atomically; a cache that cannot be written is only a slower next build."""
    path = folder / key[:2] / f"{key}.pickle"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.partial")
        with partial.open("wb") as f:
            pickle.dump(replace(reading, seconds=(0.0, 0.0, 0.0)), f, protocol=pickle.HIGHEST_PROTOCOL)
        partial.replace(path)
    except OSError as e:
        log.warning("cannot write the reading cache %s: %s", folder, e)


def default_jobs() -> int:
    """The cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def default_cache() -> Path:
    """``$XDG_CACHE_HOME/rolegraph/readings``, or ``~/.cache/rolegraph/readings``."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "rolegraph" / "readings"
