"""Write every code block, output and generated table into the pages, from `snippets/`.

`snippets/` is the single source of the code on the site. A page names what it shows
with markers, and this command fills in the text between them:

    <!-- snippet: convolution.examples.output_size:use -->
    ...a ```python block, and its real printed output, written here...
    <!-- /snippet -->

    <!-- generated: convolution.tables:output_size_table -->
    ...the Markdown that the function returns, written here...
    <!-- /generated -->

A reference is `package.module:name`, relative to `snippets`. `name` is either a section
of the module, between `# --8<-- [start:name]` and `# --8<-- [end:name]` comment lines,
or a top-level function or class, shown with its decorators. Several references in one
marker, separated by spaces, make one block.

Pages are `docs/**/*.md`. A guide chapter is a folder, `docs/<chapter>/`, of short pages,
and the page `docs/<chapter>/<page>.md` takes its blocks from the examples module
`snippets/<chapter>/examples/<page>.py` (the contract is checked by `tools.contract`).

Python blocks after a page's first are marked `<!--pytest-codeblocks:cont-->`, so that
`pytest --codeblocks` runs a page in order as one script, as a reader does. Printed
output is captured by executing the page's notebook (generated from the page by
jupytext) and written under the block as a `~~~text` fence, which pytest-codeblocks
does not collect. The notebooks go to `docs/notebooks/<page>.ipynb`.

When a run changes what a block prints, the change is shown as a diff. A change to a
*claim line*, one that prints `True` or `False`, is refused unless `--accept-claims`
is given: a regression that flips a claim must not slip onto the page by a re-sync.

Usage:
    python -m tools.sync            # rewrite pages and notebooks
    python -m tools.sync --check    # exit 1 if anything is out of date or breaks the contract (no execution)
    python -m tools.sync --only convolution/output_size   # one page (or --only convolution: a chapter)
"""

from __future__ import annotations

import argparse
import ast
import difflib
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
# A claim line prints a truth value: the page's argument rests on it.
CLAIM = re.compile(r"\b(True|False)\b")


class SnippetError(ValueError):
    """A marker names a module, section or object that does not exist."""


class ClaimChanged(RuntimeError):
    """A re-run flipped, added or removed a claim line; refused without --accept-claims."""


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


def sections(source: str) -> dict[str, str]:
    """Every section of a module, in order: name -> the lines between its markers."""
    found: dict[str, list[str]] = {}
    open_: list[str] = []
    for line in source.splitlines():
        start, end = SECTION_START.match(line), SECTION_END.match(line)
        if start:
            found.setdefault(start["name"], [])
            open_.append(start["name"])
        elif end:
            if end["name"] in open_:
                open_.remove(end["name"])
        else:  # a nested section's lines belong to every open section; its markers to none
            for name in open_:
                found[name].append(line)
    return {name: "\n".join(lines).strip("\n") for name, lines in found.items()}


def read_section(source: str, name: str) -> str | None:
    """The lines between the start and end markers of section `name`, or None."""
    return sections(source).get(name)


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
    """Every page of the site, in a stable order."""
    return sorted(DOCS.rglob("*.md"))


def page_id(page: Path) -> str:
    """`docs/convolution/output_size.md` -> `convolution/output_size`; `docs/index.md` -> `index`."""
    return page.relative_to(DOCS).with_suffix("").as_posix()


def notebook_path(page: Path) -> Path:
    return NOTEBOOKS / f"{page_id(page)}.ipynb"


def examples_module(page: Path) -> str | None:
    """The examples module of a page (`chapter.examples.page`, or a one-page chapter's
    `chapter.examples`), or None when it has none."""
    parts = page_id(page).split("/")
    candidates = [f"{parts[0]}.examples.{parts[1]}"] if len(parts) == 2 else [f"{parts[0]}.examples"]
    for module in candidates:
        if PACKAGE.joinpath(*module.split(".")).with_suffix(".py").is_file():
            return module
    return None


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


def indented_snippets(text: str) -> list[int]:
    """Line numbers of snippet markers that are indented: pytest-codeblocks would skip their
    block silently. A collapsed block uses the `/// details` syntax, whose body is not indented."""
    return [text.count("\n", 0, m.start()) + 1 for m in re.finditer(r"^[ \t]+<!-- snippet:", text, re.M)]


def linked_summaries(text: str) -> list[int]:
    """Line numbers of `/// details` titles that hold a link. The title becomes a <summary>,
    which is itself a control: a link inside it is a control inside a control (axe's
    nested-interactive), and keyboard users cannot tell which one a key press reaches."""
    return [text.count("\n", 0, m.start()) + 1 for m in re.finditer(r"^/// details \|.*\]\(", text, re.M)]


def check_page(page: Path) -> list[str]:
    """What is out of date on one page and its notebook (nothing is executed)."""
    from tools.contract import check_page_contract

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
    if lines := indented_snippets(text):
        problems.append(f"{rel}: indented snippet markers at lines {lines} (use a `/// details` block)")
    if lines := linked_summaries(text):
        problems.append(f"{rel}: links in `/// details` titles at lines {lines} (put the link in the body)")
    nb = notebook_path(page)
    if has_code(text):
        expected = page_to_notebook(text, page_id(page))
        if not nb.is_file():
            problems.append(f"{nb.relative_to(ROOT)} is missing")
        elif nb.read_text() != expected:
            problems.append(f"{nb.relative_to(ROOT)} differs from its page")
    problems += check_page_contract(page)
    return problems


def orphan_notebooks() -> list[str]:
    """Notebooks that no page with code generates any more (a page was moved or split)."""
    wanted = {notebook_path(p) for p in pages() if has_code(p.read_text())}
    return [
        f"{nb.relative_to(ROOT)}: no page generates it; delete it"
        for nb in sorted(NOTEBOOKS.rglob("*.ipynb"))
        if nb not in wanted and ".ipynb_checkpoints" not in nb.parts
    ]


def output_diff(page: Path, old: list[Block], new: list[str]) -> str:
    """A unified diff of every block whose output changed (empty when none did)."""
    parts = []
    for i, (block, output) in enumerate(zip(old, new, strict=True)):
        if block.output != output:
            name = f"{page_id(page)} block {i + 1} ({block.refs})"
            parts += difflib.unified_diff(
                block.output.splitlines(keepends=True),
                output.splitlines(keepends=True),
                fromfile=f"{name}, on the page",
                tofile=f"{name}, now",
            )
    return "".join(parts)


def claim_changes(old: list[Block], new: list[str]) -> list[str]:
    """Claim lines that a new run flips, adds or removes, block by block (a block shown for the
    first time, with no output on the page yet, has nothing to change)."""
    changes = []
    for block, output in zip(old, new, strict=True):
        if not block.output:
            continue
        before = [line for line in block.output.splitlines() if CLAIM.search(line)]
        after = [line for line in output.splitlines() if CLAIM.search(line)]
        if [CLAIM.findall(line) for line in before] != [CLAIM.findall(line) for line in after]:
            gone = [f"  - {line}" for line in before if line not in after]
            came = [f"  + {line}" for line in after if line not in before]
            changes.append(f"{block.refs}:\n" + "\n".join(gone + came))
    return changes


def sync_page(page: Path, execute: bool = True, accept_claims: bool = False) -> bool:
    """Rewrite one page and its notebook; True if anything changed.

    Raises ClaimChanged, and writes nothing, when a claim line would change and
    `accept_claims` is False.
    """
    before = page.read_text()
    text = fill(before)
    if has_code(text) and execute:
        nb_text = page_to_notebook(text, page_id(page))
        outputs = execute_notebook(nb_text)
        shown = page_blocks(text)
        if diff := output_diff(page, shown, outputs):
            print(diff, end="" if diff.endswith("\n") else "\n")
        if (changes := claim_changes(shown, outputs)) and not accept_claims:
            raise ClaimChanged(
                f"{page.relative_to(ROOT)}: a claim line changed; the page was not written.\n"
                + "\n".join(changes)
                + "\nIf the new claim is right, rerun with --accept-claims."
            )
        text = fill(text, outputs)
    changed = text != before
    if changed:
        page.write_text(text)
    if has_code(text):
        changed |= write_notebook(notebook_path(page), page_to_notebook(text, page_id(page)))
    return changed


def select(only: list[str] | None) -> list[Path]:
    """The pages named by --only: a page id (`convolution/output_size`) or a chapter (`convolution`)."""
    chosen = [p for p in pages() if not only or any(page_id(p) == o or page_id(p).startswith(o + "/") for o in only)]
    if only and not chosen:
        raise SystemExit(f"--only {only}: no such page or chapter")
    return chosen


def main(argv: list[str] | None = None) -> int:
    from tools.contract import check_modules

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="report drift and contract problems, write nothing")
    parser.add_argument("--only", action="append", help="a page id or a chapter, e.g. convolution/output_size")
    parser.add_argument("--no-exec", action="store_true", help="do not re-run code for outputs")
    parser.add_argument("--accept-claims", action="store_true", help="write outputs even where a claim line changed")
    args = parser.parse_args(argv)
    selected = select(args.only)
    if args.check:
        problems = [msg for page in selected for msg in check_page(page)]
        if not args.only:
            problems += check_modules() + orphan_notebooks()
        for msg in problems:
            print(msg)
        if problems:
            print(f"\nFix with: {FIX_COMMAND} (see the README's contract for examples modules)")
        return 1 if problems else 0
    refused = []
    for page in selected:
        try:
            changed = sync_page(page, execute=not args.no_exec, accept_claims=args.accept_claims)
        except ClaimChanged as e:
            refused.append(str(e))
            print(f"REFUSED {page.relative_to(ROOT)}")
            continue
        print(f"{'updated' if changed else 'ok     '} {page.relative_to(ROOT)}")
    for message in refused:
        print("\n" + message, file=sys.stderr)
    return 1 if refused else 0


if __name__ == "__main__":
    sys.exit(main())
