"""The questions people ask most, answered from a built graph through the bundled queries."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from rdflib import Literal

from graph.engine import Engine
from graph.errors import QueryError
from graph.queries import find_query


@dataclass(frozen=True)
class Table:
    columns: list[str]
    rows: list[list[str]]


def _run(engine: Engine, query_name: str, **binds: str | None) -> Table:
    """A bundled query with the names given (those that are None left unbound)."""
    given = {k: Literal(v) for k, v in binds.items() if v is not None}
    columns, rows = engine.select(find_query(query_name).text, given)
    return Table(columns, rows)


def role_labels(engine: Engine) -> dict[str, str]:
    """Every name of every role (Chinese, English, aliases) → the role's zh-Hans prefLabel."""
    return {name: role for name, role in _run(engine, "role-names").rows}


def check_role(engine: Engine, name: str) -> None:
    """Raise a helpful error when no role carries this label."""
    labels = role_labels(engine)
    if name not in labels:
        close = difflib.get_close_matches(name, sorted(labels), n=3, cutoff=0.3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise QueryError(f"no role named '{name}'{hint}")


def role_card(engine: Engine, name: str, *, organization: str | None = None) -> tuple[Table, Table]:
    """A role's posts with their duties, and its superiors and subordinates with evidence: of one
    organization, if given (its posts, and the links stated in its lines)."""
    check_role(engine, name)
    posts = _run(engine, "role-duties", givenRole=name, givenOrganization=organization)
    return posts, _run(engine, "role-links", givenRole=name, givenOrganization=organization)


def role_chains(engine: Engine, name: str) -> list[list[str]]:
    """Every path from the role up to a role with no superior (several when it has several)."""
    check_role(engine, name)
    table = _run(engine, "reporting-chain", givenRole=name)
    superiors: dict[str, list[str]] = {}
    ranks: dict[str, int] = {}
    for role, rank, superior in table.rows:
        ranks[role] = int(rank)
        superiors.setdefault(role, [])
        if superior:
            superiors[role].append(superior)
    start = max(ranks, key=lambda r: (ranks[r], r == name)) if ranks else name
    start = next((r for r in ranks if r == name), start)
    paths: list[list[str]] = []

    def walk(path: list[str]) -> None:
        ups = [s for s in sorted(superiors.get(path[-1], [])) if s not in path]
        if not ups:
            paths.append(path)
        for up in ups:
            walk([*path, up])

    walk([start])
    return paths


def role_overlaps(engine: Engine, *, role: str | None, min_score: float, organization: str | None = None) -> Table:
    """Shared duties at or above a score, optionally of one role, of one organization, or both."""
    if role:
        check_role(engine, role)
    table = _run(engine, "shared-duties", givenRole=role, givenOrganization=organization)
    score = table.columns.index("score")
    return Table(table.columns, [r for r in table.rows if float(r[score]) >= min_score])
