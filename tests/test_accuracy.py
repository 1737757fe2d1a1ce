"""The accuracy scorer (bench/accuracy.py): name and duty matching, and the figures it gives,
on gold dicts and small models or documents written here."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from bench import accuracy
from bench.accuracy import (
    DocumentScore,
    add_up,
    match_positions,
    normalize_duty,
    normalize_name,
    same_boundary,
    score_dirs,
    score_document,
)
from graph.model import Department, Duty, OrgModel, Post, ReportingLine, Role
from graph.script import normalize

# --- small models ---------------------------------------------------------------------------

DEPARTMENTS = (
    Department("sales", "dept:sales", "销售部", "Sales"),
    Department("finance", "dept:finance", "财务部", "Finance"),
)
ROLES = (
    Role("general-manager", "role:gm", "总经理", "General Manager", 1, "sales", aliases=("总裁",)),
    Role("sales-manager", "role:sm", "销售经理", "Sales Manager", 3, "sales"),
    Role("new-1", "role:new-1", "展厅接待", "Showroom Host", 7, "sales"),
    Role("new-2", "role:new-2", "门卫", "Guard", 7, "sales"),
)


def make_post(index: int, name: str, duties: list[str], role: str = "new-1", department: str = "sales") -> Post:
    post_id = f"post/t/1/{index}"
    return Post(
        id=post_id,
        source="t",
        org_id="org/t/1",
        index=index,
        name_written=name,
        label=normalize(name),
        role=role,
        department=department,
        line=index * 10,
        duties=tuple(
            Duty(f"duty/t/1/{index}/{n}", post_id, n, f"{n}.", text, text, index * 10 + n) for n, text in enumerate(duties, 1)
        ),
    )


def make_model(posts: list[Post], reporting: Sequence[tuple[str, str]] = ()) -> OrgModel:
    lines = tuple(ReportingLine(f"r{i}", sub, sup, "e", "cue", "explicit") for i, (sub, sup) in enumerate(reporting))
    return OrgModel(
        sources=(),
        organizations=(),
        posts=tuple(posts),
        roles=ROLES,
        departments=DEPARTMENTS,
        themes=(),
        reporting=lines,
        overlaps=(),
        clusters=(),
    )


def position(name: str, duties: int, first: str | None, last: str | None, **extra: Any) -> dict[str, Any]:
    return {
        "name": name,
        "duties": duties,
        "first_duty": first,
        "last_duty": last,
        "reports_to": extra.get("reports_to", []),
        "department": extra.get("department"),
    }


# --- names ----------------------------------------------------------------------------------


def test_names_traditional_and_simplified_are_the_same() -> None:
    assert normalize_name("收銀員") == normalize_name("收银员") == "收银员"
    assert normalize_name("銷售 經理") == "销售经理"


def test_names_lose_their_suffix_gloss_punctuation_and_case() -> None:
    assert normalize_name("保安队长岗位职责：") == "保安队长"
    assert normalize_name("销售顾问职责") == "销售顾问"
    assert normalize_name("前台岗位") == "前台"
    assert normalize_name("职责") == "职责"  # nothing would be left: kept
    assert normalize_name("总经理 (General Manager)") == "总经理"
    assert normalize_name("收銀(開票)員") == "收银员"  # Traditional and a gloss inside the name
    assert normalize_name("Cultivator (aka Meeting Chair)") == "cultivator"
    assert normalize_name("  Software-Engineer ") == "softwareengineer"
    assert normalize_name("（一）") == "一"  # only a gloss: its text is kept


def test_duty_texts_lose_their_number_or_bullet() -> None:
    assert normalize_duty("1. 负责展厅接待。") == normalize_duty("负责展厅接待") == "负责展厅接待"
    assert normalize_duty("（二）负责展厅接待") == "负责展厅接待"
    assert normalize_duty("3、負責展廳接待;") == "负责展厅接待"
    assert normalize_duty("- 1. Keep the books.") == "keepthebooks"
    assert normalize_duty("第三条 负责晨检") == "负责晨检"
    assert normalize_duty("24小时值班") == "24小时值班"  # a number that is text, not a marker


def test_boundaries_equal_or_prefix_over_ninety_percent_of_the_shorter() -> None:
    assert same_boundary("1. Keep the minutes.", "Keep the minutes")
    # one a prefix of the other: the common prefix is all of the shorter one
    assert same_boundary("Keep the minutes", "Keep the minutes and the roll of members")
    # 'abcdefghij' (10) against 'abcdefghixyz': common prefix 9 = 90 % of 10 → same
    assert same_boundary("abcdefghij", "abcdefghixyz")
    # against 'abcdefghyz': common prefix 8 < 9 → not the same
    assert not same_boundary("abcdefghij", "abcdefghyz")
    assert not same_boundary("负责展厅接待", "")


def test_duplicate_gold_names_match_one_post_once() -> None:
    # two gold 销售顾问, one post: one pair, so 1 of 2 matched
    assert match_positions(["销售顾问", "销售顾问"], [frozenset({"销售顾问"})]) == {0: 0}
    # two of each: in order
    assert match_positions(["a1", "a1"], [frozenset({"a1"}), frozenset({"a1"})]) == {0: 0, 1: 1}


def test_exact_names_are_matched_before_containment() -> None:
    # '经理' is inside '销售经理' but equals the second post: the exact pass gives it that one
    found = [frozenset({"销售经理"}), frozenset({"经理"})]
    assert match_positions(["经理", "销售经理"], found) == {0: 1, 1: 0}
    # containment either way, but never on a single letter
    assert match_positions(["销售经理"], [frozenset({"高级销售经理"})]) == {0: 0}
    assert match_positions(["高级销售经理"], [frozenset({"销售经理"})]) == {0: 0}
    assert match_positions(["经"], [frozenset({"经理"})]) == {}


def test_a_gold_name_may_match_the_role_labels() -> None:
    # the post is written '主管' but its role is the pack's 销售经理 (en 'Sales Manager')
    model = make_model([make_post(1, "主管", ["x"], role="sales-manager")])
    gold = {"positions": [position("Sales Manager", 1, "x", "x")]}
    assert score_document(gold, model).matched == 1


# --- documents ------------------------------------------------------------------------------


def three_post_model() -> OrgModel:
    posts = [
        make_post(1, "銷售經理", ["1. 负责展厅销售。", "2. 制定计划", "3、完成交办的其他工作。"], role="sales-manager"),
        make_post(2, "展厅接待岗位职责", ["负责来访登记"], department="sales"),
        make_post(3, "门卫", ["看门"], role="new-2"),
    ]
    # 展厅接待 reports to the 销售经理 post; 销售经理 to the 总经理 role
    return make_model(posts, [("post/t/1/2", "post/t/1/1"), ("post/t/1/1", "role:general-manager")])


def three_position_gold(**extra: Any) -> dict[str, Any]:
    return {
        "source": "a kindergarten site",
        "form": "heading+numbered",
        "note": "",
        **extra,
        "positions": [
            position("销售经理", 3, "负责展厅销售", "完成交办的其他工作", reports_to=["总裁"], department="销售部"),
            position("展厅接待", 2, "负责来访登记", "负责整理资料", reports_to=["销售经理", "財務部"], department="Finance"),
            position("保洁员", 1, "打扫卫生", "打扫卫生", department="后勤部"),
        ],
    }


def test_score_of_a_document_worked_by_hand() -> None:
    score = score_document(three_position_gold(), three_post_model())
    rates = score.rates()
    # 销售经理 ↔ 銷售經理 (Traditional), 展厅接待 ↔ 展厅接待岗位职责 (suffix); 保洁员 and 门卫 unmatched
    assert (score.gold, score.found, score.matched) == (3, 3, 2)
    assert rates["recall"] == pytest.approx(2 / 3)
    assert rates["precision"] == pytest.approx(2 / 3)
    assert score.unmatched_gold == ["保洁员"]
    assert score.unmatched_found == ["门卫"]
    # duty counts: 销售经理 3 = 3, 展厅接待 1 ≠ 2 → 1 of 3 gold positions
    assert rates["exact_duties"] == pytest.approx(1 / 3)
    # boundaries: 销售经理 first and last (2), 展厅接待 first only (its last is its first) → 3 of 2 × 3
    assert score.boundary_hits == 3
    assert rates["boundaries"] == pytest.approx(0.5)
    # superiors: 总裁 is an alias of the 总经理 role (found), 销售经理 is the superior post (found),
    # 財務部 is not → 2 of 3
    assert (score.superiors_found, score.superiors_gold) == (2, 3)
    # departments: 销售部 = sales (found); Finance ≠ sales; 后勤部 not matched → 1 of 3
    assert (score.departments_found, score.departments_gold) == (1, 3)
    # not a dealership document, and all three posts sit in the pack's 'sales' department
    assert score.dealership_posts == 3


def test_dealership_documents_are_not_counted_as_misplaced() -> None:
    score = score_document(three_position_gold(note="a 4S店 handbook"), three_post_model())
    assert score.dealership_posts == 0


def test_a_post_without_duties_matches_a_gold_position_without_duties() -> None:
    model = make_model([make_post(1, "Eagle Advisor", [])])
    gold = {"positions": [position("Eagle Advisor", 0, None, None)]}
    score = score_document(gold, model)
    # 0 = 0 duties; both boundaries agree there are none → 2 of 2
    assert (score.matched, score.exact_posts, score.boundary_hits) == (1, 1, 2)


def test_a_failed_build_finds_nothing() -> None:
    score = score_document(three_position_gold(), None)
    assert (score.gold, score.found, score.matched) == (3, 0, 0)
    assert score.rates()["recall"] == 0.0
    assert score.rates()["precision"] is None  # nothing found: no precision
    assert (score.superiors_gold, score.departments_gold) == (3, 3)
    assert score.unmatched_gold == ["销售经理", "展厅接待", "保洁员"]


def test_totals_are_micro_averaged_over_gold_positions() -> None:
    # 1 of 1 and 1 of 3 matched: (1 + 1) / (1 + 3) = 0.5, not the mean of 1 and 1/3
    total = add_up([DocumentScore(gold=1, found=1, matched=1), DocumentScore(gold=3, found=1, matched=1)])
    assert (total.gold, total.found, total.matched) == (4, 2, 2)
    assert total.rates()["recall"] == 0.5
    assert total.rates()["precision"] == 1.0


# --- folders, through the library -------------------------------------------------------------

DOCUMENT = "销售经理岗位职责\n1、负责展厅的日常销售工作。\n2、制定月度销售计划。\n3、完成总经理交办的其他工作。\n"


def write_gold(folder: Path, stem: str) -> None:
    gold = {
        "source": "written for this test",
        "language": "zh-Hans",
        "form": "heading+numbered",
        "note": "",
        "positions": [position("销售经理", 3, "负责展厅的日常销售工作。", "完成总经理交办的其他工作。", reports_to=["总经理"])],
    }
    (folder / f"{stem}.gold.json").write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")


def test_every_document_beside_a_gold_is_a_variant(tmp_path: Path) -> None:
    inner = tmp_path / "zh"
    inner.mkdir()
    write_gold(inner, "01-sales")
    (inner / "01-sales.txt").write_text(DOCUMENT, encoding="utf-8")
    (inner / "01-sales.md").write_text(DOCUMENT, encoding="utf-8")
    (inner / "01-sales.docx").write_bytes(b"")  # empty: the build fails
    (inner / "01-salesman.txt").write_text(DOCUMENT, encoding="utf-8")  # another stem: not a variant
    report = score_dirs([tmp_path])
    by_suffix = {v.file.suffix: v for v in report.variants}
    assert sorted(by_suffix) == [".docx", ".md", ".txt"]
    failed = by_suffix[".docx"]
    assert failed.error is not None and "empty" in failed.error
    assert (failed.score.gold, failed.score.found, failed.score.matched) == (1, 0, 0)
    assert by_suffix[".txt"].error is None and by_suffix[".txt"].score.found >= 1
    # totals over the three variants: 3 gold positions
    assert report.total.gold == 3
    checks = {c.variant.suffix: c for c in report.checks}
    assert checks[".md"].same  # the same text reads the same
    assert not checks[".docx"].same and "failed" in checks[".docx"].detail


def test_an_unexpected_exception_is_recorded_not_raised(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_gold(tmp_path, "01-sales")
    (tmp_path / "01-sales.txt").write_text(DOCUMENT, encoding="utf-8")

    def broken(*_: object, **__: object) -> None:
        raise IndexError("reader bug")

    monkeypatch.setattr(accuracy, "build", broken)
    (variant,) = score_dirs([tmp_path]).variants
    assert variant.error == "unexpected IndexError: reader bug"
    assert variant.score.found == 0


def test_command_line_writes_json_and_checks_variants(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_gold(tmp_path, "01-sales")
    (tmp_path / "01-sales.txt").write_text(DOCUMENT, encoding="utf-8")
    (tmp_path / "01-sales.docx").write_bytes(b"")
    out = tmp_path / "figures.json"
    assert accuracy.main([str(tmp_path), "--json", str(out)]) == 0
    assert accuracy.main([str(tmp_path), "--variant-check"]) == 1  # the .docx does not read as the .txt
    table = capsys.readouterr().out
    assert "TOTAL" in table and "variant check" in table
    figures = json.loads(out.read_text(encoding="utf-8"))
    assert figures["total"]["gold"] == 2
    assert figures["total"]["exact_posts"] <= figures["total"]["gold"]
    keys = {"file", "error", "gold", "found", "matched", "recall", "precision", "exact_duties", "boundaries"}
    assert keys | {"superiors_found", "superiors_gold", "departments_found", "departments_gold"} <= set(figures["variants"][0])
    assert {"unmatched_gold", "unmatched_found"} <= set(figures["variants"][0])
    assert figures["variant_check"][0]["same"] is False


def test_no_gold_is_an_error(tmp_path: Path) -> None:
    assert accuracy.main([str(tmp_path)]) == 2
    assert accuracy.main([str(tmp_path / "missing")]) == 2
