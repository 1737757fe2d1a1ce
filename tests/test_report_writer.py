"""build-report.json is written a document at a time, in the bytes of the whole report
written at once: the lists of every line's use are never held whole."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graph.model import LineUse, Source
from graph.report import UNUSED_KINDS, Account, write_report

KINDS = ["duty", "post", "unused", "empty", "noise", "heading"]


def _account(name: str, uses: list[tuple[int, str, str]]) -> Account:
    source = Source(Path("/corpus") / name, name, "0" * 64, "utf-8", len(uses))
    return Account(source, tuple(LineUse(line, kind, detail) for line, kind, detail in uses), (), 0, ())


def _whole(report: dict[str, object], accounts: list[Account]) -> bytes:
    """The report as one ``json.dumps``, every list made whole: what the file must hold."""
    lines = [{"file": a.source.path.name, "line": u.line, "kind": u.kind, "detail": u.detail} for a in accounts for u in a.uses]
    whole = {**report, "unused_lines": [e for e in lines if e["kind"] in UNUSED_KINDS], "lines": lines}
    return (json.dumps(whole, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _report() -> dict[str, object]:
    """A report's shape: a top-level key before, between and after the two lists, and a nested
    "lines" (the counts') that is not one of them."""
    return {
        "rolegraph": "0",
        "counts": {"lines": {"duty": 2}, "posts": 1},
        "unused_lines": None,
        "warnings": ["在总经理的领导下\n"],
        "lines": None,
        "outputs": ["org.ttl"],
    }


def test_two_documents_are_written_as_the_whole_report(tmp_path: Path) -> None:
    accounts = [
        _account("store-a.txt", [(1, "post", "服务经理"), (2, "duty", ""), (3, "empty", "")]),
        _account("empty.txt", []),  # a document with no lines: nothing of it in either list
        _account("store-b.txt", [(1, "unused", 'a "quoted" line\twith a tab'), (2, "duty", "")]),
    ]
    write_report(_report(), accounts, tmp_path / "build-report.json")
    written = (tmp_path / "build-report.json").read_bytes()
    assert written == _whole(_report(), accounts)
    listed = json.loads(written)
    assert [(e["file"], e["line"]) for e in listed["unused_lines"]] == [("store-a.txt", 3), ("store-b.txt", 1)]
    assert len(listed["lines"]) == 5 and listed["counts"]["lines"] == {"duty": 2}


def test_no_lines_at_all_are_two_empty_lists(tmp_path: Path) -> None:
    write_report(_report(), [_account("empty.txt", [])], tmp_path / "r.json")
    listed = json.loads((tmp_path / "r.json").read_bytes())
    assert listed["unused_lines"] == [] and listed["lines"] == []
    assert (tmp_path / "r.json").read_bytes() == _whole(_report(), [_account("empty.txt", [])])


def test_a_report_without_a_place_for_its_lines_is_refused(tmp_path: Path) -> None:
    report = {k: v for k, v in _report().items() if k != "lines"}
    with pytest.raises(ValueError, match="no place for its 'lines'"):
        write_report(report, [], tmp_path / "r.json")


_uses = st.lists(st.tuples(st.integers(1, 10**6), st.sampled_from(KINDS), st.text(max_size=12)), max_size=6)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["a.txt", "岗位职责.docx", "b.md"]), _uses), max_size=5))
def test_any_documents_are_written_as_the_whole_report(tmp_path_factory: pytest.TempPathFactory, docs: list) -> None:
    accounts = [_account(name, uses) for name, uses in docs]
    path = tmp_path_factory.mktemp("report") / "build-report.json"
    write_report(_report(), accounts, path)
    assert path.read_bytes() == _whole(_report(), accounts)
