"""Open a report page in Debian's headless Chromium (Playwright, no downloaded browser) with every non-file
request blocked; check that every chart drew marks, nothing failed, nothing executed; save a screenshot."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
needs_chromium = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason="Debian chromium is not installed (.ci/run installs it)"
)


@dataclass
class PageCheck:
    charts: int = 0
    errors: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    xss: object = None
    texts: dict[str, str] = field(default_factory=dict)


@contextmanager
def open_page(path: Path) -> Iterator[tuple[Any, PageCheck]]:
    """The page loaded in headless Chromium with its charts drawn, every non-file request blocked and recorded,
    console errors, page errors and dialogs collected; yields (playwright page, PageCheck)."""
    from playwright.sync_api import sync_playwright

    res = PageCheck()
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            pg = browser.new_page(viewport={"width": 1280, "height": 900})

            def route(r):  # noqa: ANN001
                if r.request.url.startswith("file:"):
                    r.continue_()
                else:
                    res.blocked.append(r.request.url)
                    r.abort()

            pg.route("**/*", route)
            pg.on("console", lambda m: res.errors.append(m.text) if m.type == "error" else None)
            pg.on("pageerror", lambda exc: res.errors.append(str(exc)))
            pg.on("dialog", lambda d: (res.dialogs.append(d.message), d.dismiss()))
            pg.goto(path.as_uri())
            res.charts = wait_for_charts(pg, path.name)
            yield pg, res
        finally:
            browser.close()


def wait_for_charts(pg: Any, name: str) -> int:
    """Wait until every chart of the loaded page has drawn its SVG; returns how many charts it has."""
    charts = pg.locator("div.chart").count()
    # polled from here: Playwright's in-page poller evaluates its predicate string, which the page's CSP
    # (no 'unsafe-eval') refuses; page.evaluate runs outside the page's CSP
    deadline = time.monotonic() + 30
    drawn = "document.querySelectorAll('div.chart svg.marks').length"
    while pg.evaluate(drawn) < charts:
        assert time.monotonic() < deadline, f"{name}: charts not drawn in 30 s"
        pg.wait_for_timeout(100)
    return charts


def check_page(path: Path, artifact: str, text_of: tuple[str, ...] = ()) -> PageCheck:
    ARTIFACTS.mkdir(exist_ok=True)
    with open_page(path) as (pg, res):
        charts = pg.locator("div.chart")
        for i in range(res.charts):
            marks = charts.nth(i).locator(
                "svg .mark-rect path, svg .mark-symbol path, svg .mark-line path, svg .mark-rule line, svg .mark-tick path"
            )
            assert marks.count() > 0, f"chart {i} of {path.name} drew no marks"
        res.xss = pg.evaluate("window.__xss")
        for sel in text_of:
            res.texts[sel] = pg.locator(sel).inner_text()
        pg.screenshot(path=str(ARTIFACTS / artifact), full_page=True)
    return res
