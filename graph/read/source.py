"""Read input documents: detect the encoding, refuse what is not text, keep line numbers."""

from __future__ import annotations

import hashlib
import logging
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from graph.errors import SourceError
from graph.model import Mark, SourceText
from graph.read.formats import REFUSED, SUPPORTED_SUFFIXES, read_formatted

log = logging.getLogger(__name__)

MAX_BYTES = 20 * 1024 * 1024
# Encodings a 岗位职责 document comes in; charset-normalizer picks among them when UTF-8 fails.
CJK_ENCODINGS = ("gb18030", "big5", "utf_16")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def collect_sources(paths: Iterable[Path], *, exclude: Path | None = None) -> Collected:
    """Expand folders into the documents under them, sorted, and check each given file exists.

    A folder's hidden folders (``.git``, ``.venv``), the ``exclude`` folder (the build's own
    output) and files of other types are skipped, each with its reason; a file that cannot be
    read is an error naming it.
    """
    found: list[Path] = []
    skipped: list[tuple[Path, str]] = []
    for path in paths:
        if path.is_dir():
            inner, passed = _walk(path, exclude.resolve() if exclude else None)
            if not inner:
                raise SourceError(f"{path}: folder holds no document rolegraph reads ({_SUPPORTED_NAMES})")
            found.extend(inner)
            skipped.extend(passed)
        elif path.is_file():
            found.append(path)
        elif path.exists():
            raise SourceError(f"{path}: not a file or folder")
        else:
            raise SourceError(f"{path}: no such file or folder")
    return Collected(tuple(found), tuple(skipped))


@dataclass(frozen=True)
class Collected:
    paths: tuple[Path, ...]
    skipped: tuple[tuple[Path, str], ...] = ()


_SUPPORTED_NAMES = ".txt, .md, .rst, .docx, .xlsx, .pdf, .html"


def _walk(folder: Path, exclude: Path | None) -> tuple[list[Path], list[tuple[Path, str]]]:
    """Documents under a folder, in sorted order; symbolic links to folders are not followed."""
    found: list[Path] = []
    skipped: list[tuple[Path, str]] = []
    for root, dirs, files in os.walk(folder, onerror=_walk_error):
        here = Path(root)
        kept = []
        for name in sorted(dirs):
            sub = here / name
            if name.startswith("."):
                skipped.append((sub, "hidden folder"))
            elif exclude is not None and sub.resolve() == exclude:
                skipped.append((sub, "the build's output folder"))
            else:
                kept.append(name)
        dirs[:] = kept
        for name in sorted(files):
            file = here / name
            suffix = file.suffix.lower()
            if name.startswith("."):
                skipped.append((file, "hidden file"))
            elif not suffix:
                skipped.append((file, "no suffix: not known to be a document"))
            elif suffix not in SUPPORTED_SUFFIXES and suffix not in REFUSED:
                skipped.append((file, f"'{suffix}' is not a document type rolegraph reads"))
            elif not os.access(file, os.R_OK):
                raise SourceError(f"{file}: cannot read (permission denied)")
            else:
                found.append(file)
    return sorted(found), skipped


def _walk_error(error: OSError) -> None:
    raise SourceError(f"{error.filename}: cannot read the folder ({error.strerror})")


def read_source(path: Path, *, max_bytes: int = MAX_BYTES) -> SourceText:
    """Read one file into a ``SourceText``; raise ``SourceError`` with a clear reason."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise SourceError(
                f"{path}: the file is {size / 2**20:.1f} MB, over the {max_bytes / 2**20:.0f} MB limit "
                "for one document; split it or raise --max-size"
            )
        data = path.read_bytes()
    except OSError as e:
        raise SourceError(f"{path}: cannot read ({e.strerror})") from None
    if not data:
        raise SourceError(f"{path}: the file is empty")
    formatted = read_formatted(path, data)
    marks: tuple[Mark, ...] = ()
    dropped: tuple[tuple[str, int], ...] = ()
    if formatted is not None:
        lines, marks, encoding, dropped = formatted.lines, formatted.marks, formatted.encoding, formatted.dropped
    else:
        text, encoding = decode_bytes(data, name=str(path))
        lines = split_lines(text)
    if not any(line.strip() for line in lines):
        raise SourceError(f"{path}: the file holds only white space")
    return SourceText(
        path=path,
        slug=slugify(path.stem),
        sha256=hashlib.sha256(data).hexdigest(),
        encoding=encoding,
        lines=lines,
        marks=marks,
        dropped=dropped,
    )


def split_lines(text: str) -> tuple[str, ...]:
    """Lines as an editor numbers them: at LF, CRLF or CR only. ``str.splitlines`` also breaks at
    form feeds, U+2028 and other separators, which made reported line numbers drift."""
    return tuple(re.split(r"\r\n|\r|\n", text.removesuffix("\n").removesuffix("\r")))


def decode_bytes(data: bytes, *, name: str) -> tuple[str, str]:
    """Decode UTF-8 (with or without BOM), GB18030/GBK or Big5; refuse binary data."""
    if data.startswith(b"\xef\xbb\xbf"):
        return _checked(data[3:].decode("utf-8", errors="strict"), name), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _checked(data.decode("utf-16"), name), "utf-16"
    if b"\x00" in data:
        utf16 = _utf16_without_bom(data)
        if utf16 is not None:
            return _checked(data.decode(utf16), name), utf16
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise SourceError(f"{name}:{line}: binary data (NUL bytes), not a text document")
    try:
        return _checked(data.decode("utf-8"), name), "utf-8"
    except UnicodeDecodeError as e:
        utf8_error = e
    encoding = _detect_cjk_encoding(data)
    if encoding is None:
        line = data[: utf8_error.start].count(b"\n") + 1
        raise SourceError(f"{name}:{line}: undecodable bytes (not UTF-8, GB18030 or Big5); save the file as UTF-8 and try again")
    return _checked(data.decode(encoding), name), encoding


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 saved without a byte-order mark: the byte order under which the text reads as
    ordinary characters (ASCII, common CJK, white space), if one does."""
    if len(data) < 4 or len(data) % 2:
        return None
    best: tuple[float, str] | None = None
    for encoding in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            continue
        ordinary = sum(1 for c in text if (c.isascii() and (c.isprintable() or c in "\n\r\t")) or "\u4e00" <= c <= "\u9fff")
        share = ordinary / len(text)
        if share >= 0.9 and (best is None or share > best[0]):
            best = (share, encoding)
    return best[1] if best else None


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


def slugify(stem: str) -> str:
    """A stable ASCII slug for IRIs; non-ASCII names get a short hash so they stay distinct."""
    ascii_part = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")
    if ascii_part and ascii_part.replace("-", "").isascii() and stem.isascii():
        return ascii_part
    digest = hashlib.sha256(stem.encode("utf-8")).hexdigest()[:8]
    return f"{ascii_part}-{digest}" if ascii_part else f"doc-{digest}"
