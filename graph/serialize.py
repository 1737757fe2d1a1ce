"""Write and read graph files. Turtle through rdflib's sorted serializer (byte-stable)."""

from __future__ import annotations

import json
from pathlib import Path

from rdflib import Graph

from graph.errors import RolegraphError


def write_graph(kg: Graph, path: Path, fmt: str) -> None:
    if fmt == "json-ld":
        path.write_text(canonical_jsonld(kg), encoding="utf-8")
    else:
        path.write_bytes(kg.serialize(format=fmt, encoding="utf-8"))


def canonical_jsonld(kg: Graph) -> str:
    """JSON-LD with nodes sorted by @id and values sorted, so equal graphs give equal bytes.

    rdflib's JSON-LD serializer follows the store's iteration order, which varies with the
    interpreter's hash seed; the order of values carries no meaning in RDF.
    """
    doc = json.loads(kg.serialize(format="json-ld", context=_context(kg), auto_compact=True))
    nodes = doc.get("@graph", doc if isinstance(doc, list) else [doc])
    for node in nodes:
        for key, value in node.items():
            if isinstance(value, list):
                node[key] = sorted(value, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    nodes = sorted(nodes, key=lambda n: str(n.get("@id", "")))
    out = {"@context": doc.get("@context", {}), "@graph": nodes} if isinstance(doc, dict) else nodes
    return json.dumps(out, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def _context(kg: Graph) -> dict[str, str]:
    return {prefix: str(ns) for prefix, ns in sorted(kg.namespaces()) if prefix in _PREFIXES}


_PREFIXES = {"rg", "rgd", "org", "skos", "prov", "dcterms", "owl", "rdfs", "xsd"}


def read_graph(path: Path) -> Graph:
    """Load a graph file (Turtle, JSON-LD, N-Triples …, by its suffix)."""
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
