"""The graph as N-Quads shards for a cluster's bulk loader (Virtuoso's ld_dir and
rdf_loader_run, QLever's index builder, ``oxigraph load --file …``), which ingests the files in
parallel.

The triples are written in the order of the graph file (the emitter's, which depends on the
input alone) or of the store's index (with some literals in Oxigraph's canonical form: the
decimal 1.0 as 1), cut into files of at most ``--size`` MB at line ends:
one quad per line, so each file stands alone. The same graph gives the same bytes. The graph
has no blank nodes, so nothing joins two shards but IRIs. ``manifest.json`` lists every shard
with its quads, bytes and SHA-256 (``SHA256SUMS`` the same for ``sha256sum -c``).
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from graph.errors import InvocationError, RolegraphError, excerpt
from graph.outfolder import check_out_folder, staging_folder
from graph.serialize import _fix_turtle

MANIFEST = "manifest.json"
SUMS = "SHA256SUMS"
DEFAULT_MB = 100.0
CHUNK = 1 << 20


@dataclass
class Shard:
    file: str
    quads: int = 0
    bytes: int = 0
    digest: hashlib._Hash = field(default_factory=hashlib.sha256, repr=False)


class ShardWriter:
    """N-Triples lines in (chunks cut anywhere), N-Quads shards out: each line given the graph
    IRI when there is one, and a shard closed before the line that would take it past the limit."""

    def __init__(self, folder: Path, limit: int, graph_iri: str | None, stem: str = "org") -> None:
        self.folder, self.limit, self.stem = folder, limit, stem
        self.suffix = f" <{graph_iri}> .\n".encode() if graph_iri else None
        self.tail = b""
        self.shards: list[Shard] = []
        self.file: IO[bytes] | None = None

    def write(self, data: bytes) -> int:
        buffer = self.tail + bytes(data)
        cut = buffer.rfind(b"\n") + 1
        self.tail = buffer[cut:]
        if cut:
            self._lines(buffer[:cut])
        return len(data)

    def flush(self) -> None:
        """Nothing to do: a shard is written as its lines come (the serializer may call this)."""

    def close(self) -> list[Shard]:
        if self.tail.strip():
            raise RolegraphError("the graph's N-Triples ended inside a line")
        if self.file is not None:
            self.file.close()
            self.file = None
        return self.shards

    def _lines(self, lines: bytes) -> None:
        lines = _fix_turtle(lines)  # zh-Hans / zh-Hant as the contract spells them, as in org.ttl
        if self.suffix is not None:  # every line ends ' .\n' (a newline inside a literal is written \n)
            lines = lines.replace(b" .\n", self.suffix)
        start = 0
        while start < len(lines):
            if self.file is None:
                self._open()
            shard = self.shards[-1]
            room = self.limit - shard.bytes
            if len(lines) - start <= room:
                self._put(shard, lines[start:])
                return
            end = lines.rfind(b"\n", start, start + room) + 1  # the last line that fits whole
            if end <= start:
                if shard.bytes:  # the next line does not fit: the next shard
                    self._open()
                    continue
                end = lines.find(b"\n", start) + 1  # a fresh shard takes one line, however long
            self._put(shard, lines[start:end])
            start = end

    def _open(self) -> Shard:
        if self.file is not None:
            self.file.close()
        shard = Shard(f"{self.stem}-{len(self.shards) + 1:05d}.nq")
        self.shards.append(shard)
        self.file = (self.folder / shard.file).open("wb")
        return shard

    def _put(self, shard: Shard, lines: bytes) -> None:
        assert self.file is not None
        self.file.write(lines)
        shard.digest.update(lines)
        shard.bytes += len(lines)
        shard.quads += lines.count(b"\n")


@dataclass(frozen=True)
class ShardsResult:
    out: Path
    shards: list[dict[str, object]]
    quads: int


def write_shards(source: Path, out: Path, *, size_mb: float = DEFAULT_MB, graph_iri: str | None = None) -> ShardsResult:
    """Write ``source`` (a graph file, or a store folder a build wrote) as N-Quads shards of at
    most ``size_mb`` MB into ``out``, replaced whole and only when complete."""
    if size_mb <= 0:
        raise InvocationError(f"--size {size_mb}: give a size in MB above 0")
    if graph_iri is not None:
        _check_iri(graph_iri)
    if not source.exists():
        raise RolegraphError(f"{source}: no graph file or store here; run 'rolegraph build' first")
    check_out_folder(out, [source])
    limit = max(1, int(size_mb * 1024 * 1024))
    with staging_folder(out) as staging:
        writer = ShardWriter(staging, limit, graph_iri)
        try:
            if source.is_dir():
                _from_store(source, writer)
            else:
                _from_file(source, writer)
        finally:
            shards = writer.close()
        listed = [{"file": s.file, "quads": s.quads, "bytes": s.bytes, "sha256": s.digest.hexdigest()} for s in shards]
        total = sum(s.quads for s in shards)
        manifest = {
            "format": "application/n-quads",
            "source": source.name,
            "graph": graph_iri,
            "size_limit_bytes": limit,
            "quads": total,
            "shards": listed,
        }
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        (staging / SUMS).write_text("".join(f"{s['sha256']}  {s['file']}\n" for s in listed), encoding="utf-8")
    return ShardsResult(out, listed, total)


def _check_iri(iri: str) -> None:
    try:
        ox.NamedNode(iri)
    except ValueError as e:
        raise InvocationError(f"--graph-iri {excerpt(iri)}: not an absolute IRI ({e})") from None
    if ":" not in iri or any(c in iri for c in '<> "{}|\\^`'):
        raise InvocationError(f"--graph-iri {excerpt(iri)}: not an absolute IRI")


FILE_FORMATS = {".ttl": "ttl", ".nt": "nt", ".jsonld": "jsonld", ".json": "jsonld", ".rdf": "rdf", ".xml": "rdf"}


def _from_file(source: Path, writer: ShardWriter) -> None:
    """The graph file's triples as N-Triples, in its order, by the oxigraph program (Rust)."""
    from graph.programs import oxigraph_binary

    fmt = FILE_FORMATS.get(source.suffix.lower())
    if fmt is None:
        raise RolegraphError(f"{source}: not a graph file rolegraph reads (.ttl, .nt, .jsonld, .rdf)")
    command = [oxigraph_binary(), "convert", "--from-file", str(source), "--from-format", fmt, "--to-format", "nt"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as process:
        assert process.stdout is not None and process.stderr is not None
        while block := process.stdout.read(CHUNK):
            writer.write(block)
        error = process.stderr.read().decode(errors="replace").strip()
        if process.wait() != 0:
            raise RolegraphError(f"{source}: cannot parse graph ({excerpt(error.splitlines()[0] if error else 'no message')})")


def _from_store(source: Path, writer: ShardWriter) -> None:
    """The store's default graph as N-Triples, opened read-only."""
    from graph.store import open_store

    store = open_store(source)
    try:
        store.dump(writer, format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())  # type: ignore[arg-type]
    except OSError as e:
        raise RolegraphError(f"{source}: cannot read the store ({excerpt(str(e))})") from None
