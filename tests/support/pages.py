"""What a built page weighs and holds, read from its HTML: no browser, so every number is deterministic.

- `transfer`: the gzip-compressed bytes of what the page loads (its HTML, stylesheets and
  scripts, the modules those scripts import, the search worker and its index), figures left out;
- `elements`: its element count, as the HTML stands (the theme adds a few per code block);
- `blocks`: its Python code blocks, each with its line count and whether a collapsed
  `<details>` holds it (`block_budget_problems` checks them against the block budget);
- `blocking`: classic scripts with `src` and neither `async` nor `defer` that stand
  before the end of the page's `<main>`, where they hold up the first paint.
"""

from __future__ import annotations

import gzip
import json
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlparse

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
IMPORT = re.compile(r"""\bimport\s*(?:[\w{}\s,*]+?\s*from\s*)?['"](\.{1,2}/[^'"]+)['"]""")


@dataclass
class Block:
    lines: int
    collapsed: bool


class PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements = 0
        self.collapsed_elements = 0  # inside a closed <details>: parsed, but not laid out until opened
        self.stylesheets: list[str] = []
        self.scripts: list[dict[str, str | None]] = []
        self.blocking: list[str] = []
        self.config: dict = {}
        self.blocks: list[Block] = []
        self._main_closed = False
        self._collapsed_details: list[bool] = []  # a stack: one entry per open <details>
        self._python_depth = 0  # > 0 inside a Python code block's <div>
        self._div_depth = 0
        self._code: list[str] | None = None
        self._in_config = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.elements += 1
        self.collapsed_elements += any(self._collapsed_details)
        if tag == "link" and "stylesheet" in (a.get("rel") or "").split() and a.get("href"):
            self.stylesheets.append(a["href"] or "")
        if tag == "script":
            self.scripts.append(a)
            classic = a.get("type") in (None, "", "text/javascript")
            if a.get("src") and classic and "async" not in a and "defer" not in a and not self._main_closed:
                self.blocking.append(a["src"] or "")
            self._in_config = a.get("id") == "__config"
        if tag == "details":
            self._collapsed_details.append("open" not in a)
        if tag == "div":
            self._div_depth += 1
            classes = (a.get("class") or "").split()
            if "language-python" in classes and "highlight" in classes and not self._python_depth:
                self._python_depth = self._div_depth
        if tag == "code" and self._python_depth:
            self._code = []

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_data(self, data: str) -> None:
        if self._code is not None:
            self._code.append(data)
        if self._in_config:
            self.config = json.loads(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "main":
            self._main_closed = True
        if tag == "details" and self._collapsed_details:
            self._collapsed_details.pop()
        if tag == "code" and self._code is not None:
            text = "".join(self._code).rstrip("\n")
            self.blocks.append(Block(len(text.splitlines()), any(self._collapsed_details)))
            self._code = None
        if tag == "div":
            if self._div_depth == self._python_depth:
                self._python_depth = 0
            self._div_depth -= 1
        if tag == "script":
            self._in_config = False


def parse(html: str) -> PageParser:
    parser = PageParser()
    parser.feed(html)
    return parser


def _local(page: Path, url: str) -> Path | None:
    """The file a relative URL of `page` names, or None for another host or a missing file."""
    if not url or re.match(r"^(https?:)?//", url) or url.startswith("data:"):
        return None
    target = Path(urlparse(urljoin(page.as_uri(), url)).path)
    return target if target.is_file() else None


def gzip_size(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), compresslevel=6))


def loaded_files(page: Path) -> set[Path]:
    """The page's stylesheets and scripts, the modules they import, the search worker and its index."""
    parsed = parse(page.read_text(encoding="utf-8"))
    files: set[Path] = set()
    todo = [f for url in parsed.stylesheets + [s.get("src") or "" for s in parsed.scripts] if (f := _local(page, url))]
    search = parsed.config.get("search")
    if search and (worker := _local(page, search)):
        todo.append(worker)
        if index := _local(page, parsed.config.get("base", ".") + "/search/search_index.json"):
            todo.append(index)
    while todo:
        f = todo.pop()
        if f in files:
            continue
        files.add(f)
        if f.suffix == ".js":
            todo += [m for url in IMPORT.findall(f.read_text(encoding="utf-8")) if (m := _local(f, url))]
    return files


def transfer(page: Path) -> int:
    """Bytes over the wire with gzip: the HTML and everything `loaded_files` names."""
    return gzip_size(page) + sum(gzip_size(f) for f in loaded_files(page))


# The block budget of a guide page's main flow (README, "Adding a page"; issue 12.1).
MAX_BLOCKS = 12
MAX_BLOCK_LINES = 25


def block_budget_problems(html: str) -> list[str]:
    """What breaks the block budget: Python blocks in the main flow (collapsed `<details>` do not count)."""
    main = [b for b in parse(html).blocks if not b.collapsed]
    problems = [f"{len(main)} Python blocks in the main flow (at most {MAX_BLOCKS})"] if len(main) > MAX_BLOCKS else []
    problems += [
        f"Python block {i} has {b.lines} lines (at most {MAX_BLOCK_LINES})"
        for i, b in enumerate(main, 1)
        if b.lines > MAX_BLOCK_LINES
    ]
    return problems
