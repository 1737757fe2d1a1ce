"""Literals leave graph.serialize's writers byte for byte: the tag-case pass touches tags alone."""

from __future__ import annotations

import io
import itertools
import json
import tempfile
import warnings
from pathlib import Path

import pyoxigraph as ox
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph, Literal

from graph.serialize import _TagCase, read_graph, serialize_piece, write_graph, write_graph_files

PIECES = ['"', "\\", "\\\\", '\\"', "@zh-hant", "@zh-hans", '"@zh-hans', '\\"@zh-hant', '"@language":"zh-hans"', "\t", "\n", "\r"]
PIECES += ["岗位职责", "負責", "'", "'''", '"""', "@en", "\u2028", "\x00", " "]
texts = st.lists(st.sampled_from(PIECES) | st.text(max_size=4), max_size=12).map("".join)
tags = st.sampled_from(["zh-Hans", "zh-Hant", "en", "zh", None])
literals = st.lists(st.tuples(texts, tags), min_size=1, max_size=6)
SUBJECT, PREDICATE = ox.NamedNode("https://example.org/s"), ox.NamedNode("https://example.org/p")
PREFIXES = {"ex": "https://example.org/"}


def triples(given_literals: list[tuple[str, str | None]]) -> list[ox.Triple]:
    return [
        ox.Triple(ox.NamedNode(f"https://example.org/s{i}"), PREDICATE, ox.Literal(text, language=tag))
        for i, (text, tag) in enumerate(given_literals)
    ]


def expected(given_literals: list[tuple[str, str | None]]) -> set[tuple[str, str | None]]:
    return {(text, tag) for text, tag in given_literals}


def read_back(path: Path, fmt: str) -> set[tuple[str, str | None]]:
    """By rdflib's own parsers, which keep a tag's case as written."""
    with warnings.catch_warnings():  # rdflib's JSON-LD parser uses its own deprecated ConjunctiveGraph
        warnings.filterwarnings("ignore", "ConjunctiveGraph is deprecated", DeprecationWarning)
        kg = Graph().parse(path, format=fmt)
    return {(str(o), o.language) for o in kg.objects() if isinstance(o, Literal)}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(literals)
def test_literals_survive_turtle_and_json_ld_byte_for_byte(given_literals: list[tuple[str, str | None]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        for fmt, parser in (("turtle", "turtle"), ("json-ld", "json-ld"), ("nt", "nt")):
            path = Path(folder) / f"g.{fmt}"
            write_graph(triples(given_literals), path, fmt, prefixes=PREFIXES)
            # the tags in the contract's case, the text as it was
            assert read_back(path, parser) == expected(given_literals), fmt
            values = {(q.object.value, q.object.language) for q in ox.parse(path=str(path), format=_OX[fmt])}
            assert values == {(text, tag.lower() if tag else None) for text, tag in given_literals}, fmt


_OX = {"turtle": ox.RdfFormat.TURTLE, "json-ld": ox.RdfFormat.JSON_LD, "nt": ox.RdfFormat.N_TRIPLES}


@settings(max_examples=60, deadline=None)
@given(literals, st.lists(st.integers(0, 6), max_size=4))
def test_pieces_written_apart_are_the_bytes_of_one_serialization(
    given_literals: list[tuple[str, str | None]], cuts: list[int]
) -> None:
    made = triples(given_literals)
    edges = sorted({0, len(made), *(min(c, len(made)) for c in cuts)})
    with tempfile.TemporaryDirectory() as folder:
        turtle, target = Path(folder) / "org.ttl", Path(folder) / "org.jsonld"
        pieces = [serialize_piece(made[a:b], prefixes=PREFIXES, preamble=a == 0) for a, b in itertools.pairwise(edges)]
        assert write_graph_files(pieces, turtle, target) == len(made)
        whole_turtle, whole_jsonld = Path(folder) / "whole.ttl", Path(folder) / "whole.jsonld"
        write_graph(made, whole_turtle, "turtle", prefixes=PREFIXES)
        write_graph(made, whole_jsonld, "json-ld", prefixes={})
        assert turtle.read_bytes() == whole_turtle.read_bytes()
        assert target.read_bytes() == whole_jsonld.read_bytes()
        assert read_back(target, "json-ld") == expected(given_literals)
        assert read_back(turtle, "turtle") == expected(given_literals)
        # read_graph (how validate and the rdflib engine read) agrees with rdflib's parser
        assert {(str(o), o.language) for o in read_graph(target).objects()} == expected(given_literals)


def test_the_first_piece_has_the_prefixes_and_its_json_ld_has_no_brackets(tmp_path: Path) -> None:
    s = ox.NamedNode("https://example.org/s")
    made = [ox.Triple(s, PREDICATE, ox.Literal("一", language="zh-Hans")), ox.Triple(s, PREDICATE, ox.Literal("二"))]
    piece = serialize_piece(made, prefixes=PREFIXES, preamble=True)
    assert piece.triples == 2
    assert piece.turtle == b'@prefix ex: <https://example.org/> .\nex:s ex:p "\xe4\xb8\x80"@zh-Hans , "\xe4\xba\x8c" .\n'
    assert json.loads(b"[" + piece.jsonld + b"]") == [
        {"@id": "https://example.org/s", "https://example.org/p": [{"@language": "zh-Hans", "@value": "一"}, {"@value": "二"}]}
    ]


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200), st.integers(1, 40))
def test_tag_case_pass_does_not_depend_on_where_writes_are_cut(data: bytes, step: int) -> None:
    for fmt in ("turtle", "json-ld"):
        whole, pieces = io.BytesIO(), io.BytesIO()
        with _TagCase(whole, fmt) as out:
            out.write(data)
        with _TagCase(pieces, fmt) as out:
            for i in range(0, len(data), step):
                out.write(data[i : i + step])
        assert pieces.getvalue() == whole.getvalue()
        assert len(whole.getvalue()) == len(data)


def test_a_tag_inside_a_duty_keeps_its_case_and_the_tag_after_it_is_recased(tmp_path: Path) -> None:
    text = 'see "@zh-hant" and \\"@zh-hans, then \\\\'
    path = tmp_path / "g.ttl"
    write_graph(triples([(text, "zh-Hant")]), path, "turtle", prefixes={})
    written = path.read_bytes()
    assert b'"see \\"@zh-hant\\" and \\\\\\"@zh-hans, then \\\\\\\\"@zh-Hant .' in written
    jsonld = tmp_path / "g.jsonld"
    write_graph(triples([(text, "zh-Hans")]), jsonld, "json-ld", prefixes={})
    assert json.loads(jsonld.read_bytes())[0]["https://example.org/p"][0] == {"@value": text, "@language": "zh-Hans"}
