"""What a build writes: the five files of the contract, with the content the contract asks for."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH, SKOS

from graph.model import OrgModel
from graph.namespace import ORG, RG
from graph.outfolder import MARKER, OUTPUT_FILES
from graph.paths import ROOT
from graph.pipeline import BuildOptions, BuildResult, build
from graph.report import OVERLAP_COLUMNS
from graph.script import to_simplified


def test_output_files(built: BuildResult) -> None:
    assert sorted(p.name for p in built.out.iterdir()) == sorted([*OUTPUT_FILES, MARKER])


def test_graph_holds_the_ontology_and_the_corpus(kg: Graph) -> None:
    assert (URIRef("https://w3id.org/rolegraph/ontology"), RDF.type, OWL.Ontology) in kg
    assert (RG.Post, RDFS.subClassOf, ORG.Post) in kg
    assert len(set(kg.subjects(RDF.type, RG.Organization))) == 5
    assert len(set(kg.subjects(RDF.type, RG.Post))) == 54
    assert len(set(kg.subjects(RDF.type, RG.Duty))) == 466
    source = next(kg.subjects(RDF.type, RG.SourceDocument))
    assert int(kg.value(source, RG.lineCount)) == 570


def test_posts_carry_what_the_contract_asks(kg: Graph) -> None:
    for post in kg.subjects(RDF.type, RG.Post):
        for prop in (RDFS.label, RG.nameAsWritten, ORG.role, ORG.postIn, RG.inDepartment, RG.sourceLine, RG.hasDuty):
            assert kg.value(post, prop) is not None, (post, prop)
    ordinals = sorted(
        int(kg.value(d, RG.ordinal))
        for d in kg.objects(URIRef("https://w3id.org/rolegraph/id/post/4s-dealership-roles/4/9"), RG.hasDuty)
    )
    assert ordinals == list(range(1, 13))  # 主辦會計: twelve duties


def test_each_reporting_line_names_the_organization_of_its_post(kg: Graph) -> None:
    """A line is read from one organization's document: 配合主辦會計工作 (L484) from the 出納 of
    第四篇 (L378-494)."""
    lines = set(kg.subjects(RDF.type, RG.ReportingLine))
    assert lines
    for line in lines:
        posts = [p for side in (RG.subordinate, RG.superior) for p in kg.objects(line, side) if (p, RDF.type, RG.Post) in kg]
        assert posts, line  # a post on one side at least
        assert set(kg.objects(line, RG.inOrganization)) == {o for p in posts for o in kg.objects(p, ORG.postIn)}, line
    (at_484,) = [s for s in lines if (s, RG.sourceLine, Literal(484)) in kg]
    (fourth,) = kg.objects(at_484, RG.inOrganization)
    assert str(kg.value(fourth, RDFS.label)).startswith("第四篇")


def test_zh_hans_literals_are_simplified_and_originals_kept(kg: Graph) -> None:
    zh_hans = [o for o in kg.objects() if isinstance(o, Literal) and o.language == "zh-Hans"]
    assert zh_hans and all(to_simplified(str(o)) == str(o) for o in zh_hans)
    written = {str(o) for o in kg.objects(None, RG.nameAsWritten)}
    assert "總經理" in written and "售后服務經理" in written
    assert any(o.language == "zh-Hant" for o in kg.objects(None, RG.originalText))


def test_theme_scheme_has_the_contract_themes(kg: Graph) -> None:
    labels = {
        str(o)
        for t in kg.subjects(SKOS.inScheme, RG.DutyThemes)
        for o in kg.objects(t, SKOS.prefLabel)
        if o.language == "zh-Hans"
    }
    assert {"6S", "索赔", "盘点", "客户投诉"} <= labels


def test_overlaps_csv_rows_match_the_graph(built: BuildResult, kg: Graph) -> None:
    with (built.out / "overlaps.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == len(set(kg.subjects(RDF.type, RG.DutyOverlap))) > 0
    copied = [r for r in rows if {r["duty_a_line"], r["duty_b_line"]} == {"231", "262"}]
    assert copied and copied[0]["duty_a_text"].startswith(("对客户满意度负责", "客户满意度负责"))
    assert all(0 <= float(r["score"]) <= 1 for r in rows)


def test_overlaps_csv_keeps_a_row_whole_whatever_its_duty_text_holds(built: BuildResult) -> None:
    """CR and LF (with no comma or quote that would have the cell quoted anyway), and commas
    and quotes, stay inside a duty's cell, and a text that starts like a formula is
    neutralised, in every row the duty is in."""
    from dataclasses import replace

    from graph.report import OVERLAP_COLUMNS, overlaps_csv

    model = built.model
    odd = {model.overlaps[0].duty_a: "=SUM(A1)\r\nline two\rline three\n", model.overlaps[0].duty_b: 'one, "two"'}
    posts = tuple(
        replace(p, duties=tuple(replace(d, label=odd[d.id]) if d.id in odd else d for d in p.duties)) for p in model.posts
    )
    rows = list(csv.reader(io.StringIO(overlaps_csv(replace(model, posts=posts)), newline="")))
    assert rows[0] == list(OVERLAP_COLUMNS) and len(rows) == len(model.overlaps) + 1
    assert {len(row) for row in rows} == {len(OVERLAP_COLUMNS)}
    column = {name: i for i, name in enumerate(OVERLAP_COLUMNS)}
    found = {}
    for row in rows[1:]:
        for side in ("a", "b"):
            if row[column[f"duty_{side}"]] in odd:
                found[row[column[f"duty_{side}"]]] = row[column[f"duty_{side}_text"]]
    assert found == {duty: ("'" + text if text.startswith("=") else text) for duty, text in odd.items()}


def test_overlaps_csv_is_what_pythons_csv_writer_writes_in_parts_of_any_size(built: BuildResult, tmp_path: Path) -> None:
    """The table, cell by cell from the model through Python's csv writer (cells that start
    like a formula neutralised), is what the file holds after its BOM, whatever the size of the
    parts it is written in."""
    from graph.report import overlaps_csv, overlaps_csv_parts, write_overlaps_csv

    model = built.model
    whole = overlaps_csv(model)
    assert whole == _by_the_csv_writer(model)
    overlaps = len(model.overlaps)
    for rows in (1, 7, overlaps + 1):
        parts = list(overlaps_csv_parts(model, rows=rows))
        assert len(parts) == 1 + -(-overlaps // rows)  # the header, then a part per ``rows`` rows
        assert "".join(parts) == whole
    write_overlaps_csv(model, tmp_path / "overlaps.csv")
    assert (tmp_path / "overlaps.csv").read_bytes() == b"\xef\xbb\xbf" + whole.encode("utf-8")
    assert (built.out / "overlaps.csv").read_bytes() == b"\xef\xbb\xbf" + whole.encode("utf-8")


def test_build_report_accounts_for_every_line(built: BuildResult) -> None:
    report = json.loads((built.out / "build-report.json").read_text(encoding="utf-8"))
    assert {e["line"] for e in report["lines"]} == set(range(1, 571))
    assert report["counts"]["posts"] == 54 and report["counts"]["duties"] == 466
    assert len(report["repairs"]) == 6 and {r["line"] for r in report["repairs"]} == {296, 341, 356, 361, 450, 491}
    assert {e["line"]: e["kind"] for e in report["unused_lines"]}[494] == "not-duty-section"


def test_same_input_same_bytes(tmp_path: Path) -> None:
    """Two builds in fresh interpreters with different hash seeds write identical files (read
    afresh both times: a build from the reading cache says so in its report)."""
    outs = []
    for seed in ("1", "2"):
        out = tmp_path / f"out{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        command = [sys.executable, str(ROOT / "build.py"), "--out", str(out), "-q", "--no-cache"]
        subprocess.run(command, check=True, env=env, cwd=tmp_path)
        outs.append({name: (out / name).read_bytes() for name in OUTPUT_FILES})
    assert outs[0] == outs[1]


def test_built_graph_conforms_and_a_broken_one_does_not(kg: Graph) -> None:
    from graph.validate import find_violations

    assert find_violations(kg) == []
    broken = Graph()
    broken += kg
    post = URIRef("https://w3id.org/rolegraph/id/post/4s-dealership-roles/1/1")
    broken.remove((post, ORG.role, None))  # a post with no role
    gm = URIRef("https://w3id.org/rolegraph/id/role/general-manager")
    broken.add((gm, RG.sharesDutyWith, gm))  # a self-loop
    cashier = URIRef("https://w3id.org/rolegraph/id/role/cashier")
    broken.add((cashier, RG.reportsTo, gm))  # an edge with no evidence
    found = {(v.focus.rsplit("/", 1)[-1], v.message.split(" ")[0]) for v in find_violations(broken)}
    messages = " ".join(v.message for v in find_violations(broken))
    assert "no ReportingLine behind it" in messages and "shares duties with itself" in messages
    assert any(focus == "1" for focus, _ in found)


def test_the_builds_own_check_in_its_worker_rejects_a_broken_file(built: BuildResult, tmp_path: Path) -> None:
    """The check a build runs (a worker reading the Turtle it wrote, then checking half of the
    shapes itself and half in a forked child) finds what breaks either half."""
    from graph.errors import ValidationError
    from graph.validate import BackgroundCheck

    good = built.out / "org.ttl"
    text = good.read_text(encoding="utf-8")
    # the rank of 收银员 (cashier), 7 in ontology/dealership.ttl; without it the role breaks sh:minCount 1
    text = _without(text, "\trg:rank 7 ;\n", after="<https://w3id.org/rolegraph/id/role/cashier> a rg:Role")
    # the source line of the first duty (corpus line 3, 負責建立,實施…); the Duty shape is checked in the other half
    duty = "<https://w3id.org/rolegraph/id/duty/4s-dealership-roles/1/1/1> a rg:Duty"
    text = _without(text, "\trg:sourceLine 3 ;\n", after=duty)
    broken = tmp_path / "broken.ttl"
    broken.write_text(text, encoding="utf-8")
    checker = BackgroundCheck()
    try:
        checker.start(good)()  # conforms: returns
        with pytest.raises(ValidationError, match=r"2 SHACL constraint") as raised:
            checker.start(broken)()
    finally:
        checker.close()
    assert re.search(r"duty/4s-dealership-roles/1/1/1 .*sourceLine", str(raised.value))
    assert re.search(r"role/cashier .*rank", str(raised.value))


def _without(text: str, line: str, *, after: str) -> str:
    """``text`` without the first ``line`` that follows ``after``."""
    at = text.index(line, text.index(after))
    return text[:at] + text[at + len(line) :]


def test_the_shapes_split_into_halves_of_about_equal_cost(kg: Graph) -> None:
    """Each node shape goes to one half; the Duty shape (466 duties × 6 property shapes = 2,796
    checks, more than all the other shapes together) goes alone."""
    from graph.validate import load_shapes, split_shapes

    shapes = load_shapes()
    halves = split_shapes(shapes, kg, 2)
    node_shapes = [set(half.subjects(RDF.type, SH.NodeShape)) for half in halves]
    assert node_shapes[0].isdisjoint(node_shapes[1])
    assert node_shapes[0] | node_shapes[1] == set(shapes.subjects(RDF.type, SH.NodeShape))
    assert {frozenset(s.fragment for s in half) for half in node_shapes} >= {frozenset({"Duty"})}
    assert len(halves[0]) + len(halves[1]) == len(shapes)  # every shape triple is in one half


def test_read_graph_keeps_the_contracts_tag_case(built: BuildResult, kg: Graph) -> None:
    """Oxigraph parses in lower case; the rdflib graph has zh-Hans and zh-Hant as the contract spells them."""
    from graph.serialize import read_graph

    read = read_graph(built.out / "org.ttl")
    assert set(read) == set(kg)  # the same triples as rdflib's own Turtle parser gives
    tags = {o.language for o in read.objects() if isinstance(o, Literal) and o.language}
    assert {"zh-Hans", "zh-Hant", "en"} <= tags
    assert not {"zh-hans", "zh-hant"} & tags


def test_validate_command_exit_codes(built: BuildResult, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from graph.cli import main

    ok = CliRunner().invoke(main, ["validate", str(built.out / "org.ttl")])
    assert ok.exit_code == 0 and "conforms" in ok.output
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix rg: <https://w3id.org/rolegraph/ontology#> .\n<urn:x> a rg:Duty .\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(bad)])
    assert result.exit_code == 1 and "SHACL constraint" in result.output and "urn:x" in result.output


def test_language_tags_keep_the_contracts_case_across_write_boundaries() -> None:
    import io

    from graph.serialize import _TagCase

    turtle = b'<urn:a> <urn:b> "a"@zh-hant , "zh-hans"@en , "\\"@zh-hans"@zh-hans .\n' * 3
    json_ld = b'[{"@language":"zh-hans","@value":"x"},{"@language": "zh-hant","@value":"\\"@zh-hans"}]' * 3
    cases = {
        "turtle": (turtle, turtle.replace(b'a"@zh-hant', b'a"@zh-Hant').replace(b'hans"@zh-hans', b'hans"@zh-Hans')),
        "json-ld": (json_ld, json_ld.replace(b'"zh-hans","@value"', b'"zh-Hans","@value"').replace(b' "zh-hant"', b' "zh-Hant"')),
    }
    for fmt, (data, expected) in cases.items():
        for step in (1, 3, 7, 50, len(data)):
            raw = io.BytesIO()
            writer = _TagCase(raw, fmt)
            for i in range(0, len(data), step):
                writer.write(data[i : i + step])
            writer.close()
            assert raw.getvalue() == expected, (fmt, step)


def test_the_page_draws_every_pair_of_roles_that_share_a_duty(built: BuildResult, monkeypatch: pytest.MonkeyPatch) -> None:
    """The panel lists a role's best overlaps only; the shared-duty edges still come from all of them."""
    import graph.page as page

    monkeypatch.setattr(page, "MAX_SHARED_PER_ROLE", 1)
    data = page.page_data(built.model)
    assert all(len(role["shared"]) <= 1 for role in data["roles"].values())
    _, edges, *_ = page._network(built.model, data).get_network_data()
    drawn = {tuple(sorted((e["from"][5:], e["to"][5:]))) for e in edges if e["kind"] == "shared"}
    owner = built.model.duty_owner
    pairs = {
        tuple(sorted((owner[o.duty_a].role, owner[o.duty_b].role)))
        for o in built.model.overlaps
        if o.duty_a in owner and o.duty_b in owner
    }
    expected = {pair for pair in pairs if pair[0] != pair[1]}
    assert len(expected) > 20 and expected <= drawn


def test_quotes_and_backslashes_in_a_duty_survive_turtle_and_json_ld(tmp_path: Path) -> None:
    from graph.pipeline import BuildOptions, build
    from graph.serialize import read_graph

    source = tmp_path / "shop.txt"
    duty = '核对"现金"与\\银行\\日记账\t两者'
    source.write_text(f"出纳岗位职责\n1、{duty}\n2、保管印章\n", encoding="utf-8")
    out = build(BuildOptions(sources=(source,), out=tmp_path / "out")).out
    for name in ("org.ttl", "org.jsonld"):
        written = {str(o) for o in read_graph(out / name).objects(None, RG.originalText)}
        assert duty in written, name  # the label drops the tab, as it drops all white space


def test_overlaps_csv_duty_ids_need_no_quoting_whatever_the_files_are_named(tmp_path: Path) -> None:
    """A duty's id goes into the table as it is, unquoted and not neutralised (graph.report's
    ``_sides``): that holds only if no file or folder name can put a comma, a quote, a line end
    or a formula's first character in it. Files named like formulas, with commas and quotes, and
    two of one name told apart by their folders: every duty id is the ASCII of a slug, and the
    table is what Python's csv writer writes for the same cells."""
    from graph.report import overlaps_csv

    duties = "1、负责客户投诉的处理和回访工作。\n2、负责车间6S管理的检查工作。\n"
    roles = iter(["服务经理", "服务顾问", "车间主任", "索赔员", "前台接待", "配件经理"])  # one per file: overlaps across
    names = ['=HYPERLINK("x"),a.txt', '+1, "二".txt', "@售后\r\n部.txt", "-9.txt"]
    files = []
    for name in names:
        path = tmp_path / "docs" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"{next(roles)}岗位职责\n{duties}", encoding="utf-8")
        files.append(path)
    for folder in ('=a,"b"', "+c d"):  # one file name in two folders: slugs from the folders
        path = tmp_path / folder / "岗位职责.txt"
        path.parent.mkdir()
        path.write_text(f"{next(roles)}岗位职责\n{duties}", encoding="utf-8")
        files.append(path)
    result = build(BuildOptions(sources=tuple(files), out=tmp_path / "out", validate=False, corrections=None))
    model = result.model
    ids = [d.id for p in model.posts for d in p.duties]
    assert len(ids) == 2 * len(files) and len(model.overlaps) >= len(files) - 1
    assert all(re.fullmatch(r"duty/[a-z0-9][a-z0-9-]*/\d+/\d+/\d+", i) for i in ids), ids
    assert overlaps_csv(model) == _by_the_csv_writer(model)


def _by_the_csv_writer(model: OrgModel) -> str:
    """overlaps.csv made cell by cell from the model through Python's csv writer, each cell
    that starts like a formula neutralised: what graph.report must write."""
    from graph.report import neutralise_cell

    owner, duty = model.duty_owner, {d.id: d for p in model.posts for d in p.duties}
    role, theme = {r.key: r.zh for r in model.roles}, {t.key: t.zh for t in model.themes}
    expected = io.StringIO(newline="")
    writer = csv.writer(expected, lineterminator="\r\n")
    writer.writerow(OVERLAP_COLUMNS)
    for o in model.overlaps:
        cells: list[object] = [o.id, f"{o.score:.2f}", ";".join(theme[t] for t in o.themes)]
        for d in (duty[o.duty_a], duty[o.duty_b]):
            post = owner[d.id]
            cells += [post.id, post.label, role[post.role], post.org_id, d.id, d.line, d.label]
        writer.writerow([neutralise_cell(c) for c in cells])
    return expected.getvalue()
