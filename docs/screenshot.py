"""Take the README's screenshots of the org-graph page of the bundled corpus: ``python docs/screenshot.py``.

Writes docs/org-graph.png (desktop, 1440x900: the group's org chart with 服务经理 selected),
docs/org-graph-store.png (one store's chart, its 服务经理 against the group's) and
docs/org-graph-phone.png (390x844, 出纳 selected, the panel as a drawer). The page is built
afresh in a temporary folder; Chinese labels need a CJK font (Debian: fonts-noto-cjk).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graph.pipeline import BuildOptions, build  # noqa: E402
from tests.browser import launch, open_page  # noqa: E402

DOCS = ROOT / "docs"


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        page_path = build(BuildOptions(out=Path(tmp) / "out", validate=False)).out / "org-graph.html"
        with launch() as browser:
            with open_page(browser, page_path, width=1440, height=900) as page:
                page.evaluate("select('role:service-manager', {focus: false})")
                page.screenshot(path=str(DOCS / "org-graph.png"))
                page.evaluate("setScope(DATA.stores.findIndex(s => s.name.startsWith('第四篇')))")
                page.wait_for_function("() => S.scope >= 0")
                post = page.evaluate("Object.keys(VIEW.info).find(id => nodes.get(id).labelZh === '服务经理')")
                page.evaluate(f"select({post!r}, {{focus: false}})")
                page.evaluate("document.querySelector('#panel h3:nth-of-type(4)').scrollIntoView()")
                page.screenshot(path=str(DOCS / "org-graph-store.png"))
            with open_page(browser, page_path, width=390, height=844) as page:
                page.evaluate("select('role:treasury-cashier')")
                page.wait_for_timeout(300)  # the drawer slides in
                page.evaluate("focusOn('role:treasury-cashier')")
                page.screenshot(path=str(DOCS / "org-graph-phone.png"))


if __name__ == "__main__":
    main()
