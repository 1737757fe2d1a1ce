"""Write and read graph files.

Output goes through pyoxigraph's serializers, in the order the emitter made the triples,
which depends on the input alone: the same input gives the same bytes. Oxigraph writes
language tags in lower case (BCP 47 tags are case-insensitive); the contract spells them
zh-Hans and zh-Hant, so that case is restored on the way out.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO, cast

import pyoxigraph as ox
from rdflib import Graph

from graph.errors import RolegraphError

FORMATS = {"turtle": ox.RdfFormat.TURTLE, "json-ld": ox.RdfFormat.JSON_LD, "nt": ox.RdfFormat.N_TRIPLES}
_TAGS = {b"zh-hans": b"zh-Hans", b"zh-hant": b"zh-Hant"}
_TAG = re.compile(rb'(?:"@|"@language":\s*")(zh-han[st])\b')


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
    return _TAG.sub(lambda m: m.group(0).replace(m.group(1), _TAGS[m.group(1)]), data)


def write_graph(triples: Iterable[ox.Triple], path: Path, fmt: str, *, prefixes: dict[str, str]) -> int:
    """Stream triples to ``path`` in ``fmt`` (turtle, json-ld, nt), in their given order; return how many."""
    count = 0

    def counted() -> Iterator[ox.Triple]:
        nonlocal count
        for triple in triples:
            count += 1
            yield triple

    with path.open("wb") as raw, _TagCase(raw) as out:
        target = cast(BinaryIO, out)
        ox.serialize(counted(), target, format=FORMATS[fmt], prefixes=prefixes if fmt == "turtle" else None)
        out.write(b"\n")
    return count


def start_conversion(source: Path, target: Path) -> Callable[[], None]:
    """Start rewriting a Turtle file as JSON-LD in the background; return the function that
    waits for it to finish (and raises if it failed).

    The oxigraph program (from the oxigraph package) converts in Rust, in a process of its own,
    so the conversion runs on the second core while the build renders the page; its output
    passes through the tag-case wrapper on the way to the file. Without the program, pyoxigraph
    converts in this process.
    """
    from graph.endpoint import oxigraph_binary

    try:
        binary = oxigraph_binary()
    except RolegraphError:
        quads = ox.parse(path=str(source), format=ox.RdfFormat.TURTLE)
        write_graph((ox.Triple(q.subject, q.predicate, q.object) for q in quads), target, "json-ld", prefixes={})
        return lambda: None
    command = [binary, "convert", "--from-file", str(source), "--to-format", "jsonld"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    source_stream = process.stdout
    if source_stream is None:  # pragma: no cover - Popen with stdout=PIPE always gives one
        raise RolegraphError("could not start the JSON-LD conversion")

    def pump() -> None:
        with target.open("wb") as raw, _TagCase(raw) as out:
            shutil.copyfileobj(source_stream, out, 1 << 20)
            out.write(b"\n")

    thread = threading.Thread(target=pump, name="jsonld")
    thread.start()

    def wait() -> None:
        thread.join()
        error = process.stderr.read().decode(errors="replace") if process.stderr else ""
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()
        if process.wait() != 0:
            raise RolegraphError(f"{source}: JSON-LD conversion failed: {error.strip()}")

    return wait


def read_graph(path: Path) -> Graph:
    """Load a graph file into rdflib (Turtle, JSON-LD, N-Triples …, by its suffix)."""
    if not path.is_file():
        raise RolegraphError(f"{path}: no graph file here; run 'rolegraph build' first or pass --graph")
    kg = Graph()
    fmt = {".ttl": "turtle", ".jsonld": "json-ld", ".json": "json-ld", ".nt": "nt", ".rdf": "xml", ".xml": "xml"}.get(
        path.suffix.lower()
    )
    try:
        kg.parse(path, format=fmt)
    except Exception as e:
        raise RolegraphError(f"{path}: cannot parse graph ({e})") from None
    return kg
