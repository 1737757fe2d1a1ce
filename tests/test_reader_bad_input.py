"""Hostile or odd input to the reader: numerals, line separators, encodings, NUL bytes, folders."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from graph.cli import main
from graph.errors import SourceError
from graph.read.numbering import chinese_number, split_duties
from graph.read.source import read_source
from tests.conftest import read_text

DIGITS = "零一二三四五六七八九"


def chinese(n: int) -> str:
    """1..9999 written the way a document numbers its items (一百零五, 三千零二十, 十三)."""
    parts: list[str] = []
    zero = False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // value % 10
        if digit:
            if zero and parts:
                parts.append("零")
            parts.append(("" if unit == "十" and digit == 1 and not parts else DIGITS[digit]) + unit)
            zero = False
        elif parts:
            zero = True
    return "".join(parts)


@pytest.mark.parametrize(
    ("text", "value"), [("一", 1), ("十", 10), ("十三", 13), ("二十一", 21), ("一百零五", 105), ("三千零二十", 3020)]
)
def test_chinese_numerals_by_hand(text: str, value: int) -> None:
    assert chinese_number(text) == value


@given(st.integers(min_value=1, max_value=9999))
def test_every_number_written_in_chinese_reads_back(n: int) -> None:
    assert chinese_number(chinese(n)) == n


@pytest.mark.parametrize("text", ["十十", "九九", "百百", "千", "零零", "一二", "十百"])
def test_what_is_not_a_numeral_is_none(text: str) -> None:
    assert chinese_number(text) is None


@given(st.text(alphabet="零〇一二三四五六七八九十百千两、.()（）1234567890负责。；", max_size=40))
def test_the_duty_splitter_never_raises(text: str) -> None:
    for number, duty in split_duties(text, 0):
        assert isinstance(number, str) and isinstance(duty, str)


def test_ten_ten_is_a_marker_whose_number_cannot_be_read(tmp_path: Path) -> None:
    doc = read_text(tmp_path, "出纳岗位职责\n十十、登记现金日记账\n2、保管印章\n")
    duties = doc.organizations[0].posts[0].duties
    assert [(d.number, d.text) for d in duties] == [("十十", "登记现金日记账"), ("2", "保管印章")]
    assert "doc.txt:2: duty of 出纳 has no number; read as number 1" in doc.warnings


def test_line_separators_inside_a_line_keep_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "doc.txt"
    path.write_text("出纳岗位职责\n1、登记\u2028现金日记账\n2、保管\x0c印章\n3、盘点\u0085现金\n", encoding="utf-8")
    source = read_source(path)
    assert len(source.lines) == 4
    doc = read_text(tmp_path, path.read_text(encoding="utf-8"))
    assert [d.line for d in doc.organizations[0].posts[0].duties] == [2, 3, 4]


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_is_read(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "doc.txt"
    path.write_bytes("出纳岗位职责\n1、登记现金日记账\n2、保管印章\n".encode(encoding))
    source = read_source(path)
    assert source.encoding == encoding and source.lines[1] == "1、登记现金日记账"


def test_a_nul_byte_after_the_first_8_kb_is_refused_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "doc.txt"
    body = "出纳岗位职责\n" + "1、登记现金日记账。\n" * 1000
    path.write_bytes(body.encode() + b"2\x00\n")
    with pytest.raises(SourceError, match=r"doc.txt:1002: binary data \(NUL bytes\)"):
        read_source(path)


def test_a_folder_build_skips_hidden_folders_and_other_files(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    for folder in (".git", ".venv", "store"):
        (docs / folder).mkdir(parents=True)
    (docs / ".git" / "config.txt").write_text("出纳岗位职责\n1、不应读到\n", encoding="utf-8")
    (docs / ".venv" / "readme.md").write_text("出纳岗位职责\n1、不应读到\n", encoding="utf-8")
    (docs / "store" / "roles.txt").write_text("出纳岗位职责\n1、登记现金日记账\n", encoding="utf-8")
    (docs / "store" / "Makefile").write_text("all:\n", encoding="utf-8")
    (docs / "store" / "logo.png").write_bytes(b"\x89PNG")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(docs), "--out", str(out), "--no-validate", "--no-cache"])
    assert result.exit_code == 0, result.output
    report = json.loads((out / "build-report.json").read_text(encoding="utf-8"))
    assert [s["file"] for s in report["sources"]] == ["roles.txt"]
    skipped = {Path(s["file"]).name: s["reason"] for s in report["skipped_files"]}
    assert skipped == {
        ".git": "hidden folder",
        ".venv": "hidden folder",
        "Makefile": "no suffix: not known to be a document",
        "logo.png": "'.png' is not a document type rolegraph reads",
    }


def test_unused_lines_are_said_on_stderr_with_their_count(tmp_path: Path) -> None:
    source = tmp_path / "roles.txt"
    source.write_text("公司简介\n我们成立于二〇〇一年。\n出纳岗位职责\n1、登记现金日记账\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(source), "--out", str(tmp_path / "out"), "--no-validate", "--no-cache"])
    assert result.exit_code == 0, result.output
    assert "note: 2 lines were not read as part of a position" in result.output


def test_a_position_heading_longer_than_24_characters_is_its_own_position(tmp_path: Path) -> None:
    heading = "华东区域某某汽车销售服务有限公司售后服务部高级服务顾问岗位职责"  # 27 characters before 岗位职责
    doc = read_text(tmp_path, f"出纳岗位职责\n1、收款。\n{heading}\n1、接待客户。\n2、登记维修。\n")
    posts = [(p.name, len(p.duties), p.department) for p in doc.organizations[0].posts]
    assert posts == [("出纳", 1, None), ("售后服务部高级服务顾问", 2, "售后服务部")]


def test_a_part_heading_is_a_department_not_another_organization(tmp_path: Path) -> None:
    text = (
        "第一篇:某店岗位职责\n第一部分 管理层\n总经理岗位职责\n1、主持全面工作。\n"
        "第二部分 销售部\n销售经理岗位职责\n1、完成销售指标。\n"
    )
    doc = read_text(tmp_path, text)
    assert len(doc.organizations) == 1
    assert [(p.name, p.department) for p in doc.organizations[0].posts] == [("总经理", "管理层"), ("销售经理", "销售部")]
