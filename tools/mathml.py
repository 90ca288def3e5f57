"""Math rendered at build time as MathML, which browsers draw natively: no math engine runs in the page.

KaTeX (bundled in the `pykatex` wheel, run by QuickJS inside Python: no Node.js) turns each
TeX formula into MathML. Only the `<math>` element is kept: KaTeX's wrapper spans and the
TeX annotation would add DOM nodes and bytes that no reader sees.

Two sources of math:
- Markdown pages: `pymdownx.arithmatex` (generic mode) leaves `<span class="arithmatex">\\(…\\)</span>`
  and `<div class="arithmatex">\\[…\\]</div>`;
- notebook pages (mkdocs-jupyter): the Markdown cells keep their raw `$…$` and `$$…$$`.

A formula that KaTeX cannot parse fails the build, naming the page and the formula.
"""

from __future__ import annotations

import html
import re

import pykatex

ARITHMATEX = re.compile(r'<(?P<tag>span|div) class="arithmatex">(?P<tex>.*?)</(?P=tag)>', re.S)
_MATH = re.compile(r"<math\b.*</math>", re.S)
_ANNOTATION = re.compile(
    r'<semantics>(?P<body>.*)<annotation encoding="application/x-tex">.*?</annotation></semantics>', re.S
)
# Notebook HTML: math is only in prose, never inside code; `<` in a formula arrives escaped.
_CODE = re.compile(r"<pre\b.*?</pre>|<code\b.*?</code>", re.S)
_DOLLARS = re.compile(r"\$\$(?P<display>.+?)\$\$|(?<![\\$])\$(?P<inline>[^$<]+?)(?<!\\)\$", re.S)


_TOKEN = re.compile(r"<m(?:i|n|o|text)\b[^>]*>([^<]*)</m(?:i|n|o|text)>")
_HEADER_MATH = re.compile(r"(<th\b[^>]*>\s*)<math(?P<attrs>[^>]*)>(?P<body>.*?)</math>(\s*</th>)", re.S)


class MathError(ValueError):
    """A formula that KaTeX cannot parse."""


def to_mathml(tex: str, display: bool) -> str:
    """One TeX formula as a `<math>` element (`display="block"` for display math)."""
    try:
        rendered = pykatex.renderToString(tex, displayMode=display, output="mathml", throwOnError=True)
    except Exception as error:  # pykatex raises its own ParseError type
        raise MathError(f"cannot render {tex!r}: {error}") from error
    math = _MATH.search(rendered)
    if math is None:
        raise MathError(f"KaTeX returned no <math> element for {tex!r}")
    return _ANNOTATION.sub(r"\g<body>", math.group(0))


def _display(mathml: str) -> str:
    # A wide formula scrolls sideways in its own box instead of widening the page. A span
    # (made a block by CSS), because notebook display math sits inside a <p>.
    return f'<span class="math-display">{mathml}</span>'


def render_arithmatex(page_html: str) -> str:
    """Every arithmatex formula of a Markdown page, replaced by its MathML."""

    def replace(m: re.Match[str]) -> str:
        tex = html.unescape(m["tex"]).strip()
        display = m["tag"] == "div"
        opening, closing = (r"\[", r"\]") if display else (r"\(", r"\)")
        if tex.startswith(opening) and tex.endswith(closing):
            tex = tex[2:-2]
        mathml = to_mathml(tex.strip(), display)
        return _display(mathml) if display else mathml

    return ARITHMATEX.sub(replace, page_html)


def render_dollars(notebook_html: str) -> str:
    """`$…$` and `$$…$$` in a notebook page's prose, replaced by MathML (code is left alone)."""

    def replace(m: re.Match[str]) -> str:
        if m["display"] is not None:
            return _display(to_mathml(html.unescape(m["display"]).strip(), True))
        return to_mathml(html.unescape(m["inline"]).strip(), False)

    pieces, last = [], 0
    for code in _CODE.finditer(notebook_html):
        pieces.append(_DOLLARS.sub(replace, notebook_html[last : code.start()]))
        pieces.append(code.group(0))
        last = code.end()
    pieces.append(_DOLLARS.sub(replace, notebook_html[last:]))
    return "".join(pieces)


def label_header_math(page_html: str) -> str:
    """A header cell that holds only a formula gets a spoken label: its symbols, e.g. "H out".

    Accessibility checkers do not read MathML as text, so they see such a header as empty;
    the label is what a screen reader without math support would say anyway.
    """

    def replace(m: re.Match[str]) -> str:
        spoken = " ".join(html.unescape(t).strip() for t in _TOKEN.findall(m["body"]) if t.strip())
        label = html.escape(spoken, quote=True)
        return f'{m.group(1)}<math{m["attrs"]} aria-label="{label}">{m["body"]}</math>{m.group(4)}'

    return _HEADER_MATH.sub(replace, page_html)
