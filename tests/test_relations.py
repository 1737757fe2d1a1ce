"""Reports-to edges, themes and shared duties, checked against what the corpus says."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from graph.model import OrgModel
from graph.pipeline import BuildResult
from graph.script import normalize

DATA = Path(__file__).parent / "data"


def _rows(name: str) -> list[dict[str, str]]:
    lines = [line for line in (DATA / name).read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


def role_edges(model: OrgModel, *, basis: str = "explicit", orgs: set[int] | None = None) -> set[tuple[str, str]]:
    """(subordinate, superior) role names of the reporting lines, optionally of some organizations."""
    posts = model.post_by_id
    roles = {r.key: r.zh for r in model.roles}
    edges = set()
    for line in model.reporting:
        owner = posts.get(line.subordinate) or posts.get(line.superior)
        if line.basis != basis or (orgs and (owner is None or int(owner.org_id.rsplit("/", 1)[1]) not in orgs)):
            continue
        edges.add((roles[model.role_of(line.subordinate)], roles[model.role_of(line.superior)]))
    return edges


@pytest.fixture(scope="module")
def model(built: BuildResult) -> OrgModel:
    return built.model


@pytest.mark.parametrize(
    ("sub", "sup"),
    [
        ("主办会计", "财务经理"),
        ("出纳", "主办会计"),
        ("技术总监", "服务经理"),
        ("销售主管", "销售经理"),
        ("维修班组长", "服务经理"),
    ],
)
def test_edges_that_must_hold(model: OrgModel, sub: str, sup: str) -> None:
    assert (sub, sup) in role_edges(model)


@pytest.mark.parametrize(("sub", "sup"), [("市场经理", "销售经理"), ("服务顾问", "车间主任"), ("索赔员", "服务顾问")])
def test_edges_that_must_not_hold(model: OrgModel, sub: str, sup: str) -> None:
    assert (sub, sup) not in role_edges(model) and (sub, sup) not in role_edges(model, basis="inferred")


def test_every_edge_has_its_evidence_and_cue(model: OrgModel) -> None:
    duty_text = {d.id: d.label for p in model.posts for d in p.duties}
    summaries = {p.id.replace("post/", "summary/", 1): normalize(p.summary) for p in model.posts if p.summary}
    for line in model.reporting:
        if line.basis == "explicit":
            text = duty_text.get(line.evidence) or summaries.get(line.evidence)
            assert text is not None and line.cue in text, line


def test_reporting_precision_and_recall_on_labelled_documents(model: OrgModel) -> None:
    labels = _rows("reporting-labels.tsv")
    truth = {(r["subordinate"], r["superior"]) for r in labels if r["same"] == "1"}
    wrong = {(r["subordinate"], r["superior"]) for r in labels if r["same"] == "0"}
    found = role_edges(model, orgs={2, 4})
    true_positive = found & truth
    precision, recall = len(true_positive) / len(found), len(true_positive) / len(truth)
    # measured: 14 found, 13 right (服务顾问 → 销售经理 comes from a copied duty); 2 of 15 missed
    # (信息员 → 销售经理 behind the typo 级, 服务顾问 → 售后服务主管 said as 负责服务顾问…管理工作)
    assert precision >= 0.9 and recall >= 0.85, (precision, recall, sorted(found - truth), sorted(truth - found))
    assert found - truth <= wrong


def test_theme_precision_and_recall_on_labelled_duties(model: OrgModel) -> None:
    themes = {t.key: t.zh for t in model.themes}
    by_line = {d.line: {themes[k] for k in d.themes} for p in model.posts for d in p.duties}
    truth = {(int(r["line"]), t) for r in _rows("theme-labels.tsv") for t in r["themes"].split("、") if t}
    lines = {int(r["line"]) for r in _rows("theme-labels.tsv")}
    found = {(line, t) for line in lines for t in by_line[line]}
    hits = found & truth
    precision, recall = len(hits) / len(found), len(hits) / len(truth)
    assert precision >= 0.9 and recall >= 0.9, (precision, recall, sorted(found - truth), sorted(truth - found))


def test_a_duty_naming_a_role_is_not_about_its_theme(model: OrgModel) -> None:
    station = next(p for p in model.posts if p.line == 17)  # 站长
    supervise = station.duties[1]  # 监督指导业务接待、索赔员的工作
    assert "索赔员" in supervise.label and "claims" not in supervise.themes
    typos = {d.line: d.themes for p in model.posts for d in p.duties if d.line in (20, 468)}
    assert "complaints" in typos[20]  # 投拆 is a typo of 投诉
    assert "stocktaking" in typos[468]  # 盘底 is a typo of 盘点


def test_boilerplate_duties(model: OrgModel) -> None:
    flagged = {d.label for p in model.posts for d in p.duties if d.boilerplate}
    assert {"完成领导交办的其他任务。", "完成部门负责人交办的相关工作。", "各级领导分配的其它任务."} <= flagged
    assert "完成上级领导临时交办的其他工作。" in flagged and "完成总经理交办的其他专项工作。" in flagged
    assert not any("索赔" in text or "盘点" in text for text in flagged)


def test_overlaps_never_from_boilerplate_and_no_role_self_loop(model: OrgModel) -> None:
    boiler = {d.id for p in model.posts for d in p.duties if d.boilerplate}
    assert not any(o.duty_a in boiler or o.duty_b in boiler for o in model.overlaps)
    owner = model.duty_owner
    for o in model.overlaps:
        a, b = owner[o.duty_a], owner[o.duty_b]
        assert a.role != b.role or a.org_id == b.org_id  # same role across organizations → clusters only


def test_same_role_across_organizations_is_a_cluster(model: OrgModel) -> None:
    by_line = {d.line: d.id for p in model.posts for d in p.duties}
    together = [c for c in model.clusters if by_line[158] in c.members]  # 索赔员 第一篇, 保存所有索赔档案
    assert together and by_line[563] in together[0].members  # the same duty of 三包索赔员 in 第五篇


def test_theme_coownership_is_a_bipartite_projection(model: OrgModel) -> None:
    shares = {(s.role_a, s.role_b): s for s in model.theme_shares}
    share = shares[("chief-accountant", "treasury-cashier")]
    assert "stocktaking" in share.themes and 0 < share.weight <= 1


def test_unnamed_positions_get_a_sales_management_role(model: OrgModel) -> None:
    # The seven positions of 第三篇 have no names; every one runs sales (销售部, 销售团队, 销售指标…),
    # and none is a clerk's: read from lines 333-377.
    unnamed = [p for p in model.posts if p.org_id.endswith("/3")]
    assert len(unnamed) == 7 and all(p.name_inferred for p in unnamed)
    assert {p.role for p in unnamed} <= {"sales-manager", "sales-supervisor"}
    assert all(p.label.endswith("（推断）") for p in unnamed)
