"""Each page's notebook runs top to bottom, and prints exactly the output its page shows."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools import sync
from tools.notebooks import code_cells, execute_notebook

PAGES = [p for p in sync.pages() if sync.has_code(p.read_text())]


@pytest.mark.slow
@pytest.mark.parametrize("page", PAGES, ids=[sync.page_id(p) for p in PAGES])
def test_notebook_runs_and_prints_what_the_page_shows(page: Path) -> None:
    nb_text = sync.notebook_path(page).read_text()
    blocks = sync.page_blocks(page.read_text())
    assert code_cells(nb_text) == [b.code for b in blocks], f"notebook out of date; run {sync.FIX_COMMAND}"
    outputs = execute_notebook(nb_text)
    for block, output in zip(blocks, outputs, strict=True):
        assert output == block.output, (
            f"{page.name}: block {block.refs!r} prints\n{output}\nbut the page shows\n{block.output}\n"
            f"Update the page with: {sync.FIX_COMMAND} --only {sync.page_id(page)}"
        )
