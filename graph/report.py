"""The build report: counts, every line's use, repairs, warnings; and the overlaps table."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import orjson

from graph import __version__
from graph.memo import Memo
from graph.model import Document, LineUse, OrgModel, Repair, Source, Value

# What a line may have become that puts nothing in the graph: listed apart, with its reason.
UNUSED_KINDS = frozenset({"unused", "noise", "empty", "meta", "not-duty", "not-duty-section", "dutyless"})


@dataclass(frozen=True, slots=True)
class Account(Value):
    """What the build report lists of one document: kept once the document's posts are in the
    model, when its organizations, posts and duties as written are let go."""

    source: Source
    uses: tuple[LineUse, ...]
    repairs: tuple[Repair, ...]
    glosses_removed: int
    warnings: tuple[str, ...]


def account(doc: Document) -> Account:
    return Account(doc.source, doc.uses, doc.repairs, doc.glosses_removed, doc.warnings)


# the report's lists of every line's use: not held whole, but written a document at a time by
# ``write_report`` (at 10,000 stores, 4.2 million entries); ``build_report`` keeps their places
LINE_LISTS = ("unused_lines", "lines")


def build_report(accounts: Sequence[Account], model: OrgModel, triples: int) -> dict[str, Any]:
    """Everything a reader needs to trust the build, as a JSON-ready dict but for the lists of
    lines (``LINE_LISTS``): None in their places, written from ``accounts`` by ``write_report``."""
    kinds = Counter(use.kind for doc in accounts for use in doc.uses)
    return {
        "rolegraph": __version__,
        "sources": [
            {
                "file": c.source.path.name,
                "sha256": c.source.sha256,
                "encoding": c.source.encoding,
                "lines": c.source.line_count,
                "pinyin_glosses_removed": c.glosses_removed,
            }
            for c in accounts
        ],
        "counts": {
            "organizations": len(model.organizations),
            "posts": len(model.posts),
            "duties": sum(len(p.duties) for p in model.posts),
            "boilerplate_duties": sum(d.boilerplate for p in model.posts for d in p.duties),
            "roles": len(model.roles),
            "departments": len(model.departments),
            "themes": len(model.themes),
            "reporting_lines": dict(sorted(Counter(r.basis for r in model.reporting).items())),
            "overlaps": len(model.overlaps),
            "clusters": len(model.clusters),
            "triples": triples,
            "lines": dict(sorted(kinds.items())),
            "repairs": sum(len(c.repairs) for c in accounts),
        },
        "repairs": [
            {"file": c.source.path.name, "line": r.line, "column": r.column, "before": r.before, "after": r.after, "how": r.how}
            for c in accounts
            for r in c.repairs
        ],
        "unused_lines": None,
        "packs": [
            {"organization": c.org_id, "pack": c.pack, "known_posts": c.known, "posts": c.posts, "why": c.reason}
            for c in model.packs
        ],
        "warnings": [w for doc in accounts for w in doc.warnings],
        "unresolved_mentions": list(model.warnings),
        "lines": None,
    }


REPORT_FORMAT = orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE  # the bytes of json.dumps(indent=2, ensure_ascii=False)


def write_report(report: dict[str, Any], accounts: Sequence[Account], path: Path) -> None:
    """``report`` as orjson writes it (``REPORT_FORMAT``), its lists of lines written from
    ``accounts`` a document at a time, in the bytes they would have in the whole dict written at
    once. orjson: 14 times faster than json.dumps for the same bytes."""
    rest = orjson.dumps(report, option=REPORT_FORMAT)
    with path.open("wb") as out:
        for key in LINE_LISTS:
            place = b'\n  "' + key.encode() + b'": null'  # a top-level key: two spaces in
            before, found, rest = rest.partition(place)
            if not found:
                raise ValueError(f"the report has no place for its {key!r}")
            out.write(before + place[: -len(b"null")])
            _write_entries(out, accounts, unused=key == "unused_lines")
        out.write(rest)


def _write_entries(out: BinaryIO, accounts: Sequence[Account], *, unused: bool) -> None:
    """A list of line entries, as an indented value of the report's top level: each document's
    entries written as orjson writes them, moved two spaces in."""
    written = False
    for doc in accounts:
        entries = _line_entries(doc, [u for u in doc.uses if u.kind in UNUSED_KINDS] if unused else doc.uses)
        if not entries:
            continue
        items = orjson.dumps(entries, option=orjson.OPT_INDENT_2)[1:-2]  # without '[' and '\n]'
        out.write((b"," if written else b"[") + items.replace(b"\n", b"\n  "))  # newlines are escaped in strings
        written = True
    out.write(b"\n  ]" if written else b"[]")


def _line_entries(doc: Account, uses: Sequence[LineUse]) -> list[dict[str, object]]:
    """What these of a document's lines became, as the report lists them (the file's name once
    per document: at a thousand stores the report lists 416,951 lines)."""
    name = doc.source.path.name
    return [{"file": name, "line": use.line, "kind": use.kind, "detail": use.detail} for use in uses]


OVERLAP_COLUMNS = (
    "overlap",
    "score",
    "shared_themes",
    "post_a",
    "post_a_label",
    "role_a",
    "organization_a",
    "duty_a",
    "duty_a_line",
    "duty_a_text",
    "post_b",
    "post_b_label",
    "role_b",
    "organization_b",
    "duty_b",
    "duty_b_line",
    "duty_b_text",
)


# OWASP's advice on CSV injection: a cell that starts with one of these is read by a spreadsheet
# as a formula; a leading apostrophe makes it text and is not shown. Nothing else is changed.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: object) -> object:
    """A CSV cell that no spreadsheet will run: text starting like a formula gets a leading ``'``."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def overlaps_csv(model: OrgModel) -> str:
    """One row per DutyOverlap: both posts, both duty texts, score, shared themes."""
    return "".join(overlaps_csv_parts(model))


def write_overlaps_csv(model: OrgModel, path: Path) -> None:
    """``overlaps_csv`` written as it is made, in UTF-8 with a BOM so that spreadsheet programs
    show the Chinese text right. Made whole, the table, its rows and its bytes were all held at
    once: at 1,000 stores, 130 million characters and the process of the page peaking at 1.4 GB."""
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        f.writelines(overlaps_csv_parts(model))


def overlaps_csv_parts(model: OrgModel, rows: int = 10_000) -> Iterator[str]:
    """``overlaps_csv`` in parts of ``rows`` rows, the header first.

    A duty takes part in up to 32 overlaps, so the cells that tell its side are made and
    neutralised once per duty, and those of its post once per post, not once per row: 9 million
    cells at a thousand stores took 15 s."""
    themes = {t.key: t for t in model.themes}

    def shared(keys: tuple[str, ...]) -> str:
        return _field(neutralise_cell(";".join(themes[t].zh for t in keys)))

    sides, shares, scores = _sides(model), Memo(shared), Memo("{:.2f}".format)  # a few dozen scores recur
    yield _csv([OVERLAP_COLUMNS])
    overlaps = model.overlaps
    firsts, seconds = (side.tolist() for side in model.overlap_duties)  # each side's duty, by number
    for start in range(0, len(overlaps), rows):
        stop = start + rows
        # a row is the fields joined (the writer quotes field by field, so the bytes are the
        # same); the id ('overlap/' and 16 hexadecimal digits) and the score (0.00 to 1.00) need
        # no quotes and cannot start like a formula
        yield "".join(
            [
                f"{o.id},{scores[o.score]},{shares[o.themes]},{sides[a]},{sides[b]}\r\n"
                for o, a, b in zip(overlaps[start:stop], firsts[start:stop], seconds[start:stop], strict=True)
            ]
        )


def _sides(model: OrgModel) -> list[str]:
    """The seven cells of each duty in an overlap (its post's four, then its own three), as CSV
    fields, at the duty's number (``OrgModel.overlap_duties``; "" for a duty in none). Made post
    by post in the model's order: looked up by duty id in the overlaps' order, the posts and
    duties were a random walk through memory, and took twice as long."""
    total = sum(len(p.duties) for p in model.posts)
    wanted = np.zeros(total, dtype=bool)
    for side in model.overlap_duties:
        wanted[side] = True
    taken = wanted.tolist()
    roles = {r.key: r for r in model.roles}
    sides = [""] * total
    start = 0
    for post in model.posts:
        stop = start + len(post.duties)
        if any(taken[start:stop]):
            head = _fields(_neutralised((post.id, post.label, roles[post.role].zh, post.org_id)))
            for at, d in enumerate(post.duties, start):
                if taken[at]:
                    # a duty's id (a slug's letters, digits, '-' and '/') and line need no quotes and
                    # cannot start like a formula: its text alone is neutralised and quoted (made
                    # alike, the sides of 1,000 stores' duties took 1.0-1.4 s, against 0.7-1.0 s)
                    sides[at] = f"{head},{d.id},{d.line},{_field(neutralise_cell(d.label))}"
        start = stop
    return sides


def _neutralised(cells: Iterable[object]) -> tuple[object, ...]:
    return tuple(neutralise_cell(cell) for cell in cells)


def csv_text(rows: Iterable[Sequence[object]]) -> str:
    """Rows as CSV with RFC 4180 line ends, so that a CR or LF inside a cell is quoted (with bare
    LF line ends a CR in a duty was written unquoted and split its row), every cell neutralised."""
    return _csv(_neutralised(row) for row in rows)


def _fields(cells: Sequence[object]) -> str:
    """Cells already neutralised, as the fields of one CSV row, without its line end: the bytes
    Python's csv writer gives (tests compare them on random cells), at a third of the time
    (the writer made afresh for each of 744,360 rows took 1.9 s of 4.2 at 1,000 stores)."""
    if len(cells) == 1 and cells[0] in ("", None):
        return '""'  # a row of one empty field, which the writer quotes
    return ",".join(map(_field, cells))


# what makes the csv writer quote a field (the excel dialect, with "\r\n" line ends): the
# delimiter, the quote, and a CR or LF
_QUOTED = re.compile(r'[,"\r\n]')


def _field(cell: object) -> str:
    text = cell if isinstance(cell, str) else "" if cell is None else str(cell)
    return '"' + text.replace('"', '""') + '"' if _QUOTED.search(text) else text


def _csv(rows: Iterable[Sequence[object]]) -> str:
    """Rows already neutralised, as CSV with RFC 4180 line ends."""
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()
