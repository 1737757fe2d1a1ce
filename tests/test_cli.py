"""The command line, in-process with click's CliRunner."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from graph.cli import main
from graph.pipeline import BuildOptions, BuildResult, build


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
        main, ["query", "reporting-chain", "--graph", graph, "--bind", "givenRole=主辦會計", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    # the name as written (Traditional) is an altLabel of the role too
    assert [r["superior"] for r in json.loads(result.output)] == ["财务经理", ""]
    result = CliRunner().invoke(
        main, ["query", "reporting-chain", "--graph", graph, "--bind", "givenRole=主办会计", "--format", "csv"]
    )
    assert result.output.splitlines() == ["role,rank,superior", "主办会计,5,财务经理", "财务经理,3,"]
    table = CliRunner().invoke(main, ["query", "reporting-chain", "--graph", graph, "--bind", "givenRole=主办会计"])
    assert table.output.splitlines()[-1] == "(2 rows)"


def test_query_role_and_theme_options_take_any_name(built: BuildResult) -> None:
    graph = str(built.out / "org.ttl")
    duties = CliRunner().invoke(main, ["query", "role-duties", "--graph", graph, "--role", "出納", "--format", "csv"])
    assert duties.exit_code == 0, duties.output
    # the one 出納 post: heading on L475, ten duties on L476-485
    assert [line.split(",")[-1] for line in duties.output.splitlines()[1:]] == [str(n) for n in range(476, 486)]
    themed = CliRunner().invoke(main, ["query", "duties-by-theme", "--graph", graph, "--theme", "盤點", "--format", "csv"])
    assert themed.exit_code == 0 and len(themed.output.splitlines()) == 1 + 14  # the 14 盘点 lines of test_queries
    unknown = CliRunner().invoke(main, ["query", "role-duties", "--graph", graph, "--role", "宇航员"])
    assert unknown.exit_code == 1 and "no role named '宇航员'" in unknown.output and "Traceback" not in unknown.output


def test_query_organization_option(built: BuildResult) -> None:
    graph = str(built.out / "org.ttl")
    args = ["query", "shared-duties", "--graph", graph, "--format", "csv", "--role", "索赔员", "--organization", "第一篇"]
    found = CliRunner().invoke(main, args)
    assert found.exit_code == 0, found.output
    # 索賠員 3 (L157) and 業務接待 5 (L174) of 第一篇 say the same; every row has a duty of 第一篇 (L1-204)
    lines = [(int(row[2]), int(row[5])) for row in csv.reader(found.output.splitlines()[1:])]
    assert (157, 174) in lines and all(min(pair) < 205 for pair in lines)
    unknown = CliRunner().invoke(main, ["query", "shared-duties", "--graph", graph, "--organization", "第九篇"])
    assert unknown.exit_code == 1 and "no organization named '第九篇'" in unknown.output


def test_show_and_overlaps_narrow_to_one_organization(built: BuildResult) -> None:
    graph = str(built.out / "org.ttl")
    shown = CliRunner().invoke(main, ["show", "出纳", "--organization", "第四篇", "--graph", graph])
    assert shown.exit_code == 0, shown.output
    # the one 出納 post is in 第四篇 (L378-494): heading L475, ten duties L476-485
    duty_lines = [line.split()[-1] for line in shown.output.splitlines() if "第四篇" in line]
    assert duty_lines == [str(n) for n in range(476, 486)]
    args = ["overlaps", "--role", "索赔员", "--organization", "第一篇", "--graph", graph, "--format", "csv"]
    found = CliRunner().invoke(main, args)
    lines = [(int(row[2]), int(row[5])) for row in csv.reader(found.output.splitlines()[1:])]
    assert (157, 174) in lines and all(min(pair) < 205 for pair in lines)  # 第一篇 is L1-204


def test_query_expression_and_errors(built: BuildResult, tmp_path: Path) -> None:
    graph = str(built.out / "org.ttl")
    ask = CliRunner().invoke(main, ["query", "-e", "ASK { ?s ?p ?o }", "--graph", graph])
    assert ask.exit_code == 0 and "true" in ask.output
    bad = CliRunner().invoke(main, ["query", "-e", "SELECT ?x WHERE { ?x ", "--graph", graph])
    assert bad.exit_code == 1 and "SPARQL syntax error: line 1, column 22" in bad.output
    slow = CliRunner().invoke(main, ["query", "-e", "SELECT ?x WHERE { ?x ", "--graph", graph, "--engine", "rdflib"])
    assert slow.exit_code == 1 and "SPARQL syntax error" in slow.output and "line 1" in slow.output
    missing = CliRunner().invoke(main, ["query", "roles-by-department", "--graph", str(tmp_path / "none.ttl")])
    assert missing.exit_code == 1 and "run 'rolegraph build' first" in missing.output
    usage = CliRunner().invoke(main, ["query", "roles-by-department", "--format", "xml"])
    assert usage.exit_code == 2
    badbind = CliRunner().invoke(main, ["query", "reporting-chain", "--graph", graph, "--bind", "oops"])
    assert badbind.exit_code == 2 and "expected VAR=VALUE" in badbind.output  # a bad invocation


def test_build_py_is_importable_without_side_effects() -> None:
    import importlib

    module = importlib.import_module("build")
    assert hasattr(module, "main")


def test_the_entry_point_exits_with_the_commands_status_and_all_its_output(built: BuildResult, tmp_path: Path) -> None:
    """``rolegraph`` ends with os._exit (no interpreter teardown): the status and the output
    must still be the command's, also when the reader of a pipe stops early."""
    graph = str(built.out / "org.ttl")
    cli = [sys.executable, "-m", "graph.cli"]
    listing = subprocess.run(
        [*cli, "query", "organizations", "--graph", graph, "--format", "csv"], capture_output=True, text=True
    )
    assert listing.returncode == 0 and len(listing.stdout.splitlines()) == 1 + 5 and listing.stderr == ""
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    failed = subprocess.run([*cli, "build", str(empty), "--out", str(tmp_path / "out")], capture_output=True, text=True)
    assert failed.returncode == 1 and "Error:" in failed.stderr and "empty" in failed.stderr
    assert "Traceback" not in failed.stderr
    usage = subprocess.run([*cli, "query", "organizations", "--format", "xml"], capture_output=True, text=True)
    assert usage.returncode == 2
    # a reader that takes one line and closes the pipe: no traceback about the closed pipe
    with subprocess.Popen(
        [*cli, "query", "role-names", "--graph", graph], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    ) as reader:
        assert reader.stdout is not None and reader.stderr is not None
        reader.stdout.readline()
        reader.stdout.close()
        assert "Traceback" not in reader.stderr.read().decode() and reader.wait() in (0, 1)


def test_show_chain_overlaps(built: BuildResult) -> None:
    graph = str(built.out / "org.ttl")
    chain = CliRunner().invoke(main, ["chain", "出纳", "--graph", graph])
    assert chain.output.splitlines() == ["出纳 → 主办会计 → 财务经理"]  # L484 配合主办会计, L463 直接对财务经理负责
    team = CliRunner().invoke(main, ["chain", "维修组长", "--graph", graph])
    assert "维修班组长 → 服务经理 → 总经理" in team.output.splitlines()  # L502 监督指导…班组长, L511 总经理交办
    show = CliRunner().invoke(main, ["show", "出纳", "--graph", graph])
    assert "负责整车和维修发票的开票工作。" in show.output and "配合主办会计" in show.output and "484" in show.output
    shared = CliRunner().invoke(main, ["overlaps", "--role", "业务接待", "--graph", graph, "--format", "csv"])
    lines = {(row["lineA"], row["lineB"]) for row in csv.DictReader(io.StringIO(shared.output))}
    assert ("231", "262") in lines and ("157", "174") in lines  # 销售顾问/服务顾问, 索赔员/业务接待
    high = CliRunner().invoke(main, ["overlaps", "--min-score", "0.99", "--graph", graph, "--format", "json"])
    assert all(float(r["score"]) >= 0.99 for r in json.loads(high.output))
    unknown = CliRunner().invoke(main, ["show", "出那", "--graph", graph])
    assert unknown.exit_code == 1 and "did you mean 出纳" in unknown.output


def test_progress_lines_and_quiet(tmp_path: Path) -> None:
    noisy = CliRunner().invoke(main, ["build", "--out", str(tmp_path / "a"), "--no-validate"])
    stages = [line for line in noisy.output.splitlines() if line.startswith("… ")]
    # reading, cleaning and recognising are one stage per document (in a worker when --jobs > 1)
    assert stages == ["… read", "… relate", "… overlaps", "… emit", "… report", "… page/csv"]
    quiet = CliRunner().invoke(main, ["build", "--out", str(tmp_path / "b"), "--no-validate", "-q"])
    assert quiet.exit_code == 0 and quiet.output == ""


def test_emit_reports_each_piece_of_the_graph_written(tmp_path: Path) -> None:
    seen: list[tuple[str, int, int]] = []
    build(BuildOptions(out=tmp_path / "out", validate=False), progress=lambda *call: seen.append(call))
    # the bundled corpus: 54 posts, 90 overlaps, 411 theme co-ownerships and 208 responsibility
    # cells, each part one piece (head, posts, reporting, overlaps, shares, counts), and 56
    # clusters in runs of about 25 (CLUSTERS_PER_PIECE; cut where their ids say): 3 pieces
    assert [call for call in seen if call[0] == "emit"] == [("emit", 0, 0)] + [("emit", i, 9) for i in range(1, 10)]


def test_progress_bar_on_a_terminal() -> None:
    from graph.cli import StageProgress

    runner = CliRunner()
    with runner.isolation() as streams:
        bar = StageProgress(terminal=True)
        bar("read", 1, 2)
        bar("read", 2, 2)
        bar("relate", 0, 0)
        bar.finish()
    text = streams[1].getvalue().decode()  # stderr
    assert "\rread       [###############               ] 1/2" in text
    assert "\rread       [" + "#" * 30 + "] 2/2\n" in text and "\rrelate     …\n" in text


def test_show_with_organization_cites_only_lines_of_that_organization(built: BuildResult) -> None:
    graph = str(built.out / "org.ttl")
    shown = CliRunner().invoke(main, ["show", "服务经理", "--organization", "第二篇", "--graph", graph])
    assert shown.exit_code == 0, shown.output
    links = shown.output.split("\n\n")[1].splitlines()
    # 第二篇 is L205-330: its 售后服务经理 (L237) is above 售后服务主管 (L310) and 索赔员 (L248), by department
    assert [line.split()[1::4] for line in links[2:-1]] == [["售后服务主管", "310"], ["索赔员", "248"]]
    everywhere = CliRunner().invoke(main, ["show", "服务经理", "--graph", graph]).output
    assert " 502" in everywhere.split("\n\n")[1]  # a link of 第五篇, gone above


def test_every_role_card_of_an_organization_stays_in_its_lines(built: BuildResult) -> None:
    from graph.engine import open_engine
    from graph.explore import role_card, role_labels
    from graph.queries import find_query

    engine = open_engine(built.out / "org.ttl")
    starts = sorted(int(row[2]) for row in engine.select(find_query("organizations").text)[1])
    assert starts == [1, 205, 331, 378, 495]
    ranges = {f"第{'一二三四五'[i]}篇": (start, (starts + [10**9])[i + 1]) for i, start in enumerate(starts)}
    checked = 0
    for role in sorted(set(role_labels(engine).values())):
        for name, (first, after) in ranges.items():
            duties, links = role_card(engine, role, organization=name)
            lines = [int(r[-1]) for r in duties.rows] + [int(r[-1]) for r in links.rows if r[-1]]
            assert all(first <= line < after for line in lines), (role, name, lines)
            checked += len(lines)
    assert checked > 466
