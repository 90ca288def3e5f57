"""Markdown tables for the explorer page, computed and checked against torch as they are built."""

from __future__ import annotations

from snippets.explorer.relationships import EXAMPLES, torch_output_size
from snippets.markdown import table

LAYER = {"conv": "`Conv2d`", "pool": "`MaxPool2d`", "transposed": "`ConvTranspose2d`"}


def relationships_table() -> str:
    """conv_arithmetic's examples: the size the paper states, and the size torch gives."""
    rows = []
    for e in EXAMPLES:
        got = torch_output_size(e)
        if got != e.expected or e.formula() != e.expected:
            raise ValueError(
                f"relationship {e.number} ({e.figure}): paper {e.expected}, formula {e.formula()}, torch {got}"
            )
        rows.append([e.number, f"{e.title} ({e.figure})", LAYER[e.mode], e.i, e.k, e.s, e.p, e.d, e.a, e.expected, got])
    header = ["Relationship", "Example", "Layer", "*i*", "*k*", "*s*", "*p*", "*d*", "*a*", "paper", "torch"]
    return table(header, rows, "rll" + "r" * 8)
