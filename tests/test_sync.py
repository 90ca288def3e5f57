"""Drift: every page shows exactly the code that `snippets/` holds, and its notebook matches."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools import sync

PAGES = sync.pages()


@pytest.mark.parametrize("page", PAGES, ids=[p.stem for p in PAGES])
def test_page_matches_snippets(page: Path) -> None:
    problems = sync.check_page(page)
    assert not problems, "\n".join(problems) + f"\nFix with: {sync.FIX_COMMAND}"


def test_every_python_fence_is_generated() -> None:
    text = "intro\n\n```python\nprint(1)\n```\n"
    assert sync.stray_fences(text) == [3, 5]


def test_section_and_object_references(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pkg = tmp_path / "demo"
    pkg.mkdir()
    (pkg / "mod.py").write_text(
        "import torch\n\n# --8<-- [start:setup]\nx = 1\n# --8<-- [end:setup]\n\n"
        "@staticmethod\ndef f(a: int) -> int:\n    return a + 1\n"
    )
    monkeypatch.setattr(sync, "PACKAGE", tmp_path)
    assert sync.resolve("demo.mod:setup") == "x = 1"
    assert sync.resolve("demo.mod:f") == "@staticmethod\ndef f(a: int) -> int:\n    return a + 1"
    assert sync.resolve_refs("demo.mod:setup demo.mod:setup") == "x = 1\n\n\nx = 1"
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
