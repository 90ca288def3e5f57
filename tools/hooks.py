"""MkDocs hooks (`hooks:` in mkdocs.yml): accessible, light, offline built pages.

Every page: Material's search overlay is a `role="dialog"` without a name, which screen
readers announce as an unnamed dialog (Lighthouse's aria-dialog-name); it gets a label.

Notebook pages (mkdocs-jupyter):
mkdocs-jupyter's template inlines about 590 KB of JupyterLab CSS into every notebook
page, a MathJax stub, and a `<script type="module">` that imports mermaid from a CDN.
Our notebooks have no outputs to style and no mermaid cells, so this hook drops all of
that: the page becomes light (a few KB), loads nothing from another host, and its code
cells take Material's own code style (`.highlight`) in light and dark mode. Math in the
Markdown cells is rendered by the site's self-hosted KaTeX (javascripts/katex-init.js).
Each notebook page gets a button that downloads its .ipynb.
"""

from __future__ import annotations

import re

_HEAVY_STYLE = re.compile(r"<style[^>]*>\s*(?:@charset|\.jupyter-wrapper|pre \{|\[')[^<]*</style>", re.S)
_MERMAID = re.compile(r'<script type="module">\s*document\.addEventListener\("DOMContentLoaded".*?</script>', re.S)
_MERMAID_STYLE = re.compile(r"<style>\s*\.jp-Mermaid.*?</style>", re.S)
_MATHJAX = re.compile(r'<script type="text/x-mathjax-config">.*?</script>|<script src="">\s*</script>', re.S)
_HIGHLIGHT = re.compile(r'class="highlight-ipynb hl-(\w+)"')


def slim_notebook_page(html: str) -> str:
    """The notebook page without its inlined Jupyter CSS, MathJax stub and CDN script."""
    html = _HEAVY_STYLE.sub("", html)
    html = _MERMAID.sub("", html)
    html = _MERMAID_STYLE.sub("", html)
    html = _MATHJAX.sub("", html)
    return _HIGHLIGHT.sub(r'class="highlight language-\1 notebook-code"', html)


_UNNAMED_SEARCH_DIALOG = '<div class="md-search" data-md-component="search" role="dialog">'


_CODE_BLOCK = re.compile(r'<div class="((?:[\w-]+ )*highlight)">')


def on_page_content(html: str, page, config, files) -> str:
    """Keep the search index small: every page loads it, so its size is every page's cost.

    Code blocks are left out of it (the prose around them names what they do), and so are
    the notebook pages, which repeat their page word for word.
    """
    if page.file.src_uri.endswith(".ipynb"):
        page.meta["search"] = {"exclude": True}
    return _CODE_BLOCK.sub(r'<div class="\1" data-search-exclude>', html)


_ARTICLE = '<article class="md-content__inner md-typeset">'


def add_download_button(html: str, notebook_name: str) -> str:
    """A download link for the .ipynb, which `include_source` copies beside the page."""
    button = f'<p><a class="md-button" href="{notebook_name}" download>Download this notebook ({notebook_name})</a></p>'
    return html.replace(_ARTICLE, _ARTICLE + button, 1)


def on_post_page(output: str, page, config) -> str:
    output = output.replace(_UNNAMED_SEARCH_DIALOG, _UNNAMED_SEARCH_DIALOG[:-1] + ' aria-label="Search">')
    if page.file.src_uri.endswith(".ipynb"):
        output = add_download_button(slim_notebook_page(output), page.file.src_uri.rsplit("/", 1)[-1])
    return output
