"""Write and read graph files.

Output is written by Oxigraph's serializers (the oxigraph program, or pyoxigraph without it),
in the order the emitter made the triples, which depends on the input alone: the same input
gives the same bytes. Oxigraph writes language tags in lower case (BCP 47 tags are
case-insensitive); the contract spells them zh-Hans and zh-Hant, so that case is restored on
the way out.
"""

from __future__ import annotations

import io
import itertools
import queue
import shutil
import subprocess
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import BinaryIO, cast

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from graph.errors import RolegraphError

FORMATS = {"turtle": ox.RdfFormat.TURTLE, "json-ld": ox.RdfFormat.JSON_LD, "nt": ox.RdfFormat.N_TRIPLES}
_TAGS = {b"zh-hans": b"zh-Hans", b"zh-hant": b"zh-Hant"}
# what comes before a tag: Turtle's "…"@tag, JSON-LD's "@language":"tag" (with or without a space)
_TAG_OPENERS = (b'"@', b'"@language":"', b'"@language": "')


class _TagCase(io.RawIOBase):
    """A binary file wrapper that writes zh-Hans/zh-Hant where Oxigraph wrote zh-hans/zh-hant,
    holding back the last bytes of each write so that a tag cut between two writes is seen whole."""

    KEEP = 32

    def __init__(self, target: BinaryIO) -> None:
        self.target, self.tail = target, b""

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        # replacements keep the length, and a tag that may go on in the next write starts in
        # the last KEEP bytes, which wait for it
        buffer = _fix(self.tail + bytes(data))
        cut = max(0, len(buffer) - self.KEEP)
        self.target.write(buffer[:cut])
        self.tail = buffer[cut:]
        return len(data)

    def close(self) -> None:
        if not self.closed:
            self.target.write(_fix(self.tail))
            self.tail = b""
        super().close()


def _fix(data: bytes) -> bytes:
    # plain replacements, not a regular expression: they run over every byte of the output
    # (hundreds of MB at a thousand stores), and bytes.replace is two orders of magnitude faster
    for lower, cased in _TAGS.items():
        for before in _TAG_OPENERS:
            data = data.replace(before + lower, before + cased)
    return data


def prefix_header(prefixes: dict[str, str]) -> bytes:
    """@prefix lines: the converter keeps them, so the Turtle it writes uses them."""
    return "".join(f"@prefix {name}: <{iri}> .\n" for name, iri in prefixes.items()).encode()


def stream_lines(lines: Iterable[str], feeds: Sequence[BinaryIO], *, header: bytes = b"") -> int:
    """Write N-Triples lines, after ``header``, to every feed in large blocks; return how many.

    Each feed has a thread of its own writing to it (a write to a pipe lets other threads run):
    written one after the other, the converters would wait for each other instead of working
    side by side (70 s instead of 32 s at a thousand stores)."""
    writers = [_Writer(feed) for feed in feeds]
    for writer in writers:
        writer.put(header)
    count, source = 0, iter(lines)
    try:
        while block := list(itertools.islice(source, 8192)):
            data = "".join(block).encode("utf-8")
            for writer in writers:
                writer.put(data)
            count += len(block)
    finally:
        for writer in writers:
            writer.close()
    return count


class _Writer:
    """A thread that writes the blocks it is given to one stream, in order."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream
        self.failure: BaseException | None = None
        self.blocks: queue.Queue[bytes | None] = queue.Queue(maxsize=8)
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def put(self, data: bytes) -> None:
        if self.failure is not None:
            raise RolegraphError(f"cannot write the graph: {self.failure}")
        self.blocks.put(data)

    def close(self) -> None:
        self.blocks.put(None)
        self.thread.join()
        if self.failure is not None:
            raise RolegraphError(f"cannot write the graph: {self.failure}")

    def _run(self) -> None:
        while (data := self.blocks.get()) is not None:
            if self.failure is None:
                try:
                    self.stream.write(data)
                except (OSError, ValueError) as e:  # a converter that died: keep taking blocks
                    self.failure = e


class Conversion:
    """N-Triples lines (after @prefix lines) in, a Turtle or JSON-LD file out.

    The oxigraph program (from the oxigraph package) parses and writes in Rust, in a process of
    its own, straight to a file: fed as the build makes the lines (``feed``), the Turtle and the
    JSON-LD converters work beside the build while the lines are still being made. ``finish``
    then gives the language tags their case. Small graphs, or no program: the text goes to a
    file and ``finish`` converts it with pyoxigraph in this process.
    """

    def __init__(self, target: Path, fmt: str, *, prefixes: dict[str, str], in_process: bool = False) -> None:
        from graph.endpoint import oxigraph_binary

        self.target, self.fmt, self.prefixes = target, fmt, prefixes
        self.raw = target.with_name(target.name + ".raw")
        self.errors = target.with_name(target.name + ".err")
        self.process: subprocess.Popen[bytes] | None = None
        try:
            binary = None if in_process else oxigraph_binary()
        except RolegraphError:
            binary = None
        if binary is None:
            self.feed: BinaryIO = self.raw.open("wb")  # the text itself, converted at the end
            return
        command = [binary, "convert", "--from-format", "ttl", "--to-format", fmt]
        with self.raw.open("wb") as out, self.errors.open("wb") as errors:
            self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=out, stderr=errors)
        self.feed = cast(BinaryIO, self.process.stdin)

    def finish(self) -> None:
        """Wait for the file; raise if the conversion failed."""
        if not self.feed.closed:
            self.feed.close()
        if self.process is None:
            self._convert_here()
            return
        code = self.process.wait()
        error = self.errors.read_text(encoding="utf-8", errors="replace").strip()
        self.errors.unlink(missing_ok=True)
        if code != 0:
            self.raw.unlink(missing_ok=True)
            raise RolegraphError(f"{self.target.name}: conversion failed: {error}")
        with self.raw.open("rb") as source, self.target.open("wb") as raw, _TagCase(raw) as out:
            shutil.copyfileobj(source, out, 1 << 20)
            out.write(b"\n")
        self.raw.unlink()

    def _convert_here(self) -> None:
        quads = ox.parse(path=str(self.raw), format=ox.RdfFormat.TURTLE)
        triples = (ox.Triple(q.subject, q.predicate, q.object) for q in quads)
        fmt, prefixes = ("turtle", self.prefixes) if self.fmt == "ttl" else ("json-ld", None)
        with self.target.open("wb") as raw, _TagCase(raw) as out:
            ox.serialize(triples, cast(BinaryIO, out), format=FORMATS[fmt], prefixes=prefixes)
            out.write(b"\n")
        self.raw.unlink(missing_ok=True)

    def abort(self) -> None:
        """Stop the converter after a failed build."""
        if not self.feed.closed:
            try:
                self.feed.close()
            except BrokenPipeError:
                pass
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def read_graph(path: Path, into: Graph | None = None) -> Graph:
    """Load a graph file into rdflib (Turtle, JSON-LD, N-Triples …, by its suffix).

    Oxigraph parses (twice as fast as rdflib's parsers, and strict); the terms are handed to
    rdflib with the contract's case of language tags."""
    if not path.is_file():
        raise RolegraphError(f"{path}: no graph file here; run 'rolegraph build' first or pass --graph")
    kg = Graph() if into is None else into
    fmt = READ_FORMATS.get(path.suffix.lower(), ox.RdfFormat.TURTLE)
    terms: dict[ox.NamedNode | ox.BlankNode | ox.Literal, Node] = {}
    try:
        kg.addN(
            (_term(q.subject, terms), _term(q.predicate, terms), _term(q.object, terms), kg)
            for q in ox.parse(path=str(path), format=fmt)
        )
    except (SyntaxError, ValueError, OSError) as e:
        raise RolegraphError(f"{path}: cannot parse graph ({e})") from None
    return kg


READ_FORMATS = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".json": ox.RdfFormat.JSON_LD,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".xml": ox.RdfFormat.RDF_XML,
}
_STRING = "http://www.w3.org/2001/XMLSchema#string"


def _term(term: object, seen: dict[ox.NamedNode | ox.BlankNode | ox.Literal, Node]) -> Node:
    """The rdflib term for an Oxigraph one (memoized: labels and classes repeat)."""
    known = seen.get(term)  # type: ignore[call-overload]
    if known is not None:
        return known
    made: Node
    if isinstance(term, ox.NamedNode):
        made = URIRef(term.value)
    elif isinstance(term, ox.BlankNode):
        made = BNode(term.value)
    elif isinstance(term, ox.Literal):
        if term.language:
            tag = term.language.encode()
            made = Literal(term.value, lang=_TAGS.get(tag, tag).decode())
        else:
            datatype = term.datatype.value
            made = Literal(term.value, datatype=None if datatype == _STRING else URIRef(datatype))
    else:
        raise RolegraphError(f"unexpected term in a graph file: {term!r}")
    seen[term] = made  # type: ignore[index]
    return made
