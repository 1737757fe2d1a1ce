"""A saved web page as lines with marks, from its markup.

h1–h6 are headings; ``li`` items at their nesting depth (an ``ol`` item with the number the browser
shows); tables as in Word (``graph.read.grid``), except a table that lays out the page (it holds
headings), read as the flow of its cells; p, div and br end lines; ``<b>Label:</b> value`` and
``dt``/``dd`` are fields. Scripts, styles, navigation, page headers and footers, asides, forms and
a table of contents (a list of links into the page) are left out and counted. The charset comes
from the BOM or the meta tag, else UTF-8, else GB18030.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree
from lxml import html as lxml_html

from graph.errors import SourceError
from graph.model import Mark
from graph.read import grid
from graph.read.wordnum import letters, roman

# Left out, and under which name they are counted.
LEFT_OUT = {
    "script": "script",
    "style": "style",
    "noscript": "script",
    "template": "script",
    "nav": "navigation",
    "header": "header/footer",
    "footer": "header/footer",
    "aside": "aside",
    "form": "form",
    "iframe": "frame",
    "svg": "image",
    "button": "form",
    "select": "form",
}
LEFT_OUT_ROLES = {"navigation": "navigation", "banner": "header/footer", "contentinfo": "header/footer", "search": "form"}
# A class or id that names a part of the site around the document (whole names only: "header",
# not "article-header").
CHROME_NAMES = {
    **dict.fromkeys("nav navbar navigation menu topnav breadcrumb breadcrumbs crumbs".split(), "navigation"),
    **dict.fromkeys("header footer topbar banner copyright".split(), "header/footer"),
    **dict.fromkeys("sidebar aside related recommend hot comments comment share ads advert advertisement".split(), "aside"),
}
BLOCKS = frozenset(
    "p div section article main body blockquote pre address center figure figcaption hr fieldset details summary "
    "caption dl html".split()
)
BOLD = frozenset({"b", "strong"})
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.\-]+)""", re.IGNORECASE)
_SPACES = re.compile(r"\s+")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


@dataclass
class Walker:
    """Lines made so far, the inline text of the line being made, and what was left out."""

    lines: list[tuple[str, Mark]] = field(default_factory=list)
    runs: list[tuple[str, bool]] = field(default_factory=list)
    where: str = ""
    dropped: dict[str, int] = field(default_factory=dict)
    tables: int = 0
    label: str = ""  # a dt waiting for its dd


def absorb(walker: Walker, inner: Walker) -> None:
    """Take back from a walker of one list item or cell its table count and what it left out."""
    flush(inner)
    walker.tables = inner.tables
    for what, n in inner.dropped.items():
        walker.dropped[what] = walker.dropped.get(what, 0) + n


def read_html(path: Path, data: bytes) -> tuple[list[tuple[str, Mark]], tuple[tuple[str, int], ...], str]:
    """The lines of a web page, what was left out, and the charset it was decoded with."""
    text, charset = decode_html(data)
    try:
        root = lxml_html.document_fromstring(_XML_DECLARATION.sub("", text), parser=_parser())
    except (etree.ParserError, ValueError) as e:
        raise SourceError(f"{path}: not a readable web page ({e})") from None
    walker = Walker()
    head = root.find("head")
    if head is not None:
        for element in head.iter():
            left_out(walker, element)
        if (head.findtext("title") or "").strip():
            walker.dropped["page title"] = 1
    body = root.find("body")
    walk(walker, body if body is not None else root)
    flush(walker)
    if not any(line.strip() for line, _ in walker.lines):
        left = ", ".join(f"{n} {what}" for what, n in sorted(walker.dropped.items())) or "nothing"
        raise SourceError(f"{path}: the web page holds no text outside what was left out ({left}); save the page's text instead")
    return walker.lines, tuple(sorted(walker.dropped.items())), charset


def _parser() -> lxml_html.HTMLParser:
    return lxml_html.HTMLParser(no_network=True, remove_comments=True, remove_pis=True)


def decode_html(data: bytes) -> tuple[str, str]:
    """Decode by BOM, then the meta tag's charset, then UTF-8, then GB18030."""
    for bom, name in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(name, errors="replace"), name.removesuffix("-sig")
    declared = _CHARSET.search(data[:4096])
    if declared:
        name = declared.group(1).decode("ascii").lower()
        name = "gb18030" if name in ("gb2312", "gbk", "x-gbk") else name
        try:
            codecs.lookup(name)
            return data.decode(name), name
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("gb18030", errors="replace"), "gb18030"


def tag_of(element: etree._Element) -> str:
    return element.tag.lower() if isinstance(element.tag, str) else ""


def left_out(walker: Walker, element: etree._Element) -> bool:
    """Count and skip what is not the document (scripts, navigation, hidden parts, site chrome)."""
    what = left_out_as(element)
    if what is None:
        return False
    walker.dropped[what] = walker.dropped.get(what, 0) + 1
    return True


def left_out_as(element: etree._Element) -> str | None:
    """Under which name an element is left out, or None to read it.

    A ``header`` inside an ``article``, ``main`` or ``section`` holds that part's own title and is
    read (a ``footer`` there holds its author, tags and share links, and is not); a ``div`` whose
    class or id names site chrome (``nav``, ``sidebar``, ``breadcrumb`` …) is left out unless it
    holds the page's ``h1``.
    """
    tag = tag_of(element)
    what = LEFT_OUT.get(tag) or LEFT_OUT_ROLES.get((element.get("role") or "").lower())
    if tag == "header" and any(tag_of(a) in ("article", "main", "section") for a in element.iterancestors()):
        return None
    if what is None and (element.get("hidden") is not None or element.get("aria-hidden") == "true"):
        what = "hidden"
    if what is None and tag in ("div", "ul", "ol", "section", "span", "p", "table", "tr", "td"):
        names = set((element.get("class") or "").lower().split()) | {(element.get("id") or "").lower()}
        what = next((CHROME_NAMES[n] for n in names if n in CHROME_NAMES), None)
        if what is not None and element.find(".//h1") is not None:
            what = None
    return what


def walk(walker: Walker, element: etree._Element, *, bold: bool = False) -> None:
    """Text of ``element`` and its children into lines; its tail is the caller's."""
    tag = tag_of(element)
    if not tag or left_out(walker, element):
        return
    if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
        emit(walker, text_of(element), Mark(kind="heading", level=int(tag[1]), where=where_of(element)))
        return
    if tag in ("ul", "ol", "menu"):
        flush(walker)
        if is_contents_list(element):
            items = sum(1 for _ in element.iter("li"))
            walker.dropped["table of contents"] = walker.dropped.get("table of contents", 0) + items
        else:
            list_lines(walker, element, depth=0)
        return
    if tag == "table" and not is_layout_table(element):
        flush(walker)
        walker.lines.extend(table_lines(walker, element))
        return
    if tag in ("dt", "dd"):
        definition(walker, element, tag)
        return
    if tag == "br":
        flush(walker)
        return
    if tag == "pre":
        flush(walker)
        for line in (element.text_content() or "").splitlines():
            emit(walker, line, Mark(where=where_of(element)))
        return
    block = tag in BLOCKS or tag in ("li", "td", "th", "tr")
    if block:
        flush(walker)
    add_text(walker, element.text, bold=bold or tag in BOLD, element=element)
    for child in element:
        walk(walker, child, bold=bold or tag in BOLD)
        add_text(walker, child.tail, bold=bold, element=element)
    if block:
        flush(walker)


def add_text(walker: Walker, text: str | None, *, bold: bool, element: etree._Element) -> None:
    if not text:
        return
    if not walker.runs:
        walker.where = where_of(element)
    walker.runs.append((text, bold))


def flush(walker: Walker) -> None:
    """End the line being made: a field when it opens with a bold label, else a plain line."""
    runs = [(_SPACES.sub(" ", t), b) for t, b in walker.runs]
    walker.runs = []
    text = " ".join("".join(t for t, _ in runs).split())
    if not text:
        return
    found = grid.bold_field([(t, b) for t, b in runs])
    if found is not None:
        walker.lines.append((found[1], Mark(kind="field", label=found[0], where=walker.where)))
    else:
        walker.lines.append((text, Mark(where=walker.where)))


def emit(walker: Walker, text: str, mark: Mark) -> None:
    flush(walker)
    text = " ".join(text.split())
    if text:
        walker.lines.append((text, mark))


def text_of(element: etree._Element) -> str:
    return " ".join((element.text_content() or "").split())


def where_of(element: etree._Element) -> str:
    line = getattr(element, "sourceline", None)
    return f"line {line}" if line else ""


def definition(walker: Walker, element: etree._Element, tag: str) -> None:
    """``dt`` waits for its ``dd``: the pair is a field."""
    text = text_of(element)
    if tag == "dt":
        flush(walker)
        if walker.label:
            emit(walker, walker.label, Mark(where=where_of(element)))
        walker.label = text.rstrip(":：").strip()
        return
    label, walker.label = walker.label, ""
    if label:
        emit(walker, text, Mark(kind="field", label=label, where=where_of(element)))
        if not text:
            walker.lines.append(("", Mark(kind="field", label=label, where=where_of(element))))
    else:
        emit(walker, text, Mark(where=where_of(element)))


# --- lists ----------------------------------------------------------------------------------


def list_lines(walker: Walker, element: etree._Element, *, depth: int) -> None:
    """Items of a ``ul``/``ol`` at ``depth``; nested lists one level deeper, after their item."""
    ordered = tag_of(element) == "ol"
    counter = _int(element.get("start"), 1) - 1
    style = element.get("type") or "1"
    for child in element:
        tag = tag_of(child)
        if tag in ("ul", "ol"):
            list_lines(walker, child, depth=depth + 1)
            continue
        if tag != "li" or left_out(walker, child):
            continue
        counter = _int(child.get("value"), counter + 1)
        number = f"{ol_number(counter, style)}." if ordered else ""
        item_lines(walker, child, Mark(kind="item", level=depth, number=number, where=where_of(child)), depth=depth)


def is_contents_list(element: etree._Element) -> bool:
    """A list whose every item is only a link into the page itself (``href="#…"``): a table of contents."""
    items = list(element.iter("li"))
    if len(items) < 2:
        return False
    for li in items:
        links = [a for a in li.iter("a") if (a.get("href") or "").startswith("#")]
        if not links or "".join(text_of(a) for a in links).replace(" ", "") != text_of(li).replace(" ", ""):
            return False
    return True


def item_lines(walker: Walker, li: etree._Element, mark: Mark, *, depth: int) -> None:
    """One item: its own text is the item's line; its nested lists and tables follow."""
    inner = Walker(tables=walker.tables)
    deeper: list[etree._Element] = []
    add_text(inner, li.text, bold=False, element=li)
    for child in li:
        if tag_of(child) in ("ul", "ol"):
            deeper.append(child)
        else:
            walk(inner, child)
        add_text(inner, child.tail, bold=False, element=li)
    absorb(walker, inner)
    lead = 0
    while lead < len(inner.lines) and inner.lines[lead][1].kind in ("", "field"):
        lead += 1
    text = " ".join(_as_text(line, m) for line, m in inner.lines[:lead])
    if text.strip():
        walker.lines.append((text, mark))
    walker.lines.extend(inner.lines[lead:])
    for nested in deeper:
        list_lines(walker, nested, depth=depth + 1)


def _as_text(text: str, mark: Mark) -> str:
    return f"{mark.label}: {text}" if mark.kind == "field" else text


def ol_number(n: int, style: str) -> str:
    if style == "a":
        return letters(n)
    if style == "A":
        return letters(n).upper()
    if style == "i":
        return roman(n).lower()
    if style == "I":
        return roman(n)
    return str(n)


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


# --- tables ---------------------------------------------------------------------------------


def table_lines(walker: Walker, table: etree._Element) -> list[tuple[str, Mark]]:
    """A table through ``graph.read.grid``; a rowspan/colspan cell is read once, its columns kept."""
    walker.tables += 1
    number = walker.tables
    rows: list[list[grid.Cell]] = []
    spans: dict[int, tuple[int, grid.Cell]] = {}  # column → (rows still covered, the cell above)
    for r, tr in enumerate(table_rows(table), start=1):
        cells: list[grid.Cell] = []
        column = 0
        for td in (c for c in tr if tag_of(c) in ("td", "th")):
            column = _covered(spans, cells, column)
            cell = read_cell(walker, td, where=f"table {number}, row {r}, cell {len(cells) + 1}")
            cells.append(cell)
            rowspan, colspan = _int(td.get("rowspan"), 1), max(_int(td.get("colspan"), 1), 1)
            for k in range(colspan):
                if rowspan > 1:
                    spans[column + k] = (rowspan - 1, cell)
                if k:
                    cells.append(grid.Cell((), cell.where))
            column += colspan
        _covered(spans, cells, column)
        rows.append(cells)
    return grid.table_lines(rows)


def _covered(spans: dict[int, tuple[int, grid.Cell]], cells: list[grid.Cell], column: int) -> int:
    """Put in the cells that a rowspan from above covers at ``column`` on; the next free column."""
    while spans.get(column, (0, None))[0] > 0:
        left, above = spans[column]
        spans[column] = (left - 1, above)
        cells.append(grid.Cell((), above.where, above=above))
        column += 1
    return column


def is_layout_table(table: etree._Element) -> bool:
    """A table that lays out a page (old sites put the whole article in one) holds headings: read as flow."""
    return any(tag_of(e) in ("h1", "h2", "h3", "h4", "h5", "h6") for e in table.iter())


def table_rows(table: etree._Element) -> list[etree._Element]:
    rows: list[etree._Element] = []
    for child in table:
        tag = tag_of(child)
        if tag == "tr":
            rows.append(child)
        elif tag in ("thead", "tbody", "tfoot"):
            rows.extend(c for c in child if tag_of(c) == "tr")
    return rows


def read_cell(walker: Walker, td: etree._Element, *, where: str) -> grid.Cell:
    inner = Walker(tables=walker.tables)
    nested: list[tuple[str, Mark]] = []
    add_text(inner, td.text, bold=False, element=td)
    for child in td:
        if tag_of(child) == "table":
            flush(inner)
            nested.extend(table_lines(inner, child))
        else:
            walk(inner, child)
        add_text(inner, child.tail, bold=False, element=td)
    absorb(walker, inner)
    lines = tuple(text for text, _ in inner.lines)
    marks = tuple(replace_where(m, where) for _, m in inner.lines)
    has_marks = any(m.kind == "item" for m in marks)
    return grid.Cell(lines, where, marks if has_marks else (), tuple(nested))


def replace_where(mark: Mark, where: str) -> Mark:
    from dataclasses import replace

    return replace(mark, where=where, kind=mark.kind if mark.kind == "item" else "", label="")
