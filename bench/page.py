"""Time the org-graph page in headless Chromium: the bundled corpus and generated groups of stores.

``python bench/page.py [STORES …] [--runs N] [--layout single|split|both]`` (default: 100 stores,
3 runs, both layouts) builds the bundled corpus and, for each count, a group of that many stores
written by ``bench/make_corpus.py --classic`` (about 50 posts and 430 duties a store). Each build
gives the single page (every store's data a gzip'd chunk inside it); the split layout is rendered
from the same model, ``render_page(model, stores=folder)``: a page and one file per store beside
it, loaded from disk with no server. Each page is opened ``--runs`` times, and printed:

- ``page_mb``: the page's size; ``largest_kb``: its largest store chunk (single: base64 of gzip,
  inside the page) or its largest store file (split); ``store_files_mb``: all the store files;
- ``interactive_s``: from navigation until the chart is drawn and the page answers (fastest and
  slowest run);
- ``search_to_panel_ms``: from typing a role's name and Enter until its panel is filled (median);
- ``store_to_chart_ms``: from choosing a store until its chart is drawn and fitted (median of the
  first, middle and last store, each opened once: a first opening, data read from disk);
- ``render_s``, ``render_cpu_s``: making the page (and its files) again from the build's model, wall
  and CPU time; ``build_render_s``: the build's render stage (the single page), wall time, beside
  the build's own background work (JSON-LD conversion, checks).

Targets at 1,000 stores (issue 15): interactive ≤ 2 s, search → panel ≤ 300 ms, page ≤ 5 MB
(or the split layout with its largest file ≤ 5 MB).
"""

from __future__ import annotations

import argparse
import gc
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graph.outfolder import PAGE_STORES  # noqa: E402
from graph.page import render_page  # noqa: E402
from graph.pipeline import BuildOptions, build  # noqa: E402
from tests.browser import launch  # noqa: E402

SEARCH = """async name => { const box = document.getElementById('search'); const t0 = performance.now();
  box.value = name; box.dispatchEvent(new Event('input'));
  box.dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter', bubbles: true}));
  while (!document.querySelector('#panel h2') || document.querySelector('#panel h2').textContent !== name)
    await new Promise(r => setTimeout(r, 1));
  return performance.now() - t0; }"""
STORE = """async i => { const t0 = performance.now(); await setScope(i);
  await new Promise(r => network.once('afterDrawing', r)); return performance.now() - t0; }"""


def open_once(browser: Any, page_path: Path, *, probe: bool) -> dict[str, Any]:
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    start = time.perf_counter()
    page.goto(page_path.as_uri())
    page.wait_for_function("() => window.rgReady === true", timeout=600_000)
    found: dict[str, Any] = {"ready": time.perf_counter() - start, "errors": errors}
    if probe:
        name = page.evaluate("DATA.roles['service-manager'] ? DATA.roles['service-manager'].zh : Object.values(DATA.roles)[0].zh")
        found["search"] = [page.evaluate(SEARCH, name) for _ in range(3)]
        stores = page.evaluate("DATA.stores.length")
        found["store"] = [page.evaluate(STORE, i) for i in sorted({0, stores // 2, stores - 1})]
        found["stores"], found["roles"] = stores, page.evaluate("Object.keys(DATA.roles).length")
    page.close()
    return found


def sizes(page_path: Path) -> dict[str, float]:
    folder = page_path.parent / PAGE_STORES
    if folder.is_dir():
        files = [p.stat().st_size for p in folder.glob("*.js")]
        return {"largest_kb": round(max(files) / 2**10, 1), "store_files_mb": round(sum(files) / 2**20, 2)}
    text = page_path.read_text(encoding="utf-8")
    chunks = json.loads(re.search(r'id="rg-stores">(.*?)</script>', text, re.S).group(1))  # type: ignore[union-attr]
    return {"largest_kb": round(max(map(len, chunks)) / 2**10, 1), "store_files_mb": 0.0}


def measure(browser: Any, page_path: Path, runs: int) -> dict[str, Any]:
    opened = [open_once(browser, page_path, probe=k == 0) for k in range(runs)]
    ready = sorted(o["ready"] for o in opened)
    return {
        "stores": opened[0]["stores"],
        "roles": opened[0]["roles"],
        "page_mb": round(page_path.stat().st_size / 2**20, 2),
        **sizes(page_path),
        "interactive_s": f"{ready[0]:.2f}–{ready[-1]:.2f}",
        "search_to_panel_ms": round(statistics.median(opened[0]["search"])),
        "store_to_chart_ms": round(statistics.median(opened[0]["store"])),
        "errors": [e for o in opened for e in o["errors"]],
    }


def pages(tmp: Path, name: str, sources: tuple[Path, ...], layouts: list[str]) -> list[tuple[str, Path, dict[str, float]]]:
    options = BuildOptions(out=tmp / f"out-{name}", validate=False)
    if sources:
        options = BuildOptions(out=options.out, validate=False, sources=sources)
    result = build(options)
    found = []
    for layout in layouts:  # rendered again from the build's model, nothing else running
        folder = tmp / f"{layout}-{name}"
        folder.mkdir()
        gc.disable()  # as the build does: the model is millions of objects, none of them garbage
        wall, cpu = time.perf_counter(), time.process_time()
        html = render_page(result.model, stores=folder / PAGE_STORES if layout == "split" else None)
        gc.enable()
        (folder / "org-graph.html").write_text(html, encoding="utf-8")
        timing = {"render_s": round(time.perf_counter() - wall, 1), "render_cpu_s": round(time.process_time() - cpu, 1)}
        timing["build_render_s"] = round(result.timings.get("render", 0.0), 1)  # the stage, beside the build's background work
        found.append((layout, folder / "org-graph.html", timing))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stores", nargs="*", type=int, default=[100])
    parser.add_argument("--runs", type=int, default=3, help="openings of each page (interactive: fastest–slowest)")
    parser.add_argument("--layout", choices=("single", "split", "both"), default="both")
    args = parser.parse_args()
    layouts = ["single", "split"] if args.layout == "both" else [args.layout]
    with tempfile.TemporaryDirectory(prefix="page-bench-") as tmp_name:
        tmp = Path(tmp_name)
        made = [("bundled corpus", *p) for p in pages(tmp, "bundled", (), layouts)]
        for count in args.stores:
            corpus = tmp / f"corpus-{count}"
            subprocess.run(
                [sys.executable, str(ROOT / "bench" / "make_corpus.py"), str(count), str(corpus), "--classic"],
                check=True,
                stdout=subprocess.DEVNULL,
            )
            made += [(f"{count:,} stores", *p) for p in pages(tmp, str(count), (corpus,), layouts)]
        with launch() as browser:
            for name, layout, path, timing in made:
                result = {"layout": layout, **measure(browser, path, args.runs), **timing}
                print(name, json.dumps(result, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
