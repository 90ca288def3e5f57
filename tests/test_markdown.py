"""The one Markdown table builder."""

from __future__ import annotations

import pytest

from snippets.markdown import table


def test_table_aligns_and_writes_every_cell() -> None:
    assert table(["a", "b", "c"], [[1, "x", 2.5]], "lrc") == "| a | b | c |\n| --- | --: | :-: |\n| 1 | x | 2.5 |\n"
    assert table(["a", "b"], []).splitlines()[1] == "| --- | --: |"  # default: first left, the rest right


def test_table_refuses_rows_and_alignments_that_do_not_fit() -> None:
    with pytest.raises(ValueError, match="a row of 1 cells in a table of 2 columns"):
        table(["a", "b"], [[1]])
    with pytest.raises(ValueError, match="align"):
        table(["a", "b"], [], "lx")
