"""Time the org-graph page in headless Chromium: the bundled corpus and generated groups of stores.

``python bench/page.py [STORES …]`` (default: 100) builds the bundled corpus and, for each count,
a group of that many stores written by ``bench/make_corpus.py --classic`` (about 50 posts and 430
duties a store), then opens each page and prints:

- ``page_mb``: the page's size; ``largest_store_kb``: its largest store chunk (base64 of gzip);
- ``interactive_s``: from navigation until the chart is drawn and the page answers;
- ``search_to_panel_ms``: from typing a role's name and Enter until its panel is filled;
- ``store_to_chart_ms``: from choosing a store until its chart is drawn and fitted;
- ``render_s``: the time the build spent making the page.

Targets at 1,000 stores (issue 15): interactive ≤ 2 s, search → panel ≤ 300 ms, page ≤ 5 MB.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

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


def measure(browser: Any, page_path: Path) -> dict[str, Any]:
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    start = time.perf_counter()
    page.goto(page_path.as_uri())
    page.wait_for_function("window.rgReady === true", timeout=600_000)
    ready = time.perf_counter() - start
    name = page.evaluate("DATA.roles['service-manager'] ? DATA.roles['service-manager'].zh : Object.values(DATA.roles)[0].zh")
    searches = sorted(page.evaluate(SEARCH, name) for _ in range(3))
    stores = page.evaluate("DATA.stores.length")
    opened = sorted(page.evaluate(STORE, i) for i in (0, stores // 2, stores - 1))
    text = page_path.read_text(encoding="utf-8")
    chunks = json.loads(re.search(r'id="rg-stores">(.*?)</script>', text, re.S).group(1))  # type: ignore[union-attr]
    result = {
        "stores": stores,
        "roles": page.evaluate("Object.keys(DATA.roles).length"),
        "page_mb": round(page_path.stat().st_size / 2**20, 2),
        "largest_store_kb": round(max(map(len, chunks)) / 2**10, 1),
        "interactive_s": round(ready, 2),
        "search_to_panel_ms": round(searches[1]),
        "store_to_chart_ms": round(opened[1]),
        "errors": page.errors if hasattr(page, "errors") else [],
    }
    page.close()
    return result


def build_timed(out: Path, sources: tuple[Path, ...] = ()) -> tuple[Path, float]:
    options = BuildOptions(out=out, validate=False, sources=sources) if sources else BuildOptions(out=out, validate=False)
    result = build(options)
    return result.out / "org-graph.html", result.timings.get("render", 0.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stores", nargs="*", type=int, default=[100])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        pages = [("bundled corpus", *build_timed(Path(tmp) / "bundled"))]
        for count in args.stores:
            corpus = Path(tmp) / f"corpus-{count}"
            subprocess.run(
                [sys.executable, str(ROOT / "bench" / "make_corpus.py"), str(count), str(corpus), "--classic"], check=True
            )
            pages.append((f"{count:,} stores", *build_timed(Path(tmp) / f"out-{count}", (corpus,))))
        with launch() as browser:
            for name, path, render in pages:
                print(name, json.dumps({**measure(browser, path), "render_s": round(render, 1)}), flush=True)


if __name__ == "__main__":
    main()
