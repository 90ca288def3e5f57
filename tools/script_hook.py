"""MkDocs hook (`hooks:` in mkdocs.yml): each Python block of a page as a script that runs on its own.

For every page with snippet blocks, `tools.scripts.page_scripts` makes one script per block;
the build writes it to `scripts/<page id>/<n>.py` (n counts the page's blocks from 1, collapsed
ones included) and marks the block's rendered `div.highlight` with `data-script`, its URL
relative to the page. javascripts/copy-script.js puts a "Copy as script" button beside the
theme's copy button, and fetches the file only when the button is pressed: a page carries one
attribute per block, not the scripts.

It must run after tools/hooks.py, which marks the same divs `data-search-exclude`.
"""

from __future__ import annotations

import html
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `mkdocs serve` does not put the project on sys.path
    sys.path.insert(0, str(ROOT))

from mkdocs.exceptions import PluginError  # noqa: E402
from mkdocs.utils import get_relative_url  # noqa: E402

from tools.scripts import page_scripts  # noqa: E402
from tools.sync import page_blocks  # noqa: E402

SCRIPTS_DIR = "scripts"
_PYTHON_BLOCK = re.compile(r'(<div class="language-python highlight")([^>]*>)(.*?</code></pre></div>)', re.S)
_TAG = re.compile(r"<[^>]+>")
_written: dict[str, str] = {}  # site path -> script, for on_post_build


def script_path(page_id: str, number: int) -> str:
    """Where block `number` (from 1) of a page lives in the built site."""
    return f"{SCRIPTS_DIR}/{page_id}/{number}.py"


def header(title: str, number: int, standalone: bool) -> str:
    needs = "" if standalone else ", with what it needs from the blocks above it"
    return f'# Block {number} of the page "{title}"{needs}.\n'


def mark_blocks(content: str, codes: list[str], urls: list[str], where: str) -> str:
    """Give each rendered Python block of a page its script's URL, in page order. A rendered
    block is matched by its text, so a Python block that is not a snippet gets no button."""
    found = iter(range(len(codes)))
    current = next(found, None)

    def mark(m: re.Match[str]) -> str:
        nonlocal current
        text = html.unescape(_TAG.sub("", m[3]))
        if current is None or text.rstrip("\n") != codes[current].rstrip("\n"):
            return m[0]
        url, current = urls[current], next(found, None)
        return f'{m[1]} data-script="{url}"{m[2]}{m[3]}'

    content = _PYTHON_BLOCK.sub(mark, content)
    if current is not None:
        raise PluginError(f"{where}: Python block {current + 1} was not found in the rendered page")
    return content


def on_pre_build(config) -> None:
    _written.clear()  # `mkdocs serve` rebuilds in the same process


def on_page_content(content: str, page, config, files) -> str:
    if not page.file.src_uri.endswith(".md"):
        return content
    blocks = [b for b in page_blocks(page.markdown) if b.code]
    if not blocks:
        return content
    page_id = page.file.src_uri.removesuffix(".md")
    codes = [b.code for b in blocks]
    try:
        scripts = page_scripts(codes)
    except SyntaxError as error:
        raise PluginError(f"{page.file.src_uri}: a Python block does not parse: {error}") from error
    urls = []
    for n, script in enumerate(scripts, 1):
        path = script_path(page_id, n)
        _written[path] = header(page.title, n, script.standalone) + script.code
        urls.append(get_relative_url(path, page.url))
    return mark_blocks(content, codes, urls, page.file.src_uri)


def on_post_build(config) -> None:
    site = Path(config.site_dir)
    for path, text in _written.items():
        target = site / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
