"""Org charts in a document give reporting lines with basis 'chart': box-drawn trees, nested
outlines under an org-chart heading, 'A / B / C' chains and 'X → supports Y'."""

from __future__ import annotations

from pathlib import Path

from graph.model import OrgModel
from graph.pipeline import BuildOptions, build
from tests.conftest import read_text

ZH_TREE = """组织架构
总经理
├── 销售经理
│   └── 销售顾问
└── 财务经理
    └── 出纳

销售经理岗位职责
1、制定销售计划。
销售顾问岗位职责
1、接待来店客户。
财务经理岗位职责
1、审核财务报表。
出纳岗位职责
1、办理现金收付。
"""

EN_OUTLINE = """# Front office

## Org chart

- Office Manager
  - Receptionist
  - Mail Clerk

## Office Manager

### Responsibilities

- Plan the office budget.

## Receptionist

### Responsibilities

- Greet visitors.

## Mail Clerk

### Responsibilities

- Sort the incoming mail.
"""

EN_ARROWS = """## Reporting structure

Volunteer Coordinator → supports Event Chair
Event Chair / Treasurer

## Event Chair

### Responsibilities

- Run the event.

## Volunteer Coordinator

### Responsibilities

- Recruit volunteers.

## Treasurer

### Responsibilities

- Keep the accounts.
"""


def _chart_edges(model: OrgModel) -> set[tuple[str, str]]:
    names = {p.id: p.label for p in model.posts} | {f"role:{r.key}": r.zh for r in model.roles}
    return {(names[line.subordinate], names[line.superior]) for line in model.reporting if line.basis == "chart"}


def _model(tmp_path: Path, text: str, name: str) -> OrgModel:
    source = tmp_path / name
    source.write_text(text, encoding="utf-8")
    return build(BuildOptions(sources=(source,), out=tmp_path / "out", validate=True)).model


def test_a_box_drawn_tree_is_read_as_chart_links(tmp_path: Path) -> None:
    doc = read_text(tmp_path, ZH_TREE)
    chart = {(c.subordinate, c.superior, c.line) for c in doc.organizations[0].chart}
    assert chart == {("销售经理", "总经理", 3), ("销售顾问", "销售经理", 4), ("财务经理", "总经理", 5), ("出纳", "财务经理", 6)}
    assert [p.name for p in doc.organizations[0].posts] == ["销售经理", "销售顾问", "财务经理", "出纳"]
    assert {u.line: u.kind for u in doc.uses if u.line <= 6} == {n: "chart" for n in range(1, 7)}


def test_chart_links_become_reporting_lines_to_posts_and_to_a_role(tmp_path: Path) -> None:
    model = _model(tmp_path, ZH_TREE, "chart.txt")
    edges = _chart_edges(model)
    # 总经理 has no job description here: the chart's line to it goes to the role
    assert ("销售顾问", "销售经理") in edges and ("出纳", "财务经理") in edges
    assert {sub for sub, sup in edges if sup == "总经理"} == {"销售经理", "财务经理"}
    line = next(r for r in model.reporting if r.basis == "chart" and r.cue == "出纳 → 财务经理")
    assert line.line == 6 and line.evidence == line.subordinate  # the post itself is the evidence


def test_a_nested_outline_under_an_org_chart_heading(tmp_path: Path) -> None:
    model = _model(tmp_path, EN_OUTLINE, "office.md")
    assert [p.label for p in model.posts] == ["Office Manager", "Receptionist", "Mail Clerk"]
    assert _chart_edges(model) == {("Receptionist", "Office Manager"), ("Mail Clerk", "Office Manager")}


def test_arrows_and_slash_chains(tmp_path: Path) -> None:
    model = _model(tmp_path, EN_ARROWS, "event.md")
    assert _chart_edges(model) == {("Volunteer Coordinator", "Event Chair"), ("Treasurer", "Event Chair")}
