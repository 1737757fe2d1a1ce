"""Write and read graph files.

Output goes through pyoxigraph's serializers, in the order the emitter made the triples,
which depends on the input alone: the same input gives the same bytes. Oxigraph writes
language tags in lower case (BCP 47 tags are case-insensitive); the contract spells them
zh-Hans and zh-Hant, so that case is restored on the way out.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from graph.errors import RolegraphError

FORMATS = {"turtle": ox.RdfFormat.TURTLE, "json-ld": ox.RdfFormat.JSON_LD, "nt": ox.RdfFormat.N_TRIPLES}
_TAGS = {b"zh-hans": b"zh-Hans", b"zh-hant": b"zh-Hant"}
_TURTLE_TAG = re.compile(rb'"@(zh-han[st])\b')
_JSON_TAG = re.compile(rb'"@language":\s*"(zh-han[st])"')


def write_graph(triples: list[ox.Triple], path: Path, fmt: str, *, prefixes: dict[str, str]) -> None:
    """Serialize triples to ``path`` in ``fmt`` (turtle, json-ld, nt), in their given order."""
    data = ox.serialize(triples, format=FORMATS[fmt], prefixes=prefixes if fmt == "turtle" else None)
    pattern = _JSON_TAG if fmt == "json-ld" else _TURTLE_TAG
    data = pattern.sub(lambda m: m.group(0).replace(m.group(1), _TAGS[m.group(1)]), data)
    path.write_bytes(data if data.endswith(b"\n") else data + b"\n")


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
