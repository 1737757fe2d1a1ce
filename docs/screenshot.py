"""Take the README's screenshot of out/org-graph.html: ``python docs/screenshot.py``."""

from pathlib import Path

from tests.browser import launch, open_page

ROOT = Path(__file__).resolve().parent.parent

if __name__ == "__main__":
    with launch() as browser, open_page(browser, ROOT / "out" / "org-graph.html", width=1400, height=900) as page:
        page.fill("#search", "服务经理")
        page.press("#search", "Enter")
        page.screenshot(path=str(ROOT / "docs" / "org-graph.png"))
