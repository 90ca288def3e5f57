"""Every built page, in light and in dark, has no axe-core violation (WCAG 2.1 A and AA, and best practices).

axe-core comes from npm, pinned in package.json (`npm ci`), and is injected into the page by the
test: it ships with the tests, never with the site. Chromium loads each page from the built site
on 127.0.0.1; the colour scheme is chosen as a reader's system would (`prefers-color-scheme`).
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
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


@pytest.mark.parametrize("scheme", SCHEMES)
def test_no_axe_violations_on_any_page(built_site: Path, chromium: browser.Chromium, axe_source: str, scheme) -> None:
    pages = sorted(str(p.relative_to(built_site)) for p in built_site.rglob("*.html"))
    assert len(pages) > 5
    chromium.emulate_color_scheme(scheme)
    found = {}
    with browser.serve(built_site) as base:
        for page in pages:
            chromium.navigate(base + page.removesuffix("index.html"))
            chromium.settle()
            shown = chromium.evaluate("document.body.getAttribute('data-md-color-scheme')")
            assert shown == SCHEMES[scheme], f"{page}: the {scheme} scheme did not apply ({shown})"
            if violations := run_axe(chromium, axe_source):
                found[page] = violations
    assert not found, f"axe-core violations in {scheme}:\n" + json.dumps(found, indent=1)


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
