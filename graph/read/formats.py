"""One entry point for files that are not plain text: Word, Excel, PDF and web pages.

``read_formatted(path, data)`` tells the format from the bytes as well as the name, refuses formats
rolegraph does not read with the command that converts them, and gives lines with one ``Mark`` each.
Plain text (``.txt``, ``.md`` …) gets ``None``: the text reader reads it.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from graph.errors import SourceError
from graph.model import Mark

TEXT_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".rst", ".text", ""})
WORD_SUFFIXES = frozenset({".docx"})
EXCEL_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xls"})
PDF_SUFFIXES = frozenset({".pdf"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | WORD_SUFFIXES | EXCEL_SUFFIXES | PDF_SUFFIXES | HTML_SUFFIXES

CONVERT = "libreoffice --headless --convert-to {to} FILE"
# Formats refused by name: what they are, and what to convert them to.
REFUSED = {
    ".doc": ("a Word 97-2003 document (.doc)", "docx"),
    ".wps": ("a WPS Writer document (.wps)", "docx"),
    ".rtf": ("a Rich Text document (.rtf)", "docx"),
    ".odt": ("an OpenDocument text (.odt)", "docx"),
    ".pages": ("an Apple Pages document (.pages)", "docx"),
    ".et": ("a WPS Spreadsheets workbook (.et)", "xlsx"),
    ".ods": ("an OpenDocument spreadsheet (.ods)", "xlsx"),
    ".numbers": ("an Apple Numbers workbook (.numbers)", "xlsx"),
    ".pptx": ("a PowerPoint presentation", "pdf"),
    ".ppt": ("a PowerPoint presentation", "pdf"),
}
# What the bytes are, for files refused by their content whatever their name.
CONTENT_NAMES = {
    "ole2": ("an old binary Office document (Word 97-2003 .doc or .wps)", "docx"),
    "rtf": ("a Rich Text document (RTF)", "docx"),
    "odf": ("an OpenDocument file", "docx"),
    "pages": ("an Apple Pages document", "docx"),
    "pptx": ("a PowerPoint presentation", "pdf"),
}
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
KIND_NAMES = {"docx": "a Word file", "xlsx": "an Excel workbook", "pdf": "a PDF", "html": "a web page"}


@dataclass(frozen=True)
class Formatted:
    """A formatted file read into lines, one mark per line, and what was left out on purpose."""

    lines: tuple[str, ...]
    marks: tuple[Mark, ...]
    encoding: str
    dropped: tuple[tuple[str, int], ...] = ()


def read_formatted(path: Path, data: bytes) -> Formatted | None:
    """Lines and marks of a Word, Excel, PDF or HTML file; ``None`` for plain text.

    The bytes decide: a file named ``.doc`` that is a current Word file is read as one; a ``.docx``
    holding plain text is refused with the advice to rename it.
    """
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        return None
    if not data.strip():
        raise SourceError(f"{path}: the file is empty")
    content = sniff(data)
    if content in READABLE:
        return read_kind(path, data, content)
    if content == "html":  # a saved web page, also one named .doc or .xls as old exports do
        return read_kind(path, data, "html")
    if content == "ole2":
        refuse_ole2(path, suffix, data)
        return read_kind(path, data, "xls")
    if content in ("rtf", "odf", "pages", "pptx") or suffix in REFUSED:
        refuse(path, suffix, content)
    if suffix not in SUPPORTED_SUFFIXES:
        return None  # not a format of ours: the text reader reads it, or refuses binary data
    wanted = suffix_kind(suffix)
    if wanted == "html" and content == "text" and _MARKUP.search(data[:8192]):
        return read_kind(path, data, "html")
    raise SourceError(mismatch(path, wanted, content))


READABLE = frozenset({"docx", "xlsx", "pdf"})
_MARKUP = re.compile(rb"<(?:p|div|h[1-6]|ul|ol|li|table|br|span|b|strong)\b", re.IGNORECASE)


def suffix_kind(suffix: str) -> str:
    if suffix in WORD_SUFFIXES:
        return "docx"
    if suffix in EXCEL_SUFFIXES:
        return "xlsx"
    return "pdf" if suffix in PDF_SUFFIXES else "html"


def read_kind(path: Path, data: bytes, kind: str) -> Formatted:
    if kind == "xls":
        from graph.read.xlsx import read_xls

        return formatted(path, read_xls(path, data), "xls", ())
    if kind == "docx":
        from graph.read.docx import read_docx

        pairs, dropped = read_docx(path, data)
        return formatted(path, pairs, "docx", dropped)
    if kind == "xlsx":
        from graph.read.xlsx import read_xlsx

        pairs, hidden = read_xlsx(path, data)
        return formatted(path, pairs, "xlsx", (("hidden sheet", hidden),))
    if kind == "pdf":
        from graph.read.pdf import read_pdf

        pairs, dropped = read_pdf(path, data)
        return formatted(path, pairs, "pdf", dropped)
    from graph.read.html import read_html

    pairs, dropped, charset = read_html(path, data)
    return formatted(path, pairs, f"html ({charset})", dropped)


def formatted(path: Path, pairs: list[tuple[str, Mark]], encoding: str, dropped: tuple[tuple[str, int], ...]) -> Formatted:
    if not any(text.strip() or mark.kind == "field" for text, mark in pairs):
        raise SourceError(f"{path}: the {encoding} file holds no text")
    return Formatted(
        lines=tuple(text for text, _ in pairs),
        marks=tuple(mark for _, mark in pairs),
        encoding=encoding,
        dropped=tuple((what, n) for what, n in dropped if n),
    )


def sniff(data: bytes) -> str:
    """What the bytes are: docx, xlsx, odf, pages, pptx, zip, ole2, pdf, rtf, html, text or binary."""
    head = data[:4096]
    if head.startswith(ZIP_MAGIC):
        return zip_kind(data)
    if head.startswith(OLE2_MAGIC):
        return "ole2"
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{\\rtf"):
        return "rtf"
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "binary"
    lowered = head.lower()
    if (
        lowered.lstrip(b"\xef\xbb\xbf \t\r\n").startswith((b"<!doctype html", b"<html"))
        or b"<html" in lowered
        or b"<body" in lowered
    ):
        return "html"
    return "text"


def zip_kind(data: bytes) -> str:
    import io

    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except (zipfile.BadZipFile, NotImplementedError, OSError, ValueError):
        return "zip"  # corrupt: the format reader says so
    if "[Content_Types].xml" in names:
        if "word/document.xml" in names or any(n.startswith("word/") for n in names):
            return "docx"
        if any(n.startswith("xl/") for n in names):
            return "xlsx"
        if any(n.startswith("ppt/") for n in names):
            return "pptx"
    if "mimetype" in names:
        return "odf"
    if "index.xml" in names or any(n.startswith("Index/") for n in names):
        return "pages"
    return "zip-other"


def refuse_ole2(path: Path, suffix: str, data: bytes) -> None:
    """An OLE2 compound file: a password-protected Office file, an .xls (read by xlrd), or refused."""
    if "EncryptedPackage".encode("utf-16-le") in data:
        raise SourceError(
            f"{path}: a password-protected Office file; rolegraph cannot open it. Open it, remove the password "
            "(File > Info > Protect Document > Encrypt with Password, empty) and save it again"
        )
    if suffix not in EXCEL_SUFFIXES:
        refuse(path, suffix, "ole2")


def refuse(path: Path, suffix: str, content: str) -> None:
    """Raise the error that names a format rolegraph does not read and how to convert it."""
    what, to = CONTENT_NAMES.get(content) or REFUSED.get(suffix) or (f"a {suffix or 'binary'} file", "docx")
    if content == "ole2" and suffix in REFUSED:
        what, to = REFUSED[suffix]
    command = CONVERT.format(to=to).replace("FILE", str(path))
    raise SourceError(f"{path}: {what}, which rolegraph does not read; convert it first: {command}")


def mismatch(path: Path, wanted: str, content: str) -> str:
    name = KIND_NAMES[wanted]
    if content == "text":
        return f"{path}: is not {name}: it holds plain text; rename it to .txt"
    if content == "zip":
        return f"{path}: a corrupt or truncated {name.split(' ', 1)[1]} (its zip cannot be opened); open it and save it again"
    if content == "zip-other":
        return f"{path}: is not {name}: it is a zip archive of other files; unpack it and read the files inside"
    return f"{path}: is not {name}: it holds binary data of another kind; open it where it was made and save it as {name}"
