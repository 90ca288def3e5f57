"""Every built page, in light and in dark, has no axe-core violation (WCAG 2.1 A and AA, and best practices).

axe-core comes from npm, pinned in package.json (`npm ci`), and is injected into the page by the
test: it ships with the tests, never with the site. Chromium loads each page from the built site
on 127.0.0.1; the colour scheme is chosen as a reader's system would (`prefers-color-scheme`).
"""

from __future__ import annotations

import contextlib
import json
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.support import browser

ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
SCHEMES = {"light": "default", "dark": "slate"}  # prefers-color-scheme -> Material's scheme


@pytest.fixture(scope="module")
def axe_source() -> str:
    return Path(browser.require(str(AXE) if AXE.is_file() else None, "axe-core", "npm ci")).read_text()


@pytest.fixture(scope="module")
def chromium() -> Iterator[browser.Chromium]:
    exe = browser.require(browser.chromium_executable(), "Chromium", "apt-get install chromium")
    with tempfile.TemporaryDirectory() as profile, browser.chromium(exe, Path(profile)) as page:
        yield page


def run_axe(page: browser.Chromium, axe_source: str) -> list[dict]:
    page.evaluate(axe_source + ";0")
    options = json.dumps({"runOnly": {"type": "tag", "values": TAGS}, "resultTypes": ["violations"]})
    return page.evaluate(
        f"axe.run(document, {options}).then(r => r.violations.map(v => "
        "({id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))})))",
        timeout=180,
    )


BROWSERS = 2  # the suite's budget is set for two cores: each Chromium checks half of the pages


def check_pages(page: browser.Chromium, base: str, pages: list[str], axe_source: str) -> dict[str, dict]:
    """axe on each page in light, then, without reloading, in dark: {scheme: {page: violations}}.

    The page opens in light, as the reader's system asks (`prefers-color-scheme: light`); the
    reader then switches to dark with the header's toggle. Material's scheme is checked before
    each run. The toggle's choice is stored in localStorage, cleared before the next page."""
    found: dict[str, dict] = {scheme: {} for scheme in SCHEMES}
    page.emulate_color_scheme("light")
    for name in pages:
        page.navigate(base + name.removesuffix("index.html"))
        page.settle()
        page.evaluate(axe_source + ";0")
        for scheme, material in SCHEMES.items():
            if scheme == "dark":
                page.evaluate("document.querySelector('form[data-palette] label:not([hidden])').click()")
            shown = page.wait_until(f"document.body.getAttribute('data-md-color-scheme') === {material!r}")
            assert shown, f"{name}: the {scheme} scheme did not apply"
            page.settle()
            if violations := run_axe(page, axe_source):
                found[scheme][name] = violations
        page.evaluate("localStorage.clear()")
    return found


def test_no_axe_violations_on_any_page_in_light_and_dark(built_site: Path, axe_source: str) -> None:
    pages = sorted(str(p.relative_to(built_site)) for p in built_site.rglob("*.html"))
    assert len(pages) > 5
    exe = browser.require(browser.chromium_executable(), "Chromium", "apt-get install chromium")
    with contextlib.ExitStack() as stack, browser.serve(built_site) as base:
        tabs = []
        for _ in range(BROWSERS):  # started one after another: each takes over the pipe fds 3 and 4
            profile = Path(stack.enter_context(tempfile.TemporaryDirectory()))
            tabs.append(stack.enter_context(browser.chromium(exe, profile)))
        with ThreadPoolExecutor(BROWSERS) as pool:
            shares = [pages[k::BROWSERS] for k in range(BROWSERS)]
            results = list(pool.map(lambda tab, share: check_pages(tab, base, share, axe_source), tabs, shares))
    found = {scheme: {n: v for r in results for n, v in r[scheme].items()} for scheme in SCHEMES}
    assert found == {scheme: {} for scheme in SCHEMES}, "axe-core violations:\n" + json.dumps(found, indent=1)


def test_axe_finds_what_it_must(chromium: browser.Chromium, axe_source: str, tmp_path: Path) -> None:
    """The check can fail: a page with an image without alt text and a sideways scroller no key reaches."""
    (tmp_path / "index.html").write_text(
        '<!doctype html><html lang="en"><head><title>t</title></head><body><main><h1>t</h1>'
        '<img src="x.png"><pre style="width:200px"><code style="display:block;overflow:auto">'
        + "wide "
        * 60
        + "</code></pre>"
        "</main></body></html>"
    )
    with browser.serve(tmp_path) as base:
        chromium.navigate(base)
        ids = {v["id"] for v in run_axe(chromium, axe_source)}
    assert {"image-alt", "scrollable-region-focusable"} <= ids
