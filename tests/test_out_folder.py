"""--out never costs a user a file: only a folder rolegraph wrote is replaced; killed builds are cleaned up."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from graph import report
from graph.cli import main
from graph.model import OrgModel
from graph.outfolder import MARKER, OUTPUT_FILES, remove_stale
from graph.report import csv_text, neutralise_cell, overlaps_csv

GOOD = "出纳岗位职责\n1、登记现金日记账\n2、保管印章\n"


def _build(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["build", "--no-validate", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def test_a_folder_of_the_users_files_is_refused_and_left_whole(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "roles.txt").write_text(GOOD, encoding="utf-8")
    (docs / "thesis.md").write_text("# my thesis\n", encoding="utf-8")
    code, output = _build(str(docs / "roles.txt"), "--out", str(docs))
    assert code == 2
    assert "holds the source" in output and "Traceback" not in output
    other = tmp_path / "other.txt"
    other.write_text(GOOD, encoding="utf-8")
    code, output = _build(str(other), "--out", str(docs))
    assert code == 2
    assert "files rolegraph did not write (roles.txt, thesis.md)" in output
    assert sorted(p.name for p in docs.iterdir()) == ["roles.txt", "thesis.md"]
    assert (docs / "thesis.md").read_text(encoding="utf-8") == "# my thesis\n"


def test_out_dot_is_refused_without_a_traceback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "roles.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "notes.txt").write_text("keep me", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, output = _build("roles.txt", "--out", ".")
    assert code == 2 and "Traceback" not in output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt", "roles.txt"]


def test_a_file_named_as_out_is_refused(tmp_path: Path) -> None:
    (tmp_path / "roles.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "out").write_text("a file", encoding="utf-8")
    code, output = _build(str(tmp_path / "roles.txt"), "--out", str(tmp_path / "out"))
    assert code == 2 and "is not a folder" in output
    assert (tmp_path / "out").read_text(encoding="utf-8") == "a file"


def test_a_folder_rolegraph_wrote_is_replaced_and_marked(tmp_path: Path) -> None:
    source, out = tmp_path / "roles.txt", tmp_path / "out"
    source.write_text(GOOD, encoding="utf-8")
    assert _build(str(source), "--out", str(out))[0] == 0
    assert sorted(p.name for p in out.iterdir()) == sorted([*OUTPUT_FILES, MARKER])
    (out / "org.ttl").write_text("stale", encoding="utf-8")
    assert _build(str(source), "--out", str(out))[0] == 0
    assert (out / "org.ttl").read_text(encoding="utf-8") != "stale"


def test_an_empty_folder_and_a_folder_of_outputs_only_are_replaced(tmp_path: Path) -> None:
    source = tmp_path / "roles.txt"
    source.write_text(GOOD, encoding="utf-8")
    empty = tmp_path / "empty"
    empty.mkdir()
    assert _build(str(source), "--out", str(empty))[0] == 0
    legacy = tmp_path / "legacy"  # written by a build from before the marker: the five outputs only
    legacy.mkdir()
    for name in OUTPUT_FILES:
        (legacy / name).write_text("old", encoding="utf-8")
    assert _build(str(source), "--out", str(legacy))[0] == 0
    assert (legacy / MARKER).is_file()


def test_staging_folders_of_dead_builds_are_removed_and_live_ones_kept(tmp_path: Path) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True)
    dead_pid = int(dead.stdout)
    out = tmp_path / "out"
    stale = tmp_path / f".out.staging-{dead_pid}-abc123"
    old = tmp_path / f".out.old-{dead_pid}"
    live = tmp_path / f".out.staging-{os.getppid()}-xyz"  # the test runner's parent is alive
    for folder in (stale, old, live):
        folder.mkdir()
        (folder / "org.ttl").write_text("partial", encoding="utf-8")
    assert remove_stale(out) == [stale, old]
    assert not stale.exists() and not old.exists()
    assert live.exists()


def test_sigterm_during_a_build_leaves_no_staging_folder(tmp_path: Path) -> None:
    source, out = tmp_path / "roles.txt", tmp_path / "out"
    source.write_text(GOOD, encoding="utf-8")
    script = (
        "import os, signal, sys\n"
        "import graph.pipeline as p\n"
        "real = p.serialized_pieces\n"
        "def emit(*a, **k):\n"
        "    os.kill(os.getpid(), signal.SIGTERM)\n"
        "    return real(*a, **k)\n"
        "p.serialized_pieces = emit\n"
        "from graph.cli import run\n"
        f"sys.argv = ['rolegraph', 'build', {str(source)!r}, '--out', {str(out)!r}, '--no-validate', '-q']\n"
        "run()\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 128 + 15, done.stderr
    assert "Traceback" not in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["roles.txt"]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ('=HYPERLINK("http://example.test","点击")', '\'=HYPERLINK("http://example.test","点击")'),
        ("+1 负责销售", "'+1 负责销售"),
        ("-负责接待", "'-负责接待"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t负责", "'\t负责"),
        ("负责=销售", "负责=销售"),
        ("0.85", "0.85"),
        (12, 12),
    ],
)
def test_csv_cells_that_start_like_a_formula_get_an_apostrophe(cell: object, expected: object) -> None:
    assert neutralise_cell(cell) == expected


def test_a_duty_written_as_a_formula_is_text_in_overlaps_csv(tmp_path: Path) -> None:
    source, out = tmp_path / "roles.txt", tmp_path / "out"
    duty = '=HYPERLINK("http://example.test","点击")负责登记现金日记账并核对'
    source.write_text(f"出纳岗位职责\n1、{duty}\n会计岗位职责\n1、{duty}\n", encoding="utf-8")
    assert _build(str(source), "--out", str(out))[0] == 0
    rows = list(csv.DictReader(io.StringIO((out / "overlaps.csv").read_text(encoding="utf-8-sig"))))
    assert rows, "the two duties say the same thing: one overlap"
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@")), value
        assert row["duty_a_text"] == "'" + duty and row["duty_b_text"] == "'" + duty


def test_overlaps_csv_of_an_empty_model_is_its_header() -> None:
    model = OrgModel((), (), (), (), (), (), (), (), ())
    assert overlaps_csv(model).splitlines() == [
        "overlap,score,shared_themes,post_a,post_a_label,role_a,organization_a,duty_a,duty_a_line,duty_a_text,"
        "post_b,post_b_label,role_b,organization_b,duty_b,duty_b_line,duty_b_text"
    ]


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60))
def test_a_csv_cell_reads_back_as_its_text_with_at_most_a_leading_apostrophe(text: str) -> None:
    cell = next(csv.reader(io.StringIO(csv_text([[text, "x"]]), newline="")))[0]
    assert cell == ("'" + text if text.startswith(("=", "+", "-", "@", "\t", "\r")) else text)


@given(
    st.lists(
        st.one_of(
            st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=20), st.integers(), st.floats(), st.none()
        ),
        min_size=1,
        max_size=8,
    )
)
def test_a_row_of_overlaps_csv_is_written_as_the_csv_writer_writes_it(cells: list[object]) -> None:
    """overlaps.csv joins its fields itself (a writer made for each of 744,360 rows took 1.9 s
    at 1,000 stores): the same bytes as Python's csv writer, quotes, commas, CR and LF included."""
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerow(cells)
    assert report._fields(cells) + "\r\n" == buffer.getvalue()


def test_fields_with_quotes_commas_and_line_ends_are_quoted_as_the_writer_quotes_them() -> None:
    assert report._fields(["a,b", 'say "hi"', "one\rtwo", "x\ny", "plain", 7, ""]) == (
        '"a,b","say ""hi""","one\rtwo","x\ny",plain,7,'
    )
    assert report._fields([""]) == '""'
