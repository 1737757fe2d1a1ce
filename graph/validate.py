"""Check a graph against the SHACL shapes of the contract (ontology/shapes.ttl) with pySHACL."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph
from rdflib.namespace import SH

from graph.errors import OntologyError, ValidationError
from graph.paths import SHAPES_FILE


@dataclass(frozen=True)
class Violation:
    focus: str
    path: str
    message: str


def load_shapes(path: Path = SHAPES_FILE) -> Graph:
    try:
        return Graph().parse(path, format="turtle")
    except FileNotFoundError:
        raise OntologyError(f"{path}: shapes file not found") from None


def find_violations(kg: Graph, shapes: Graph | None = None) -> list[Violation]:
    """Every violation of the shapes, sorted; empty when the graph conforms."""
    import pyshacl

    conforms, report, _ = pyshacl.validate(kg, shacl_graph=shapes or load_shapes(), inference="none", advanced=True)
    if conforms:
        return []
    found = [
        Violation(
            str(report.value(r, SH.focusNode)), str(report.value(r, SH.resultPath) or ""), str(report.value(r, SH.resultMessage))
        )
        for r in report.subjects(SH.resultSeverity, SH.Violation)
    ]
    return sorted(found, key=lambda v: (v.focus, v.path, v.message))


def check_graph(kg: Graph, shapes: Graph | None = None) -> None:
    """Raise ``ValidationError`` listing the first violations when the graph breaks the shapes."""
    violations = find_violations(kg, shapes)
    if violations:
        lines = [f"  {v.focus} {v.path}: {v.message}" for v in violations[:20]]
        more = f"\n  … {len(violations) - 20} more" if len(violations) > 20 else ""
        raise ValidationError(f"the graph breaks {len(violations)} SHACL constraint(s):\n" + "\n".join(lines) + more)
