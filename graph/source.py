"""Read input documents: detect the encoding, refuse what is not text, keep line numbers."""

from __future__ import annotations

import hashlib
import logging
import re
import zipfile
from collections.abc import Iterable
from pathlib import Path

from graph.errors import SourceError
from graph.model import SourceText

log = logging.getLogger(__name__)

MAX_BYTES = 20 * 1024 * 1024
TEXT_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".text", ""})
DOCX_SUFFIX = ".docx"
# Encodings a 岗位职责 document comes in; charset-normalizer picks among them when UTF-8 fails.
CJK_ENCODINGS = ("gb18030", "big5", "utf_16")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def collect_sources(paths: Iterable[Path]) -> list[Path]:
    """Expand folders into the text and .docx files under them, sorted, and check each exists."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            inner = sorted(
                p
                for p in path.rglob("*")
                if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES | {DOCX_SUFFIX} and not p.name.startswith(".")
            )
            if not inner:
                raise SourceError(f"{path}: folder holds no .txt, .md or .docx file")
            found.extend(inner)
        elif path.is_file():
            found.append(path)
        else:
            raise SourceError(f"{path}: no such file or folder")
    return found


def read_source(path: Path, *, max_bytes: int = MAX_BYTES) -> SourceText:
    """Read one file into a ``SourceText``; raise ``SourceError`` with a clear reason."""
    try:
        size = path.stat().st_size
    except OSError as e:
        raise SourceError(f"{path}: cannot read ({e.strerror})") from None
    if size == 0:
        raise SourceError(f"{path}: the file is empty")
    if size > max_bytes:
        raise SourceError(
            f"{path}: the file is {size / 2**20:.1f} MB, over the {max_bytes / 2**20:.0f} MB limit "
            "for one document; split it or raise --max-size"
        )
    data = path.read_bytes()
    if path.suffix.lower() == DOCX_SUFFIX:
        text, encoding = _docx_text(path, data), "docx"
    else:
        text, encoding = decode_bytes(data, name=str(path))
    lines = tuple(text.splitlines())
    if not any(line.strip() for line in lines):
        raise SourceError(f"{path}: the file holds only white space")
    return SourceText(
        path=path,
        slug=slugify(path.stem),
        sha256=hashlib.sha256(data).hexdigest(),
        encoding=encoding,
        lines=lines,
    )


def decode_bytes(data: bytes, *, name: str) -> tuple[str, str]:
    """Decode UTF-8 (with or without BOM), GB18030/GBK or Big5; refuse binary data."""
    if data.startswith(b"\xef\xbb\xbf"):
        return _checked(data[3:].decode("utf-8", errors="strict"), name), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _checked(data.decode("utf-16"), name), "utf-16"
    if b"\x00" in data[:8192]:
        raise SourceError(f"{name}: binary data (NUL bytes), not a text document")
    try:
        return _checked(data.decode("utf-8"), name), "utf-8"
    except UnicodeDecodeError as e:
        utf8_error = e
    encoding = _detect_cjk_encoding(data)
    if encoding is None:
        line = data[: utf8_error.start].count(b"\n") + 1
        raise SourceError(f"{name}:{line}: undecodable bytes (not UTF-8, GB18030 or Big5); save the file as UTF-8 and try again")
    return _checked(data.decode(encoding), name), encoding


def _detect_cjk_encoding(data: bytes) -> str | None:
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=list(CJK_ENCODINGS)).best()
    if best is None:
        return None
    encoding = best.encoding
    # GBK text always decodes as GB18030 (its superset); prefer the superset's name.
    if encoding in {"gbk", "gb2312"}:
        encoding = "gb18030"
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return None
    return encoding


def _checked(text: str, name: str) -> str:
    controls = len(_CONTROL.findall(text))
    if controls > max(8, len(text) // 100):
        raise SourceError(f"{name}: binary data ({controls} control characters), not a text document")
    return _CONTROL.sub("", text)


def _docx_text(path: Path, data: bytes) -> str:
    """Paragraphs and table cells of a .docx, in document order, one per line."""
    import io

    from docx import Document as DocxDocument
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        doc = DocxDocument(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as e:
        raise SourceError(f"{path}: not a readable .docx file ({e})") from None
    lines: list[str] = []
    for block in doc.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(block, doc).text)
        elif tag == "tbl":
            for row in Table(block, doc).rows:
                seen: set[int] = set()
                for cell in row.cells:
                    if id(cell._tc) in seen:  # merged cells repeat; read each once
                        continue
                    seen.add(id(cell._tc))
                    lines.extend(p.text for p in cell.paragraphs)
    return "\n".join(lines)


def slugify(stem: str) -> str:
    """A stable ASCII slug for IRIs; non-ASCII names get a short hash so they stay distinct."""
    ascii_part = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")
    if ascii_part and ascii_part.replace("-", "").isascii() and stem.isascii():
        return ascii_part
    digest = hashlib.sha256(stem.encode("utf-8")).hexdigest()[:8]
    return f"{ascii_part}-{digest}" if ascii_part else f"doc-{digest}"
