"""Turn a page into a notebook (with jupytext), and execute a notebook (with nbclient).

The notebook of a page is the page itself: its prose becomes Markdown cells and each
```python block a code cell, in order. So the notebook runs exactly the code the page
shows, and executing it gives the output each block prints.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

import jupytext
import nbformat

ROOT = Path(__file__).resolve().parent.parent
KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}

_COMMENT = re.compile(r"<!--.*?-->\n?", re.S)
_OUTPUT = re.compile(r"^~~~text title=\"Output\"\n.*?^~~~\n", re.S | re.M)
_IMAGE = re.compile(r"!\[(?P<alt>[^\]]*)\]\([^)]*\)(\{[^}]*\})?")
_ATTR_LIST = re.compile(r"\{\s*[#.:][^}\n]*\}")
_ADMONITION = re.compile(
    r"^(?P<kind>!!!|\?\?\?\+?) (?P<type>\w+)(?: \"(?P<title>[^\"]*)\")?\n(?P<body>(?:^(?: {4}.*|)\n)+)", re.M
)
_PAGE_LINK = re.compile(r"\]\((?P<target>[\w./-]+)\.md(?P<anchor>#[\w-]*)?\)")
_NOTEBOOK_LINK = re.compile(r"\]\((?:[\w./-]*/)?(?P<name>[\w-]+\.ipynb)\)")


def _tilde_to_backticks(text: str) -> str:
    out, inside = [], False
    for line in text.split("\n"):
        if line.startswith("~~~"):
            line = "```" if inside else "```text"
            inside = not inside
        out.append(line)
    return "\n".join(out)


def _admonition(m: re.Match[str]) -> str:
    """Material admonitions become blockquotes, which Jupyter renders."""
    title = m["title"] or m["type"].capitalize()
    body = [line[4:] if line.startswith("    ") else line for line in m["body"].rstrip("\n").split("\n")]
    quoted = "\n".join(f"> {line}".rstrip() for line in body)
    return f"> **{title}**\n>\n{quoted}\n\n"


def page_url(page_id: str) -> str:
    """The site's URL folder of a page: `convolution/index` -> `convolution/`, `index` -> ``."""
    parts = page_id.split("/")
    if parts[-1] == "index":
        parts = parts[:-1]
    return "/".join(parts) + "/" if parts else ""


def site_link(page_id: str, target: str) -> str:
    """A page's relative link to `target` (.md, without it), as seen from the page's notebook on
    the site, at `notebooks/<page_id>/`."""
    here = posixpath.dirname(page_id)
    target_id = posixpath.normpath(posixpath.join(here, target))
    rel = posixpath.relpath(page_url(target_id) or ".", f"notebooks/{page_id}")
    return rel if rel.endswith("/") else rel + "/"


_DETAILS = re.compile(r"^/// details \| (?P<title>.*)\n(?:    .*\n)*\n?", re.M)


def clean_markdown(text: str, page_id: str = "index") -> str:
    """The page's Markdown without what only the website understands."""
    text = _OUTPUT.sub("", text)  # the notebook prints its own output
    text = _COMMENT.sub("", text)  # snippet markers and pytest-codeblocks directives
    text = _IMAGE.sub(lambda m: f"*Figure: {m['alt']} (shown on the web page).*", text)
    text = _ADMONITION.sub(_admonition, text)
    # A collapsed block (`/// details | title` ... `///`) becomes a bold title; its body stays.
    text = _DETAILS.sub(lambda m: f"**{m['title']}**\n\n", text)
    text = re.sub(r"^///[ \t]*$\n?", "", text, flags=re.M)
    text = _ATTR_LIST.sub("", text)
    # Links to other pages point at the site's pages, from notebooks/<page>/ on the site.
    text = _PAGE_LINK.sub(lambda m: f"]({site_link(page_id, m['target'])}{m['anchor'] or ''})", text)
    # A page's link to its own notebook: the .ipynb sits beside the notebook (in the repo,
    # and on the site, where mkdocs-jupyter copies it beside the rendered page).
    text = _NOTEBOOK_LINK.sub(r"](\g<name>)", text)
    # ~~~ fences (shell commands, plain text) become ```text fences, which jupytext keeps
    # in Markdown cells: a ```bash fence would become a %%bash cell that runs.
    text = _tilde_to_backticks(text)
    # Collapse blank-line runs in the prose only: code keeps its blank lines, so each
    # notebook cell is exactly the block the page shows.
    parts = re.split(r"(^```python\n.*?^```$)", text, flags=re.S | re.M)
    return "".join(p if i % 2 else _plain_headings(re.sub(r"\n{3,}", "\n\n", p)) for i, p in enumerate(parts))


def _plain_headings(prose: str) -> str:
    """Headings as plain text. The notebook's table of contents keeps only a heading's text
    nodes, so a heading that is all `code` would become a link with no name."""
    return re.sub(r"^(#{1,6} )(.*?)[ \t]*$", lambda m: m[1] + m[2].replace("`", ""), prose, flags=re.M)


def page_to_notebook(page_text: str, page_id: str) -> str:
    """The notebook of a page, as the exact JSON text that is committed."""
    nb = jupytext.reads(clean_markdown(page_text, page_id), fmt="md")
    name = page_id.replace("/", "-")
    nb.metadata = {"kernelspec": dict(KERNELSPEC), "language_info": {"name": "python"}}
    for i, cell in enumerate(nb.cells):
        cell.metadata = {}
        cell["id"] = f"{name}-{i:03d}"  # stable ids, so regenerating gives the same bytes
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    nb.nbformat, nb.nbformat_minor = 4, 5
    return nbformat.writes(nb) + "\n"


def code_cells(nb_text: str) -> list[str]:
    return [c.source for c in nbformat.reads(nb_text, as_version=4).cells if c.cell_type == "code"]


def execute_notebook(nb_text: str, timeout: int = 600) -> list[str]:
    """Run a notebook top to bottom in a fresh kernel; the stdout of each code cell."""
    return execute_notebooks([nb_text], timeout)[0]


# Between two notebooks: a clean namespace (imported modules stay cached). No comment on the
# line: IPython would read it as arguments to %reset.
RESET = "%reset -f"


def execute_notebooks(nb_texts: list[str], timeout: int = 600) -> list[list[str]]:
    """Run notebooks one after another in ONE fresh kernel; the stdout of each code cell, per notebook.

    Between two notebooks the kernel's namespace is reset (`%reset -f`), so no name from one
    is seen by the next; modules stay imported, which saves a kernel start and a torch import
    per notebook. A notebook that relied on state left by another (an unseeded random draw, a
    global setting) would print something else than in a fresh kernel, where `tools.sync`
    runs each one: the comparison with the page catches it.
    """
    from nbclient import NotebookClient

    notebooks = [nbformat.reads(text, as_version=4) for text in nb_texts]
    combined = nbformat.v4.new_notebook(metadata=notebooks[0].metadata)
    for k, nb in enumerate(notebooks):
        if k:
            combined.cells.append(nbformat.v4.new_code_cell(RESET))
        combined.cells.extend(c for c in nb.cells if c.cell_type == "code")
    client = NotebookClient(
        combined, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}}
    )
    client.execute()
    outputs = [
        "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream" and o.name == "stdout")
        for cell in combined.cells
    ]
    per_notebook, start = [], 0
    for k, nb in enumerate(notebooks):
        start += 1 if k else 0  # the reset cell
        count = sum(c.cell_type == "code" for c in nb.cells)
        per_notebook.append(outputs[start : start + count])
        start += count
    return per_notebook


def write_notebook(path: Path, text: str) -> bool:
    """Write the notebook if it changed; True if it did."""
    if path.is_file() and path.read_text() == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return True
