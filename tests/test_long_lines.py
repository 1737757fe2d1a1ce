"""A very long line is read in pieces cut at clause ends, every piece on that line's number."""

from __future__ import annotations

from pathlib import Path

from graph.read.text import LONG_LINE, PIECE, long_line_pieces
from tests.conftest import read_text


def test_pieces_are_cut_after_a_clause_and_lose_no_text() -> None:
    text = "负责接待客户；" * 1_000  # 7,000 characters, a clause every 7
    pieces = long_line_pieces(text)
    assert "".join(pieces) == text
    assert all(len(p) <= PIECE and p.endswith("；") for p in pieces)


def test_a_line_without_clause_ends_is_cut_hard() -> None:
    text = "甲" * (PIECE * 3 + 5)
    assert [len(p) for p in long_line_pieces(text)] == [PIECE, PIECE, PIECE, 5]


def test_a_long_line_in_a_document_gives_duties_on_its_line(tmp_path: Path) -> None:
    unit = "负责门店的日常管理工作；"  # 12 characters
    body = unit * (LONG_LINE // len(unit) + 200)
    doc = read_text(tmp_path, "出纳岗位职责\n1、" + body + "\n2、保管印章。\n")
    post = doc.organizations[0].posts[0]
    assert {d.line for d in post.duties[:-1]} == {2}
    assert post.duties[-1].text == "保管印章。" and post.duties[-1].line == 3
    # no text is lost: the pieces hold the whole line, less the clause marks a duty's end drops
    assert "".join(d.text for d in post.duties[:-1]).replace("；", "") == body.replace("；", "")
    assert {u.line for u in doc.uses} == {1, 2, 3}
