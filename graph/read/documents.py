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
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

from graph.atomic import replaced_atomically
from graph.clean import Correction, clean_source
from graph.model import Document
from graph.read.recognise import split_document
from graph.read.source import read_source, slugify
from graph.versions import code_version
from graph.workers import kill_pool, process_pool

log = logging.getLogger(__name__)
READER_DIR = Path(__file__).resolve().parent
# beside graph/read/, the modules a reading is made by: the cleaner, the conversion to Simplified
# script, the errors whose words become warnings, and the classes a reading is pickled as (a
# reading kept by other classes would come back without their new fields)
READER_MODULES = ("clean.py", "errors.py", "model.py", "script.py")
# … and the modules the reader imports that do not shape what it reads (tests/test_jobs_and_cache.py)
READER_TOOLS = ("__init__.py", "atomic.py", "lifetime.py", "versions.py", "workers.py")
# the libraries that parse the formats, guess encodings and convert the script
READER_LIBRARIES = ("python-docx", "lxml", "openpyxl", "xlrd", "pypdf", "charset-normalizer", "opencc")
STAGES = ("read", "clean", "split")
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Reading:
    """One source, read: its document, and the seconds each stage took. The cleaned text stays
    in the worker: what the build needs of it, the document holds (its repairs, its glosses)."""

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
    """Read every path; the results are in the order of ``paths``. Readings the cache holds are
    taken here; only the others go to the workers (a reading sent back by a worker is pickled
    once more: at a thousand cached stores, 2.7 s through two workers against 1.0 s here)."""
    start = time.perf_counter()
    readings: list[Reading | None] = [_from_cache(path, options) for path in paths] if options.cache else [None] * len(paths)
    hits = len(paths) - readings.count(None)
    if hits:
        progress("read", hits, len(paths))
    todo = [i for i, reading in enumerate(readings) if reading is None]
    for done, (i, reading) in enumerate(zip(todo, _read_all([(paths[i], options) for i in todo], options.jobs), strict=False)):
        readings[i] = reading
        progress("read", hits + done + 1, len(paths))
    read = [r for r in readings if r is not None]
    timings = {stage: sum(r.seconds[k] for r in read) for k, stage in enumerate(STAGES)}
    timings["read-wall"] = time.perf_counter() - start
    return ReadResult(read, timings, sum(r.cached for r in read))


def _read_all(work: list[tuple[Path, ReadOptions]], jobs: int) -> Iterator[Reading]:
    """``_read_one`` of each item, in their order, in a pool of up to ``jobs`` workers."""
    if jobs <= 1 or len(work) <= 1:
        yield from map(_read_one, work)
        return
    with process_pool(min(jobs, len(work))) as pool:
        try:
            yield from pool.map(_read_one, work, chunksize=max(1, len(work) // (8 * jobs)))
        except BaseException:  # an error or a signal: the documents still queued are not read
            kill_pool(pool)
            raise


def _read_one(item: tuple[Path, ReadOptions]) -> Reading:
    path, options = item
    t0 = time.perf_counter()
    source = read_source(path, max_bytes=options.max_bytes)
    t1 = time.perf_counter()
    clean = clean_source(source, corrections=options.corrections, corrections_name=options.corrections_name)
    t2 = time.perf_counter()
    document = split_document(clean)
    t3 = time.perf_counter()
    reading = Reading(document, (t1 - t0, t2 - t1, t3 - t2))
    if options.cache is not None:
        _store(options.cache, _cache_key(source.sha256, path, options), reading)
    return reading


def _from_cache(path: Path, options: ReadOptions) -> Reading | None:
    """The cache's reading of the file's bytes, now at this path; None when it holds none, or
    when the file cannot be read as it stands (the reading proper says why)."""
    try:
        if path.stat().st_size > options.max_bytes:
            return None
        data = path.read_bytes()
    except OSError:
        return None
    hit = _load(options.cache, _cache_key(hashlib.sha256(data).hexdigest(), path, options))  # type: ignore[arg-type]
    return None if hit is None else _moved(hit, path)


def _moved(hit: Reading, path: Path) -> Reading:
    """A cached reading of the same bytes, now at this path: the text read from them is the
    same (a Word or PDF file is not parsed again), its path and slug are this file's."""
    source = replace(hit.document.source, path=path, slug=slugify(path.stem))
    return Reading(replace(hit.document, source=source), (0.0, 0.0, 0.0), cached=True)


def reader_version() -> str:
    """The package version, the libraries' and a digest of the reader's code and profiles (and
    of the model's classes): a change to any of them makes every cached reading stale."""
    return _reader_version()


@cache
def _reader_version() -> str:
    return code_version(reader_files(), READER_LIBRARIES)


def reader_files() -> list[Path]:
    """The files whose bytes make the reader's version: graph/read/ (code and profiles) and
    ``READER_MODULES``."""
    own = sorted(READER_DIR.rglob("*.py")) + sorted(READER_DIR.rglob("*.toml"))
    return own + [READER_DIR.parent / name for name in READER_MODULES]


def _cache_key(sha256: str, path: Path, options: ReadOptions) -> str:
    """The key of a reading: the digest of the file's bytes, the reader's version, the
    corrections and the file's name. The name says how the bytes are read (its suffix), and a
    reading holds it: an organization with no heading is named after the file, and the
    warnings name it. The folder is not in the key: a file moved keeps its reading."""
    digest = hashlib.sha256()
    for part in (sha256, reader_version(), options.corrections_name, repr(options.corrections), path.name):
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
        with replaced_atomically(path) as f:
            pickle.dump(replace(reading, seconds=(0.0, 0.0, 0.0)), f, protocol=pickle.HIGHEST_PROTOCOL)
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
