"""Check a graph against the SHACL shapes of the contract (ontology/shapes.ttl) with pySHACL.

pySHACL sends a SPARQL-based constraint once per focus node, as the same text with other
bindings; rdflib would parse that text every time (four fifths of the check on the bundled
corpus), so the data graph the check sees keeps each parsed query.

A build checks its own Turtle file in a worker process (``BackgroundCheck``), started before
the graph is made so that importing pySHACL overlaps the build's own work. The worker reads
the file once and forks: parent and child each check half of the node shapes.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
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
from rdflib.term import Node

from graph.errors import OntologyError, ValidationError
from graph.lifetime import die_with_parent
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


def file_violations(path: Path) -> list[Violation]:
    """The violations of a graph file."""
    return find_violations(read_graph(path, into=_PreparedQueries()))


def split_shapes(shapes: Graph, data: Graph, parts: int) -> list[Graph]:
    """The node shapes in ``parts`` groups of about equal cost, each with all that hangs off its
    shapes (property shapes, lists, SPARQL constraints: their concise bounded descriptions).

    A shape's cost is its number of focus nodes in ``data`` times its number of constraints; the
    costliest shape goes to the cheapest group first (on the bundled corpus the Duty shape alone
    is half of the check)."""
    groups = [Graph() for _ in range(parts)]
    costs = [0] * parts
    for cost, node in sorted(
        ((_cost(shapes, data, node), node) for node in set(shapes.subjects(RDF.type, SH.NodeShape))),
        key=lambda c: (-c[0], str(c[1])),
    ):
        cheapest = costs.index(min(costs))
        groups[cheapest] += shapes.cbd(node)
        costs[cheapest] += cost
    return groups


def _cost(shapes: Graph, data: Graph, node: Node) -> int:
    targets = sum(1 for cls in shapes.objects(node, SH.targetClass) for _ in data.subjects(RDF.type, cls))
    targets += sum(1 for p in shapes.objects(node, SH.targetSubjectsOf) for _ in data.subject_objects(p))
    targets += sum(1 for _ in shapes.objects(node, SH.targetNode))
    constraints = sum(1 for _ in shapes.objects(node, SH.property)) + sum(1 for _ in shapes.objects(node, SH.sparql))
    return targets * max(constraints, 1)


def _checked_in_halves(path: Path) -> list[Violation]:
    """The violations of a graph file, read once, then checked against half of the shapes here
    and half in a forked child (it inherits the parsed graph; the violations come back pickled
    through a pipe). Where fork is not safe, both halves are checked here."""
    kg = read_graph(path, into=_PreparedQueries())
    if _start_method() != "fork":
        return find_violations(kg)
    mine, theirs = split_shapes(_shapes(), kg, 2)
    readable, writable = os.pipe()
    parent = os.getpid()
    child = os.fork()
    if child == 0:  # pragma: no cover (runs in the child; the parent reads what it wrote)
        try:
            die_with_parent(parent)
            with os.fdopen(writable, "wb") as out:
                out.write(pickle.dumps(find_violations(kg, theirs)))
        finally:
            os._exit(0)
    os.close(writable)
    found = find_violations(kg, mine)
    with os.fdopen(readable, "rb") as answer:
        sent = answer.read()
    _, status = os.waitpid(child, 0)
    others: list[Violation] = pickle.loads(sent) if sent and status == 0 else find_violations(kg, theirs)
    return sorted(found + others, key=lambda v: (v.focus, v.path, v.message))


def raise_for(violations: list[Violation]) -> None:
    """Raise ``ValidationError`` listing the first violations, if there are any."""
    if violations:
        lines = [f"  {v.focus} {v.path}: {v.message}" for v in violations[:20]]
        more = f"\n  … {len(violations) - 20} more" if len(violations) > 20 else ""
        raise ValidationError(f"the graph breaks {len(violations)} SHACL constraint(s):\n" + "\n".join(lines) + more)


def check_graph(kg: Graph, shapes: Graph | None = None) -> None:
    """Raise ``ValidationError`` listing the first violations when the graph breaks the shapes."""
    raise_for(find_violations(kg, shapes))


def _warm() -> None:
    import pyshacl  # noqa: F401
    from rdflib.plugins.sparql import prepareQuery  # noqa: F401

    _shapes()


def _start_method() -> str:
    """fork (the worker inherits what is imported) where it is safe: Linux, no other thread yet."""
    if sys.platform == "linux" and threading.active_count() == 1:
        return "fork"
    return "spawn"


class BackgroundCheck:
    """Checks graph files in a worker process, which imports pySHACL while the build runs, then
    reads each file once and checks it on two cores (``_checked_in_halves``); falls back to this
    process if the worker dies."""

    def __init__(self) -> None:
        context = multiprocessing.get_context(_start_method())
        self.pool = ProcessPoolExecutor(max_workers=1, mp_context=context, initializer=die_with_parent, initargs=(os.getpid(),))
        self.warming: Future[None] = self.pool.submit(_warm)

    def start(self, path: Path) -> Callable[[], None]:
        """Start checking a file; the call returned waits and raises ``ValidationError`` on violations."""
        pending = self.pool.submit(_checked_in_halves, path)

        def wait() -> None:
            try:
                violations = pending.result()
            except BrokenProcessPool:
                violations = file_violations(path)
            raise_for(violations)

        return wait

    def close(self) -> None:
        # waits for the worker to exit (at once when idle; after its check when the build failed
        # during one): with wait=False, Python 3.11's exit hook sometimes wrote to the pool's
        # closed wake-up pipe and printed a traceback
        self.pool.shutdown(wait=True, cancel_futures=True)
