"""The built site: strict build, nothing loaded from another host, alt text, page weight."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlparse

# Attributes that make a browser fetch something, by tag. <a href> only links, and
# <link rel="canonical"> only names a URL: neither loads anything.
LOADING = {
    "script": ["src"],
    "img": ["src", "srcset"],
    "iframe": ["src"],
    "frame": ["src"],
    "source": ["src", "srcset"],
    "video": ["src", "poster"],
    "audio": ["src"],
    "embed": ["src"],
    "object": ["data"],
    "track": ["src"],
    "input": ["src"],
}
LINK_LOADS = {"stylesheet", "preload", "prefetch", "modulepreload", "icon", "manifest", "preconnect", "dns-prefetch"}
EXTERNAL = re.compile(r"^(https?:)?//", re.I)
# Fetches hidden in inline code or CSS: url(http...), @import "http...", import ... from "http...".
TEXT_EXTERNAL = re.compile(
    r"url\(\s*['\"]?(?:https?:)?//|@import\s+(?:url\()?['\"]?(?:https?:)?//|"
    r"\bimport\s*(?:[\w{}\s,*]+from\s*)?\(?\s*['\"](?:https?:)?//|fetch\(\s*['\"](?:https?:)?//",
    re.I,
)
PAGE_BUDGET = 1_000_000  # bytes, the page and its own assets, excluding the theme


class Audit(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.external: list[str] = []
        self.images: list[dict[str, str | None]] = []
        self.local: list[str] = []
        self._in_inline = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "img":
            self.images.append(a)
        for name in LOADING.get(tag, []):
            for url in re.split(r",\s*", a.get(name) or ""):
                url = url.strip().split(" ")[0]
                if url and EXTERNAL.match(url):
                    self.external.append(f"<{tag} {name}={url}>")
                elif url and tag in {"img", "script"}:
                    self.local.append(url)
        if tag == "link" and LINK_LOADS & set((a.get("rel") or "").split()):
            href = a.get("href") or ""
            if EXTERNAL.match(href):
                self.external.append(f"<link rel={a.get('rel')} href={href}>")
            elif href:
                self.local.append(href)
        if "style" in a and TEXT_EXTERNAL.search(a["style"] or ""):
            self.external.append(f"<{tag} style=...external url...>")
        self._in_inline = tag in {"script", "style"} and "src" not in a

    def handle_data(self, data: str) -> None:
        if self._in_inline and (m := TEXT_EXTERNAL.search(data)):
            self.external.append(f"inline code: ...{data[max(0, m.start() - 40) : m.end() + 60]}...")

    def handle_endtag(self, tag: str) -> None:
        self._in_inline = False


def audit(page: Path) -> Audit:
    parser = Audit()
    parser.feed(page.read_text())
    return parser


def html_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_no_page_loads_from_another_host(built_site: Path) -> None:
    found = {str(p.relative_to(built_site)): audit(p).external for p in html_pages(built_site)}
    found = {k: v for k, v in found.items() if v}
    assert not found, f"pages that load from other hosts: {found}"


def test_no_css_or_js_file_fetches_from_another_host(built_site: Path) -> None:
    # Our own assets only; the theme's bundles are checked through the pages that use them.
    ours = [*built_site.glob("javascripts/**/*.js"), *built_site.glob("stylesheets/**/*.css")]
    ours += [*built_site.glob("assets/katex/**/*.css")]
    bad = [str(p.relative_to(built_site)) for p in ours if TEXT_EXTERNAL.search(p.read_text(errors="ignore"))]
    assert not bad, f"assets that fetch from other hosts: {bad}"


def test_every_image_has_alt_text(built_site: Path) -> None:
    missing = [
        f"{p.relative_to(built_site)}: {img.get('src')}"
        for p in html_pages(built_site)
        for img in audit(p).images
        if not (img.get("alt") or "").strip()
    ]
    assert not missing, f"images without alt text: {missing}"


def test_each_page_is_within_the_weight_budget(built_site: Path) -> None:
    """The HTML plus the images and scripts it loads itself (theme assets excluded)."""
    over = {}
    for page in html_pages(built_site):
        total = page.stat().st_size
        base = urljoin(f"file://{page.as_posix()}", ".")
        for url in set(audit(page).local):
            target = Path(urlparse(urljoin(base, url)).path)
            theme = "/assets/javascripts/" in target.as_posix() or "/assets/stylesheets/" in target.as_posix()
            if target.is_file() and not theme:
                total += target.stat().st_size
        if total > PAGE_BUDGET:
            over[str(page.relative_to(built_site))] = total
    assert not over, f"pages over {PAGE_BUDGET} bytes: {over}"


def test_audit_catches_external_loads(tmp_path: Path) -> None:
    """The scanner must be able to fail: feed it what it has to refuse and accept."""
    page = tmp_path / "p.html"
    page.write_text(
        '<script src="https://cdn.example/x.js"></script><link rel="stylesheet" href="//fonts.example/c.css">'
        '<img src="https://x.example/i.png" alt="i"><script type="module">import m from "https://cdn.x/m.js"</script>'
        '<a href="https://arxiv.org/abs/1603.07285">paper</a><link rel="canonical" href="https://example.org/">'
        '<img src="figures/a.png" alt="">'
    )
    result = audit(page)
    assert len(result.external) == 4
    assert [i["src"] for i in result.images if not i.get("alt")] == ["figures/a.png"]


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if tag == "a" and href and not EXTERNAL.match(href) and not href.startswith(("#", "mailto:")):
            self.hrefs.append(href)


def test_notebook_pages_link_only_to_what_exists_and_offer_a_download(built_site: Path) -> None:
    """mkdocs validates links in Markdown pages; the notebook pages are HTML it does not check."""
    pages = sorted((built_site / "notebooks").glob("*/index.html"))
    assert pages, "no notebook pages were built"
    for page in pages:
        parser = Links()
        parser.feed(page.read_text())
        ipynb = f"{page.parent.name}.ipynb"
        assert ipynb in parser.hrefs, f"{page.relative_to(built_site)} has no download link to {ipynb}"
        for href in parser.hrefs:
            target = Path(urlparse(urljoin(f"file://{page.as_posix()}", href)).path)
            if target.is_dir() or not target.suffix:
                target = target / "index.html"
            assert target.is_file(), f"{page.relative_to(built_site)} links to {href}, which does not exist"
