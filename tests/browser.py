"""Helpers for the browser tests: Debian's chromium driven by Playwright, offline.

Wait with functions, ``wait_for_function("() => S.scope === 3")``: Playwright polls a bare
expression through eval, which the page's CSP (its own scripts' hashes, no 'unsafe-eval') refuses.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str:
    """The chromium binary, or a skip (a failure where CI demands the browser tests)."""
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        message = "browser tests skipped: Debian's chromium is not installed (apt-get install chromium)"
        if os.environ.get("ROLEGRAPH_REQUIRE_BROWSER"):
            pytest.fail(message.replace("skipped", "required"))
        pytest.skip(message)
    return path


@contextmanager
def launch() -> Iterator[Any]:
    """Debian's chromium, headless and offline, through Playwright (which downloads no browser)."""
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def open_page(browser: Any, path: Path, *, width: int = 1500, height: int = 1000) -> Iterator[Any]:
    """A page at file://PATH that records network requests, console errors and dialogs."""
    page = browser.new_page(viewport={"width": width, "height": height}, accept_downloads=True)
    page.requests, page.errors, page.dialogs = [], [], []
    page.on("request", lambda r: page.requests.append(r.url))
    page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    try:
        page.goto(path.resolve().as_uri())
        page.wait_for_function("() => window.rgReady === true", timeout=20000)
        yield page
    finally:
        page.close()
