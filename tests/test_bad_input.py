"""Bad input gets a clear message naming the file, exit status 1, and never damages out/."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from graph.cli import main
from graph.errors import SourceError
from graph.read.source import read_source
from tests.conftest import read_text

GOOD = "出纳岗位职责\n1、登记现金日记账\n2、保管印章\n"


def _build(args: list[str]) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["build", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"   \n\n  ", "only white space"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "binary data"),
        (bytes(range(0x80, 0x100)) * 8, "undecodable bytes"),
        ("这是一段没有岗位标题的文字。\n第二行。\n".encode(), "no position found"),
    ],
    ids=["empty", "blank", "binary", "undecodable", "no-position"],
)
def test_unusable_input_exits_1_with_the_file_named(tmp_path: Path, content: bytes, message: str) -> None:
    source = tmp_path / "bad.txt"
    source.write_bytes(content)
    code, output = _build([str(source), "--out", str(tmp_path / "out")])
    assert code == 1
    assert "bad.txt" in output and message in output
    assert "Traceback" not in output
    assert not (tmp_path / "out").exists()


def test_a_failed_build_leaves_the_previous_output_as_it_was(tmp_path: Path) -> None:
    good, bad, out = tmp_path / "good.txt", tmp_path / "bad.txt", tmp_path / "out"
    good.write_text(GOOD, encoding="utf-8")
    bad.write_bytes(b"")
    assert _build([str(good), "--out", str(out)])[0] == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    code, _ = _build([str(good), str(bad), "--out", str(out)])
    assert code == 1
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.txt", "good.txt", "out"]  # no staging left


def test_a_50_mb_file_is_refused_with_its_size(tmp_path: Path) -> None:
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as f:
        line = ("1、负责销售工作。" * 10 + "\n").encode()
        f.write(b"\xe5\x87\xba\xe7\xba\xb3\xe5\xb2\x97\xe4\xbd\x8d\xe8\x81\x8c\xe8\xb4\xa3\n")
        f.write(line * (50 * 1024 * 1024 // len(line)))
    code, output = _build([str(huge), "--out", str(tmp_path / "out")])
    assert code == 1 and "huge.txt" in output and "50.0 MB" in output and "20 MB limit" in output and "--max-size" in output


@pytest.mark.parametrize(
    ("encoding", "bom", "expected"),
    [("utf-8", b"", "utf-8"), ("utf-8", b"\xef\xbb\xbf", "utf-8-sig"), ("gbk", b"", "gb18030"), ("big5", b"", "big5")],
)
def test_encodings(tmp_path: Path, encoding: str, bom: bytes, expected: str) -> None:
    text = "出納崗位職責\n1、登記現金日記賬,保管好印章和票據,每日核對庫存現金。\n2、辦理銀行結算業務。\n"
    path = tmp_path / "doc.txt"
    path.write_bytes(bom + text.encode(encoding))
    source = read_source(path)
    assert source.encoding == expected
    assert source.lines[1] == "1、登記現金日記賬,保管好印章和票據,每日核對庫存現金。"


def test_html_and_script_stay_text(tmp_path: Path) -> None:
    doc = read_text(tmp_path, "<b>出纳</b>岗位职责\n1、<script>alert(1)</script>登记日记账\n2、<img src=x onerror=alert(2)>\n")
    post = doc.organizations[0].posts[0]
    assert post.name == "<b>出纳</b>"
    assert [d.text for d in post.duties] == ["<script>alert(1)</script>登记日记账", "<img src=x onerror=alert(2)>"]


def test_missing_file_and_empty_folder(tmp_path: Path) -> None:
    code, output = _build([str(tmp_path / "nope.txt")])
    assert code == 1 and "nope.txt: no such file or folder" in output
    (tmp_path / "empty").mkdir()
    code, output = _build([str(tmp_path / "empty")])
    assert code == 1 and "folder holds no document rolegraph reads (.txt, .md, .rst, .docx, .xlsx, .pdf, .html)" in output


def test_read_source_raises_source_error(tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.write_bytes(b"")
    with pytest.raises(SourceError, match="x.txt: the file is empty"):
        read_source(path)
