"""Tables of the Convolution page, computed and checked against torch."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from snippets.convolution.checks import conv_output_size
from snippets.markdown import table

# (H_in, kernel_size, stride, padding, dilation, what the row shows)
OUTPUT_SIZE_EXAMPLES = [
    (28, 3, 1, 1, 1, "the article's layer: size kept"),
    (28, 3, 1, 0, 1, "no padding: kernel_size − 1 lost"),
    (28, 5, 1, 2, 1, "padding (kernel_size − 1)/2: kept"),
    (28, 3, 2, 1, 1, "stride 2 halves the size"),
    (8, 3, 2, 0, 1, "the floor drops a partial step"),
    (28, 3, 1, 0, 2, "a dilated 3×3 spans 5 cells"),
    (28, 3, 1, 2, 2, "… so padding 2 keeps the size"),
    (224, 7, 2, 3, 1, "ResNet's first layer"),
    (5, 5, 1, 0, 1, "the kernel covers all: 1 output"),
]


def torch_output_size(
    size: int, kernel_size: int, stride: int, padding: int, dilation: int
) -> int:
    """H_out as torch computes it: F.conv2d on zeros, and read the shape."""
    x = torch.zeros(1, 1, size, size)
    w = torch.zeros(1, 1, kernel_size, kernel_size)
    y = F.conv2d(x, w, stride=stride, padding=padding, dilation=dilation)
    return y.shape[-1]


def output_size_table() -> str:
    """Worked examples of H_out; raises if the formula and torch disagree."""
    rows = []
    for size, k, s, p, d, note in OUTPUT_SIZE_EXAMPLES:
        h_out = conv_output_size(size, k, s, p, d)
        from_torch = torch_output_size(size, k, s, p, d)
        if h_out != from_torch:
            raise AssertionError(
                f"formula gives {h_out}, torch gives {from_torch} "
                f"for {(size, k, s, p, d)}"
            )
        top = size + 2 * p - d * (k - 1) - 1  # the fraction's numerator
        arithmetic = f"⌊{top}/{s} + 1⌋ = **{h_out}**"
        rows.append([size, f"{k}, {s}, {p}, {d}", arithmetic, note])
    header = [
        "`H_in`",
        "`kernel_size`, `stride`, `padding`, `dilation`",
        "`H_out`",
        "what it shows",
    ]
    lines = [
        table(header, rows, "rcll"),
        "In the `H_out` column, ⌊27/2 + 1⌋ means the formula with its "
        "numerator, H_in + 2·padding − dilation·(kernel_size − 1) − 1, "
        "worked out. Each row was checked against `F.conv2d` when this "
        "table was generated.",
    ]
    return "\n".join(lines)
