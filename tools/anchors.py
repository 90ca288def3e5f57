"""Old anchors keep working after a page is split into a chapter of pages.

A guide page `docs/<chapter>.md` had the URL `/<chapter>/`, which is now the URL of the
chapter's index page `docs/<chapter>/index.md`. Links into the old page, such as
`/convolution/#output-size`, name anchors that now live on other pages. The chapter index
lists them in its YAML front matter, each old anchor with its new home as a relative link:

    ---
    old_anchors:
      output-size: output_size.md#output-size
      shapes: output_size.md          # an old section that is now a whole page: its top
    ---

At build time every target is resolved to a URL relative to the index page, and checked:
the target page must exist, and so must the anchor on it (`check_built`, after the build).
The map goes into the page as a small JSON script element; `javascripts/site.js` reads it
and, when the address names an old anchor that is not on the page, goes to its new home.
"""

from __future__ import annotations

import json
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mkdocs.utils import get_relative_url

ELEMENT_ID = "old-anchors"


class AnchorError(ValueError):
    """An old_anchors entry that is malformed or points to a page or anchor that does not exist."""


@dataclass(frozen=True)
class Redirect:
    """One old anchor of `page` (a docs-relative .md path) and where it now lives."""

    page: str
    old: str
    target_page: str  # docs-relative path of the target .md
    target_url: str  # site-relative URL of the target page, e.g. "convolution/output_size/"
    anchor: str  # "" for the top of the page
    href: str  # relative to the page that holds the map


def resolve(page_src: str, page_url: str, old_anchors: Any, pages: dict[str, str]) -> list[Redirect]:
    """The old_anchors map of a page, each target resolved; `pages` maps docs paths of .md files to URLs."""
    if not isinstance(old_anchors, dict) or not old_anchors:
        raise AnchorError(f"{page_src}: old_anchors must be a map of old anchor -> 'page.md#anchor'")
    redirects = []
    for old, target in old_anchors.items():
        if not isinstance(old, str) or not isinstance(target, str) or target.count("#") > 1:
            raise AnchorError(f"{page_src}: old_anchors: {old!r}: {target!r} is not 'page.md' or 'page.md#anchor'")
        path, _, anchor = target.partition("#")
        if not path.endswith(".md") or (not anchor and "#" in target):
            raise AnchorError(f"{page_src}: old_anchors: {old!r}: {target!r} is not 'page.md' or 'page.md#anchor'")
        target_page = posixpath.normpath(posixpath.join(posixpath.dirname(page_src), path))
        if target_page not in pages:
            raise AnchorError(f"{page_src}: old_anchors: {old!r} points to {path}, which is not a page")
        href = get_relative_url(pages[target_page], page_url) + (f"#{anchor}" if anchor else "")
        redirects.append(Redirect(page_src, old, target_page, pages[target_page], anchor, href))
    return redirects


def script_element(redirects: list[Redirect]) -> str:
    """The map as data in the page (not executed): old anchor -> URL relative to the page."""
    data = json.dumps({r.old: r.href for r in redirects}, sort_keys=True).replace("</", "<\\/")
    return f'<script type="application/json" id="{ELEMENT_ID}">{data}</script>'


def ids_in(html: str) -> set[str]:
    return set(re.findall(r'\bid="([^"]+)"', html))


def check_built(site_dir: Path, redirects: list[Redirect], own_ids: dict[str, set[str]]) -> list[str]:
    """What is wrong with the redirects on the built site: missing anchors, and old anchors still on their page."""
    problems = []
    for r in redirects:
        url = r.target_url
        built = site_dir / (url + "index.html" if url == "" or url.endswith("/") else url)
        if r.anchor and r.anchor not in ids_in(built.read_text(encoding="utf-8")):
            target = f"{r.target_page}#{r.anchor}"
            problems.append(f"{r.page}: old_anchors: {r.old!r} points to {target}, which has no such anchor")
        if r.old in own_ids.get(r.page, set()):
            problems.append(f"{r.page}: old_anchors: {r.old!r} is still an anchor of this page, so it never redirects")
    return problems
