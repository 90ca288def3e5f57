"""Write every code block, output and generated table into the pages, from `snippets/`.

`snippets/` is the single source of the code on the site. A page names what it shows
with markers, and this command fills in the text between them:

    <!-- snippet: convolution.examples:article_example -->
    ...a ```python block, and its real printed output, written here...
    <!-- /snippet -->

    <!-- generated: convolution.tables:output_size_table -->
    ...the Markdown that the function returns, written here...
    <!-- /generated -->

A reference is `package.module:name`, relative to `snippets`. `name` is either a section
of the module, between `# --8<-- [start:name]` and `# --8<-- [end:name]` comment lines,
or a top-level function or class, shown with its decorators. Several references in one
marker, separated by spaces, make one block.

Python blocks after a page's first are marked `<!--pytest-codeblocks:cont-->`, so that
`pytest --codeblocks` runs a page in order as one script, as a reader does. Printed
output is captured by executing the page's notebook (generated from the page by
jupytext) and written under the block as a `~~~text` fence, which pytest-codeblocks
does not collect. The notebooks go to `docs/notebooks/<page>.ipynb`.

Usage:
    python -m tools.sync            # rewrite pages and notebooks
    python -m tools.sync --check    # exit 1 if anything is out of date (no execution)
    python -m tools.sync --only convolution   # one page
"""

from __future__ import annotations

import argparse
import ast
import importlib
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from tools.notebooks import execute_notebook, page_to_notebook, write_notebook

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PACKAGE = ROOT / "snippets"
NOTEBOOKS = DOCS / "notebooks"
FIX_COMMAND = "python -m tools.sync"

SNIPPET_RE = re.compile(
    r"(?P<open><!-- snippet: (?P<refs>[^>]+?) -->\n)(?P<body>.*?)(?P<close><!-- /snippet -->)",
    re.S,
)
GENERATED_RE = re.compile(
    r"(?P<open><!-- generated: (?P<ref>[^>]+?) -->\n)(?P<body>.*?)(?P<close><!-- /generated -->)",
    re.S,
)
SECTION_START = re.compile(r"^\s*# --8<-- \[start:(?P<name>[\w-]+)\]\s*$")
SECTION_END = re.compile(r"^\s*# --8<-- \[end:(?P<name>[\w-]+)\]\s*$")
CONT = "<!--pytest-codeblocks:cont-->"
OUTPUT_FENCE = '~~~text title="Output"'


class SnippetError(ValueError):
    """A marker names a module, section or object that does not exist."""


@dataclass(frozen=True)
class Block:
    """One snippet region of a page: its code and the output shown under it."""

    refs: str
    code: str
    output: str


def module_path(module: str) -> Path:
    path = PACKAGE.joinpath(*module.split(".")).with_suffix(".py")
    if not path.is_file():
        raise SnippetError(f"no module snippets.{module} (looked for {path})")
    return path


def read_section(source: str, name: str) -> str | None:
    """The lines between the start and end markers of section `name`, or None."""
    lines = source.splitlines()
    inside = False
    found = False
    out: list[str] = []
    for line in lines:
        start, end = SECTION_START.match(line), SECTION_END.match(line)
        if start and start["name"] == name:
            inside, found = True, True
            continue
        if end and end["name"] == name:
            inside = False
            continue
        if inside and not (start or end):  # nested markers of other sections are not shown
            out.append(line)
    if not found:
        return None
    return "\n".join(out).strip("\n")


def read_object(source: str, name: str) -> str | None:
    """The source of a top-level function or class, decorators included, or None."""
    tree = ast.parse(source)
    lines = source.splitlines()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) and node.name == name:
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            return "\n".join(lines[first - 1 : node.end_lineno])
    return None


def resolve(ref: str) -> str:
    """The code that one reference `module:name` stands for."""
    module, sep, name = ref.partition(":")
    if not sep or not name:
        raise SnippetError(f"bad reference {ref!r}: expected 'module:name'")
    source = module_path(module).read_text()
    code = read_section(source, name)
    if code is None:
        code = read_object(source, name)
    if code is None:
        raise SnippetError(f"snippets.{module} has no section or top-level object {name!r}")
    return code


def resolve_refs(refs: str) -> str:
    return "\n\n\n".join(resolve(ref) for ref in refs.split())


def render_block(code: str, output: str, first: bool) -> str:
    parts = [] if first else [CONT + "\n"]
    parts.append(f"```python\n{code}\n```\n")
    if output:
        text = output if output.endswith("\n") else output + "\n"
        parts.append(f"\n{OUTPUT_FENCE}\n{text}~~~\n")
    return "".join(parts)


OUTPUT_RE = re.compile(r"^~~~text title=\"Output\"\n(?P<text>.*?)^~~~\n", re.S | re.M)


def shown_output(body: str) -> str:
    """The output fence inside a snippet region, as it stands on the page ('' if none)."""
    m = OUTPUT_RE.search(body)
    return m["text"] if m else ""


def page_blocks(text: str) -> list[Block]:
    """The snippet regions of a page, with the code and output they show now."""
    blocks = []
    for m in SNIPPET_RE.finditer(text):
        code_m = re.search(r"```python\n(?P<code>.*?)\n```\n", m["body"], re.S)
        blocks.append(Block(m["refs"].strip(), code_m["code"] if code_m else "", shown_output(m["body"])))
    return blocks


def generate(ref: str) -> str:
    """Markdown from a generator function `module:function` (called with no arguments)."""
    module, _, name = ref.partition(":")
    module_path(module)  # a clear error for a missing module
    func = getattr(importlib.import_module(f"snippets.{module}"), name, None)
    if func is None:
        raise SnippetError(f"snippets.{module} has no function {name!r}")
    return func().strip("\n") + "\n"


def fill(text: str, outputs: list[str] | None = None) -> str:
    """The page with every marker's code (and generated Markdown) written in.

    `outputs`, one per snippet region, replaces the outputs shown; None keeps them.
    """
    regions = list(SNIPPET_RE.finditer(text))
    if outputs is not None and len(outputs) != len(regions):
        raise SnippetError(f"{len(outputs)} outputs for {len(regions)} snippet blocks")
    index = iter(range(len(regions)))

    def snippet(m: re.Match[str]) -> str:
        i = next(index)
        output = shown_output(m["body"]) if outputs is None else outputs[i]
        body = render_block(resolve_refs(m["refs"]), output, first=i == 0)
        return m["open"] + body + m["close"]

    text = SNIPPET_RE.sub(snippet, text)
    return GENERATED_RE.sub(lambda m: m["open"] + generate(m["ref"]) + m["close"], text)


def pages() -> list[Path]:
    return sorted(DOCS.glob("*.md"))


def notebook_path(page: Path) -> Path:
    return NOTEBOOKS / f"{page.stem}.ipynb"


def has_code(text: str) -> bool:
    return SNIPPET_RE.search(text) is not None


def stray_fences(text: str) -> list[int]:
    """Line numbers of ``` fences that no snippet marker wrote.

    Every backtick fence on a page must come from `snippets/`: a hand-written one would
    not be tested, and any non-python one would break pytest-codeblocks' chaining.
    Shell commands and other text use ~~~ fences.
    """
    spans = [m.span("body") for m in SNIPPET_RE.finditer(text)]
    stray = []
    for m in re.finditer(r"^[ \t]*```", text, re.M):
        if not any(a <= m.start() < b for a, b in spans):
            stray.append(text.count("\n", 0, m.start()) + 1)
    return stray


def check_page(page: Path) -> list[str]:
    """What is out of date on one page and its notebook (nothing is executed)."""
    problems = []
    text = page.read_text()
    rel = page.relative_to(ROOT)
    try:
        if fill(text) != text:
            problems.append(f"{rel}: code or generated tables differ from snippets/")
    except SnippetError as e:
        problems.append(f"{rel}: {e}")
    if lines := stray_fences(text):
        problems.append(f"{rel}: ``` fences not written by a snippet marker at lines {lines}")
    nb = notebook_path(page)
    if has_code(text):
        expected = page_to_notebook(text, page.stem)
        if not nb.is_file():
            problems.append(f"{nb.relative_to(ROOT)} is missing")
        elif nb.read_text() != expected:
            problems.append(f"{nb.relative_to(ROOT)} differs from its page")
    return problems


def sync_page(page: Path, execute: bool = True) -> bool:
    """Rewrite one page and its notebook; True if anything changed."""
    before = page.read_text()
    text = fill(before)
    if has_code(text) and execute:
        nb_text = page_to_notebook(text, page.stem)
        outputs = execute_notebook(nb_text)
        text = fill(text, outputs)
    changed = text != before
    if changed:
        page.write_text(text)
    if has_code(text):
        changed |= write_notebook(notebook_path(page), page_to_notebook(text, page.stem))
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="report drift, write nothing")
    parser.add_argument("--only", action="append", help="page stem, e.g. convolution")
    parser.add_argument("--no-exec", action="store_true", help="do not re-run code for outputs")
    args = parser.parse_args(argv)
    selected = [p for p in pages() if not args.only or p.stem in args.only]
    if args.check:
        problems = [msg for page in selected for msg in check_page(page)]
        for msg in problems:
            print(msg)
        if problems:
            print(f"\nFix with: {FIX_COMMAND}")
        return 1 if problems else 0
    for page in selected:
        changed = sync_page(page, execute=not args.no_exec)
        print(f"{'updated' if changed else 'ok     '} {page.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
