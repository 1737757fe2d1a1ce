"""Time the org-graph page in headless Chromium: the bundled corpus and a 2,000-role page.

``python bench/page.py`` prints, for each page, its size, the time from navigation until the
page is interactive (the network drawn and the panel ready), and the time a search takes.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graph.pipeline import BuildOptions, build  # noqa: E402
from tests.browser import launch  # noqa: E402

WORDS = ["销售", "市场", "客服", "售后", "维修", "配件", "财务", "行政"]
TITLES = ["专员", "主管", "经理"]


def many_roles(path: Path, count: int) -> None:
    """A document of ``count`` positions, each a role of its own, with duties that differ."""
    import random

    rng = random.Random(3)
    hanzi = [bytes([hi, lo]).decode("gb2312") for hi in range(0xB0, 0xD7) for lo in range(0xA1, 0xFF)]
    lines = []
    for i in range(count):
        lines.append(f"{WORDS[i % len(WORDS)]}{i:04d}号{TITLES[i % len(TITLES)]}岗位职责")
        lines += [f"{n}、负责{''.join(rng.choices(hanzi, k=12))};" for n in range(1, 4)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def measure(browser: object, page_path: Path) -> dict[str, float]:
    page = browser.new_page(viewport={"width": 1500, "height": 1000})  # type: ignore[attr-defined]
    start = time.perf_counter()
    page.goto(page_path.as_uri())
    page.wait_for_function("window.rgReady === true", timeout=600_000)
    ready = time.perf_counter() - start
    key = page.evaluate("Object.keys(DATA.roles)[Object.keys(DATA.roles).length - 1]")
    start = time.perf_counter()
    page.fill("#search", page.evaluate(f"DATA.roles[{json.dumps(key)}].zh"))
    page.press("#search", "Enter")
    page.wait_for_function("document.querySelector('#panel h2') !== null")
    search = time.perf_counter() - start
    roles = page.evaluate("Object.keys(DATA.roles).length")
    page.close()
    return {
        "roles": roles,
        "page_mb": round(page_path.stat().st_size / 2**20, 1),
        "interactive_s": round(ready, 2),
        "search_s": round(search, 2),
    }


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        bundled = build(BuildOptions(out=Path(tmp) / "bundled", validate=False)).out / "org-graph.html"
        many_roles(Path(tmp) / "roles.txt", 2000)
        big = build(BuildOptions(sources=(Path(tmp) / "roles.txt",), out=Path(tmp) / "big", validate=False))
        with launch() as browser:
            for name, path in (("bundled corpus", bundled), ("2,000 roles", big.out / "org-graph.html")):
                print(name, measure(browser, path))


if __name__ == "__main__":
    main()
