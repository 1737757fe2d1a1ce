"""A PDF's text layer as lines: in reading order, running headers, footers and page numbers left out.

pypdf extracts each page's text. A line that stands at the top or bottom of most pages (its page
number ignored, so "Page 3 of 9" matches "Page 4 of 9") is a running header or footer; a page's number
alone on its first or last line is a page number; both are dropped and counted. A line cut by a
page break (it runs to the margin, has no closing punctuation, and the next page does not open with
a list number) is joined to its rest. A PDF without a text layer (a scan) is refused: no OCR here.
"""

from __future__ import annotations

import io
import logging
import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from graph.errors import SourceError
from graph.model import Mark

EDGE_LINES = 2  # lines at the top and at the bottom of a page looked at for running headers
RUNNING_SHARE = 0.5  # a line on more than this share of pages (and on two at least) is running
FULL_LINE = 0.8  # a line this share of the page's longest line runs to the margin
_PAGE_NUMBER = re.compile(
    r"^(?:[-–—]\s*)?(?:page\s*)?(?P<n>\d{1,4})(?:\s*(?:/|of|页)\s*\d{1,4})?(?:\s*[-–—])?$|^第\s*(?P<zh>\d{1,4})\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?$",
    re.IGNORECASE,
)
_ENDS_CLAUSE = tuple("。；;.!！?？:：,，、)")
_OPENS_ITEM = re.compile(r"^(?:[(（]?[\d一二三四五六七八九十]{1,3}[)）、.．]|[•·\-–*▪●○◆■□]\s)")
_CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")


@dataclass(frozen=True)
class PageLine:
    page: int
    line: int
    text: str


def read_pdf(path: Path, data: bytes) -> tuple[list[tuple[str, Mark]], tuple[tuple[str, int], ...]]:
    pages = page_texts(path, data)
    if not any(line for page in pages for line in page):
        raise SourceError(
            f"{path}: the PDF has no text layer (a scan?); rolegraph does not do OCR: run it through OCR first "
            "(e.g. ocrmypdf) or export the text from the program that made it"
        )
    kept, dropped = drop_running(pages)
    return join_page_breaks(kept), dropped


def page_texts(path: Path, data: bytes) -> list[list[str]]:
    """Each page's non-blank lines, as pypdf extracts them."""
    from pypdf import PdfReader

    with _quiet_pypdf():
        try:
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted and not _opens_without_password(reader):
                raise SourceError(f"{path}: a password-protected PDF; save a copy without the password and try again")
            return [[line.strip() for line in (page.extract_text() or "").splitlines() if line.strip()] for page in reader.pages]
        except SourceError:
            raise
        except Exception as e:  # pypdf raises many kinds (PdfReadError, NotImplementedError, KeyError …) for damage
            raise SourceError(
                f"{path}: a damaged PDF ({type(e).__name__}: {e}); open it and save or print it to PDF again"
            ) from None


@contextmanager
def _quiet_pypdf() -> Iterator[None]:
    """pypdf logs every repair it makes to a damaged file; the build report is the place for that."""
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.setLevel(level)


def _opens_without_password(reader: object) -> bool:
    try:
        return bool(reader.decrypt(""))  # type: ignore[attr-defined]
    except Exception:  # noqa: BLE001 - pypdf raises several kinds for an unsupported cipher
        return False


def edge_key(text: str, page: int) -> str:
    """A line as compared across pages: the page's own number in it stands for any page number."""
    return re.sub(rf"(?<!\d){page}(?!\d)", "#", " ".join(text.split()).lower())


def is_page_number(text: str, page: int) -> bool:
    match = _PAGE_NUMBER.match(text.strip())
    return match is not None and int(match.group("n") or match.group("zh")) in (page, page - 1)


def drop_running(pages: list[list[str]]) -> tuple[list[list[PageLine]], tuple[tuple[str, int], ...]]:
    """Leave out running headers and footers and page numbers; count each."""
    counts: dict[str, set[int]] = {}
    for p, lines in enumerate(pages, start=1):
        for text in {edge_key(t, p) for t in lines[:EDGE_LINES] + lines[-EDGE_LINES:] if not _OPENS_ITEM.match(t)}:
            counts.setdefault(text, set()).add(p)
    running = {key for key, where in counts.items() if len(where) >= 2 and len(where) > RUNNING_SHARE * len(pages)}
    dropped = {"running header": 0, "running footer": 0, "page number": 0}
    kept: list[list[PageLine]] = []
    for p, lines in enumerate(pages, start=1):
        page: list[PageLine] = []
        edge = set(range(min(EDGE_LINES, len(lines)))) | set(range(max(len(lines) - EDGE_LINES, 0), len(lines)))
        for i, text in enumerate(lines):
            if i in edge and is_page_number(text, p) and (i in (0, len(lines) - 1)):
                dropped["page number"] += 1
            elif i in edge and edge_key(text, p) in running:
                dropped["running header" if i < EDGE_LINES else "running footer"] += 1
            else:
                page.append(PageLine(p, i + 1, text))
        kept.append(page)
    return kept, tuple((what, n) for what, n in dropped.items() if n)


def join_page_breaks(pages: list[list[PageLine]]) -> list[tuple[str, Mark]]:
    """All pages' lines in order; a line cut by a page break joined to its rest on the next page."""
    out: list[tuple[str, Mark]] = []
    widest_before = 0
    for page in pages:
        widest = max((len(line.text) for line in page), default=0)
        for index, line in enumerate(page):
            if index == 0 and out and cut_by_break(out[-1][0], line.text, widest_before):
                previous, mark = out[-1]
                glue = "" if _CJK.match(previous[-1]) or _CJK.match(line.text[0]) else " "
                out[-1] = (previous + glue + line.text, mark)
                continue
            out.append((line.text, Mark(where=f"page {line.page}, line {line.line}")))
        if page:
            widest_before = widest
    return out


def cut_by_break(previous: str, text: str, widest: int) -> bool:
    return (
        len(previous) >= FULL_LINE * widest
        and not previous.endswith(_ENDS_CLAUSE)
        and not _OPENS_ITEM.match(text)
        and not text[:1].isupper()
    )
