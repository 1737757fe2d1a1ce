"""Write and read graph files.

Output goes through pyoxigraph's serializers, in the order the emitter made the triples,
which depends on the input alone: the same input gives the same bytes. Oxigraph writes
language tags in lower case (BCP 47 tags are case-insensitive); the contract spells them
zh-Hans and zh-Hant, so that case is restored on the way out, on tags alone (the bytes of a
literal are never touched, even where its text reads "@zh-hant").
"""

from __future__ import annotations

import functools
import io
import itertools
import os
import re
from collections.abc import Callable, Iterable
from contextlib import suppress
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path
from typing import BinaryIO, cast

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from graph.errors import RolegraphError

FORMATS = {"turtle": ox.RdfFormat.TURTLE, "json-ld": ox.RdfFormat.JSON_LD, "nt": ox.RdfFormat.N_TRIPLES}
_TAGS = {b"zh-hans": b"zh-Hans", b"zh-hant": b"zh-Hant"}
# what comes before a tag: Turtle's "…"@tag, JSON-LD's "@language":"tag" (with or without a space)
_TURTLE_OPENER = b'"@zh-han'
_JSON_OPENERS = (b'"@language":"', b'"@language": "')
# where '"@zh-han' may be text, not a tag: after the opening quote of a literal (Oxigraph writes a
# space or a tab before it), or after a backslash (a quote escaped inside a literal); and a
# literal's text may end in a space or a backslash before its closing quote too
_AMBIGUOUS = tuple(before + _TURTLE_OPENER for before in (b" ", b"\t", b"\\"))
# a whole Turtle literal, from a line's start (Oxigraph escapes every newline in a literal)
_LITERAL = re.compile(rb'"(?:[^"\\\n]|\\.)*"(@zh-han[st])?')


class _TagCase(io.RawIOBase):
    """A binary file wrapper that writes zh-Hans/zh-Hant where Oxigraph wrote zh-hans/zh-hant
    as the tag of a literal, and never inside one: a literal's bytes stay as they were written.

    JSON-LD: a tag follows '"@language":"', which cannot lie inside a string (a quote there is
    written \\"); the last KEEP bytes of each write wait for the next one, so that a tag cut
    between two writes is seen whole. Turtle and N-Triples: whole lines are passed on (a newline
    is never inside a literal there); in the rare lines where '"@zh-han' may be text, the
    literals are read one by one and only their tags change."""

    KEEP = 32

    def __init__(self, target: BinaryIO, fmt: str = "turtle") -> None:
        self.target, self.tail, self.json = target, b"", fmt == "json-ld"

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        buffer = self.tail + bytes(data)
        if self.json:
            buffer = _fix_json(buffer)  # replacements keep the length
            cut = max(0, len(buffer) - self.KEEP)
        else:
            cut = buffer.rfind(b"\n") + 1
            buffer = _fix_turtle(buffer[:cut]) + buffer[cut:]
        self.target.write(buffer[:cut])
        self.tail = buffer[cut:]
        return len(data)

    def close(self) -> None:
        if not self.closed:
            self.target.write(_fix_json(self.tail) if self.json else _fix_turtle(self.tail))
            self.tail = b""
        super().close()


def _fix_json(data: bytes) -> bytes:
    # plain replacements, not a regular expression: they run over every byte of the output
    # (hundreds of MB at a thousand stores), and bytes.replace is two orders of magnitude faster
    for lower, cased in _TAGS.items():
        for before in _JSON_OPENERS:
            data = data.replace(before + lower, before + cased)
    return data


def _fix_turtle(lines: bytes) -> bytes:
    """Whole lines of Turtle or N-Triples with their zh-hans/zh-hant tags in the contract's case."""
    if _TURTLE_OPENER not in lines:
        return lines
    if any(ambiguous in lines for ambiguous in _AMBIGUOUS):
        return _LITERAL.sub(_recase_tag, lines)  # the slow way, for text that holds '"@zh-han'
    for lower, cased in _TAGS.items():  # every '"@zh-han' ends a literal: it is a tag
        lines = lines.replace(b'"@' + lower, b'"@' + cased)
    return lines


def _recase_tag(literal: re.Match[bytes]) -> bytes:
    whole, tag = literal.group(0), literal.group(1)
    return whole if tag is None else whole[: -len(tag)] + b"@" + _TAGS[tag[1:]]


def write_graph(triples: Iterable[ox.Triple], path: Path, fmt: str, *, prefixes: dict[str, str]) -> int:
    """Stream triples to ``path`` in ``fmt`` (turtle, json-ld, nt), in their given order;
    return how many triples."""
    # counted in C (zip with a counter) rather than by a Python generator: a third of a
    # microsecond a triple, seconds at a thousand stores
    tally = itertools.count()
    counted = map(itemgetter(0), zip(triples, tally, strict=False))  # triples first: tally stops with them
    with path.open("wb") as raw, _TagCase(raw, fmt) as out:
        ox.serialize(counted, cast(BinaryIO, out), format=FORMATS[fmt], prefixes=prefixes if fmt == "turtle" else None)
        out.write(b"\n")
    return next(tally)


@dataclass(frozen=True)
class Serialized:
    """A piece of the graph in both files' formats, tags in the contract's case: its Turtle
    (with the @prefix lines only when it is the first piece) and its JSON-LD objects, without
    the brackets of the array they stand in."""

    turtle: bytes
    jsonld: bytes
    triples: int


def serialize_piece(triples: Iterable[ox.Triple], *, prefixes: dict[str, str], preamble: bool) -> Serialized:
    """Oxigraph writes a subject's triples together, and ends a subject with ' .' and a
    newline in Turtle, with '}' in JSON-LD: so pieces made apart (no subject cut between two)
    and joined by ``write_graph_files`` are the bytes of one serialization of all their triples.
    Both formats are written from the same terms, made once (a JSON-LD converter reading the
    Turtle back took twice the time of writing JSON-LD from the terms)."""
    made = list(triples)
    turtle = _serialized(made, ox.RdfFormat.TURTLE, prefixes)
    if turtle and not preamble:
        head = _preamble(tuple(prefixes.items()))
        if not turtle.startswith(head):  # pragma: no cover - a change of Oxigraph's Turtle writer
            raise RolegraphError("Oxigraph wrote its Turtle prefixes in an unexpected way; build with --jobs 1")
        turtle = turtle[len(head) :]
    jsonld = _serialized(made, ox.RdfFormat.JSON_LD)[1:-1] if made else b""
    return Serialized(_fix_turtle(turtle), _fix_json(jsonld), len(made))


@dataclass(frozen=True)
class Stored:
    """A piece kept in a file (``graph.piece_cache``), open: its Turtle and its JSON-LD as spans
    of the file's bytes, copied into the graph's files by the kernel without passing through
    here. Held open from the moment it was found good, so that a build pruning the same cache
    meanwhile takes nothing from it."""

    file: BinaryIO
    turtle: tuple[int, int]  # (offset, length)
    jsonld: tuple[int, int]
    triples: int


@functools.lru_cache(maxsize=8)
def _preamble(prefixes: tuple[tuple[str, str], ...]) -> bytes:
    """The @prefix lines Oxigraph writes before the first triple (none are written for none)."""
    probe = ox.NamedNode("urn:rolegraph:probe")
    written = _serialized([ox.Triple(probe, probe, probe)], ox.RdfFormat.TURTLE, dict(prefixes))
    return written[: written.index(b"<urn:rolegraph:probe>")]


def _serialized(triples: list[ox.Triple], fmt: ox.RdfFormat, prefixes: dict[str, str] | None = None) -> bytes:
    buffer = io.BytesIO()
    ox.serialize(triples, buffer, format=fmt, prefixes=prefixes)
    return buffer.getvalue()


@dataclass(frozen=True)
class Begun:
    """How far one process wrote the graph files, for another to go on from (``GraphFiles``):
    the pieces written, in their order, their triples, and whether a piece's JSON-LD is in the
    array yet (the next one follows a comma)."""

    pieces: int = 0
    triples: int = 0
    jsonld: bool = False


class GraphFiles:
    """The Turtle and JSON-LD files of the graph, written piece after piece; begun here, or
    gone on with where another process stopped (``begun``, with the files as it left them)."""

    def __init__(self, turtle: Path, jsonld: Path, begun: Begun | None = None) -> None:
        mode = "ab" if begun is not None else "wb"
        self.ttl, self.js = cast(BinaryIO, turtle.open(mode)), cast(BinaryIO, jsonld.open(mode))
        self.state = begun or Begun()
        if begun is None:
            self.js.write(b"[")

    def write(self, piece: Serialized | Stored) -> None:
        jsonld = self.state.jsonld
        if isinstance(piece, Stored):
            with piece.file as source:
                _copy(source, piece.turtle, self.ttl)
                if piece.jsonld[1]:
                    if jsonld:
                        self.js.write(b",")
                    _copy(source, piece.jsonld, self.js)
                    jsonld = True
        else:
            self.ttl.write(piece.turtle)
            if piece.jsonld:
                self.js.write(b"," + piece.jsonld if jsonld else piece.jsonld)
                jsonld = True
        self.state = Begun(self.state.pieces + 1, self.state.triples + piece.triples, jsonld)

    def leave(self) -> Begun:
        """Close the files as they are, for another process to go on with; how far they are."""
        self.close()
        return self.state

    def finish(self) -> int:
        """End both files and close them; how many triples they hold."""
        self.ttl.write(b"\n")
        self.js.write(b"]\n")
        self.close()
        return self.state.triples

    def close(self) -> None:
        self.ttl.close()
        self.js.close()


def write_graph_files(
    pieces: Iterable[Serialized | Stored],
    turtle: Path,
    jsonld: Path,
    *,
    written: Callable[[int], None] = lambda _: None,
    begun: Begun | None = None,
) -> int:
    """The pieces, in their order, as one Turtle file and one JSON-LD file; how many triples.
    ``begun``: the files hold that many pieces already, written by another process.
    ``written`` is told how many pieces are written, those before included, after each."""
    files = GraphFiles(turtle, jsonld, begun)
    try:
        for piece in pieces:
            files.write(piece)
            written(files.state.pieces)
        return files.finish()
    finally:
        files.close()


def _copy(source: BinaryIO, span: tuple[int, int], target: BinaryIO) -> None:
    """A span of one file's bytes to the end of another: copied in the kernel where it can
    (copy_file_range), else (or for what it left) read and written."""
    offset, left = span
    target.flush()
    with suppress(OSError, AttributeError):  # another file system, an older kernel, not Linux
        while left:
            done = os.copy_file_range(source.fileno(), target.fileno(), left, offset)
            if done <= 0:
                break
            offset, left = offset + done, left - done
    if left:
        source.seek(offset)
        data = source.read(left)
        if len(data) != left:
            raise RolegraphError(f"{getattr(source, 'name', '?')}: a piece of the cache is shorter than it says")
        target.write(data)


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
