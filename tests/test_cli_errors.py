"""Bad invocations exit 2 with a short message, bad data exits 1; never a traceback."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from graph.cli import DEFAULT_THRESHOLD, main
from graph.pipeline import BuildResult

HUGE = "x" * 1_000_000


def invoke(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def assert_refused(result: Result, code: int, message: str) -> None:
    assert result.exit_code == code, result.output
    assert message in result.output, result.output
    assert "Traceback" not in result.output and not isinstance(result.exception, (KeyError, OSError, TypeError))


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--threshold", "0", "0.0 is not in the range 0<x<=1"),
        ("--threshold", "1.5", "1.5 is not in the range 0<x<=1"),
        ("--max-size", "-1", "-1.0 is not in the range x>0"),
        ("--max-size", "0", "0.0 is not in the range x>0"),
    ],
)
def test_bad_build_option_values_exit_2(tmp_path: Path, option: str, value: str, message: str) -> None:
    result = invoke("build", "--out", str(tmp_path / "out"), option, value)
    assert_refused(result, 2, message)
    assert not (tmp_path / "out").exists()


def test_threshold_default_is_shown_and_is_the_library_one() -> None:
    from graph.overlaps import DEFAULT_THRESHOLD as LIBRARY_DEFAULT

    assert DEFAULT_THRESHOLD == LIBRARY_DEFAULT
    assert f"[default: {LIBRARY_DEFAULT}; 0<x<=1]" in invoke("build", "--help").output


@pytest.mark.parametrize("command", ["query", "show", "chain", "overlaps"])
def test_graph_option_has_help(command: str) -> None:
    help_text = " ".join(invoke(command, "--help").output.split())
    assert re.search(r"--graph PATH The graph file to ask .* \[default: out/org.ttl\]", help_text), help_text


def test_missing_rq_file_exits_2(tmp_path: Path, built: BuildResult) -> None:
    missing = tmp_path / "nowhere.rq"
    result = invoke("query", str(missing), "--graph", str(built.out / "org.ttl"))
    assert_refused(result, 2, f"{missing}: no such query file")
    assert_refused(invoke("query", "no-such-query"), 2, "no query 'no-such-query': give a .rq file or one of: duties-by-theme")


def test_non_utf8_rq_file_is_bad_data(tmp_path: Path, built: BuildResult) -> None:
    query = tmp_path / "gbk.rq"
    query.write_bytes("# 查询\nSELECT * WHERE { ?s ?p ?o }".encode("gbk"))
    result = invoke("query", str(query), "--graph", str(built.out / "org.ttl"))
    assert_refused(result, 1, f"{query}: not UTF-8 text (byte 0xb2 at offset 2); save it as UTF-8")


@pytest.mark.parametrize("engine", ["rdflib", "oxigraph"])
@pytest.mark.parametrize("form", ["CONSTRUCT WHERE { ?s ?p ?o }", "DESCRIBE <urn:x>"])
def test_construct_and_describe_are_refused_clearly(built: BuildResult, engine: str, form: str) -> None:
    result = invoke("query", "-e", form, "--engine", engine, "--graph", str(built.out / "org.ttl"))
    assert_refused(result, 1, "only SELECT and ASK queries are supported")


def test_bind_of_a_variable_the_query_lacks_exits_2(built: BuildResult) -> None:
    graph = str(built.out / "org.ttl")
    result = invoke("query", "organizations", "--graph", graph, "--bind", "nosuchvar=x")
    assert_refused(result, 2, "--bind nosuchvar: the query has no variable ?nosuchvar (its variables: ?document, ?line")
    # a variable named in a comment only is not one of the query's
    text = "SELECT ?s WHERE { ?s ?p ?o } # ?hidden"
    assert_refused(invoke("query", "-e", text, "--graph", graph, "--bind", "hidden=1"), 2, "no variable ?hidden")
    ok = invoke("query", "-e", text + " LIMIT 1", "--graph", graph, "--bind", "s=<https://w3id.org/rolegraph/ontology#Post>")
    assert ok.exit_code == 0, ok.output


@pytest.mark.parametrize(
    ("option", "kind", "var"),
    [
        ("--role", "role", "givenRole"),
        ("--theme", "theme", "givenTheme"),
        ("--organization", "organization", "givenOrganization"),
    ],
)
def test_named_option_on_a_query_without_it_exits_2(built: BuildResult, option: str, kind: str, var: str) -> None:
    result = invoke("query", "role-names", "--graph", str(built.out / "org.ttl"), option, "出纳")
    assert_refused(result, 2, f"{option}: this query takes no {kind} (it has no ?{var})")


def test_an_iri_that_would_rewrite_the_query_is_refused(built: BuildResult) -> None:
    graph = str(built.out / "org.ttl")
    hostile = "<http://x> ) } } SERVICE <http://127.0.0.1:9/> { ?a ?b ?c } #>"
    assert_refused(invoke("query", "role-duties", "--graph", graph, "--role", hostile), 2, "is not an IRI: '>' cannot appear")
    # not written as an IRI, it is a name like any other: looked up, quoted, not found
    named = invoke("query", "role-duties", "--graph", graph, "--role", "<http://x> ) } }…")
    assert_refused(named, 1, "no role named '<http://x> ) } }…'")


def test_huge_arguments_are_not_echoed_whole(built: BuildResult) -> None:
    graph = str(built.out / "org.ttl")
    cases = [
        (("query", HUGE), 2, "no query 'xxxx"),
        (("query", HUGE + ".rq"), 2, "no such query file"),
        (("query", "role-duties", "--graph", graph, "--role", HUGE), 1, "no role named 'xxx"),
        (("query", "role-duties", "--graph", graph, "--bind", HUGE), 2, "expected VAR=VALUE"),
        (("query", "role-duties", "--graph", graph, "--bind", HUGE + "=1"), 2, "no variable ?xxx"),
        (("build", "--threshold", HUGE), 2, "Invalid value for '--threshold'"),
        (("query", "role-duties", "--format", HUGE), 2, "Invalid value for '--format'"),
        ((HUGE,), 2, "No such command"),
    ]
    for args, code, message in cases:
        result = invoke(*args)
        assert_refused(result, code, message)
        assert len(result.output) < 1500, (args[:1], len(result.output))
        assert "x" * 200 + "…" in result.output or "x" * 1000 not in result.output


def test_queries_lists_whole_descriptions() -> None:
    result = invoke("queries")
    assert result.exit_code == 0
    entries = re.split(r"\n(?=\S)", result.output.strip())
    assert len(entries) >= 12
    for entry in entries:
        description = " ".join(entry.split()[1:])
        assert description.endswith("."), entry  # a whole sentence, not one cut at the end of a line
    joined = " ".join(result.output.split())
    assert "weighted by the share of their themes they have in common (networkx bipartite projection" in joined


def test_a_full_disk_during_a_build_is_one_line_and_the_last_output_stays(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The system's refusal (here ENOSPC as the report is written) is exit 1 with its words, no
    traceback; out/ keeps the last good build."""
    import errno
    import os

    from graph import pipeline

    out = tmp_path / "out"
    assert CliRunner().invoke(main, ["build", "--out", str(out), "--no-validate", "--no-cache", "-q"]).exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def full(*_: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(out / "build-report.json"))

    monkeypatch.setattr(pipeline, "build_report", full)
    result = CliRunner().invoke(main, ["build", "--out", str(out), "--no-validate", "--no-cache", "-q"])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert "No space left on device" in result.output and "build-report.json" in result.output
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no staging left
