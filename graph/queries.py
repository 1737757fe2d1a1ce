"""Bundled SPARQL queries: find them, read their headers, bind values, run, format."""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.query import Result

from graph.errors import BindingError, QueryError, QueryNotFound, ServiceRefused, excerpt
from graph.paths import QUERIES_DIR

_UPDATE = re.compile(r"^\s*(?:INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD)\b", re.IGNORECASE | re.MULTILINE)


@dataclass(frozen=True)
class StoredQuery:
    name: str
    path: Path
    description: str
    text: str


def bundled_queries(folder: Path = QUERIES_DIR) -> list[StoredQuery]:
    return [load_query(path) for path in sorted(folder.glob("*.rq"))]


def load_query(path: Path) -> StoredQuery:
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as e:
        raise QueryError(
            f"{path}: not UTF-8 text (byte {e.object[e.start]:#04x} at offset {e.start}); save it as UTF-8"
        ) from None
    except OSError as e:
        raise QueryError(f"{path}: cannot read the query ({e.strerror or e})") from None
    return StoredQuery(path.stem, path, _description(text), text)


def _description(text: str) -> str:
    """The header's first paragraph: its comment lines up to 'Bindings:', 'Columns:' or a blank one."""
    lines: list[str] = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        words = line[1:].strip()
        if not words or words.startswith(("Bindings:", "Columns:")):
            break
        lines.append(words)
    return " ".join(lines)


def find_query(name_or_file: str, folder: Path = QUERIES_DIR) -> StoredQuery:
    """A bundled query by name (``reporting-chain``) or a .rq file by path."""
    path = Path(name_or_file)
    if path.suffix == ".rq" and _is_file(path):
        return load_query(path)
    name = name_or_file.removesuffix(".rq")
    if _BUNDLED_NAME.fullmatch(name) and _is_file(folder / f"{name}.rq"):
        return load_query(folder / f"{name}.rq")
    if path.suffix == ".rq":
        raise QueryNotFound(f"{excerpt(name_or_file)}: no such query file")
    names = ", ".join(q.name for q in bundled_queries(folder))
    raise QueryNotFound(f"no query '{excerpt(name_or_file)}': give a .rq file or one of: {names}")


_BUNDLED_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,80}")


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:  # a name too long for the file system, say
        return False


def parse_bindings(pairs: tuple[str, ...]) -> dict[str, list[URIRef | Literal]]:
    """``VAR=VALUE`` pairs: ``<…>`` is an IRI, anything else a plain literal; a variable
    given twice takes both values."""
    bindings: dict[str, list[URIRef | Literal]] = {}
    for pair in pairs:
        var, sep, value = pair.partition("=")
        var = var.strip().lstrip("?$")
        if not sep or not var.isidentifier():
            raise BindingError(f"--bind '{excerpt(pair)}': expected VAR=VALUE")
        term = _iri(value) if value.startswith("<") and value.endswith(">") else Literal(value)
        bindings.setdefault(var, []).append(term)
    return bindings


# what SPARQL's IRIREF excludes: written between <…> as it is, any of these would end the IRI
_NOT_IN_IRI = re.compile(r'[<>"{}|^`\\\x00-\x20]')


def _iri(value: str) -> URIRef:
    """``<…>`` as an IRI, refused when it holds a character no IRI may (it would change the query)."""
    inner = value[1:-1]
    bad = _NOT_IN_IRI.search(inner)
    if bad:
        raise BindingError(f"'{excerpt(value)}' is not an IRI: {bad.group(0)!r} cannot appear in one")
    return URIRef(inner)


# comments, strings and IRIs, which may hold any word without it being part of the query
_OPAQUE = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\x00-\x20]*>|#[^\n]*',
    re.DOTALL,
)


def _code(text: str) -> str:
    """The query with its comments, strings and IRIs blanked: what is left are keywords, names, variables."""
    return _OPAQUE.sub(" ", text)


# "# Needs: rg:inOrganization" in a query's header: terms of the vocabulary the query relies on
# that a graph built by an older rolegraph lacks (it would answer no rows, and say nothing)
_NEEDS = re.compile(r"^#\s*Needs:\s*(.+)$", re.MULTILINE)


def missing_terms(text: str, select: Callable[[str], list[list[str]]]) -> list[str]:
    """The terms a query's header says it needs that the graph does not declare (``select``
    runs an ASK query on it and gives its rows), as written: rg:NAME."""
    from graph.namespace import RG

    needed = [term for line in _NEEDS.findall(text) for term in line.split()]
    missing = []
    for term in needed:
        iri = str(RG) + term.removeprefix("rg:")
        if select(f"ASK {{ <{iri}> ?p ?o }}") != [["true"]]:
            missing.append(term)
    return missing


def query_variables(text: str) -> set[str]:
    """The names of the variables a query mentions (?x or $x, outside comments and strings)."""
    return set(re.findall(r"[?$](\w+)", _code(text)))


def uses_service(text: str) -> bool:
    """Whether the query (or update) has a SERVICE clause, which makes the engine send a request
    to the address it names. Read by rdflib's SPARQL parser, so SERVICE in a comment, a string or
    an IRI is not one; text that parser cannot read is judged by its words outside those."""
    # folded as the parser folds keywords, by upper(): ſERVICE and SERVıCE are SERVICE to it
    folded = text.upper()
    if "SERVICE" not in folded and "\\U" not in folded:  # the common case: no word, no escape that could spell it
        return False  # (without importing the parser: 0.15-0.3 s of a cold 'rolegraph query' on a store)
    from rdflib.plugins.sparql.parser import expandUnicodeEscapes, parseQuery, parseUpdate

    if "SERVICE" not in expandUnicodeEscapes(text).upper():
        return False
    for parse in (parseQuery, parseUpdate):
        try:
            return _has_service(parse(text))
        except Exception:  # pyparsing's ParseException, or anything else the parser raises
            continue
    return bool(re.search(r"\bSERVICE\b", _code(expandUnicodeEscapes(text)).upper()))


def _has_service(tree: object) -> bool:
    if getattr(tree, "name", None) == "ServiceGraphPattern":
        return True
    if isinstance(tree, dict):
        return any(_has_service(value) for value in tree.values())
    if isinstance(tree, (list, tuple)) or type(tree).__name__ == "ParseResults":
        return any(_has_service(item) for item in tree)  # type: ignore[attr-defined]
    return False


def refuse_service(text: str, *, allowed: bool) -> None:
    """Raise unless SERVICE is allowed or the query has none."""
    if not allowed and uses_service(text):
        raise ServiceRefused(
            "the query has a SERVICE clause, which sends a request to the address it names; give --allow-service to let it"
        )


def is_update(text: str) -> bool:
    stripped = re.sub(r"#[^\n]*", "", text)
    stripped = re.sub(r"^\s*(?:PREFIX|BASE)\s+[^\n]*", "", stripped, flags=re.IGNORECASE | re.MULTILINE)
    return bool(_UPDATE.search(stripped))


def run_query(
    kg: Graph, text: str, bindings: Bindings | None = None, *, allow_service: bool = False
) -> tuple[list[str], list[list[str]]]:
    """Run a SELECT (or ASK) query; return column names and rows of strings."""
    if is_update(text):
        raise QueryError("this is an update query; rolegraph query only reads")
    from rdflib.plugins.sparql import prepareQuery

    refuse_service(text, allowed=allow_service)
    text = bind_query(text, bindings, lambda lookup: run_query(kg, lookup)[1])
    try:
        prepared = prepareQuery(text)
    except Exception as e:
        raise QueryError(f"SPARQL syntax error: {_position(e)}") from None
    try:
        result: Result = kg.query(prepared)
    except Exception as e:
        raise QueryError(f"query failed: {e}") from None
    if result.type == "ASK":
        return ["ask"], [[str(bool(result.askAnswer)).lower()]]
    if result.type != "SELECT":
        raise QueryError(f"only SELECT and ASK queries are supported, not {result.type}")
    columns = [str(v) for v in (result.vars or [])]
    rows = [[term_text(value) for value in row] for row in result]  # type: ignore[union-attr]
    return columns, rows


XSD_DECIMAL = "http://www.w3.org/2001/XMLSchema#decimal"


def term_text(value: object) -> str:
    """A result value as text, the same whichever engine produced it."""
    if value is None:
        return ""
    if isinstance(value, Literal) and value.datatype is not None:
        return canonical_text(str(value), str(value.datatype))
    return str(value)


def canonical_text(lexical: str, datatype: str) -> str:
    """Decimals in one form (1.0, 1.00 and 1 are the same number): engines write them differently."""
    if datatype == XSD_DECIMAL:
        from decimal import Decimal, InvalidOperation

        try:
            return format(Decimal(lexical).normalize(), "f")
        except InvalidOperation:
            return lexical
    return lexical


def _position(error: Exception) -> str:
    text = str(error)
    line, col = getattr(error, "lineno", None), getattr(error, "col", None)
    if line is None:
        match = re.search(r"line:(\d+), col:(\d+)", text)
        if match:
            return f"line {match.group(1)}, column {match.group(2)}: {text.splitlines()[0]}"
        return text.splitlines()[0] if text else type(error).__name__
    return f"line {line}, column {col}: {text.splitlines()[0]}"


def format_rows(columns: list[str], rows: list[list[str]], fmt: str) -> str:
    if fmt == "json":
        return json.dumps([dict(zip(columns, row, strict=True)) for row in rows], ensure_ascii=False, indent=2) + "\n"
    if fmt in {"csv", "tsv"}:
        buffer = io.StringIO()
        csv.writer(buffer, delimiter="," if fmt == "csv" else "\t", lineterminator="\n").writerows([columns, *rows])
        return buffer.getvalue()
    widths = [max([_width(c)] + [_width(r[i]) for r in rows]) for i, c in enumerate(columns)]
    lines = [_pad_row(columns, widths), "  ".join("-" * w for w in widths)]
    lines += [_pad_row(row, widths) for row in rows]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines) + "\n"


def _width(text: str) -> int:
    """Display width: CJK characters take two columns in a terminal."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad_row(row: list[str], widths: list[int]) -> str:
    return "  ".join(cell + " " * (w - _width(cell)) for cell, w in zip(row, widths, strict=True)).rstrip()


_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)


Term = URIRef | Literal
Bindings = Mapping[str, Term | Sequence[Term]]

# Variables the bundled queries take as the IRI of a role, a theme or an organization; a name
# given instead is looked up first. Engines plan a query around a VALUES block of IRIs (Oxigraph
# then follows the edges of those nodes alone), where a FILTER on labels would make them read
# every duty: 0.02 s against 1.7 s for role-duties on 100 stores.
NAMED = {"givenRole": "role", "givenTheme": "theme", "givenOrganization": "organization"}
# What a name may be, and the bundled query that lists the names there are.
_LISTED_BY = {"role": "role-names", "theme": "responsibility-matrix", "organization": "organizations"}
_PREFIXES = """PREFIX rg: <https://w3id.org/rolegraph/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""
# a role or a theme: any of its labels (Simplified, Traditional, English, an alias)
_CONCEPT = """SELECT DISTINCT ?x WHERE {{
  ?x a rg:{cls} ; skos:prefLabel|skos:altLabel ?label .
  FILTER(STR(?label) IN ({names}))
}} ORDER BY ?x"""
# an organization: its heading, the heading's part before the colon (第二篇), or the file name of
# its document with or without the extension (store-0001.txt, store-0001: all its organizations)
_ORGANIZATION = """SELECT DISTINCT ?x WHERE {{
  ?x a rg:Organization .
  {{ ?x rdfs:label ?label .
     FILTER(STR(?label) IN ({names}) || REPLACE(STR(?label), "[:：].*$", "") IN ({names})) }}
  UNION
  {{ ?x prov:wasDerivedFrom/dcterms:title ?file .
     FILTER(STR(?file) IN ({names}) || REPLACE(STR(?file), "[.][^.]*$", "") IN ({names})) }}
}} ORDER BY ?x"""
_LOOKUP = {
    "role": _PREFIXES + _CONCEPT.replace("{cls}", "Role"),
    "theme": _PREFIXES + _CONCEPT.replace("{cls}", "DutyTheme"),
    "organization": _PREFIXES + _ORGANIZATION,
}


def bind_query(text: str, bindings: Bindings | None, select: Callable[[str], list[list[str]]]) -> str:
    """The query with its bindings in VALUES blocks, names of roles, themes and organizations looked up with
    ``select`` (which runs a query on the same graph or endpoint); as it is without bindings."""
    return with_values(text, resolve_names(bindings, select)) if bindings else text


def resolve_names(bindings: Bindings, select: Callable[[str], list[list[str]]]) -> dict[str, list[Term]]:
    """The bindings with each name given for a role, theme or organization replaced by the IRIs it names;
    ``select`` runs a query (on the same graph) and gives its rows."""
    resolved: dict[str, list[Term]] = {}
    for var, given in bindings.items():
        values = _as_list(given)
        resolved[var] = [iri for value in values for iri in _lookup(var, value, select)] if var in NAMED else values
    return resolved


def _as_list(given: Term | Sequence[Term]) -> list[Term]:
    return [given] if isinstance(given, (URIRef, Literal)) else list(given)


def _lookup(var: str, value: URIRef | Literal, select: Callable[[str], list[list[str]]]) -> list[URIRef]:
    if isinstance(value, URIRef):
        return [value]
    from graph.script import to_simplified

    kind = NAMED[var]
    names = sorted({str(value), to_simplified(str(value))})  # 盤點 finds 盘点 where only that is a label
    rows = select(_LOOKUP[kind].format(names=", ".join(Literal(n).n3() for n in names)))
    if not rows:
        raise QueryError(f"no {kind} named '{excerpt(str(value))}' (rolegraph query {_LISTED_BY[kind]} lists them)")
    return [URIRef(row[0]) for row in rows]


def with_values(text: str, bindings: Bindings) -> str:
    """The query with a VALUES block opening its WHERE clause: how bindings reach an engine
    (and a remote endpoint, which has no initBindings). A variable bound to several values
    gets a row for each. Terms are written by rdflib (quoted and escaped)."""
    if not bindings:
        return text
    match = _WHERE.search(text) or re.search(r"\{", text)
    if match is None:
        raise QueryError("cannot bind variables: the query has no WHERE clause")
    names = " ".join(f"?{name}" for name in bindings)
    columns = [_as_list(v) for v in bindings.values()]
    rows = " ".join("(" + " ".join(term.n3() for term in row) + ")" for row in itertools.product(*columns))
    block = f" VALUES ({names}) {{ {rows} }} "
    text = text[: match.end()] + block + text[match.end() :]
    return _BIND_HERE.sub(lambda m: _values_here(m, bindings), text)


# "# bind ?var" on a line of its own in a subquery: the value of ?var goes there too. A subquery
# is evaluated before the join with the VALUES block above it, so without this an aggregate in
# it is computed for every role and then all but one thrown away (role-clusters on 1,000 stores:
# 1.36 -> 0.15-0.20 s). Only where the subquery projects ?var, and has no LIMIT, is it the same answer.
_BIND_HERE = re.compile(r"^[ \t]*# bind \?(\w+)[ \t]*$", re.MULTILINE)


def _values_here(match: re.Match[str], bindings: Bindings) -> str:
    var = match.group(1)
    if var not in bindings:
        return match.group(0)
    values = " ".join(term.n3() for term in _as_list(bindings[var]))
    return f"{match.group(0)}\n  VALUES ?{var} {{ {values} }}"
