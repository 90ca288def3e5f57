"""Each page's notebook runs top to bottom, and prints exactly the output its page shows.

The notebooks of one chapter run one after another in one kernel, with its namespace reset
between them (`tools.notebooks.execute_notebooks`): a kernel start and a torch import per
chapter, not per page. They run in a background process from the start of the session, beside
the other tests (tests/support/background.py); the test waits for its chapter.
"""

from __future__ import annotations

from itertools import groupby
from pathlib import Path

import pytest

from tests.support.background import notebook_outputs
from tools import sync
from tools.notebooks import code_cells

PAGES = [p for p in sync.pages() if sync.has_code(p.read_text())]
CHAPTERS = {chapter: list(pages) for chapter, pages in groupby(PAGES, key=lambda p: sync.page_id(p).split("/")[0])}


@pytest.mark.slow
@pytest.mark.parametrize("chapter", list(CHAPTERS))
def test_notebooks_run_and_print_what_their_pages_show(chapter: str) -> None:
    pages: list[Path] = CHAPTERS[chapter]
    texts = [sync.notebook_path(page).read_text() for page in pages]
    for page, nb_text in zip(pages, texts, strict=True):
        blocks = sync.page_blocks(page.read_text())
        assert code_cells(nb_text) == [b.code for b in blocks], (
            f"{page.name}: notebook out of date; run {sync.FIX_COMMAND}"
        )
    outputs_of = notebook_outputs(chapter, [sync.notebook_path(page) for page in pages])
    for page, outputs in zip(pages, outputs_of, strict=True):
        for block, output in zip(sync.page_blocks(page.read_text()), outputs, strict=True):
            assert output == block.output, (
                f"{sync.page_id(page)}: block {block.refs!r} prints\n{output}\nbut the page shows\n{block.output}\n"
                f"Update the page with: {sync.FIX_COMMAND} --only {sync.page_id(page)}"
            )


@pytest.mark.slow  # it starts two kernels
def test_chained_notebooks_start_from_a_clean_namespace_and_a_failing_cell_is_reported(tmp_path: Path) -> None:
    """The reset between notebooks must hide the first one's names from the second; and the
    background runner must report a cell that raises, so that its chapter's test fails."""
    import json
    import subprocess
    import sys

    import nbformat

    def notebook(name: str, *cells: str) -> str:
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
        nb.metadata = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
        (tmp_path / name).write_text(nbformat.writes(nb))
        return str(tmp_path / name)

    request = {
        "chained": [
            notebook("a.ipynb", "x = 41", "print(x + 1)"),
            notebook("b.ipynb", "print('x' in dir())", "import torch; print(torch.__name__)"),
        ],
        "broken": [notebook("c.ipynb", "print('before')", "raise ValueError('kernel says no')")],
    }
    done = subprocess.run(
        [sys.executable, "-m", "tests.support.background"],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
        check=True,
    )
    answers = json.loads(done.stdout)
    assert answers["chained"]["outputs"] == [["", "42\n"], ["False\n", "torch\n"]]
    assert "ValueError" in answers["broken"]["error"] and "kernel says no" in answers["broken"]["error"]
