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


def test_the_explorer_opened_directly_mounts_again_after_a_round_trip(page: browser.Chromium, site: str) -> None:
    """Opened by its address, the explorer's module runs before the theme's deferred bundle: it must
    still follow the theme's page switches, or it would stay empty when a reader comes back to it."""
    page.navigate(site + "explorer/")
    page.wait_until("document.querySelector('.sx-ready #sx-summary')?.textContent")
    page.evaluate("window.sameDocument = true")
    follow_link(page, "/convolution/")
    follow_link(page, "/explorer/")
    page.wait_until("document.querySelector('.sx-ready #sx-summary')?.textContent")
    assert page.evaluate("window.sameDocument") is True, "the switch reloaded the page: no instant navigation"


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


SCHEME = "document.body.getAttribute('data-md-color-scheme')"
SHOWN_TOGGLE = "document.querySelector('form[data-palette] label:not([hidden])')"


def test_the_dark_mode_toggle_switches_and_is_remembered(page: browser.Chromium, site: str) -> None:
    """The header's light/dark toggle (site.js, in place of the theme's palette component): it
    switches by mouse and by Enter, the choice survives a reload and an instant page switch, and a
    first visit follows the system's preference."""
    page.emulate_color_scheme("light")
    page.navigate(site + "convolution/")
    page.evaluate("localStorage.clear()")
    page.navigate(site + "convolution/")
    assert page.evaluate(SCHEME) == "default"
    assert page.evaluate(f"{SHOWN_TOGGLE}.htmlFor") == "__palette_1"  # "Switch to dark mode"
    # The light values that overrides/main.html writes into <head> are the header's own.
    served = page.evaluate(
        "fetch(location.href).then(r => r.text()).then(t => new DOMParser().parseFromString(t, 'text/html'))"
        ".then(d => ['color-scheme', 'theme-color'].map(n => d.querySelector(`meta[name=${n}]`).content))"
    )
    header = page.evaluate(
        "(() => { const s = getComputedStyle(document.querySelector('[data-md-component=header]'));"
        " return [s.colorScheme, '#' + s.backgroundColor.match(/\\d+/g).slice(0, 3)"
        ".map(v => (+v).toString(16).padStart(2, '0')).join('')]; })()"
    )
    assert served == header

    page.evaluate(f"{SHOWN_TOGGLE}.click()")
    page.wait_until(f"{SCHEME} === 'slate'")
    assert page.evaluate(f"{SHOWN_TOGGLE}.htmlFor") == "__palette_0"  # now "Switch to light mode"
    assert page.evaluate("document.querySelector('meta[name=color-scheme]').content") == "dark"
    page.wait_until("!document.body.hasAttribute('data-md-color-switching')")

    # Stored as the theme stores it: the theme's inline script applies it before the page is drawn.
    page.navigate(site + "explorer/")
    assert page.evaluate(SCHEME) == "slate"
    follow_link(page, "/convolution/what_conv2d_computes/")
    assert page.evaluate(SCHEME) == "slate"

    # By keyboard: Enter on the focused toggle.
    page.evaluate("document.getElementById('__palette_0').focus()")
    page.press("Enter")
    page.wait_until(f"{SCHEME} === 'default'")
    assert page.evaluate("document.activeElement.id") == "__palette_0"

    page.evaluate("localStorage.clear()")

    # A first visit from a system that asks for dark opens in dark: a new browser, nothing stored.
    # (Not this one: a page open while the emulated system changes reacts to it, and stores a choice.)
    exe = browser.chromium_executable()
    with tempfile.TemporaryDirectory() as profile, browser.chromium(exe, Path(profile), height=900) as fresh:
        fresh.emulate_color_scheme("dark")
        fresh.navigate(site + "convolution/")
        fresh.wait_until(f"{SCHEME} === 'slate'")
        assert fresh.evaluate("JSON.parse(localStorage.getItem('/.__palette')).index") == 1


def test_no_stylesheet_is_reloaded_after_the_body_has_been_parsed(page: browser.Chromium, site: str) -> None:
    """The theme makes every relative URL absolute once a page has loaded; for a stylesheet that is a
    reload, and a restyle of the whole page. overrides/main.html does it first, in <head>, before
    there is anything to restyle, so the theme finds nothing left to change."""
    watch = page.page(
        "Page.addScriptToEvaluateOnNewDocument",
        source="""window.__sheetChanges = [];
        new MutationObserver((changes) => changes.forEach((c) => {
          if (c.target.rel === "stylesheet") __sheetChanges.push(document.body ? "after" : "in head");
        })).observe(document, { subtree: true, attributes: true, attributeFilter: ["href"] });""",
    )["identifier"]
    try:
        page.navigate(site + "transposed/not_an_inverse/")
        page.settle()
        changes = page.evaluate("window.__sheetChanges")
    finally:
        page.page("Page.removeScriptToEvaluateOnNewDocument", identifier=watch)
    hrefs = page.evaluate("[...document.querySelectorAll('link[rel=stylesheet]')].map(l => l.getAttribute('href'))")
    assert len(hrefs) >= 3 and all(re.match(r"https?://", h) for h in hrefs), hrefs
    assert changes == ["in head"] * len(hrefs), changes


def test_search_lists_the_page_that_teaches_a_word(page: browser.Chromium, site: str) -> None:
    """The theme's search still works with its bundle deferred: a word lists the page that teaches it."""
    page.navigate(site + "convolution/")
    page.wait_until("performance.getEntriesByType('resource').some(e => e.name.endsWith('search_index.json'))")
    page.type_into("input[data-md-component=search-query]", "checkerboard")
    page.wait_until("document.querySelectorAll('.md-search-result__item').length > 0", timeout=20)
    links = page.evaluate("[...document.querySelectorAll('.md-search-result__item a')].map(a => a.href)")
    assert any("/transposed/checkerboard/" in href for href in links), links
