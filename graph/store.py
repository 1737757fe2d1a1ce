"""The on-disk Oxigraph store a build writes beside its Turtle, so that a query opens the graph
in a fraction of a second instead of parsing the Turtle (34 s at a thousand stores).

``rolegraph build --store`` writes ``out/org.oxigraph/``: Oxigraph's bulk loader (``oxigraph
load``, in a process of its own) loads it while the page and the report are made, inside the
build's staging folder:
it is replaced together with the other outputs, never half-written. Its last file is a stamp,
``rolegraph-stamp.json``, naming the Turtle it was loaded from by size, modification time and
SHA-256: a store without a stamp is incomplete, and one whose stamp does not match the Turtle
beside it is stale. Readers open it read-only (any number at once); a stale or broken store is
never used: the Turtle is parsed instead, with a note saying why.

The store's bytes are RocksDB's (its files carry their creation time and a random identity),
so unlike the five files it is not byte-identical from one build to the next; its content is.
"""

from __future__ import annotations

import errno
import functools
import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import pyoxigraph as ox

from graph.errors import RolegraphError, excerpt
from graph.lifetime import die_with_parent
from graph.outfolder import STORE_SUFFIX

STAMP = "rolegraph-stamp.json"
STAMP_VERSION = 1
CHUNK = 1 << 20

Note = Callable[[str], None]


class StoreError(RolegraphError):
    """A store folder that cannot be used: not a store, incomplete, stale, in use, unreadable."""


def store_beside(graph: Path) -> Path:
    """Where a build puts the store of a graph file: out/org.ttl → out/org.oxigraph."""
    return graph.with_suffix(STORE_SUFFIX)


@dataclass(frozen=True)
class Stamp:
    """What the store was loaded from: the graph file's name, size, mtime and hash, and its triples."""

    graph: str
    size: int
    mtime_ns: int
    sha256: str
    triples: int
    version: int = STAMP_VERSION

    def matches(self, graph: Path) -> bool:
        """Whether ``graph`` is the file this store was loaded from: by size and modification
        time (a stat), else, when only the time differs (a copy), by its SHA-256."""
        try:
            stat = graph.stat()
        except OSError:
            return False
        if stat.st_size != self.size:
            return False
        return stat.st_mtime_ns == self.mtime_ns or file_sha256(graph) == self.sha256


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(CHUNK):
            digest.update(block)  # hashlib lets other threads run while it hashes a block
    return digest.hexdigest()


def read_stamp(store: Path) -> Stamp:
    """The stamp of a store folder, or a StoreError saying what the folder is instead."""
    if not store.is_dir():
        what = "does not exist" if not store.exists() else "is not a folder"
        raise StoreError(f"{store}: {what}; a store is the folder 'rolegraph build' writes beside org.ttl")
    try:
        text = (store / STAMP).read_text(encoding="utf-8")
    except FileNotFoundError:
        if (store / "CURRENT").is_file():
            raise StoreError(
                f"{store}: an Oxigraph store without rolegraph's stamp (not written by 'rolegraph build', "
                "or its load did not finish); rebuild, or give the graph file"
            ) from None
        raise StoreError(f"{store}: not an Oxigraph store (no CURRENT, no {STAMP})") from None
    except OSError as e:
        raise StoreError(f"{store}: cannot read {STAMP} ({e.strerror or e})") from None
    try:
        fields = json.loads(text)
        stamp = Stamp(**fields)
    except (ValueError, TypeError):
        raise StoreError(f"{store}: {STAMP} is damaged; rebuild to write the store again") from None
    if stamp.version != STAMP_VERSION:
        raise StoreError(f"{store}: written by another version of rolegraph (stamp {stamp.version}); rebuild")
    return stamp


def write_stamp(store: Path, stamp: Stamp) -> None:
    (store / STAMP).write_text(json.dumps(asdict(stamp), indent=2) + "\n", encoding="utf-8")


def _written_by_another_process(store: Path) -> bool:
    """Whether a process holds the store's lock: a writable Oxigraph (``oxigraph serve``, a
    ``Store(path)``) has it open. Reading while another process writes is undefined in RocksDB."""
    import fcntl

    try:
        fd = os.open(store / "LOCK", os.O_RDONLY)
    except OSError:
        return False  # no lock file (a copy without it) or not ours to read: nobody writes through it
    try:  # a shared lock conflicts with the writer's exclusive one (fcntl locks, as RocksDB takes)
        fcntl.lockf(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except OSError as e:
        return e.errno in (errno.EACCES, errno.EAGAIN)
    else:
        fcntl.lockf(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


def open_store(store: Path) -> ox.Store:
    """The store opened read-only (any number of readers at once), or a StoreError."""
    read_stamp(store)
    if _written_by_another_process(store):
        raise StoreError(f"{store}: another process has it open for writing (it holds {store / 'LOCK'}); stop it first")
    try:
        return ox.Store.read_only(str(store))
    except OSError as e:
        raise StoreError(f"{store}: Oxigraph cannot open it ({excerpt(str(e))}); rebuild to write it again") from None


def usable_store(graph: Path, note: Note | None = None) -> Path | None:
    """The store beside ``graph`` when it was loaded from this very file and can be opened;
    None when there is none, or (with a note saying why) when it is stale or broken."""
    store = store_beside(graph)
    if not store.is_dir() or graph.suffix.lower() != ".ttl":
        return None
    try:
        stamp = read_stamp(store)
        if stamp.graph != graph.name or not stamp.matches(graph):
            raise StoreError(f"{store} was loaded from another {graph.name} than the one beside it (size or content differ)")
        if _written_by_another_process(store):
            raise StoreError(f"{store}: another process has it open for writing")
    except StoreError as e:
        if note is not None:
            note(f"{e}; parsing {graph} instead (rebuild to refresh the store)")
        return None
    return store


def stamp_graph_beside(store: Path, note: Note | None = None) -> None:
    """Given a store folder directly: refuse it when the Turtle it names is beside it and differs."""
    stamp = read_stamp(store)
    graph = store.parent / stamp.graph
    if graph.exists() and not stamp.matches(graph):
        raise StoreError(f"{store}: stale, loaded from another {stamp.graph} than the one beside it; rebuild")
    if not graph.exists() and note is not None:
        note(f"{graph} is not beside the store; it cannot be checked against it")


class StoreLoad:
    """The store of a Turtle file, made in the background while the build goes on: a worker
    process (``python -m graph.store``) runs Oxigraph's bulk loader (``oxigraph load``, Rust,
    threads of its own), hashes the Turtle meanwhile, then compacts the store (``oxigraph
    optimize``: a bulk-loaded store answers the bundled queries about half as fast before).
    The worker and its children die with the build, even killed. ``finish`` waits and writes
    the stamp, the store's last file; ``abort`` stops it."""

    def __init__(self, turtle: Path, store: Path, *, triples: int) -> None:
        from graph.programs import oxigraph_binary

        self.turtle, self.store, self.triples = turtle, store, triples
        command = [sys.executable, "-m", "graph.store", oxigraph_binary(), str(turtle), str(store)]
        self.process: subprocess.Popen[bytes] | None = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            preexec_fn=functools.partial(die_with_parent, os.getpid()) if sys.platform == "linux" else None,
        )

    def finish(self) -> None:
        assert self.process is not None
        out, error = self.process.communicate()
        code = self.process.wait()
        if code != 0:
            message = error.decode(errors="replace").strip() or f"exit status {code}"
            raise RolegraphError(f"{self.turtle}: oxigraph could not load it into {self.store.name}: {excerpt(message)}")
        stat = self.turtle.stat()
        digest = out.decode().strip()
        write_stamp(self.store, Stamp(self.turtle.name, stat.st_size, stat.st_mtime_ns, digest, self.triples))

    def abort(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()  # its children (load, optimize) die with it
        if self.process is not None:
            self.process.communicate()


def _worker(binary: str, turtle: Path, store: Path) -> int:
    """The worker of StoreLoad: load and hash at once, then optimize; the SHA-256 on stdout."""
    child = functools.partial(die_with_parent, os.getpid()) if sys.platform == "linux" else None
    steps = (
        [binary, "load", "--location", str(store), "--file", str(turtle), "--lenient"],
        [binary, "optimize", "--location", str(store)],
    )
    load = subprocess.Popen(steps[0], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, preexec_fn=child)
    digest = file_sha256(turtle)
    for step, process in enumerate((load, None)):
        if process is None:
            process = subprocess.Popen(steps[step], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, preexec_fn=child)
        _, error = process.communicate()
        if process.returncode != 0:
            lines = [line for line in error.decode(errors="replace").splitlines() if line.strip()]
            sys.stderr.write(f"{steps[step][1]}: {lines[-1] if lines else f'exit status {process.returncode}'}\n")
            return 1
    sys.stdout.write(digest + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(_worker(sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])))
