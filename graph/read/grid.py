"""Tables of any format (Word, Excel, HTML) as lines with marks, read the same way.

A table whose first row names its columns (岗位名称 … 岗位职责, Job title … Responsibilities) is read
as one record per data row: the name field first, then the other cells as fields. Any other table is
read as a field form: a row of a label cell and a value cell (or two such pairs) is a field; other
rows give their cells' text as plain lines. A value of several lines is a field with an empty value
followed by one line per line of the cell, whose numbers (``1、``) the text reader reads.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cache

from graph.model import Mark

HEADER_SCAN_ROWS = 10
MAX_LABEL_CHARS = 16
_LABEL_END = (":", "：")
_NOT_LABEL = re.compile(r"[\s:：()（）/·._\-*#]+")


@dataclass(frozen=True)
class Cell:
    """One table cell read once (a merged cell once, at its first row and column)."""

    lines: tuple[str, ...]  # the cell's paragraphs or lines, stripped, blank ones left out
    where: str
    marks: tuple[Mark, ...] = ()  # the format's own mark of each line (a Word list paragraph), else ()
    after: tuple[tuple[str, Mark], ...] = ()  # what a nested table gave, read after the cell's row
    above: Cell | None = None  # under the first row of a vertical merge: the merged cell (records repeat it)

    @property
    def text(self) -> str:
        return " ".join(self.lines)


Row = Sequence[Cell]
Lines = list[tuple[str, Mark]]


def column_key(text: str) -> str:
    """A label without spaces, colons or brackets, lower case."""
    return _NOT_LABEL.sub("", text).lower()


@cache
def column_meanings() -> dict[str, str]:
    """Folded column label → meaning ("name", "duties", … or "not duties"), from the language profiles."""
    from graph.read.profile import profiles

    meanings: dict[str, str] = {}
    for profile in profiles():
        meanings.update({section: "not duties" for section in profile.not_duties})
        meanings.update(profile.labels)
    return meanings


@cache
def column_meaning(text: str) -> str | None:
    from graph.read.profile import fold

    return column_meanings().get(fold(text))


def label_text(cell: Cell) -> str:
    """A label cell's text; a vertical label split one character per line (职/责/一) is joined."""
    if len(cell.lines) > 1 and all(len(line) <= 2 for line in cell.lines):
        text = "".join(cell.lines)
    else:
        text = " ".join(cell.lines)
    return text.strip().rstrip(":：").strip()


def header_index(rows: Sequence[Row]) -> int | None:
    """The first of the first rows that names a name column and at least one other known column."""
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        meanings = [column_meaning(label_text(cell)) for cell in row if cell.lines]
        if "name" in meanings and sum(m is not None for m in meanings) >= 2:
            return index
    return None


def table_lines(rows: Sequence[Row]) -> Lines:
    """Lines of one table: records under a header row, else a field form (see the module doc).

    A row's cells are its columns, in order; a reader gives an empty cell where a column is empty.
    """
    start = header_index(rows)
    if start is None:
        out: Lines = []
        for row in rows:
            out.extend(form_row_lines(row))
            out.extend(nested(row))
        return out
    return records(rows[start], rows[start + 1 :])


def records(header: Row, rows: Iterable[Row]) -> Lines:
    """One record per data row: the name field first, then the other cells in column order.

    A cell merged down over several rows (a department beside three positions) is read in each.
    """
    labels = [label_text(cell) for cell in header]
    name_at = next(i for i, label in enumerate(labels) if column_meaning(label) == "name")
    out: Lines = []
    for row in rows:
        if not any(cell.lines for cell in row):
            continue
        cells = [cell.above if not cell.lines and cell.above is not None else cell for cell in row]
        order = [name_at] + [i for i in range(len(cells)) if i != name_at]
        for i in order:
            if i < len(cells) and cells[i].lines:
                out.extend(field_lines(labels[i] if i < len(labels) else "", cells[i]))
        out.extend(nested(row))
    return out


def form_row_lines(row: Row) -> Lines:
    """One row of a field form: label/value pairs as fields (an empty value too), else the cells' text.

    A label merged down over several rows (任职资格 beside 学历 and 经验) heads each row's label.
    """
    cells = [cell for cell in row if cell.lines]
    above = row[0].above if row and not row[0].lines else None
    if above is not None and len(cells) == 2 and is_label(above) and is_label(cells[0]):
        return field_lines(f"{label_text(above)} {label_text(cells[0])}", cells[1])
    pairs = _label_pairs(list(row)) or _label_pairs(cells)
    if pairs is not None:
        return [line for label, value in pairs for line in field_lines(label_text(label), value)]
    if len(cells) == 3 and is_label(cells[0]) and is_label(cells[1]):
        return field_lines(f"{label_text(cells[0])} {label_text(cells[1])}", cells[2])
    return [line for cell in cells for line in plain_lines(cell)]


def _label_pairs(cells: list[Cell]) -> list[tuple[Cell, Cell]] | None:
    """(label, value) pairs of a row of 2 or 4 cells whose 1st (and 3rd) cells are labels; empty pairs left out."""
    if len(cells) not in (2, 4):
        return None
    pairs = [(cells[i], cells[i + 1]) for i in range(0, len(cells), 2) if cells[i].lines or cells[i + 1].lines]
    if not pairs or not all(is_label(label) for label, _ in pairs):
        return None
    return pairs


def is_label(cell: Cell) -> bool:
    text = label_text(cell)
    return 0 < len(text) <= MAX_LABEL_CHARS and column_key(text) != "" and not text[0].isdigit()


def field_lines(label: str, cell: Cell) -> Lines:
    """A field: one line when the value is one line, else an empty-valued field and the value's lines."""
    if not label:
        return plain_lines(cell)
    mark = Mark(kind="field", label=label, where=cell.where)
    if not cell.lines:
        return [("", mark)]
    if len(cell.lines) == 1 and not (cell.marks and cell.marks[0].kind):
        return [(cell.lines[0], mark)]
    return [("", mark), *plain_lines(cell)]


def plain_lines(cell: Cell) -> Lines:
    marks = cell.marks or tuple(Mark() for _ in cell.lines)
    return [(line, replace(mark, where=mark.where or cell.where)) for line, mark in zip(cell.lines, marks, strict=True)]


def nested(row: Iterable[Cell]) -> Lines:
    return [pair for cell in row for pair in cell.after]


def bold_field(runs: list[tuple[str, bool]]) -> tuple[str, str] | None:
    """``(label, value)`` when the paragraph opens with bold text ending in a colon, then more text."""
    while runs and not runs[0][0].strip():
        runs = runs[1:]
    bold = ""
    for index, (text, is_bold) in enumerate(runs):
        if not is_bold:
            rest = "".join(t for t, _ in runs[index:])
            break
        bold += text
    else:
        return None
    label = bold.strip()
    if not label:
        return None
    if not label.endswith(_LABEL_END):
        if not rest.lstrip().startswith(_LABEL_END):
            return None
        rest = rest.lstrip()[1:]
    label = label.rstrip(":：").strip()
    if not label or not rest.strip() or len(label) > 40:
        return None
    return label, rest.strip()
