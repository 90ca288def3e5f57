"""The one Markdown table builder that every generated table on the site uses."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

RULES = {"l": "---", "r": "--:", "c": ":-:"}


def table(header: Sequence[str], rows: Iterable[Sequence[object]], align: str | None = None) -> str:
    """A Markdown table, ending in a newline.

    `align` has one character per column, `l`, `r` or `c` (default: the first column
    left, the others right). Cells are written with `str()`; a row of the wrong length
    is an error, not a silently shifted table.
    """
    align = align or "l" + "r" * (len(header) - 1)
    if len(align) != len(header) or set(align) - RULES.keys():
        raise ValueError(f"align must be one of l, r, c per column ({len(header)}), got {align!r}")
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(RULES[a] for a in align) + " |"]
    for row in rows:
        cells = [str(cell) for cell in row]
        if len(cells) != len(header):
            raise ValueError(f"a row of {len(cells)} cells in a table of {len(header)} columns: {cells}")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
