"""The contract of an examples module, checked by `python -m tools.sync --check` (and the tests).

A page `docs/<chapter>/<page>.md` shows its driver code from one examples module,
`snippets/<chapter>/examples/<page>.py`, section by section. The module is also a script
that runs the page top to bottom. The rules, each checked here:

1. **Driver code only.** No function or class is defined in an examples module: anything
   with logic lives in a library module with a unit test, and the page shows it from there.
2. **One idiom for imports.** Outside the sections there is only the docstring and
   `from snippets.<...> import <names>`: the library objects that the page shows (they are
   defined on the page, so the module imports them to run as a script). Everything the
   reader needs to import is inside a section, where the reader sees it, and every name
   imported there is used by the page's code (ruff's unused-import rule is off for these
   modules, because some names are used only by shown library code).
3. **Sections in page order, every section used.** The page uses the module's sections in
   the order they are written, each one at least once, and no other page uses them.
4. **Page code stands alone.** No block on a page imports `snippets` or `tools`: a reader
   who copies it has neither.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tools import sync

EXAMPLES_GLOBS = ("*/examples.py", "*/examples/*.py")


def examples_modules() -> list[str]:
    """Every examples module, as `chapter.examples` or `chapter.examples.page`."""
    paths = sorted(p for g in EXAMPLES_GLOBS for p in sync.PACKAGE.glob(g) if p.name != "__init__.py")
    return [".".join(p.relative_to(sync.PACKAGE).with_suffix("").parts) for p in paths]


def page_of(module: str) -> Path | None:
    """The page whose examples module `module` is, or None."""
    return next((p for p in sync.pages() if sync.examples_module(p) == module), None)


def section_lines(source: str) -> set[int]:
    """1-based numbers of the lines inside any section (markers included)."""
    inside: set[int] = set()
    depth = 0
    for number, line in enumerate(source.splitlines(), start=1):
        if sync.SECTION_START.match(line):
            depth += 1
        if depth:
            inside.add(number)
        if sync.SECTION_END.match(line):
            depth = max(depth - 1, 0)
    return inside


def refs_of(page: Path) -> list[tuple[str, str]]:
    """(module, name) of every reference on the page, in page order."""
    refs = []
    for block in sync.SNIPPET_RE.finditer(page.read_text()):
        for ref in block["refs"].split():
            module, _, name = ref.partition(":")
            refs.append((module, name))
    return refs


def bound_names(code: str) -> set[str]:
    """Names that a piece of code binds at its top level (definitions, assignments, imports)."""
    names: set[str] = set()
    for node in ast.parse(code).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
        else:
            for target in ast.walk(node):
                if isinstance(target, ast.Name) and isinstance(target.ctx, ast.Store):
                    names.add(target.id)
    return names


def used_names(code: str) -> set[str]:
    """Every name that a piece of code reads, anywhere in it (function bodies included)."""
    return {n.id for n in ast.walk(ast.parse(code)) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def check_page_contract(page: Path) -> list[str]:
    """Rule 4 for any page; rule 3's "no other page" for the sections it uses."""
    rel = page.relative_to(sync.ROOT)
    problems = []
    for i, block in enumerate(sync.page_blocks(page.read_text()), start=1):
        try:
            tree = ast.parse(block.code)
        except SyntaxError as e:
            problems.append(f"{rel}: block {i} ({block.refs}) is not valid Python: {e}")
            continue
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            bad = [n for n in names if n.split(".")[0] in {"snippets", "tools", "tests"}]
            if bad:
                problems.append(f"{rel}: block {i} ({block.refs}) imports {', '.join(bad)}: page code must stand alone")
    own = sync.examples_module(page)
    for module, name in refs_of(page):
        if module != own and module in set(examples_modules()):
            problems.append(f"{rel}: uses section {module}:{name} of another page's examples module")
    return problems


def check_module(module: str) -> list[str]:
    """Rules 1 to 3 for one examples module."""
    path = sync.module_path(module)
    rel = path.relative_to(sync.ROOT)
    page = page_of(module)
    if page is None:
        return [f"{rel}: no page takes its blocks from it (expected docs/{'/'.join(module.split('.')[::2])}.md)"]
    source = path.read_text()
    tree = ast.parse(source)
    inside = section_lines(source)
    problems = []
    # 1. driver code only
    defined = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)]
    nested = {id(m) for n in defined for m in ast.walk(n) if m is not n}
    for node in (n for n in defined if id(n) not in nested):
        problems.append(
            f"{rel}:{node.lineno}: defines {node.name}; move it to a library module with a unit test "
            "and show it from there"
        )
    # 2. outside the sections: the docstring and imports of shown library objects only
    refs = refs_of(page)
    shown_library = set()
    for ref_module, name in refs:
        if ref_module != module:
            shown_library |= bound_names(sync.resolve(f"{ref_module}:{name}"))
    for k, node in enumerate(tree.body):
        if node.lineno in inside:
            continue
        docstring = k == 0 and isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
        if docstring:
            continue
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "snippets":
            hidden = [a.name for a in node.names if (a.asname or a.name) not in shown_library]
            if hidden:
                problems.append(
                    f"{rel}:{node.lineno}: imports {', '.join(hidden)} outside a section, but the page does not "
                    "show it: the reader's script would miss it"
                )
            continue
        problems.append(
            f"{rel}:{node.lineno}: code outside a section; only the docstring and `from snippets... import` "
            "of shown library objects may stand there"
        )
    # 2. every name a section imports is used by the page's code
    page_code = "\n\n".join(sync.resolve(f"{m}:{n}") for m, n in refs)
    used = used_names(page_code)
    for node in tree.body:
        if node.lineno in inside and isinstance(node, ast.Import | ast.ImportFrom):
            for alias in node.names:
                name = (alias.asname or alias.name).split(".")[0]
                if name not in used:
                    problems.append(f"{rel}:{node.lineno}: imports {name}, which no code on the page uses")
    # 3. sections in page order, each used
    order = list(sync.sections(source))
    used_sections = [name for ref_module, name in refs if ref_module == module]
    unknown = [n for n in used_sections if n not in order]
    problems += [f"{page.relative_to(sync.ROOT)}: {module}:{n} is not a section" for n in unknown]
    positions = [order.index(n) for n in used_sections if n in order]
    if positions != sorted(positions):
        problems.append(f"{rel}: the page uses its sections in the order {used_sections}, not as they are written")
    problems += [
        f"{rel}: section {n!r} is not used by {page.relative_to(sync.ROOT)}" for n in order if n not in used_sections
    ]
    return problems


def check_modules() -> list[str]:
    """Every examples module's problems."""
    return [msg for module in examples_modules() for msg in check_module(module)]
