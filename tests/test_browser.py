"""The built site in Chromium: instant navigation keeps the page scripts working, and what scrolls
sideways can be reached with the keyboard."""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import browser


@pytest.fixture(scope="module")
def site(built_site: Path) -> Iterator[str]:
    site_url = re.search(r"<loc>(https?://[^/]+/)", (built_site / "sitemap.xml").read_text())[1]
    with browser.serve(built_site, site_url=site_url) as base:
        yield base


@pytest.fixture(scope="module")
def page() -> Iterator[browser.Chromium]:
    exe = browser.require(browser.chromium_executable(), "Chromium", "apt-get install chromium")
    with tempfile.TemporaryDirectory() as profile, browser.chromium(exe, Path(profile), height=900) as chromium:
        yield chromium


def follow_link(page: browser.Chromium, href_end: str) -> None:
    """Click the first navigation link whose href ends so, as a reader does, and wait for the new page.

    The theme intercepts only links that its sitemap.xml lists, which it fetches after the load."""
    page.wait_until("performance.getEntriesByType('resource').some(e => e.name.endsWith('/sitemap.xml'))")
    page.settle()
    page.evaluate(f"[...document.querySelectorAll('a.md-nav__link')].find(a => a.href.endsWith('{href_end}')).click()")
    page.wait_until(f"location.pathname.endsWith('{href_end}') && document.readyState === 'complete'")


def test_instant_navigation_switches_pages_and_their_scripts_start(page: browser.Chromium, site: str) -> None:
    page.navigate(site)
    page.evaluate("window.sameDocument = true")  # gone if a page switch reloads the document
    follow_link(page, "/explorer/")
    # The explorer mounted on a page that arrived by instant navigation, and it works.
    page.wait_until("document.querySelector('.sx-ready #sx-summary')?.textContent")
    assert page.evaluate("window.sameDocument") is True, "the switch reloaded the page: no instant navigation"
    page.type_into("#sx-stride-h", "2")
    page.wait_until("document.querySelector('#sx-summary').textContent.includes('Valid')")
    # On to a page with code: site.js ran for it too (no copy-button landmarks left).
    follow_link(page, "/convolution/what_conv2d_computes/")
    page.wait_until("document.querySelectorAll('.md-code__nav').length > 0")
    page.settle()
    assert page.evaluate("window.sameDocument") is True
    assert page.evaluate("document.querySelectorAll('nav.md-code__nav:not([role=none])').length") == 0
    # And back: the explorer mounts again on its fresh content.
    follow_link(page, "/explorer/")
    page.wait_until("document.querySelector('.sx-ready #sx-summary')?.textContent")


def test_code_that_scrolls_sideways_takes_keyboard_focus(page: browser.Chromium, site: str) -> None:
    """Where a code block is wider than the page, Tab reaches it and the arrow keys scroll it."""
    # A phone's width: the guide's code is written to fit a desktop, so it scrolls here.
    page.page("Emulation.setDeviceMetricsOverride", width=420, height=900, deviceScaleFactor=1, mobile=False)
    with_scroller = None
    for candidate in ("convolution/from_scratch/", "unet/model/", "transposed/fixes/", "benchmarks/"):
        page.navigate(site + candidate)
        page.settle()
        if page.evaluate("[...document.querySelectorAll('pre > code')].some(c => c.scrollWidth > c.clientWidth + 1)"):
            with_scroller = candidate
            break
    assert with_scroller, "no code block scrolls sideways on any page: narrow the window in this test"
    # A reader opens the collapsed blocks: their code must be reachable too, once shown.
    page.evaluate("document.querySelectorAll('details').forEach((d) => { d.open = true; })")
    page.settle()
    unreachable = page.evaluate(
        "[...document.querySelectorAll('pre > code, .math-display, .md-typeset__scrollwrap')]"
        ".filter(c => c.scrollWidth > c.clientWidth + 1 && c.tabIndex < 0)"
        ".map(c => c.tagName + '.' + c.className + ' in ' + (c.closest('details') ? 'details' : 'main'))"
    )
    assert unreachable == [], f"{with_scroller}: {unreachable}"
