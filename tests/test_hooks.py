"""The site tooling behind every page, on small inputs: math, reading time, old anchors, notebook pages."""

from __future__ import annotations

import markdown
import pytest
from mkdocs.structure.files import File, Files
from mkdocs_jupyter.plugin import NotebookFile

from tools import anchors, hooks, mathml, reading

# ---------------------------------------------------------------- math at build time


def test_a_formula_becomes_one_math_element_without_katex_wrappers() -> None:
    out = mathml.to_mathml(r"H_\text{out} = \left\lfloor \frac{H + 2p - k}{s} \right\rfloor + 1", display=False)
    assert out.startswith("<math") and out.endswith("</math>")
    assert "katex" not in out and "annotation" not in out and "semantics" not in out
    assert "<mfrac>" in out and "⌊" in out
    assert 'display="block"' in mathml.to_mathml("x", display=True)


def test_a_formula_katex_cannot_parse_is_an_error_that_quotes_it() -> None:
    with pytest.raises(mathml.MathError, match=r"\\frac\{"):
        mathml.to_mathml(r"\frac{", display=False)
    with pytest.raises(mathml.MathError, match="nosuchmacro"):
        mathml.render_arithmatex(r'<p><span class="arithmatex">\(\nosuchmacro x\)</span></p>')


def test_arithmatex_output_is_replaced_inline_and_display() -> None:
    page = (
        r'<p>A <span class="arithmatex">\(a &lt; b\)</span> here.</p>'
        r'<div class="arithmatex">\[ \sum_i x_i \]</div>'
    )
    out = mathml.render_arithmatex(page)
    assert "arithmatex" not in out and "\\(" not in out and "\\[" not in out
    assert out.count("<math") == 2
    assert "<mo>&lt;</mo>" in out  # the escaped < reached KaTeX as <, and left escaped
    assert '<span class="math-display"><math' in out


def test_notebook_dollars_are_rendered_but_code_is_left_alone() -> None:
    page = (
        "<p>Inline $k_H$ and display:</p><p>$$\nY = X \\star K\n$$</p>"
        "<pre><span>price = '$5' + '$6'</span></pre><p><code>$HOME</code> and $x$.</p>"
    )
    out = mathml.render_dollars(page)
    assert out.count("<math") == 3
    assert "<pre><span>price = '$5' + '$6'</span></pre>" in out
    assert "<code>$HOME</code>" in out


def test_a_header_cell_that_is_only_a_formula_gets_a_spoken_label() -> None:
    html = mathml.render_arithmatex(r'<table><thead><tr><th><span class="arithmatex">\(H_\text{in}\)</span></th>')
    assert 'aria-label="H in"' in mathml.label_header_math(html)
    body = r'<td><span class="arithmatex">\(H\)</span></td>'
    assert "aria-label" not in mathml.label_header_math(mathml.render_arithmatex(body))


def test_a_table_with_an_empty_corner_gets_row_headers_and_other_tables_do_not() -> None:
    md = markdown.Markdown(extensions=["tables"])
    two_way = md.convert("|  | A | B |\n|---|---|---|\n| one | 1 | 2 |\n| two `x` | 3 | 4 |")
    out = hooks.name_row_headers(two_way)
    assert out.count('<th scope="row">') == 2 and '<th scope="row">two <code>x</code></th>' in out
    assert out.count("<td>") == 4  # the data cells stay cells
    plain = md.reset().convert("| name | A |\n|---|---|\n| one | 1 |")
    assert hooks.name_row_headers(plain) == plain


# ---------------------------------------------------------------- reading time


def test_reading_time_counts_what_a_reader_sees() -> None:
    page = "---\nold_anchors:\n  a: b.md#c\n---\n# Title\n\n<!-- snippet: x:y -->\nOne two three.\n<div>four</div>\n"
    assert reading.words(page) == 5  # Title, One, two, three, four
    assert reading.minutes(["word " * 200] * 3) == 3
    assert reading.minutes(["a"]) == 1  # never "about 0 min"


def test_reading_time_markers_are_filled_per_chapter_and_an_unknown_chapter_is_an_error() -> None:
    text = "| 1 | <!-- reading-time: conv --> |"
    assert reading.fill(text, {"conv": ["w " * 1000]}) == "| 1 | about 5 min |"
    with pytest.raises(ValueError, match="'unet'"):
        reading.fill("<!-- reading-time: unet -->", {"conv": ["w"]})
    assert reading.is_in_chapter("conv/index.md", "conv") and reading.is_in_chapter("conv.md", "conv")
    assert not reading.is_in_chapter("convolution/x.md", "conv")


# ---------------------------------------------------------------- old anchors

PAGES = {
    "convolution/index.md": "convolution/",
    "convolution/output_size.md": "convolution/output_size/",
    "index.md": "",
}


def test_old_anchors_resolve_to_urls_relative_to_the_index_page() -> None:
    found = anchors.resolve(
        "convolution/index.md", "convolution/", {"output-size": "output_size.md#output-size"}, PAGES
    )
    assert [(r.old, r.href, r.target_url, r.anchor) for r in found] == [
        ("output-size", "output_size/#output-size", "convolution/output_size/", "output-size")
    ]
    element = anchors.script_element(found)
    data = '{"output-size": "output_size/#output-size"}'
    # An old section that became a whole page maps to that page's top.
    whole = anchors.resolve("convolution/index.md", "convolution/", {"shapes": "output_size.md"}, PAGES)
    assert [(r.href, r.anchor) for r in whole] == [("output_size/", "")]
    assert element == f'<script type="application/json" id="old-anchors">{data}</script>'


@pytest.mark.parametrize(
    ("old_anchors", "message"),
    [
        ({"a": "missing.md#a"}, "not a page"),
        ({"a": "output_size.md#b#c"}, "is not 'page.md' or 'page.md#anchor'"),
        ({"a": "output_size.md#"}, "is not 'page.md' or 'page.md#anchor'"),
        ({"a": "output_size/#a"}, "is not 'page.md' or 'page.md#anchor'"),
        (["a"], "must be a map"),
        ({}, "must be a map"),
    ],
)
def test_a_bad_old_anchor_entry_is_an_error_that_names_it(old_anchors, message: str) -> None:
    with pytest.raises(anchors.AnchorError, match=message):
        anchors.resolve("convolution/index.md", "convolution/", old_anchors, PAGES)


def test_the_built_check_finds_missing_anchors_and_anchors_still_on_the_page(tmp_path) -> None:
    (tmp_path / "convolution" / "output_size").mkdir(parents=True)
    (tmp_path / "convolution" / "output_size" / "index.html").write_text('<h2 id="output-size">Output size</h2>')
    found = anchors.resolve(
        "convolution/index.md",
        "convolution/",
        {"output-size": "output_size.md#output-size", "padding": "output_size.md#padding"},
        PAGES,
    )
    problems = anchors.check_built(tmp_path, found, {"convolution/index.md": {"output-size"}})
    assert len(problems) == 2
    top = anchors.resolve("convolution/index.md", "convolution/", {"shapes": "output_size.md"}, PAGES)
    assert anchors.check_built(tmp_path, top, {}) == []
    missing = "'padding' points to convolution/output_size.md#padding, which has no such anchor"
    assert any(missing in p for p in problems)
    assert any("'output-size' is still an anchor of this page" in p for p in problems)
    assert anchors.check_built(tmp_path, found[:1], {}) == []


# ---------------------------------------------------------------- notebook pages and code blocks


def files_of(*paths: str) -> Files:
    """Files as the build sees them: mkdocs-jupyter makes each notebook a page of its own."""
    files = [File(p, "docs", "site", use_directory_urls=True) for p in paths]
    return Files([NotebookFile(f, True, "site") if f.src_uri.endswith(".ipynb") else f for f in files])


class FakePage:
    def __init__(self, file: File, nb_url: str | None = None) -> None:
        self.file = file
        if nb_url is not None:
            self.nb_url = nb_url


def test_a_page_links_to_its_notebook_and_the_notebook_back_to_its_page() -> None:
    files = files_of("convolution/output_size.md", "notebooks/convolution/output_size.ipynb", "explorer.md")
    page = FakePage(files.get_file_from_path("convolution/output_size.md"))
    assert hooks.notebook_links(page, files) == {
        "view": "../../notebooks/convolution/output_size/",
        "download": "../../notebooks/convolution/output_size/output_size.ipynb",
        "name": "output_size.ipynb",
    }
    notebook_file = files.get_file_from_path("notebooks/convolution/output_size.ipynb")
    notebook = FakePage(notebook_file, nb_url="/x/output_size.ipynb")
    assert hooks.notebook_links(notebook, files) == {
        "download": "output_size.ipynb",
        "name": "output_size.ipynb",
        "page": "../../../convolution/output_size/",
    }
    assert hooks.notebook_links(FakePage(files.get_file_from_path("explorer.md")), files) is None


def test_code_blocks_lose_what_no_reader_sees() -> None:
    html = (
        '<div class="language-python highlight"><pre><span></span><code><span class="n">x</span>'
        '<span class="w"> </span><span class="o">=</span><span class="p">(</span><span class="mi">1</span>'
        '<span class="p">)</span></code></pre></div>'
        '<div class="language-text highlight"><span class="filename">Output</span><pre><code>1</code></pre></div>'
    )
    out = hooks.tidy_code_blocks(html)
    assert '<code>x <span class="o">=</span>(<span class="mi">1</span>)</code>' in out
    assert '<div class="language-python highlight" data-search-exclude>' in out
    output = '<div class="language-text highlight output" data-search-exclude><span class="filename">Output</span>'
    assert output + "<pre><samp>1</samp></pre></div>" in out


def test_slimming_drops_jupyter_css_mathjax_mermaid_and_copy_widgets() -> None:
    nb = (
        '<style type="text/css">\n.jupyter-wrapper { color: red }</style>'
        '<script type="text/x-mathjax-config">MathJax.Hub.Config({})</script><script src=""></script>'
        '<script type="module">\n  document.addEventListener("DOMContentLoaded", async () => '
        '{ const m = await import("https://cdn.example/mermaid.js") })</script>'
        "<script>\n(function (global, factory) { })(this)</script>"
        "<script>\n  document.addEventListener('clipboard-copy', function(event) {})</script>"
        '<div class="zeroclipboard-container"><clipboard-copy for="cell-1">x</clipboard-copy>\n</div>'
        '<div class="highlight-ipynb hl-python"><pre>x = 1</pre></div>'
        '<div class="clipboard-copy-txt" id="cell-1">x = 1</div>'
    )
    assert hooks.slim_notebook_page(nb) == '<div class="highlight language-python notebook-code"><pre>x = 1</pre></div>'


def test_the_notebook_cache_has_a_folder_per_set_of_renderer_versions(monkeypatch: pytest.MonkeyPatch) -> None:
    """mkdocs-jupyter's cache keys on the notebook's bytes only: a renderer upgrade must not reuse it."""
    import importlib.metadata

    from tools import hooks

    now = hooks._notebook_cache_dir()
    real = importlib.metadata.version
    monkeypatch.setattr(importlib.metadata, "version", lambda name: "99" if name == "nbconvert" else real(name))
    assert hooks._notebook_cache_dir() != now
    assert "/.cache/mkdocs-jupyter/" in now.replace("\\", "/")
