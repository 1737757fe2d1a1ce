"""An Excel workbook as lines with marks, sheet by sheet.

A sheet with a header row naming its columns (岗位名称 / 所属部门 / 直接上级 / 岗位职责, or the English
labels) gives one record per data row, the name field first (``graph.read.grid``); a sheet without
one is read as a field form (label cell, value cell) or as plain lines. Formulas are read as the
values Excel saved; a merged cell as its top-left cell (the others are empty), except that a
cell merged down beside several positions of a header-row table is read in each of them. Reading stops after
``MAX_EMPTY_ROWS`` empty rows in a row, so a sheet formatted down to row 1,048,576 reads fast.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from graph.errors import SourceError
from graph.model import Mark
from graph.read import grid
from graph.read.archive import check_xml_members, open_zip, read_member

WHAT = "Excel workbook"
MAX_EMPTY_ROWS = 1000
MAX_COLUMNS = 256
Merges = dict[tuple[int, int], tuple[int, int]]  # (row, column) under a merge's first row → its first cell
Sheet = tuple[str, Iterable[tuple[object, ...]], Merges]
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]{1,3}[0-9]{1,7}):([A-Z]{1,3}[0-9]{1,7})"')


def read_xlsx(path: Path, data: bytes) -> tuple[list[tuple[str, Mark]], int]:
    """Lines of every visible sheet of a .xlsx (openpyxl, read-only, cached values), and how many
    sheets were hidden (lookup lists for drop-downs, mostly) and not read."""
    from openpyxl import load_workbook

    archive = open_zip(path, data, what=WHAT)
    check_xml_members(path, archive, what=WHAT)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many kinds (KeyError, ValueError, TypeError) for a broken book
        raise SourceError(
            f"{path}: not a readable Excel workbook ({type(e).__name__}: {e}); open it in Excel and save it again"
        ) from None
    try:
        shown = [ws for ws in book.worksheets if getattr(ws, "sheet_state", "visible") == "visible"]
        sheets = (
            (ws.title, displayed_rows(ws.iter_rows(max_col=_columns(ws.max_column))), merged_ranges(path, archive, ws))
            for ws in shown
        )
        return workbook_lines(path, sheets), len(book.worksheets) - len(shown)
    finally:
        book.close()


def read_xls(path: Path, data: bytes) -> list[tuple[str, Mark]]:
    """Lines of every sheet of an Excel 97-2003 .xls (xlrd)."""
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, on_demand=True)
    except xlrd.XLRDError as e:
        raise SourceError(
            f"{path}: not a readable .xls workbook ({e}); convert it: libreoffice --headless --convert-to xlsx {path}"
        ) from None
    except Exception as e:  # xlrd raises assorted errors for a damaged file
        raise SourceError(
            f"{path}: a damaged .xls workbook ({type(e).__name__}: {e}); open it in Excel and save it as .xlsx"
        ) from None

    def rows(sheet: xlrd.sheet.Sheet) -> Iterator[tuple[object, ...]]:
        for r in range(sheet.nrows):
            yield tuple(_xls_value(book, cell) for cell in sheet.row(r)[:MAX_COLUMNS])

    return workbook_lines(path, ((sheet.name, rows(sheet), {}) for sheet in book.sheets()))


def displayed_rows(rows: Iterable[tuple[object, ...]]) -> Iterator[tuple[object, ...]]:
    """Each row's values, a number formatted as a percentage shown as one (0.25 → "25%")."""
    for row in rows:
        yield tuple(_displayed(cell) for cell in row)


def _displayed(cell: object) -> object:
    value = getattr(cell, "value", None)
    if isinstance(value, int | float) and not isinstance(value, bool) and "%" in str(getattr(cell, "number_format", "")):
        return f"{value * 100:.10g}%"
    return value


def _columns(max_column: int | None) -> int | None:
    """At most MAX_COLUMNS columns: a sheet formatted out to column XFD is not 16,384 columns of text."""
    return min(max_column, MAX_COLUMNS) if max_column else None


def _xls_value(book: object, cell: object) -> object:
    import xlrd

    if cell.ctype == xlrd.XL_CELL_DATE:  # type: ignore[attr-defined]
        return xlrd.xldate.xldate_as_datetime(cell.value, book.datemode)  # type: ignore[attr-defined]
    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):  # type: ignore[attr-defined]
        return None
    return cell.value  # type: ignore[attr-defined]


def workbook_lines(path: Path, sheets: Iterable[Sheet]) -> list[tuple[str, Mark]]:
    out: list[tuple[str, Mark]] = []
    empty: list[str] = []
    for title, values, merges in sheets:
        lines = grid.table_lines(sheet_rows(title, values, merges))
        if any(text.strip() for text, _ in lines):
            out.extend(lines)
        else:
            empty.append(title)
    if not out:
        names = ", ".join(empty) or "(none)"
        raise SourceError(
            f"{path}: no sheet has a header row naming its columns (岗位名称, 岗位职责 …) or any text "
            f"(sheets: {names}); put one position per row under such a header"
        )
    return out


def merged_ranges(path: Path, archive: zipfile.ZipFile, sheet: object) -> Merges:
    """Where vertical merges sit: each cell of a merge's first column below its first row → its first cell.

    openpyxl's read-only sheets do not read ``mergeCells``; it is one element at the end of the part.
    """
    from openpyxl.utils import column_index_from_string
    from openpyxl.utils.cell import coordinate_from_string

    member = getattr(sheet, "_worksheet_path", "")
    if not member:
        return {}
    merges: Merges = {}
    for first, last in _MERGE.findall(read_member(path, archive, member, what=WHAT)):
        (c1, r1), (_, r2) = coordinate_from_string(first.decode()), coordinate_from_string(last.decode())
        column = column_index_from_string(c1)
        for r in range(r1 + 1, min(r2, r1 + MAX_EMPTY_ROWS) + 1):
            merges[(r, column)] = (r1, column)
    return merges


def sheet_rows(title: str, values: Iterable[tuple[object, ...]], merges: Merges) -> list[list[grid.Cell]]:
    """The non-empty rows of a sheet as cells, stopping after MAX_EMPTY_ROWS empty rows in a row."""
    from openpyxl.utils import get_column_letter

    rows: list[list[grid.Cell]] = []
    firsts: dict[tuple[int, int], grid.Cell] = {}
    wanted = set(merges.values())
    run = 0
    for r, row in enumerate(values, start=1):
        texts = [cell_text(value) for value in row]
        if not any(texts):
            run += 1
            if run >= MAX_EMPTY_ROWS:
                break
            continue
        run = 0
        cells: list[grid.Cell] = []
        for c, text in enumerate(texts, start=1):
            first = firsts.get(merges[(r, c)]) if (r, c) in merges else None
            cells.append(grid.Cell(_cell_lines(text), f"sheet {title}, row {r}, column {get_column_letter(c)}", above=first))
            if (r, c) in wanted:
                firsts[(r, c)] = cells[-1]
        rows.append(cells)
    return rows


def _cell_lines(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in text.splitlines() if line.strip())


def cell_text(value: object) -> str:
    """A cell's value as a reader sees it: 3.0 → "3", a date → "2024-05-01", None → ""."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    return str(value).strip()
