"""Org-chart layouts kept between builds: a page drawn from kept layouts is the page drawn without
them, a chart whose posts or lines changed is laid out again, and a damaged or unwritable file
only costs the layouts."""

from __future__ import annotations

import dataclasses
import logging
import os
from pathlib import Path
from typing import Any

import orjson
import pytest
from pytest import MonkeyPatch

from graph import emit, layout_cache
from graph.layout_cache import LayoutCache, layout_version
from graph.model import OrgModel
from graph.page import Chart, render_page
from graph.pipeline import BuildOptions, BuildResult, build


class _Counted:
    """``chart_layout`` as the cache calls it, counting the charts it lays out (``render_page``
    without a cache calls the page's own)."""

    def __init__(self) -> None:
        self.charts = 0
        self.real = layout_cache.chart_layout

    def __call__(self, *args: object, **kwargs: object) -> Chart:
        self.charts += 1
        return self.real(*args, **kwargs)  # type: ignore[arg-type]


@pytest.fixture
def counted(monkeypatch: MonkeyPatch) -> _Counted:
    counter = _Counted()
    monkeypatch.setattr(layout_cache, "chart_layout", counter)
    return counter


def _page(model: OrgModel, folder: Path) -> tuple[str, LayoutCache]:
    layouts = LayoutCache(folder)
    page = render_page(model, lay_out=layouts)
    layouts.save()
    return page, layouts


def test_kept_layouts_give_the_same_page_without_laying_out(built: BuildResult, tmp_path: Path, counted: _Counted) -> None:
    plain = render_page(built.model)
    page, first = _page(built.model, tmp_path / "layouts")
    # the bundled corpus's five stores, each an org chart, and the group's chart of roles
    charts = len(built.model.organizations) + 1
    assert page == plain and counted.charts == charts and first.found == 0 and len(first.used) == charts
    again, second = _page(built.model, tmp_path / "layouts")
    assert again == plain and counted.charts == charts and second.found == charts


def test_a_store_whose_reporting_lines_changed_is_laid_out_again(built: BuildResult, tmp_path: Path, counted: _Counted) -> None:
    model = built.model
    _page(model, tmp_path / "layouts")
    laid_out = counted.charts
    # one store's first line between two of its posts dropped: its chart changes, and the
    # group's chart of roles may (it counts the lines between two roles)
    line = next(line for line in model.reporting if line.subordinate in model.post_by_id and line.superior in model.post_by_id)
    changed = dataclasses.replace(model, reporting=tuple(x for x in model.reporting if x is not line))
    page, layouts = _page(changed, tmp_path / "layouts")
    assert page == render_page(changed)
    assert 1 <= counted.charts - laid_out <= 2
    assert layouts.found >= len(model.organizations) - 1


def _without_a_node(layout: dict[str, Any]) -> dict[str, Any]:
    """The layout's three maps without their first node: well formed, but not of this chart."""
    node = next(iter(layout["x"]))
    return {name: {k: v for k, v in layout[name].items() if k != node} for name in ("level", "x", "y")}


def _damaged(kept: dict[str, dict[str, Any]], how: str) -> bytes:
    first = next(iter(kept))
    return {
        "cut": orjson.dumps(kept)[:-7],
        "empty": b"",
        "a list": b"[1]",
        "a layout of text": orjson.dumps({key: "not a layout" for key in kept}),
        "a level missing": orjson.dumps({**kept, first: {k: v for k, v in kept[first].items() if k != "level"}}),
        "a position of text": orjson.dumps({**kept, first: {**kept[first], "x": dict.fromkeys(kept[first]["x"], "1")}}),
        "a line of one end": orjson.dumps({**kept, first: {**kept[first], "back": [["post/a"]]}}),
        "a line of text": orjson.dumps({**kept, first: {**kept[first], "back": ["ab"]}}),
        "a node missing": orjson.dumps({**kept, first: {**kept[first], **_without_a_node(kept[first])}}),
        "a position true": orjson.dumps({**kept, first: {**kept[first], "x": dict.fromkeys(kept[first]["x"], True)}}),
        "a line not given": orjson.dumps({**kept, first: {**kept[first], "back": [["post/nowhere", "post/else"]]}}),
    }[how]


@pytest.mark.parametrize(
    "how",
    [
        "cut",
        "empty",
        "a list",
        "a layout of text",
        "a level missing",
        "a position of text",
        "a line of one end",
        "a line of text",
        "a node missing",
        "a position true",
        "a line not given",
    ],
)
def test_a_damaged_file_is_laid_out_afresh(
    built: BuildResult, tmp_path: Path, how: str, caplog: pytest.LogCaptureFixture, counted: _Counted
) -> None:
    folder = tmp_path / "layouts"
    _page(built.model, folder)
    file = folder / f"layouts-{layout_version()}.json"
    kept = orjson.loads(file.read_bytes())
    file.write_bytes(_damaged(kept, how))
    before = counted.charts
    with caplog.at_level(logging.WARNING):
        page, layouts = _page(built.model, folder)
    assert page == render_page(built.model)
    # a file that does not parse, or not into layouts, is said to be damaged and laid out whole;
    # a layout that is not one is laid out again alone
    whole = how in ("cut", "empty", "a list", "a layout of text")
    assert ("damaged" in caplog.text) == whole
    assert counted.charts - before == (len(kept) if whole else 1)
    assert _page(built.model, folder)[1].found == len(kept)  # written again, whole


def test_a_cache_that_cannot_be_written_gives_the_same_page(
    built: BuildResult, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder", encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        page, _ = _page(built.model, blocked / "layouts")
    assert page == render_page(built.model)
    assert "cannot write the org-chart layouts" in caplog.text


def test_the_file_holds_the_last_builds_layouts_and_other_versions_go(built: BuildResult, tmp_path: Path) -> None:
    folder = tmp_path / "layouts"
    folder.mkdir()
    stale = folder / "layouts-0000000000000000.json"
    stale.write_bytes(b"{}")
    model = built.model
    _, first = _page(model, folder)
    changed = dataclasses.replace(model, reporting=model.reporting[1:])
    _, second = _page(changed, folder)
    kept = LayoutCache(folder).kept
    # the second page's charts alone: the first page's that changed are gone
    assert set(kept) == set(second.used) != set(first.used) and len(kept) == len(model.organizations) + 1
    assert not stale.exists()


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_build_keeps_the_layouts_beside_the_readings_and_a_rebuild_draws_the_same_page(
    tmp_path: Path, monkeypatch: MonkeyPatch, jobs: int
) -> None:
    # with two jobs and a graph of several pieces, the page is drawn in a process of its own,
    # which keeps the layouts
    monkeypatch.setattr(emit, "POSTS_PER_PIECE", 2 if jobs > 1 else emit.POSTS_PER_PIECE)
    saved_by, real = tmp_path / "saved-by", LayoutCache.save
    saved_by.mkdir()

    def save(self: LayoutCache) -> None:
        (saved_by / str(os.getpid())).touch()
        real(self)

    monkeypatch.setattr(LayoutCache, "save", save)
    cache = tmp_path / "cache"
    first = build(BuildOptions(out=tmp_path / "first", validate=False, cache=cache, jobs=jobs))
    kept = LayoutCache(cache / "layouts").kept
    assert len(kept) == len(first.model.organizations) + 1
    assert [p.name == str(os.getpid()) for p in saved_by.iterdir()] == [jobs == 1]
    counter = _Counted()
    monkeypatch.setattr(layout_cache, "chart_layout", counter)
    again = build(BuildOptions(out=tmp_path / "again", validate=False, cache=cache, jobs=jobs))
    if jobs == 1:  # drawn in this process: every chart came from the file
        assert counter.charts == 0
    clean = build(BuildOptions(out=tmp_path / "clean", validate=False, cache=None))
    page = (clean.out / "org-graph.html").read_bytes()
    assert (first.out / "org-graph.html").read_bytes() == (again.out / "org-graph.html").read_bytes() == page
