"""Files a format reader must refuse, each with a message that names the file and the reason."""

from __future__ import annotations

import io
import os
import struct
import zipfile
from pathlib import Path

import pytest
from docx import Document

from graph.errors import SourceError
from graph.read.formats import read_formatted
from tests.test_formats import docx_bytes, pdf_bytes, xlsx_bytes


def refused(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(SourceError) as caught:
        read_formatted(path, data)
    message = str(caught.value)
    assert message.startswith(str(path)), message
    return message


def small_docx() -> bytes:
    doc = Document()
    doc.add_heading("出纳岗位职责", level=1)
    doc.add_paragraph("1、办理现金收付")
    return docx_bytes(doc)


def rebuilt(data: bytes, changes: dict[str, bytes]) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, changes.get(info.filename, source.read(info.filename)))
    return out.getvalue()


def test_corrupt_zip(tmp_path: Path) -> None:
    data = bytearray(small_docx())
    end = data.rfind(b"PK\x05\x06")
    data[end + 16 : end + 20] = struct.pack("<I", 0xFFFF0000)  # the central directory's offset points nowhere
    assert "corrupt or truncated Word file" in refused(tmp_path, "出纳.docx", bytes(data))


def test_truncated_zip(tmp_path: Path) -> None:
    data = small_docx()
    message = refused(tmp_path, "出纳.docx", data[: len(data) // 2])
    assert "corrupt or truncated Word file" in message and "save it again" in message


def test_damaged_member_is_refused_not_a_traceback(tmp_path: Path) -> None:
    data = bytearray(small_docx())
    start = data.find(b"word/document.xml") + len("word/document.xml") + 40  # inside its compressed bytes
    data[start : start + 40] = b"\x00" * 40
    assert "Word file" in refused(tmp_path, "出纳.docx", bytes(data))


def test_zip_bomb_by_declared_size_is_refused_before_inflating(tmp_path: Path) -> None:
    data = bytearray(small_docx())
    # Forge the central directory: document.xml says it inflates to 1 GB.
    entry = data.find(b"PK\x01\x02")
    while entry != -1:
        name_length = struct.unpack_from("<H", data, entry + 28)[0]
        if data[entry + 46 : entry + 46 + name_length] == b"word/document.xml":
            struct.pack_into("<I", data, entry + 24, 2**30)
        entry = data.find(b"PK\x01\x02", entry + 4)
    message = refused(tmp_path, "bomb.docx", bytes(data))
    assert "zip bomb" in message and "over the 200 MB limit" in message


def test_zip_bomb_by_compression_ratio(tmp_path: Path) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        for info in zipfile.ZipFile(io.BytesIO(small_docx())).infolist():
            bomb.writestr(info.filename, zipfile.ZipFile(io.BytesIO(small_docx())).read(info.filename))
        with bomb.open("word/media/zeros.bin", "w") as member:  # 50 MB of zeros, written in chunks
            chunk = b"\x00" * 2**20
            for _ in range(50):
                member.write(chunk)
    data = out.getvalue()
    assert len(data) < 200_000
    message = refused(tmp_path, "bomb.docx", data)  # refused before inflating: no 50 MB read
    assert "word/media/zeros.bin" in message and "to 1" in message


def test_entity_expansion_in_document_xml(tmp_path: Path) -> None:
    data = small_docx()
    document = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml")
    lol = b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    body = lol + document.split(b"?>", 1)[1].replace(b"\xe5\x87\xba\xe7\xba\xb3", b"&b;", 1)
    message = refused(tmp_path, "出纳.docx", rebuilt(data, {"word/document.xml": body}))
    assert "word/document.xml" in message and "DTD or entities" in message


def test_docx_that_is_a_renamed_text_file(tmp_path: Path) -> None:
    message = refused(tmp_path, "出纳.docx", "岗位名称:出纳\n1、办理现金收付\n".encode())
    assert "is not a Word file: it holds plain text; rename it to .txt" in message


def test_pdf_that_is_a_renamed_text_file(tmp_path: Path) -> None:
    assert "is not a PDF: it holds plain text" in refused(tmp_path, "出纳.pdf", b"Job title: Receptionist\n")


def test_macro_enabled_word_file_says_to_save_it_as_docx(tmp_path: Path) -> None:
    data = small_docx()
    types = zipfile.ZipFile(io.BytesIO(data)).read("[Content_Types].xml")
    macro = types.replace(
        b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        b"application/vnd.ms-word.document.macroEnabled.main+xml",
    )
    message = refused(tmp_path, "出纳.docm", rebuilt(data, {"[Content_Types].xml": macro}))
    assert "not a readable Word file" in message and "save it again as .docx" in message


def test_password_protected_office_file(tmp_path: Path) -> None:
    # An encrypted .docx is an OLE2 compound file holding an EncryptedPackage stream.
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 512
    message = refused(tmp_path, "出纳.docx", data)
    assert "password-protected Office file" in message and "save it again" in message


@pytest.mark.parametrize(
    ("name", "data", "what"),
    [
        ("出纳.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1024, "Word 97-2003"),
        ("出纳.wps", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1024, "WPS Writer"),
        ("出纳.rtf", b"{\\rtf1\\ansi \\b Job title\\b0: Receptionist}", "Rich Text"),
        ("出纳.pages", b"PK\x05\x06" + b"\x00" * 18, "Apple Pages"),
        ("出纳.odt", b"PK\x05\x06" + b"\x00" * 18, "OpenDocument"),
        ("出纳.txt.rtf", b"{\\rtf1 hello}", "Rich Text"),
    ],
)
def test_formats_rolegraph_does_not_read_say_how_to_convert(tmp_path: Path, name: str, data: bytes, what: str) -> None:
    message = refused(tmp_path, name, data)
    assert what in message
    assert "libreoffice --headless --convert-to" in message


def test_xlsx_without_header_row_or_text(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "岗位"
    book.active["B3"] = "   "
    book.active["C4"].number_format = "0.00"
    message = refused(tmp_path, "空表.xlsx", xlsx_bytes(book))
    assert "no sheet has a header row" in message and "岗位" in message


def test_xlsx_with_only_100000_empty_rows_is_refused(tmp_path: Path) -> None:
    # how long it takes is for a benchmark; a timed assertion fails on a loaded machine
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Sheet1")
    for _ in range(100_000):
        sheet.append([None, None])
    data = xlsx_bytes(book)
    message = refused(tmp_path, "empty.xlsx", data)
    assert "Sheet1" in message


def test_pdf_without_a_text_layer(tmp_path: Path) -> None:
    message = refused(tmp_path, "scan.pdf", pdf_bytes([[]]))
    assert "has no text layer (a scan?)" in message and "ocrmypdf" in message


def test_damaged_pdf(tmp_path: Path) -> None:
    message = refused(
        tmp_path, "broken.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 9 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF"
    )
    assert "PDF" in message


def test_html_with_nothing_but_scripts_and_navigation(tmp_path: Path) -> None:
    page = b"<html><head><script>x()</script></head><body><nav><a href='/'>Home</a></nav><script>y()</script></body></html>"
    message = refused(tmp_path, "empty.html", page)
    assert "holds no text" in message and "2 script" in message and "1 navigation" in message


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a file whatever its mode")
def test_file_that_cannot_be_read(tmp_path: Path) -> None:
    from graph.read.source import read_source

    path = tmp_path / "出纳.docx"
    path.write_bytes(small_docx())
    path.chmod(0)
    try:
        if os.access(path, os.R_OK):
            pytest.skip("this user can read a file of mode 000")
        with pytest.raises(SourceError, match="cannot read"):
            read_source(path)
    finally:
        path.chmod(0o644)


def test_damaged_copies_of_good_files_give_source_errors_only(tmp_path: Path) -> None:
    """Truncated, overwritten and cut copies of a good file of each format: a SourceError or lines, never a traceback."""
    import random

    from openpyxl import Workbook

    from tests.test_formats import PAGE

    book = Workbook()
    book.active.append(["岗位名称", "岗位职责"])
    book.active.append(["出纳", "1、办理现金收付"])
    samples = {"a.docx": small_docx(), "a.xlsx": xlsx_bytes(book), "a.pdf": pdf_bytes([["出纳岗位职责", "1、办理现金收付"]])}
    samples["a.html"] = PAGE.encode()
    rng = random.Random(12)
    for name, data in samples.items():
        for trial in range(40):
            damaged = bytearray(data)
            if trial % 3 == 0:
                damaged = damaged[: rng.randrange(1, len(damaged))]
            elif trial % 3 == 1:
                for _ in range(rng.randint(1, 20)):
                    damaged[rng.randrange(len(damaged))] = rng.randrange(256)
            else:
                start = rng.randrange(len(damaged))
                del damaged[start : start + rng.randint(1, 200)]
            try:
                read_formatted(tmp_path / name, bytes(damaged))
            except SourceError as e:
                assert str(e).startswith(str(tmp_path / name))
