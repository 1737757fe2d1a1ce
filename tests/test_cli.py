"""The command line, in-process with click's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from graph.cli import main
from graph.pipeline import BuildResult


def test_build_prints_the_output_paths(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "5 organizations, 54 posts, 466 duties" in result.output
    for name in ("org.ttl", "org.jsonld", "org-graph.html", "overlaps.csv", "build-report.json"):
        assert str(out / name) in result.output
        assert (out / name).stat().st_size > 0


def test_queries_lists_the_bundled_queries() -> None:
    result = CliRunner().invoke(main, ["queries"])
    assert result.exit_code == 0
    assert "reporting-chain" in result.output and "Reporting chain: a role and every role above it" in result.output


def test_query_with_binding_and_formats(built: BuildResult) -> None:
    graph = str(built.out / "org.ttl")
    result = CliRunner().invoke(
        main, ["query", "reporting-chain", "--graph", graph, "--bind", "name=主辦會計", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    # the name as written (Traditional) is an altLabel of the role too
    assert [r["superior"] for r in json.loads(result.output)] == ["财务经理", ""]
    result = CliRunner().invoke(
        main, ["query", "reporting-chain", "--graph", graph, "--bind", "name=主办会计", "--format", "csv"]
    )
    assert result.output.splitlines() == ["role,rank,superior", "主办会计,5,财务经理", "财务经理,3,"]
    table = CliRunner().invoke(main, ["query", "reporting-chain", "--graph", graph, "--bind", "name=主办会计"])
    assert table.output.splitlines()[-1] == "(2 rows)"


def test_query_expression_and_errors(built: BuildResult, tmp_path: Path) -> None:
    graph = str(built.out / "org.ttl")
    ask = CliRunner().invoke(main, ["query", "-e", "ASK { ?s ?p ?o }", "--graph", graph])
    assert ask.exit_code == 0 and "true" in ask.output
    bad = CliRunner().invoke(main, ["query", "-e", "SELECT ?x WHERE { ?x ", "--graph", graph])
    assert bad.exit_code == 1 and "SPARQL syntax error" in bad.output and "line 1" in bad.output
    missing = CliRunner().invoke(main, ["query", "roles-by-department", "--graph", str(tmp_path / "none.ttl")])
    assert missing.exit_code == 1 and "run 'rolegraph build' first" in missing.output
    usage = CliRunner().invoke(main, ["query", "roles-by-department", "--format", "xml"])
    assert usage.exit_code == 2
    badbind = CliRunner().invoke(main, ["query", "reporting-chain", "--graph", graph, "--bind", "oops"])
    assert badbind.exit_code == 1 and "expected VAR=VALUE" in badbind.output


def test_build_py_is_importable_without_side_effects() -> None:
    import importlib

    module = importlib.import_module("build")
    assert hasattr(module, "main")
