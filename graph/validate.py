"""Check a graph against the SHACL shapes of the contract (ontology/shapes.ttl) with pySHACL.

pySHACL sends a SPARQL-based constraint once per focus node, as the same text with other
bindings; rdflib would parse that text every time (four fifths of the check on the bundled
corpus), so the data graph the check sees keeps each parsed query.

A build checks its own Turtle file in two worker processes, each against half of the node
shapes (``BackgroundCheck``), started before the graph is made so that importing pySHACL
overlaps the build's own work.
"""

from __future__ import annotations

import multiprocessing
import sys
import threading
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from rdflib import Graph
from rdflib.namespace import RDF, SH

from graph.errors import OntologyError, ValidationError
from graph.paths import SHAPES_FILE
from graph.serialize import read_graph


@dataclass(frozen=True)
class Violation:
    focus: str
    path: str
    message: str


class _PreparedQueries(Graph):
    """A view of a graph's store whose ``query`` parses each distinct query text once."""

    def query(self, query_object: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(query_object, str):
            query_object = _prepared(query_object)
        return super().query(query_object, *args, **kwargs)


@lru_cache(maxsize=256)
def _prepared(text: str) -> Any:
    from rdflib.plugins.sparql import prepareQuery  # the SPARQL parser takes a tenth of a second to import

    return prepareQuery(text)


def load_shapes(path: Path = SHAPES_FILE) -> Graph:
    try:
        return Graph().parse(path, format="turtle")
    except FileNotFoundError:
        raise OntologyError(f"{path}: shapes file not found") from None


def find_violations(kg: Graph, shapes: Graph | None = None) -> list[Violation]:
    """Every violation of the shapes, sorted; empty when the graph conforms."""
    import pyshacl

    data = kg if isinstance(kg, _PreparedQueries) else _PreparedQueries(store=kg.store, identifier=kg.identifier)
    # inplace: no inference is asked for, so nothing is added and the copy pySHACL makes otherwise is waste
    shapes = _shapes() if shapes is None else shapes
    conforms, report, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none", advanced=True, inplace=True)
    if conforms:
        return []
    found = [
        Violation(
            str(report.value(r, SH.focusNode)), str(report.value(r, SH.resultPath) or ""), str(report.value(r, SH.resultMessage))
        )
        for r in report.subjects(SH.resultSeverity, SH.Violation)
    ]
    return sorted(found, key=lambda v: (v.focus, v.path, v.message))


@lru_cache(maxsize=1)
def _shapes() -> Graph:
    return load_shapes()


def file_violations(path: Path, part: int = 0, parts: int = 1) -> list[Violation]:
    """The violations of a graph file: of all the shapes, or of one part of them in ``parts``."""
    return find_violations(read_graph(path, into=_PreparedQueries()), _shapes() if parts == 1 else _shapes_part(part, parts))


@lru_cache(maxsize=4)
def _shapes_part(part: int, parts: int) -> Graph:
    """Every ``parts``-th node shape of the shapes file, with all that hangs off it (its
    property shapes, lists and SPARQL constraints: its concise bounded description)."""
    shapes = _shapes()
    graph = Graph()
    for node in sorted(set(shapes.subjects(RDF.type, SH.NodeShape)), key=str)[part::parts]:
        graph += shapes.cbd(node)
    return graph


def raise_for(violations: list[Violation]) -> None:
    """Raise ``ValidationError`` listing the first violations, if there are any."""
    if violations:
        lines = [f"  {v.focus} {v.path}: {v.message}" for v in violations[:20]]
        more = f"\n  … {len(violations) - 20} more" if len(violations) > 20 else ""
        raise ValidationError(f"the graph breaks {len(violations)} SHACL constraint(s):\n" + "\n".join(lines) + more)


def check_graph(kg: Graph, shapes: Graph | None = None) -> None:
    """Raise ``ValidationError`` listing the first violations when the graph breaks the shapes."""
    raise_for(find_violations(kg, shapes))


def _warm(part: int, parts: int) -> None:
    import pyshacl  # noqa: F401
    from rdflib.plugins.sparql import prepareQuery  # noqa: F401

    _shapes_part(part, parts)


def _start_method() -> str:
    """fork (the worker inherits what is imported) where it is safe: Linux, no other thread yet."""
    if sys.platform == "linux" and threading.active_count() == 1:
        return "fork"
    return "spawn"


class BackgroundCheck:
    """Checks graph files in two worker processes, each against half of the shapes (two cores,
    half the wait); falls back to this process if a worker dies."""

    PARTS = 2

    def __init__(self) -> None:
        context = multiprocessing.get_context(_start_method())
        self.pool = ProcessPoolExecutor(max_workers=self.PARTS, mp_context=context)
        self.warming: list[Future[None]] = [self.pool.submit(_warm, part, self.PARTS) for part in range(self.PARTS)]

    def start(self, path: Path) -> Callable[[], None]:
        """Start checking a file; the call returned waits and raises ``ValidationError`` on violations."""
        pending = [self.pool.submit(file_violations, path, part, self.PARTS) for part in range(self.PARTS)]

        def wait() -> None:
            try:
                violations = sorted((v for part in pending for v in part.result()), key=lambda v: (v.focus, v.path, v.message))
            except BrokenProcessPool:
                violations = file_violations(path)
            raise_for(violations)

        return wait

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)
