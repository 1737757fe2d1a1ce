"""Query engines behind ``rolegraph query``: pyoxigraph (the default, fast) or rdflib.

Both take the same query text and bindings and give the same rows; a test runs every bundled
query on both. pyoxigraph answers a GROUP BY over 600k triples in a quarter of a second where
rdflib takes five (shared/docs/measured-here.md), and joins like role-links in milliseconds.

The Oxigraph engine opens the store a build wrote with --store (out/org.oxigraph, read-only)
when it was loaded from the graph file asked for: at 1,000 stores that is 0.03 s instead of a
minute parsing the Turtle, for queries 3 to 20 times slower on RocksDB than in memory
(bench/store.py), so the store wins every cold command there.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Protocol

import pyoxigraph as ox

from graph.choices import ENGINES
from graph.errors import InvocationError, QueryError, RolegraphError
from graph.queries import Bindings, bind_query, canonical_text, is_update, refuse_service, run_query
from graph.serialize import READ_FORMATS, read_graph

Rows = tuple[list[str], list[list[str]]]


class Engine(Protocol):
    def select(self, text: str, bindings: Bindings | None = None) -> Rows: ...


class OxigraphEngine:
    """A pyoxigraph store: the on-disk store a build wrote (``path`` a store folder, opened
    read-only), or an in-memory one loaded from a graph file; a query with SERVICE runs only
    when ``allow_service`` is given."""

    def __init__(self, path: Path, *, allow_service: bool = False) -> None:
        self.allow_service, self.source = allow_service, path  # source: the store folder or the graph file
        if path.is_dir():
            from graph.store import open_store

            self.store = open_store(path)
            return
        if not path.is_file():
            raise RolegraphError(f"{path}: no graph file here; run 'rolegraph build' first or pass --graph")
        self.store = ox.Store()
        try:
            self.store.bulk_load(path=str(path), format=READ_FORMATS.get(path.suffix.lower(), ox.RdfFormat.TURTLE))
        except (SyntaxError, ValueError, OSError) as e:
            raise RolegraphError(f"{path}: cannot parse graph ({e})") from None

    def select(self, text: str, bindings: Bindings | None = None) -> Rows:
        if is_update(text):
            raise QueryError("this is an update query; rolegraph query only reads")
        # pyoxigraph's substitutions only reach projected variables; a VALUES block reaches all
        refuse_service(text, allowed=self.allow_service)  # before names are looked up; bound terms are quoted IRIs and literals
        text = bind_query(text, bindings, lambda lookup: self.select(lookup)[1])
        try:
            result = self.store.query(text)
        except SyntaxError as e:
            raise QueryError(f"SPARQL syntax error: {_position(str(e))}") from None
        except (OSError, ValueError) as e:
            raise QueryError(f"query failed: {e}") from None
        if isinstance(result, ox.QueryBoolean):
            return ["ask"], [[str(bool(result)).lower()]]
        if not isinstance(result, ox.QuerySolutions):
            raise QueryError("only SELECT and ASK queries are supported")
        columns = [v.value for v in result.variables]
        positions = range(len(columns))  # by position: half the time of a lookup by name
        return columns, [[_text(solution[i]) for i in positions] for solution in result]


class RdflibEngine:
    """rdflib's in-memory graph and SPARQL engine."""

    def __init__(self, path: Path, *, allow_service: bool = False) -> None:
        self.kg, self.allow_service = read_graph(path), allow_service

    def select(self, text: str, bindings: Bindings | None = None) -> Rows:
        return run_query(self.kg, text, bindings, allow_service=self.allow_service)


def open_engine(
    path: Path,
    engine: str = "oxigraph",
    *,
    allow_service: bool = False,
    use_store: bool = True,
    note: Callable[[str], None] | None = None,
) -> Engine:
    """The engine over a graph file, or over a store folder (``--graph out/org.oxigraph``). With
    ``use_store``, the Oxigraph engine opens the store a build wrote beside the graph file
    instead of parsing it, when that store was loaded from this very file; ``note`` hears why
    a store beside it is not used (stale, broken, in use)."""
    if engine not in ENGINES:
        raise RolegraphError(f"unknown engine '{engine}': use one of {', '.join(ENGINES)}")
    from graph.outfolder import STORE_SUFFIX
    from graph.store import StoreError, read_stamp, stamp_graph_beside, usable_store

    if path.suffix == STORE_SUFFIX and not path.is_dir():
        read_stamp(path)  # says what it is instead of a store
    if path.is_dir():
        if engine != "oxigraph":
            raise InvocationError(f"{path}: a store folder is read by the oxigraph engine only; give the graph file")
        stamp_graph_beside(path, note)
        return OxigraphEngine(path, allow_service=allow_service)
    if engine == "oxigraph" and use_store:
        store = usable_store(path, note)
        if store is not None:
            try:
                return OxigraphEngine(store, allow_service=allow_service)
            except StoreError as e:
                if note is not None:
                    note(f"{e}; parsing {path} instead")
    kind = OxigraphEngine if engine == "oxigraph" else RdflibEngine
    return kind(path, allow_service=allow_service)


def _text(term: object) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.Literal):
        return canonical_text(term.value, term.datatype.value)
    return str(getattr(term, "value", term))


def _position(message: str) -> str:
    """'error at 1:22: expected …' → 'line 1, column 22: expected …', on one short line."""
    import re

    first = message.splitlines()[0] if message else "syntax error"
    match = re.match(r"error at (\d+):(\d+): (.*)", first)
    text = f"line {match.group(1)}, column {match.group(2)}: {match.group(3)}" if match else first
    return text if len(text) <= 120 else text[:117] + "…"
