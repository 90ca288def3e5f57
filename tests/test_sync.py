"""Drift and the house rules: every page shows exactly the code that `snippets/` holds, its notebook
matches, examples modules keep their contract, and a re-sync cannot flip a claim silently."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools import contract, sync

PAGES = sync.pages()


@pytest.mark.parametrize("page", PAGES, ids=[sync.page_id(p) for p in PAGES])
def test_page_matches_snippets(page: Path) -> None:
    problems = sync.check_page(page)
    assert not problems, "\n".join(problems) + f"\nFix with: {sync.FIX_COMMAND}"


def test_examples_modules_keep_the_contract() -> None:
    problems = contract.check_modules()
    assert not problems, "\n".join(problems)


def test_every_notebook_has_its_page() -> None:
    assert sync.orphan_notebooks() == []


def test_every_python_fence_is_generated() -> None:
    text = "intro\n\n```python\nprint(1)\n```\n"
    assert sync.stray_fences(text) == [3, 5]
    assert sync.indented_snippets("a\n    <!-- snippet: x:y -->\n") == [2]


def test_collapsed_block_titles_hold_no_link() -> None:
    text = "/// details | Plain title\n\n/// details | From [the model page](model.md)\n"
    assert sync.linked_summaries(text) == [3]


def test_section_and_object_references(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pkg = tmp_path / "demo"
    pkg.mkdir()
    (pkg / "mod.py").write_text(
        "import torch\n\n# --8<-- [start:setup]\nx = 1\n# --8<-- [start:inner]\ny = 2\n# --8<-- [end:inner]\n"
        "# --8<-- [end:setup]\n\n@staticmethod\ndef f(a: int) -> int:\n    return a + 1\n"
    )
    monkeypatch.setattr(sync, "PACKAGE", tmp_path)
    assert sync.resolve("demo.mod:setup") == "x = 1\ny = 2"  # a nested section's lines, not its markers
    assert sync.resolve("demo.mod:inner") == "y = 2"
    assert sync.resolve("demo.mod:f") == "@staticmethod\ndef f(a: int) -> int:\n    return a + 1"
    assert sync.resolve_refs("demo.mod:inner demo.mod:inner") == "y = 2\n\n\ny = 2"
    with pytest.raises(sync.SnippetError, match="no section or top-level object 'nope'"):
        sync.resolve("demo.mod:nope")
    with pytest.raises(sync.SnippetError, match=r"no module snippets\.demo\.missing"):
        sync.resolve("demo.missing:setup")


def test_fill_writes_code_chains_blocks_and_keeps_outputs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sync, "resolve_refs", lambda refs: f"print({refs!r})")
    page = "<!-- snippet: a -->\n<!-- /snippet -->\n\n<!-- snippet: b -->\n<!-- /snippet -->\n"
    filled = sync.fill(page, outputs=["a\n", ""])
    assert "```python\nprint('a')\n```\n\n~~~text title=\"Output\"\na\n~~~\n" in filled
    assert "<!--pytest-codeblocks:cont-->\n```python\nprint('b')" in filled
    assert sync.fill(filled) == filled  # idempotent: the drift check is stable
    assert [b.output for b in sync.page_blocks(filled)] == ["a\n", ""]


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty site: docs/ and snippets/ in a temporary folder, which sync and contract read."""
    for name in ("docs", "snippets"):
        (tmp_path / name).mkdir()
    monkeypatch.setattr(sync, "ROOT", tmp_path)
    monkeypatch.setattr(sync, "DOCS", tmp_path / "docs")
    monkeypatch.setattr(sync, "PACKAGE", tmp_path / "snippets")
    monkeypatch.setattr(sync, "NOTEBOOKS", tmp_path / "docs" / "notebooks")
    return tmp_path


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


CLAIM_PAGE = "# P\n\n<!-- snippet: ch.examples.p:check -->\n<!-- /snippet -->\n"


def test_a_flipped_claim_is_refused_and_shown_as_a_diff(
    site: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write(site / "snippets/ch/examples/p.py", "# --8<-- [start:check]\nprint('equal:', 1 == 1)\n# --8<-- [end:check]\n")
    page = write(site / "docs/ch/p.md", CLAIM_PAGE)
    monkeypatch.setattr(sync, "execute_notebook", lambda nb: ["n = 3\nequal: True\n"])
    assert sync.sync_page(page)
    written = page.read_text()
    assert "equal: True" in written
    # A regression: the same block now prints False. The sync refuses, and writes nothing.
    monkeypatch.setattr(sync, "execute_notebook", lambda nb: ["n = 4\nequal: False\n"])
    with pytest.raises(sync.ClaimChanged, match=r"(?s)- equal: True.*\+ equal: False.*--accept-claims"):
        sync.sync_page(page)
    assert page.read_text() == written
    assert "-n = 3\n-equal: True\n+n = 4\n+equal: False\n" in capsys.readouterr().out  # shown as a diff
    # A number that changes without a claim flipping is written; so is a flip that is accepted.
    monkeypatch.setattr(sync, "execute_notebook", lambda nb: ["n = 5\nequal: True\n"])
    assert sync.sync_page(page) and "n = 5" in page.read_text()
    monkeypatch.setattr(sync, "execute_notebook", lambda nb: ["n = 5\nequal: False\n"])
    assert sync.sync_page(page, accept_claims=True) and "equal: False" in page.read_text()


def test_claim_lines_that_appear_or_vanish_count_as_changes() -> None:
    old = [sync.Block("a", "", "x: True\n")]
    assert sync.claim_changes(old, ["x: True\n"]) == []
    assert sync.claim_changes(old, ["x: True\ny: True\n"])
    assert sync.claim_changes(old, ["nothing\n"])


GOOD_MODULE = '''"""The page's blocks."""

from snippets.ch.lib import helper

# --8<-- [start:imports]
import math
# --8<-- [end:imports]

# --8<-- [start:use]
print(helper(math.pi))
# --8<-- [end:use]
'''
GOOD_PAGE = (
    "# P\n\n<!-- snippet: ch.examples.p:imports -->\n<!-- /snippet -->\n\n"
    "<!-- snippet: ch.lib:helper -->\n<!-- /snippet -->\n\n<!-- snippet: ch.examples.p:use -->\n<!-- /snippet -->\n"
)


@pytest.fixture
def chapter(site: Path) -> Path:
    write(site / "snippets/ch/lib.py", "def helper(x: float) -> int:\n    return round(x)\n")
    write(site / "snippets/ch/examples/p.py", GOOD_MODULE)
    return write(site / "docs/ch/p.md", GOOD_PAGE)


def test_a_module_that_keeps_the_contract_passes(chapter: Path) -> None:
    assert contract.examples_modules() == ["ch.examples.p"]
    assert sync.examples_module(chapter) == "ch.examples.p"
    assert contract.check_module("ch.examples.p") == []
    assert contract.check_page_contract(chapter) == []


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        (lambda m, p: (m.replace("print(helper", "def f():\n    pass\n\n\nprint(helper"), p), "defines f"),
        (lambda m, p: (m + "\nx = 1\n", p), "code outside a section"),
        (lambda m, p: (m.replace("import helper", "import helper, other"), p), "imports other outside a section"),
        (lambda m, p: (m.replace("import math", "import math\nimport os"), p), "imports os, which no code"),
        (lambda m, p: (m + "\n# --8<-- [start:extra]\nprint(1)\n# --8<-- [end:extra]\n", p), "'extra' is not used"),
        (
            lambda m, p: (m, p.replace("p:imports", "p:TMP").replace("p:use", "p:imports").replace("p:TMP", "p:use")),
            "not as they are written",
        ),
    ],
    ids=["a-function", "loose-code", "hidden-import", "unused-import", "unused-section", "out-of-order"],
)
def test_each_break_of_the_contract_is_named(chapter: Path, change, complaint: str) -> None:
    module = sync.PACKAGE / "ch/examples/p.py"
    new_module, new_page = change(module.read_text(), chapter.read_text())
    module.write_text(new_module)
    chapter.write_text(new_page)
    problems = contract.check_module("ch.examples.p")
    assert any(complaint in p for p in problems), problems


def test_page_code_that_imports_the_project_is_refused(chapter: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    chapter.write_text(sync.fill(chapter.read_text()).replace("import math", "import math\nimport snippets.ch"))
    assert any("imports snippets.ch" in p for p in contract.check_page_contract(chapter))


def test_an_examples_module_without_a_page_is_named(site: Path) -> None:
    write(site / "snippets/ch/examples/lost.py", '"""No page."""\n')
    assert "no page takes its blocks from it" in contract.check_module("ch.examples.lost")[0]


def test_notebook_headings_are_plain_text_and_code_comments_stay() -> None:
    from tools.notebooks import clean_markdown

    page = "## `ceil_mode` {#ceil-mode}\n\ntext\n\n```python\n# a comment `x`\nx = 1\n```\n"
    cleaned = clean_markdown(page)
    assert "## ceil_mode\n" in cleaned
    assert "# a comment `x`\n" in cleaned
