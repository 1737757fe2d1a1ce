"""Org-chart layouts of earlier builds, kept for the next.

The page draws each store as an org chart (``page.chart_layout``): at 1,000 stores the 1,002
layouts are 2.3 s of the page's 4.9, worked out again by every rebuild although one store's
change leaves all the others' charts as they were. A layout is a function of its nodes, lines,
ranks and departments alone, so it is kept under a digest of exactly these, as given, beside
the readings, the graph's pieces and the role scores.

The file (``graph.kept_file``) holds the layouts the last build used.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

import orjson

from graph.kept_file import read_entries, save_entries
from graph.page import Chart, chart_layout
from graph.paths import PACKAGE_DIR
from graph.versions import code_version

# the code and libraries a layout depends on (networkx breaks cycles, numpy counts crossings): a
# change to any of them makes every kept layout stale
LAYOUT_CODE = ("page.py", "layout_cache.py", "kept_file.py")
LAYOUT_LIBRARIES = ("networkx", "numpy")
WHAT = "org-chart layouts"


class LayoutCache:
    """``chart_layout``, with the layouts read from and written back to one file of a folder."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / f"layouts-{layout_version()}.json"
        self.kept: dict[str, dict[str, Any]] = read_entries(self.path, lambda v: isinstance(v, dict), WHAT)
        self.used: dict[str, dict[str, Any]] = {}  # the layouts this build asked for, by key
        self.found = 0  # … of which the file held so many

    def __call__(
        self, nodes: Sequence[str], lines: Sequence[tuple[str, str, int]], *, rank: dict[str, int], group: dict[str, str]
    ) -> Chart:
        key = hashlib.sha256(orjson.dumps([nodes, lines, rank, group])).hexdigest()[:32]
        kept = self.kept.get(key)
        chart = _chart(kept, nodes, lines) if kept is not None else None
        if kept is None or chart is None:
            chart = chart_layout(nodes, lines, rank=rank, group=group)
            kept = _saved(chart)
        else:
            self.found += 1
        self.used[key] = kept
        return chart

    def save(self) -> None:
        """Write the layouts this build used, when they are not what the file held."""
        save_entries(self.path, self.used, self.kept, WHAT)


def _saved(chart: Chart) -> dict[str, Any]:
    back = sorted(chart.back)
    return {"level": chart.level, "x": chart.x, "y": chart.y, "back": back, "crossings": chart.crossings}


def _chart(kept: dict[str, Any], nodes: Sequence[str], lines: Sequence[tuple[str, str, int]]) -> Chart | None:
    """The layout a file held for these ``nodes`` and ``lines``; None when it is not one of them
    (a node not placed, a position not a whole number, a line dropped that is not one of theirs):
    it is worked out again."""
    try:
        maps, dropped, crossings = [kept[name] for name in ("level", "x", "y")], kept["back"], kept["crossings"]
    except (KeyError, TypeError):
        return None
    placed = set(nodes)
    if not all(isinstance(m, dict) and m.keys() == placed and all(type(v) is int for v in m.values()) for m in maps):
        return None
    if type(crossings) is not int or not isinstance(dropped, list):
        return None
    given = {(sup, sub) for sup, sub, _ in lines}
    if not all(isinstance(line, list) and len(line) == 2 and tuple(line) in given for line in dropped):
        return None
    back = frozenset((sup, sub) for sup, sub in dropped)
    return Chart(level=maps[0], x=maps[1], y=maps[2], back=back, crossings=crossings)


@cache
def layout_version() -> str:
    """A digest of the layout's code and its libraries' versions."""
    return code_version((PACKAGE_DIR / name for name in LAYOUT_CODE), LAYOUT_LIBRARIES)
