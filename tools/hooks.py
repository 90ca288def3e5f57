"""MkDocs hooks (`hooks:` in mkdocs.yml): fast, accessible, offline pages.

Every page:
- math is rendered at build time to MathML (tools/mathml.py), which browsers draw natively;
- the search index stays small: code blocks and notebook pages are left out of it;
- code blocks carry less: printed output is a `<samp>`, which the theme's code-block script
  skips, and the tokens drawn in the plain code colour (names, punctuation, whitespace) are text;
- an empty header cell becomes a plain cell, so no table has a header with no text; a table
  whose top-left cell is that empty one labels its rows with its first column, so those
  cells become row headers (every data cell then has a header, as screen readers need);
- the search overlay, a `role="dialog"`, gets the name screen readers announce;
- a chapter index's `old_anchors` map (tools/anchors.py) goes into the page for
  javascripts/site.js, and every target is checked after the build;
- `<!-- reading-time: chapter -->` on a page becomes the chapter's reading time (tools/reading.py);
- a page with a notebook (`docs/notebooks/<page id>.ipynb`) gets links to view and download
  it, drawn by the theme override (overrides/main.html).

Notebook pages (mkdocs-jupyter): its template inlines about 590 KB of JupyterLab CSS into
every notebook page, a MathJax stub, and a `<script type="module">` that imports mermaid
from a CDN. Our notebooks have no outputs to style and no mermaid cells, so all of that is
dropped: the page becomes light, loads nothing from another host, and its code cells take
Material's code style in light and dark mode.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
import sys
from pathlib import Path

import jinja2
import jinja2.bccache
from mkdocs.exceptions import PluginError
from mkdocs.utils import get_relative_url

# MkDocs loads this file by path; make `tools` importable as a package for its helpers.
_ROOT = str(Path(__file__).resolve().parent.parent)
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from tools import anchors, mathml, reading  # noqa: E402

# ---------------------------------------------------------------------------- notebook pages


class _CompiledTemplates(jinja2.BytecodeCache):
    """Compiled Jinja templates, kept in memory across nbconvert's exporters.

    mkdocs-jupyter makes two new nbconvert exporters per notebook, and each one compiles the
    same templates again in its own Jinja environment: about 10 s of a 20 s build for our 39
    notebooks. A bytecode cache is Jinja's own way to reuse compiled templates; it is keyed on
    the template's name, file and source checksum, so a changed template compiles again."""

    def __init__(self) -> None:
        self.code: dict[tuple[str, str], object] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        bucket.code = self.code.get((bucket.key, bucket.checksum))

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.code[(bucket.key, bucket.checksum)] = bucket.code


def _reuse_compiled_notebook_templates() -> None:
    from nbconvert.exporters.templateexporter import TemplateExporter

    create = TemplateExporter._create_environment
    if getattr(create, "reuses_compiled_templates", False):
        return  # `mkdocs serve` loads this file again on each rebuild
    cache = _CompiledTemplates()

    def create_with_cache(exporter):
        environment = create(exporter)
        environment.bytecode_cache = cache
        return environment

    create_with_cache.reuses_compiled_templates = True
    TemplateExporter._create_environment = create_with_cache


# Packages whose code or templates shape a rendered notebook page.
_NOTEBOOK_RENDERERS = (
    "mkdocs-jupyter",
    "nbconvert",
    "nbformat",
    "jupytext",
    "pygments",
    "mistune",
    "jinja2",
    "markdown",
)


def _notebook_cache_dir() -> str:
    """mkdocs-jupyter's cache folder, one per set of renderer versions.

    Its cache keys a page on the notebook's bytes and the plugin's options only, so after an
    upgrade of nbconvert (say) it would serve pages rendered by the old version. Naming the
    folder after the versions that render the page closes that gap: new versions, new folder."""
    from importlib.metadata import version

    stamp = "-".join(f"{name}{version(name)}" for name in _NOTEBOOK_RENDERERS)
    return str(Path(_ROOT) / ".cache" / "mkdocs-jupyter" / hashlib.sha256(stamp.encode()).hexdigest()[:16])


def on_config(config):
    _reuse_compiled_notebook_templates()
    # A warm build reuses the notebooks it rendered before (about 5 s of a 11 s build).
    jupyter = config.plugins.get("mkdocs-jupyter")
    if jupyter is not None:
        jupyter.config["cache"] = True
        jupyter.config["cache_dir"] = _notebook_cache_dir()
    return config


_HEAVY_STYLE = re.compile(r"<style[^>]*>\s*(?:@charset|\.jupyter-wrapper|pre \{|\[')[^<]*</style>", re.S)
_MERMAID = re.compile(r'<script type="module">\s*document\.addEventListener\("DOMContentLoaded".*?</script>', re.S)
_MERMAID_STYLE = re.compile(r"<style>\s*\.jp-Mermaid.*?</style>", re.S)
_MATHJAX = re.compile(r'<script type="text/x-mathjax-config">.*?</script>|<script src="">\s*</script>', re.S)
# Its per-cell copy buttons (a clipboard web component and its inline script): Material's
# copy button is the one readers use.
_CLIPBOARD_JS = re.compile(r"<script>\s*\(function \(global, factory\).*?</script>", re.S)
_CLIPBOARD_LISTENER = re.compile(r"<script>\s*document\.addEventListener\('clipboard-copy'.*?</script>", re.S)
_CLIPBOARD_BUTTON = re.compile(r'<div class="zeroclipboard-container">.*?</clipboard-copy>\s*</div>', re.S)
_CLIPBOARD_TEXT = re.compile(r'<div class="clipboard-copy-txt" id="cell-\d+">[^<]*</div>')  # a second copy of each cell
_HIGHLIGHT = re.compile(r'class="highlight-ipynb hl-(\w+)"')


def slim_notebook_page(html: str) -> str:
    """The notebook's HTML without its inlined Jupyter CSS, MathJax stub, CDN script and copy widgets."""
    for pattern in (_HEAVY_STYLE, _MERMAID, _MERMAID_STYLE, _MATHJAX, _CLIPBOARD_JS, _CLIPBOARD_LISTENER):
        html = pattern.sub("", html)
    html = _CLIPBOARD_TEXT.sub("", _CLIPBOARD_BUTTON.sub("", html))
    return _HIGHLIGHT.sub(r'class="highlight language-\1 notebook-code"', html)


def is_notebook(page) -> bool:
    return page.file.src_uri.endswith(".ipynb")


def notebook_of(src_uri: str) -> str:
    """The notebook that `tools.sync` writes for a page: docs/notebooks/<page id>.ipynb."""
    return "notebooks/" + src_uri.removesuffix(".md") + ".ipynb"


def page_of(notebook_src_uri: str) -> str:
    return notebook_src_uri.removeprefix("notebooks/").removesuffix(".ipynb") + ".md"


def notebook_links(page, files) -> dict[str, str] | None:
    """Links for the theme override: on a page, to its notebook; on a notebook page, to its page.

    On a notebook page the download goes through mkdocs-jupyter's own `page.nb_url` (the
    .ipynb that `include_source` copies beside the page); only its file name is used, so
    that the link is relative and works wherever the site is served.
    """
    if is_notebook(page):
        nb_url = getattr(page, "nb_url", None)
        if nb_url is None:
            return None
        source = files.get_file_from_path(page_of(page.file.src_uri))
        name = posixpath.basename(nb_url)
        links = {"download": name, "name": name}
        if source is not None:
            links["page"] = get_relative_url(source.url, page.file.url)
        return links
    notebook = files.get_file_from_path(notebook_of(page.file.src_uri))
    if notebook is None:
        return None
    name = posixpath.basename(notebook.src_uri)
    return {
        "view": get_relative_url(notebook.url, page.file.url),
        "download": get_relative_url(posixpath.join(notebook.url, name), page.file.url),
        "name": name,
    }


# ---------------------------------------------------------------------------- every page

_CODE_BLOCK = re.compile(r'<div class="((?:[\w-]+ )*highlight)">')
# Printed output: `tools.sync` writes it as a ~~~text fence titled "Output".
_OUTPUT_BLOCK = re.compile(
    r'<div class="((?:[\w-]+ )*highlight)">(<span class="filename">Output</span><pre>(?:<span></span>)?)'
    r"<code>(.*?)</code></pre>",
    re.S,
)
# Tokens drawn in the code's own text colour (names, punctuation, whitespace) need no element:
# on a long page they are half of all its elements.
_PLAIN_TOKEN = re.compile(r'<span class="[npw]">([^<]*)</span>')
_EMPTY_HEADER = re.compile(r"<th(\s[^>]*)?>\s*</th>")
_TABLE = re.compile(r"<table>.*?</table>", re.S)
_EMPTY_CORNER = re.compile(r"<thead>\s*<tr>\s*" + _EMPTY_HEADER.pattern)  # the first header cell is empty
_ROW_START = re.compile(r"(<tr>\s*)<td(\s[^>]*)?>(.*?)</td>", re.S)
_UNNAMED_SEARCH_DIALOG = '<div class="md-search" data-md-component="search" role="dialog">'

_files = None
_redirects: list[anchors.Redirect] = []
_page_ids: dict[str, set[str]] = {}


def on_files(files, config):
    global _files
    _files = files
    _redirects.clear()
    _page_ids.clear()
    return files


def on_page_markdown(markdown: str, page, config, files) -> str:
    if not reading.MARKER.search(markdown):
        return markdown
    chapters: dict[str, list[str]] = {}
    for m in reading.MARKER.finditer(markdown):
        chapter = m["chapter"]
        chapters[chapter] = [
            f.content_string for f in files.documentation_pages() if reading.is_in_chapter(f.src_uri, chapter)
        ]
    try:
        return reading.fill(markdown, chapters)
    except ValueError as error:
        raise PluginError(f"{page.file.src_uri}: {error}") from error


def tidy_code_blocks(html: str) -> str:
    """Code blocks out of the search index, their plain tokens as text; printed output as `<samp>`.

    `<samp>` is HTML's element for a program's output. The theme mounts a script component
    (copy button, resize observer) on every `pre > code`; output needs none of it, and on a
    page with a dozen blocks that is half of the theme's work at load.
    """
    html = _OUTPUT_BLOCK.sub(r'<div class="\1 output" data-search-exclude>\2<samp>\3</samp></pre>', html)
    html = _CODE_BLOCK.sub(r'<div class="\1" data-search-exclude>', html)
    return _PLAIN_TOKEN.sub(r"\1", html)


def name_row_headers(html: str) -> str:
    """In a table whose top-left header cell is empty, the first cell of each body row becomes a
    row header (`<th scope="row">`): such a table is read across and down, and without them
    the first column's cells would have no header at all (axe: td-has-header)."""

    def fix(table: re.Match[str]) -> str:
        if not _EMPTY_CORNER.search(table[0]):
            return table[0]
        head, end, body = table[0].partition("</thead>")
        body = _ROW_START.sub(lambda r: f'{r[1]}<th scope="row"{r[2] or ""}>{r[3]}</th>', body)
        return head + end + body

    return _TABLE.sub(fix, html)


def on_page_content(html: str, page, config, files) -> str:
    if is_notebook(page):
        # The notebook repeats its page word for word: keep it out of the search index.
        page.meta["search"] = {"exclude": True}
        html = slim_notebook_page(html)
    try:
        html = mathml.render_dollars(html) if is_notebook(page) else mathml.render_arithmatex(html)
        html = mathml.label_header_math(html)
    except mathml.MathError as error:
        raise PluginError(f"{page.file.src_uri}: {error}") from error
    html = _EMPTY_HEADER.sub(lambda m: f"<td{m.group(1) or ''}></td>", name_row_headers(tidy_code_blocks(html)))
    if "old_anchors" in page.meta:
        pages = {f.src_uri: f.url for f in files.documentation_pages()}
        try:
            redirects = anchors.resolve(page.file.src_uri, page.file.url, page.meta["old_anchors"], pages)
        except anchors.AnchorError as error:
            raise PluginError(str(error)) from error
        _redirects.extend(redirects)
        _page_ids[page.file.src_uri] = anchors.ids_in(html)
        html += anchors.script_element(redirects)
    return html


def on_page_context(context, page, config, nav):
    context["notebook"] = notebook_links(page, _files)
    return context


def name_search_dialog(output: str) -> str:
    return output.replace(_UNNAMED_SEARCH_DIALOG, _UNNAMED_SEARCH_DIALOG[:-1] + ' aria-label="Search">')


def on_post_page(output: str, page, config) -> str:
    return name_search_dialog(output)


def on_post_template(output: str, template_name: str, config) -> str:
    """Static templates (the 404 page) carry the same search dialog."""
    return name_search_dialog(output)


def on_post_build(config) -> None:
    problems = anchors.check_built(Path(config["site_dir"]), _redirects, _page_ids)
    if problems:
        raise PluginError("old anchors that do not resolve:\n  " + "\n  ".join(problems))
