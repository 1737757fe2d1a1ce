"""A Word .docx file as lines with marks: body paragraphs and tables in document order.

Each non-blank paragraph is a line. Its style gives the mark (Title → title, Heading N → heading N,
List Bullet/Number [N] and any paragraph with ``w:numPr`` → item at its level, with Word's number
rendered by ``graph.read.wordnum``); a paragraph that opens with bold ``Label:`` is a field. Tables
are read by ``graph.read.grid`` (header-row tables one record per row, others as field forms),
merged cells once, nested tables after the row that holds them. Headers and footers are not read;
they are counted in ``dropped``, and so are text boxes and a table of contents.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from graph.errors import SourceError
from graph.model import Mark
from graph.read import grid
from graph.read.archive import check_xml_members, open_zip
from graph.read.wordnum import Counters, W, read_definitions

WHAT = "Word file"
ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, NotImplementedError, OSError)
_HEADING = re.compile(r"^(?:heading|标题|標題)\s*([1-9])$", re.IGNORECASE)
_LIST_STYLE = re.compile(r"^list (?:bullet|number|continue)(?: ([2-9]))?$", re.IGNORECASE)
_RUNS = etree.XPath(
    "./w:r | ./w:hyperlink/w:r | ./w:ins/w:r | ./w:smartTag/w:r | ./w:sdt/w:sdtContent/w:r | ./w:fldSimple/w:r",
    namespaces={"w": W[1:-1]},
)
_TOC_STYLE = re.compile(r"^(?:toc(?: [1-9])?|toc heading|目录(?: [1-9])?)$", re.IGNORECASE)
CONTENTS_TITLES = frozenset({"table of contents", "contents", "目录", "目錄", "目 录"})
_FALSE = {"0", "false", "off", "none"}


@dataclass(frozen=True)
class Style:
    name: str
    based_on: str | None
    num_id: str | None
    ilvl: int | None
    outline: int | None


@dataclass
class Reader:
    """State of one pass over a document: styles, list counters, table and paragraph numbers."""

    styles: dict[str, Style]
    counters: Counters
    default_style: str | None = None
    dropped: dict[str, int] = field(default_factory=dict)
    paragraphs: int = 0
    tables: int = 0
    lines: list[tuple[str, Mark]] = field(default_factory=list)


def read_docx(path: Path, data: bytes) -> tuple[list[tuple[str, Mark]], tuple[tuple[str, int], ...]]:
    """The lines and marks of a .docx, and what was left out (headers and footers, a table of contents)."""
    from docx import Document as open_document
    from docx.opc.exceptions import PackageNotFoundError

    archive = open_zip(path, data, what=WHAT)
    check_xml_members(path, archive, what=WHAT)
    try:
        doc = open_document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, etree.XMLSyntaxError, *ZIP_ERRORS) as e:
        raise SourceError(f"{path}: not a readable Word file ({e}); open it in Word and save it again as .docx") from None
    styles = read_styles(doc.styles.element)
    numbering = _numbering_element(doc)
    reader = Reader(styles, Counters(read_definitions(numbering)), default_style=_default_style(doc.styles.element))
    for kind, element in body_blocks(doc.element.body):
        if kind == "p":
            reader.paragraphs += 1
            reader.lines.extend(paragraph_lines(reader, element, where=f"paragraph {reader.paragraphs}"))
        else:
            reader.lines.extend(table_lines(reader, element))
    reader.dropped["text box"] = text_boxes(doc.element.body)
    lines, contents = drop_contents_lists(reader.lines)
    reader.dropped["table of contents"] = reader.dropped.get("table of contents", 0) + contents
    return lines, tuple(sorted(reader.dropped.items())) + header_footer_count(doc)


def text_boxes(body: etree._Element) -> int:
    """Text boxes that hold text (not read: they float outside the reading order)."""
    return sum(
        1
        for box in body.iter(f"{W}txbxContent")
        if "".join(box.itertext()).strip() and not any(etree.QName(a).localname == "Fallback" for a in box.iterancestors())
    )


def drop_contents_lists(lines: list[tuple[str, Mark]]) -> tuple[list[tuple[str, Mark]], int]:
    """Leave out a table of contents typed as a list: a run of items that each repeat a heading's text.

    A heading just before the run that says "Contents" / 目录 goes with it.
    """
    headings = {_folded(text) for text, mark in lines if mark.kind in ("heading", "title")}
    out: list[tuple[str, Mark]] = []
    dropped = 0
    i = 0
    while i < len(lines):
        end = i
        while end < len(lines) and lines[end][1].kind == "item" and _folded(lines[end][0]) in headings:
            end += 1
        if end - i >= 2:
            if out and out[-1][1].kind == "heading" and _folded(out[-1][0]) in CONTENTS_TITLES:
                out.pop()
                dropped += 1
            dropped += end - i
            i = end
            continue
        out.append(lines[i])
        i += 1
    return out, dropped


def _folded(text: str) -> str:
    return " ".join(text.lower().split()).rstrip(":：")


def _numbering_element(doc: object) -> etree._Element | None:
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    part = doc.part  # type: ignore[attr-defined]
    for rel in part.rels.values():
        if rel.reltype == RT.NUMBERING and not rel.is_external:
            return rel.target_part.element  # type: ignore[no-any-return]
    return None


def _default_style(styles: etree._Element) -> str | None:
    for style in styles.iter(f"{W}style"):
        if style.get(f"{W}type") == "paragraph" and style.get(f"{W}default") in ("1", "true"):
            return style.get(f"{W}styleId")
    return None


def read_styles(styles: etree._Element) -> dict[str, Style]:
    """Paragraph styles by id: name, parent, the list they number and their outline level."""
    out: dict[str, Style] = {}
    for style in styles.iter(f"{W}style"):
        if style.get(f"{W}type") != "paragraph":
            continue
        num_pr = style.find(f"{W}pPr/{W}numPr")
        num_id, ilvl = _num_pr(num_pr)
        outline = style.find(f"{W}pPr/{W}outlineLvl")
        out[style.get(f"{W}styleId", "")] = Style(
            name=_val(style.find(f"{W}name")),
            based_on=_val(style.find(f"{W}basedOn")) or None,
            num_id=num_id,
            ilvl=ilvl,
            outline=int(_val(outline)) if outline is not None and _val(outline).isdigit() else None,
        )
    return out


def _val(element: etree._Element | None) -> str:
    return "" if element is None else str(element.get(f"{W}val", ""))


def _num_pr(num_pr: etree._Element | None) -> tuple[str | None, int | None]:
    if num_pr is None:
        return None, None
    num_id = num_pr.find(f"{W}numId")
    ilvl = num_pr.find(f"{W}ilvl")
    return (_val(num_id) if num_id is not None else None, int(_val(ilvl)) if _val(ilvl).isdigit() else None)


def body_blocks(container: etree._Element) -> Iterator[tuple[str, etree._Element]]:
    """Paragraphs ("p") and tables ("tbl") of a body or cell in order, through content controls."""
    for child in container:
        tag = etree.QName(child).localname if isinstance(child.tag, str) else ""
        if tag in ("p", "tbl"):
            yield tag, child
        elif tag in ("sdt", "customXml"):
            content = child.find(f"{W}sdtContent") if tag == "sdt" else child
            if content is not None:
                yield from body_blocks(content)


# --- paragraphs -----------------------------------------------------------------------------


def paragraph_runs(p: etree._Element) -> list[tuple[str, bool]]:
    """The text of each run of a paragraph (hyperlinks, insertions, fields included) and its boldness."""
    runs: list[tuple[str, bool]] = []
    for run in _RUNS(p):
        if _is_on(run.find(f"{W}rPr/{W}vanish")):
            continue  # hidden text
        text = "".join(_run_piece(child) for child in run)
        if text:
            runs.append((text, _is_bold(run)))
    return runs


def _run_piece(child: etree._Element) -> str:
    tag = etree.QName(child).localname if isinstance(child.tag, str) else ""
    if tag == "t":
        return child.text or ""
    if tag == "tab":
        return "\t"
    if tag in ("br", "cr"):
        return "\n"
    if tag == "noBreakHyphen":
        return "-"
    return ""


def _is_bold(run: etree._Element) -> bool:
    return _is_on(run.find(f"{W}rPr/{W}b"))


def _is_on(toggle: etree._Element | None) -> bool:
    """A toggle property (w:b, w:vanish) that is present and not switched off."""
    return toggle is not None and toggle.get(f"{W}val", "1").lower() not in _FALSE


def style_of(reader: Reader, p: etree._Element) -> Style | None:
    style_id = _val(p.find(f"{W}pPr/{W}pStyle")) or reader.default_style
    return reader.styles.get(style_id or "")


def style_chain(reader: Reader, style: Style | None) -> Iterator[Style]:
    seen: set[str] = set()
    while style is not None and style.name not in seen:
        seen.add(style.name)
        yield style
        style = reader.styles.get(style.based_on or "")


def paragraph_mark(reader: Reader, p: etree._Element, *, where: str) -> Mark:
    """What a paragraph's style and numbering say: title, heading N, item (level, number), or nothing."""
    style = style_of(reader, p)
    chain = list(style_chain(reader, style))
    own_id, own_ilvl = _num_pr(p.find(f"{W}pPr/{W}numPr"))
    style_num = next(((s.num_id, s.ilvl) for s in chain if s.num_id), (None, None))
    num_id = own_id if own_id is not None else style_num[0]
    number, list_level = "", None
    if num_id and num_id != "0":
        list_level = own_ilvl if own_ilvl is not None else style_list_level(chain, style_num[1])
        number = reader.counters.advance(num_id, own_ilvl if own_ilvl is not None else style_num[1] or 0)
    for s in chain:
        name = s.name.strip().lower()
        if name in ("title", "标题", "標題"):
            return Mark(kind="title", number=number, where=where)
        heading = _HEADING.match(name)
        if heading:
            return Mark(kind="heading", level=int(heading.group(1)), number=number, where=where)
    outline = next((s.outline for s in chain if s.outline is not None), None)
    own_outline = p.find(f"{W}pPr/{W}outlineLvl")
    if own_outline is not None and _val(own_outline).isdigit():
        outline = int(_val(own_outline))
    if outline is not None and outline < 9:
        return Mark(kind="heading", level=outline + 1, number=number, where=where)
    if list_level is not None:
        return Mark(kind="item", level=list_level, number=number, where=where)
    level = style_list_level(chain, None)
    if level is not None:
        return Mark(kind="item", level=level, where=where)
    return Mark(where=where)


def style_list_level(chain: list[Style], fallback: int | None) -> int | None:
    """The level a list style's name says ("List Bullet 2" → 1), else the style's own ``ilvl``."""
    for s in chain:
        match = _LIST_STYLE.match(s.name.strip())
        if match:
            return int(match.group(1) or 1) - 1
    return fallback


def paragraph_lines(reader: Reader, p: etree._Element, *, where: str) -> list[tuple[str, Mark]]:
    """A paragraph as lines: one, or several where soft line breaks split plain text."""
    runs = paragraph_runs(p)
    text = "".join(t for t, _ in runs).replace("\t", " ")
    if any(_TOC_STYLE.match(s.name.strip()) for s in style_chain(reader, style_of(reader, p))):
        reader.dropped["table of contents"] = reader.dropped.get("table of contents", 0) + bool(text.strip())
        return []
    mark = paragraph_mark(reader, p, where=where)  # advances list counters even for a blank item
    if not text.strip():
        return []
    if mark.kind:
        return [(" ".join(text.split()), mark)]
    field = grid.bold_field(runs)
    parts = [part.strip() for part in text.split("\n") if part.strip()]
    if field is not None:
        label, value = field
        first = value.split("\n")[0].strip()
        rest = [part.strip() for part in value.split("\n")[1:] if part.strip()]
        return [(first, Mark(kind="field", label=label, where=where)), *((r, Mark(where=where)) for r in rest)]
    return [(part, mark) for part in parts]


# --- tables ---------------------------------------------------------------------------------


def table_lines(reader: Reader, tbl: etree._Element) -> list[tuple[str, Mark]]:
    reader.tables += 1
    number = reader.tables
    rows: list[list[grid.Cell]] = []
    merged: dict[int, grid.Cell] = {}  # grid column → the cell a vertical merge started with
    for r, tr in enumerate(tbl.iterchildren(f"{W}tr"), start=1):
        cells: list[grid.Cell] = []
        column = _grid_value(tr.find(f"{W}trPr/{W}gridBefore"))
        for c, tc in enumerate(row_cells(tr), start=1):
            where = f"table {number}, row {r}, cell {c}"
            if is_merged_continuation(tc):
                cells.append(grid.Cell((), where, above=merged.get(column)))
            else:
                cells.append(read_cell(reader, tc, where=where))
                merged[column] = cells[-1]
            column += max(_grid_value(tc.find(f"{W}tcPr/{W}gridSpan")), 1)
        rows.append(cells)
    return grid.table_lines(rows)


def _grid_value(element: etree._Element | None) -> int:
    value = _val(element)
    return int(value) if value.isdigit() else 0


def row_cells(tr: etree._Element) -> list[etree._Element]:
    cells: list[etree._Element] = []
    for child in tr:
        tag = etree.QName(child).localname if isinstance(child.tag, str) else ""
        if tag == "tc":
            cells.append(child)
        elif tag == "sdt":
            cells.extend(child.iterfind(f"{W}sdtContent/{W}tc"))
    return cells


def is_merged_continuation(tc: etree._Element) -> bool:
    """A cell under the first cell of a vertical merge (read once, at the merge's first row)."""
    merge = tc.find(f"{W}tcPr/{W}vMerge")
    return merge is not None and merge.get(f"{W}val", "continue") == "continue"


def read_cell(reader: Reader, tc: etree._Element, *, where: str) -> grid.Cell:
    """A cell's paragraphs as lines (each with its own mark, where lists number them) and nested tables."""
    lines: list[str] = []
    marks: list[Mark] = []
    after: list[tuple[str, Mark]] = []
    for kind, element in body_blocks(tc):
        if kind == "tbl":
            after.extend(table_lines(reader, element))
            continue
        for text, mark in paragraph_lines(reader, element, where=where):
            lines.append(text)
            marks.append(mark if mark.kind in ("item", "heading", "title") else Mark(where=where))
    has_marks = any(m.kind for m in marks)
    return grid.Cell(tuple(lines), where, tuple(marks) if has_marks else (), tuple(after))


def header_footer_count(doc: object) -> tuple[tuple[str, int], ...]:
    """How many header and footer parts hold text (they are not read)."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    part = doc.part  # type: ignore[attr-defined]
    count = 0
    for rel in part.rels.values():
        if rel.reltype in (RT.HEADER, RT.FOOTER) and not rel.is_external:
            if "".join(rel.target_part.element.itertext()).strip():
                count += 1
    return (("header/footer", count),) if count else ()
