"""Old anchors resolve: links into an old one-page chapter land on the page that now holds the section.

A chapter index lists `old_anchors` in its front matter (tools/anchors.py). These tests build a
synthetic chapter with the project's hooks and theme override in a temporary docs folder, check
that the build carries the map and refuses a target that does not exist, and follow an old
anchor in Chromium. The browser test follows a real mapping of the site when a chapter index has
one, and the synthetic one otherwise, so it never skips for want of a chapter.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import yaml

from tests.support import browser

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"

INDEX = """---
old_anchors:
  output-size: output_size.md#output-size
  stride: output_size.md#stride-example
---
# Chapter

The chapter's index page. Its old sections moved to [the output size](output_size.md).
"""
OUTPUT_SIZE = """# The output size

Some text, then the section.

## Output size {#output-size}

Words.

## Stride example {#stride-example}

More words.
"""


def build_chapter(tmp: Path, index: str = INDEX) -> subprocess.CompletedProcess[str]:
    """A one-chapter site with the project's hooks, theme override and site.js, built strictly into tmp/site."""
    docs = tmp / "docs"
    (docs / "chap").mkdir(parents=True)
    (docs / "javascripts").mkdir()
    shutil.copy(DOCS / "javascripts" / "site.js", docs / "javascripts" / "site.js")
    (docs / "index.md").write_text("# Home\n\nSee [the chapter](chap/index.md).\n")
    (docs / "chap" / "index.md").write_text(index)
    (docs / "chap" / "output_size.md").write_text(OUTPUT_SIZE)
    config = {
        "site_name": "t",
        "docs_dir": str(docs),
        "site_dir": str(tmp / "site"),
        "theme": {"name": "material", "custom_dir": str(ROOT / "overrides"), "features": ["navigation.instant"]},
        "hooks": [str(ROOT / "tools" / "hooks.py")],
        "extra_javascript": ["javascripts/site.js"],
        "markdown_extensions": ["attr_list", {"toc": {"permalink": True}}],
        "validation": {"anchors": "warn"},
    }
    (tmp / "mkdocs.yml").write_text(yaml.safe_dump(config))
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    cmd = [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(tmp / "mkdocs.yml")]
    return subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=tmp)


def carried_map(page: Path) -> dict[str, str]:
    m = re.search(r'<script type="application/json" id="old-anchors">(.*?)</script>', page.read_text())
    assert m, f"{page} carries no old-anchors map"
    return json.loads(m[1])


def test_the_chapter_index_carries_its_old_anchors_resolved_to_urls(tmp_path: Path) -> None:
    result = build_chapter(tmp_path)
    assert result.returncode == 0, result.stderr
    assert carried_map(tmp_path / "site" / "chap" / "index.html") == {
        "output-size": "output_size/#output-size",
        "stride": "output_size/#stride-example",
    }


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("output_size.md#no-such-section", "points to chap/output_size.md#no-such-section, which has no such anchor"),
        ("moved.md#output-size", "points to moved.md, which is not a page"),
    ],
)
def test_a_target_that_does_not_exist_fails_the_build(tmp_path: Path, target: str, message: str) -> None:
    result = build_chapter(tmp_path, INDEX.replace("output_size.md#stride-example", target))
    assert result.returncode != 0
    assert message in result.stderr


def real_mapping() -> tuple[str, str, str] | None:
    """(chapter, old anchor, target) of the first old anchor that a chapter index of the site maps."""
    for index in sorted(DOCS.glob("*/index.md")):
        text = index.read_text()
        if text.startswith("---\n"):
            meta = yaml.safe_load(text.split("---\n", 2)[1]) or {}
            for old, target in (meta.get("old_anchors") or {}).items():
                return index.parent.name, old, target
    return None


def test_an_old_anchor_lands_on_its_new_home_in_the_browser(tmp_path: Path, request: pytest.FixtureRequest) -> None:
    exe = browser.require(browser.chromium_executable(), "Chromium", "apt-get install chromium")
    if mapping := real_mapping():
        site = request.getfixturevalue("built_site")
        chapter, old, target = mapping
        page, anchor = target.split("#")
        expected = f"{chapter}/{page.removesuffix('.md')}/#{anchor}".replace("/index/", "/")
    else:
        assert build_chapter(tmp_path).returncode == 0
        site, chapter, old, expected, anchor = (
            tmp_path / "site",
            "chap",
            "output-size",
            "chap/output_size/#output-size",
            "output-size",
        )
    with (
        browser.serve(site) as base,
        tempfile.TemporaryDirectory() as profile,
        browser.chromium(exe, Path(profile)) as page,
    ):
        page.navigate(f"{base}{chapter}/#{old}")
        page.wait_until(f"location.href === {json.dumps(base + expected)}")
        page.wait_until(f"document.getElementById({json.dumps(anchor)}) !== null")
        # An anchor the index page has itself, or one it does not map, stays where it is.
        page.navigate(f"{base}{chapter}/#not-an-old-anchor")
        page.settle()
        assert page.evaluate("location.pathname + location.hash") == f"/{chapter}/#not-an-old-anchor"
