"""The page's split layout through a build: each store's data a file in out/org-graph-stores/,
replaced with the rest of out/ (no store file of an earlier build survives), and --out accepts
the folder as rolegraph's own."""

from __future__ import annotations

import shutil
from pathlib import Path

from graph.outfolder import MARKER, OUTPUT_FILES, PAGE_STORES, check_out_folder
from graph.pipeline import BuildOptions, build


def test_split_layout_written_and_replaced_whole(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = build(BuildOptions(out=out, validate=False, page_stores=True))
    # the bundled corpus has 5 organizations: one file each, named by its place in the selector
    assert sorted(p.name for p in (out / PAGE_STORES).iterdir()) == ["0.js", "1.js", "2.js", "3.js", "4.js"]
    assert out / PAGE_STORES in result.files
    page = (out / "org-graph.html").read_text(encoding="utf-8")
    assert f'"dir":"{PAGE_STORES}"' in page  # the page loads them from there
    # the same corpus with the data inside the page: the folder goes with the old output
    build(BuildOptions(out=out, validate=False, page_stores=False))
    assert not (out / PAGE_STORES).exists()
    assert PAGE_STORES not in (out / "org-graph.html").read_text(encoding="utf-8")


def test_by_default_the_bundled_corpus_keeps_its_stores_inside_the_page(tmp_path: Path) -> None:
    build(BuildOptions(out=tmp_path / "out", validate=False))  # 5 stores, fewer than 500
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted((*OUTPUT_FILES, MARKER))


def test_an_out_folder_with_the_stores_folder_and_no_marker_is_ours(tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(BuildOptions(out=out, validate=False, page_stores=True))
    (out / MARKER).unlink()  # written before the marker existed: the outputs alone are ours
    check_out_folder(out, [])
    shutil.copy(out / "org.ttl", out / PAGE_STORES / "notes.txt")  # inside our folder: still ours
    check_out_folder(out, [])
