"""The graph as N-Quads shards for a cluster's bulk loader (Virtuoso's ld_dir and
rdf_loader_run, QLever's index builder, ``oxigraph load --file …``), which ingests the files in
parallel.

The source is first copied as N-Triples into the staging folder (``_to_ntriples``), then read.
The triples are written in the order of the graph file (the emitter's, which depends on the
input alone) or of the store's index (with some literals in Oxigraph's canonical form: the
decimal 1.0 as 1), one quad per line, so each file stands alone, and cut at line ends into
files of at most ``--size`` MB. ``--per size`` (the default) cuts the whole stream so; ``--per
organization`` first gives each triple to the organization that owns its subject (see
``OwnerReader``) and cuts each organization's stream, and the stream of what no single
organization owns, on its own: ``org-…-00001.nq`` per organization, ``shared-00001.nq`` for the
rest. The same graph gives the same bytes. The graph has no blank nodes, so nothing joins two
shards but IRIs. ``manifest.json`` lists every shard with its quads, bytes and SHA-256 (and its
organization, or "shared"); ``SHA256SUMS`` the same for ``sha256sum -c``.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib.namespace import RDF

from graph.choices import SHARDS_PER
from graph.errors import InvocationError, RolegraphError, excerpt
from graph.namespace import ORG, RG, RGD
from graph.outfolder import check_out_folder, staging_folder
from graph.serialize import _fix_turtle

MANIFEST = "manifest.json"
SUMS = "SHA256SUMS"
DEFAULT_MB = 100.0
CHUNK = 1 << 20
PER = SHARDS_PER
SHARED = "shared"
# what the per-organization writer holds before appending it to the files: the triples pass
# through, they are never all in memory (with thousands of organizations, files are opened
# for each append instead of all at once: a process may have only 1,024 open)
FLUSH_BYTES = 32 << 20


@dataclass
class Shard:
    file: str
    quads: int = 0
    bytes: int = 0
    digest: hashlib._Hash = field(default_factory=hashlib.sha256, repr=False)
    organization: str | None = None  # per organization: its IRI, or "shared"


class Series:
    """The shards of one stream of lines (the whole graph, one organization's, the shared
    triples): ``stem-00001.nq``, ``stem-00002.nq`` …, a shard closed before the line that would
    take it past ``limit`` bytes (a line longer than that alone in its shard). Each piece is
    appended to its file and the file closed again, so that thousands of series need no file
    kept open."""

    def __init__(self, folder: Path, stem: str, limit: int, organization: str | None = None) -> None:
        self.folder, self.stem, self.limit, self.organization = folder, stem, limit, organization
        self.shards: list[Shard] = []

    def put(self, lines: bytes | bytearray) -> None:
        """Whole lines, each ending in a newline."""
        start = 0
        while start < len(lines):
            shard = self.shards[-1] if self.shards else self._next()
            room = self.limit - shard.bytes
            end = len(lines)
            if end - start > room:
                end = lines.rfind(b"\n", start, start + room) + 1  # the last line that fits whole
                if end <= start:
                    if shard.bytes:  # the next line does not fit: the next shard
                        self._next()
                        continue
                    end = lines.find(b"\n", start) + 1  # a fresh shard takes one line, however long
            self._append(shard, lines[start:end])
            start = end

    def _next(self) -> Shard:
        shard = Shard(f"{self.stem}-{len(self.shards) + 1:05d}.nq", organization=self.organization)
        self.shards.append(shard)
        return shard

    def _append(self, shard: Shard, lines: bytes | bytearray) -> None:
        with (self.folder / shard.file).open("ab") as file:
            file.write(lines)
        shard.digest.update(lines)
        shard.bytes += len(lines)
        shard.quads += lines.count(b"\n")


class LineStream:
    """N-Triples in chunks cut anywhere (the oxigraph program's pipe, a store's dump, a file),
    passed on to ``_lines`` as whole lines."""

    def __init__(self) -> None:
        self.tail = b""

    def write(self, data: bytes) -> int:
        buffer = self.tail + bytes(data)
        cut = buffer.rfind(b"\n") + 1
        self.tail = buffer[cut:]
        if cut:
            self._lines(buffer[:cut])
        return len(data)

    def flush(self) -> None:
        """Nothing to do: lines are passed on as they come (the serializer may call this)."""

    def finish(self) -> None:
        if self.tail.strip():
            raise RolegraphError("the graph's N-Triples ended inside a line")

    def _lines(self, lines: bytes) -> None:
        raise NotImplementedError


def as_quads(lines: bytes, suffix: bytes | None) -> bytes:
    """N-Triples lines as the shards hold them: language tags as the contract spells them
    (zh-Hans, zh-Hant, as in org.ttl), and each line given the graph IRI when there is one."""
    lines = _fix_turtle(lines)
    if suffix is not None:  # every line ends ' .\n' (a newline inside a literal is written \n)
        lines = lines.replace(b" .\n", suffix)
    return lines


def graph_suffix(graph_iri: str | None) -> bytes | None:
    return f" <{graph_iri}> .\n".encode() if graph_iri else None


class ShardWriter(LineStream):
    """``--per size``: the whole stream in one series, ``org-00001.nq`` …"""

    def __init__(self, folder: Path, limit: int, graph_iri: str | None, stem: str = "org") -> None:
        super().__init__()
        self.suffix = graph_suffix(graph_iri)
        self.series = Series(folder, stem, limit)

    def _lines(self, lines: bytes) -> None:
        self.series.put(as_quads(lines, self.suffix))

    def close(self) -> list[Shard]:
        self.finish()
        return self.series.shards


# --- per organization ---------------------------------------------------------------------


def _token(iri: str) -> bytes:
    return f"<{iri}>".encode()


_TYPE, _ORGANIZATION, _POST_IN = _token(str(RDF.type)), _token(RG.Organization), _token(ORG.postIn)
_DOWN = frozenset(map(_token, (RG.hasDuty, RG.hasSummary)))  # the object is a part of the subject
_UP = frozenset(map(_token, (RG.evidence, RG.duty, RG.member)))  # the subject hangs on the object
_LINKS = frozenset({_TYPE, _POST_IN, *_DOWN, *_UP})
MIXED = -1  # an owner index: no single organization (the shared series, last of the writer's)


@dataclass(frozen=True)
class Owners:
    organizations: list[str]  # IRIs, in the order first read
    owner: dict[bytes, int]  # subject token (<iri>) → index in organizations, or MIXED


class OwnerReader(LineStream):
    """The first reading: which organization owns each subject, from the contract's edges in
    the graph's own triples (no IRI is taken apart):

    - an ``rg:Organization`` owns itself, and a post belongs to the organization of its
      ``org:postIn``;
    - a duty or a post summary to its post's (``rg:hasDuty``, ``rg:hasSummary``);
    - a reporting line to the organization of its ``rg:evidence``, the duty, summary or post
      it was read from: one organization's text, whichever post or role the line names;
    - an overlap (``rg:duty``) or a cluster (``rg:member``) to the organization of its duties
      when they are all of one, so that no organization's files depend on another's.

    Everything else belongs to none and goes to the shared series: the ontology and theme
    scheme, departments, roles, source documents (one may hold several organizations), theme
    co-ownerships, responsibility cells, and overlaps and clusters across organizations. A
    node claimed by two organizations (which the contract rules out for posts, duties and
    summaries) is shared too.

    One pass in any order (a store's index order is not the emitter's): a link whose far end
    has no owner yet waits, and is settled after the last line, the parts of posts
    (``rg:hasDuty``, ``rg:hasSummary``) before what hangs on them. Only the owned subjects are
    kept, one dict entry each (920,000 at 1,000 generated stores, about 140 MB), never the
    triples."""

    def __init__(self) -> None:
        super().__init__()
        self.organizations: dict[bytes, int] = {}
        self.owner: dict[bytes, int] = {}
        self.waiting: list[tuple[int, bytes, bytes]] = []  # (step, node, the node it takes its owner from)

    def _lines(self, lines: bytes) -> None:
        links = _LINKS
        for line in lines.split(b"\n")[:-1]:
            s, p, o = line.split(b" ", 2)  # neither a subject nor a predicate holds a space
            if p in links:
                self._link(s, p, o[:-2])  # the object without its ' .'

    def _link(self, s: bytes, p: bytes, o: bytes) -> None:
        if p == _POST_IN:
            self._claim(s, self.organizations.setdefault(o, len(self.organizations)))
        elif p == _TYPE:
            if o == _ORGANIZATION:
                self._claim(s, self.organizations.setdefault(s, len(self.organizations)))
        elif p in _DOWN:
            self._inherit(1, o, s)
        else:
            self._inherit(2, s, o)

    def _inherit(self, step: int, node: bytes, source: bytes) -> None:
        owner = self.owner.get(source)
        if owner is None:
            self.waiting.append((step, node, source))
        else:
            self._claim(node, owner)

    def _claim(self, node: bytes, owner: int) -> None:
        if self.owner.setdefault(node, owner) != owner:
            self.owner[node] = MIXED

    def close(self) -> Owners:
        self.finish()
        for _, node, source in sorted(self.waiting, key=lambda w: w[0]):  # stable: the order read within a step
            self._claim(node, self.owner.get(source, MIXED))
        self.waiting.clear()
        iris = [token[1:-1].decode("utf-8") for token in self.organizations]
        return Owners(iris, self.owner)


class OrganizationWriter(LineStream):
    """``--per organization``, the second reading: each line to the series of its subject's
    owner, held in a buffer per series until FLUSH_BYTES are held in all, then appended."""

    def __init__(self, folder: Path, limit: int, graph_iri: str | None, owners: Owners) -> None:
        super().__init__()
        self.suffix = graph_suffix(graph_iri)
        self.owner = owners.owner
        stems = organization_stems(owners.organizations)
        self.series = [Series(folder, s, limit, iri) for s, iri in zip(stems, owners.organizations, strict=True)]
        self.series.append(Series(folder, SHARED, limit, SHARED))  # index MIXED (-1): the last
        self.buffers = [bytearray() for _ in self.series]
        self.held = 0

    def _lines(self, lines: bytes) -> None:
        lines = as_quads(lines, self.suffix)
        owner, buffers = self.owner.get, self.buffers
        for line in lines.split(b"\n")[:-1]:
            buffers[owner(line[: line.find(b" ")], MIXED)] += line + b"\n"
        self.held += len(lines)
        if self.held >= FLUSH_BYTES:
            self._flush()

    def _flush(self) -> None:
        for series, buffer in zip(self.series, self.buffers, strict=True):
            if buffer:
                series.put(buffer)
                buffer.clear()
        self.held = 0

    def close(self) -> list[Shard]:
        self.finish()
        self._flush()
        return sorted((s for series in self.series for s in series.shards), key=lambda s: s.file)


STEM_CHARACTERS = 96
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")


def organization_stems(iris: Sequence[str]) -> list[str]:
    """A file-name stem for each organization IRI, safe on any file system and in a loader's
    file pattern: the IRI after ``rgd:`` (``org/4s-dealership-roles/1`` → ``org-4s-dealership-
    roles-1``; another IRI whole), each run of characters other than ASCII letters, digits,
    ``_`` and ``-`` as one ``-``, at most 96 characters. Stems that two IRIs would share (letter
    case aside, as on macOS and Windows, or with ``shared``), and cut ones, end in 12 hex digits
    of the IRI's SHA-256 instead, so the names do not depend on which IRIs come first."""
    plain = [_UNSAFE.sub("-", iri.removeprefix(str(RGD))).strip("-") or "organization" for iri in iris]
    taken: dict[str, int] = {SHARED: 1}
    for stem in plain:
        taken[stem.casefold()] = taken.get(stem.casefold(), 0) + 1
    stems = [
        stem
        if len(stem) <= STEM_CHARACTERS and taken[stem.casefold()] == 1
        else f"{stem[:STEM_CHARACTERS]}-{hashlib.sha256(iri.encode('utf-8')).hexdigest()[:12]}"
        for stem, iri in zip(plain, iris, strict=True)
    ]
    if len({stem.casefold() for stem in stems} | {SHARED}) != len(stems) + 1:
        raise RolegraphError("two organizations' IRIs give the same file name; rename one")
    return stems


# --- the command ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ShardsResult:
    out: Path
    shards: list[dict[str, object]]
    quads: int
    organizations: int = 0  # per organization: how many (each has one or more shards)


def write_shards(
    source: Path, out: Path, *, size_mb: float = DEFAULT_MB, graph_iri: str | None = None, per: str = "size"
) -> ShardsResult:
    """Write ``source`` (a graph file, or a store folder a build wrote) as N-Quads shards of at
    most ``size_mb`` MB into ``out``, replaced whole and only when complete; ``per``
    "organization" reads the N-Triples copy twice (owners first, then the lines), so that no
    triple is held in memory."""
    if per not in PER:
        raise InvocationError(f"--per {excerpt(per)}: give one of {', '.join(PER)}")
    if size_mb <= 0:
        raise InvocationError(f"--size {size_mb}: give a size in MB above 0")
    if graph_iri is not None:
        _check_iri(graph_iri)
    if not source.exists():
        raise RolegraphError(f"{source}: no graph file or store here; run 'rolegraph build' first")
    check_out_folder(out, [source])
    limit = max(1, int(size_mb * 1024 * 1024))
    with staging_folder(out) as staging:
        copy = staging / SPOOL
        try:
            _to_ntriples(source, copy)
            if per == "size":
                shards, organizations = _by_size(copy, staging, limit, graph_iri), 0
            else:
                shards, organizations = _by_organization(source, copy, staging, limit, graph_iri)
        finally:
            copy.unlink(missing_ok=True)
        listed = [_entry(s) for s in shards]
        total = sum(s.quads for s in shards)
        manifest = {
            "format": "application/n-quads",
            "source": source.name,
            "graph": graph_iri,
            "per": per,
            "size_limit_bytes": limit,
            "quads": total,
            **({"organizations": organizations} if per == "organization" else {}),
            "shards": listed,
        }
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        (staging / SUMS).write_text("".join(f"{s['sha256']}  {s['file']}\n" for s in listed), encoding="utf-8")
    return ShardsResult(out, listed, total, organizations)


def _entry(shard: Shard) -> dict[str, object]:
    entry: dict[str, object] = {"file": shard.file}
    if shard.organization is not None:
        entry["organization"] = shard.organization
    return entry | {"quads": shard.quads, "bytes": shard.bytes, "sha256": shard.digest.hexdigest()}


def _by_size(copy: Path, folder: Path, limit: int, graph_iri: str | None) -> list[Shard]:
    writer = ShardWriter(folder, limit, graph_iri)
    _read_ntriples(copy, writer)
    return writer.close()


def _by_organization(source: Path, copy: Path, folder: Path, limit: int, graph_iri: str | None) -> tuple[list[Shard], int]:
    """Two readings of the copy: the owners, then the lines."""
    reader = OwnerReader()
    _read_ntriples(copy, reader)
    owners = reader.close()
    if not owners.organizations:
        raise RolegraphError(f"{source}: no rg:Organization in this graph, nothing to cut per organization; use --per size")
    writer = OrganizationWriter(folder, limit, graph_iri, owners)
    _read_ntriples(copy, writer)
    return writer.close(), len(owners.organizations)


def _check_iri(iri: str) -> None:
    try:
        ox.NamedNode(iri)
    except ValueError as e:
        raise InvocationError(f"--graph-iri {excerpt(iri)}: not an absolute IRI ({e})") from None
    if ":" not in iri or any(c in iri for c in '<> "{}|\\^`'):
        raise InvocationError(f"--graph-iri {excerpt(iri)}: not an absolute IRI")


SPOOL = ".graph.nt"
FILE_FORMATS = {".ttl": "ttl", ".nt": "nt", ".jsonld": "jsonld", ".json": "jsonld", ".rdf": "rdf", ".xml": "rdf"}


def _to_ntriples(source: Path, copy: Path) -> None:
    """The source's triples as an N-Triples file in the staging folder, read from there once or
    twice: the oxigraph program writes a line at a time, which through a pipe took about twice
    as long as into a file (34 s against 16 s for org.ttl at 1,000 stores), and a store is dumped
    once."""
    if source.is_dir():
        _from_store(source, copy)
    else:
        _from_file(source, copy)


def _from_file(source: Path, copy: Path) -> None:
    """The graph file's triples in its order, by the oxigraph program (Rust)."""
    from graph.programs import oxigraph_binary

    fmt = FILE_FORMATS.get(source.suffix.lower())
    if fmt is None:
        raise RolegraphError(f"{source}: not a graph file rolegraph reads (.ttl, .nt, .jsonld, .rdf)")
    command = [oxigraph_binary(), "convert", "--from-file", str(source), "--from-format", fmt]
    done = subprocess.run([*command, "--to-format", "nt", "--to-file", str(copy)], capture_output=True)
    if done.returncode != 0:
        error = done.stderr.decode(errors="replace").strip()
        raise RolegraphError(f"{source}: cannot parse graph ({excerpt(error.splitlines()[0] if error else 'no message')})")


def _from_store(source: Path, copy: Path) -> None:
    """The store's default graph, in its index order, opened read-only."""
    from graph.store import open_store

    store = open_store(source)
    try:
        store.dump(str(copy), format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    except OSError as e:
        raise RolegraphError(f"{source}: cannot read the store ({excerpt(str(e))})") from None


def _read_ntriples(path: Path, stream: LineStream) -> None:
    with path.open("rb") as file:
        while block := file.read(CHUNK):
            stream.write(block)
