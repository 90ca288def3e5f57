"""Generated tables of the Transposed Convolution page, each checked against torch as it is built."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from snippets.markdown import table
from snippets.transposed.shapes import conv_output_size, conv_transpose_output_size

# (H_in, kernel_size, stride, padding, dilation, output_padding, what the row shows)
WORKED = [
    (28, 3, 1, 1, 1, 0, "the article's layer: no upsampling"),
    (2, 3, 1, 0, 1, 0, "the 16 × 4 matrix $C^\\top$ below"),
    (14, 4, 2, 1, 1, 0, "×2; FCN's bilinear kernel"),
    (14, 2, 2, 0, 1, 0, "×2, no overlap (the article's U-Net)"),
    (4, 3, 2, 1, 1, 0, "shape of 7 → 4, undone"),
    (4, 3, 2, 1, 1, 1, "shape of 8 → 4, undone"),
    (14, 3, 2, 1, 1, 1, "×2 with an odd kernel"),
    (7, 3, 2, 0, 1, 0, "no padding: 2·H_in + 1"),
    (8, 8, 4, 2, 1, 0, "×4; FCN's bilinear kernel"),
    (5, 3, 1, 0, 2, 1, "output_padding ≥ stride: no way back"),
]


def _torch_output_size(h_in: int, k: int, s: int, p: int, d: int, op: int) -> int:
    x, w = torch.zeros(1, 1, h_in, h_in), torch.zeros(1, 1, k, k)
    return F.conv_transpose2d(x, w, stride=s, padding=p, output_padding=op, dilation=d).shape[-1]


def _worked(h_in: int, k: int, s: int, p: int, d: int, op: int) -> str:
    """The formula's terms as numbers: (H_in − 1)·stride − 2·padding + dilation·(k − 1) + op + 1."""
    return f"{(h_in - 1) * s} − {2 * p} + {d * (k - 1)} + {op} + 1"


def _arguments(k: int, s: int, p: int, d: int, op: int) -> str:
    """The ConvTranspose2d arguments of a row, as code, leaving out those at their default."""
    args = [f"kernel_size={k}", f"stride={s}"]
    args += [
        f"{name}={v}"
        for name, v, default in [("padding", p, 0), ("dilation", d, 1), ("output_padding", op, 0)]
        if v != default
    ]
    return "`" + ", ".join(args) + "`"


def worked_shapes() -> str:
    """The output size of each worked configuration: by the formula, worked out, and by torch."""
    rows = []
    for h_in, k, s, p, d, op, note in WORKED:
        h_out = conv_transpose_output_size(h_in, k, s, p, d, op)
        by_torch = _torch_output_size(h_in, k, s, p, d, op)
        if h_out != by_torch:
            raise AssertionError(f"formula gives {h_out}, torch gives {by_torch} for {(h_in, k, s, p, d, op)}")
        back = conv_output_size(h_out, k, s, p, d)  # the Conv2d with the same arguments, applied to the output
        back_by_torch = F.conv2d(torch.zeros(1, 1, h_out, h_out), torch.zeros(1, 1, k, k), None, s, p, d).shape[-1]
        if back != back_by_torch:
            raise AssertionError(f"Conv2d back: formula gives {back}, torch gives {back_by_torch}")
        worked = f"{_worked(h_in, k, s, p, d, op)} = **{h_out}**"
        rows.append([h_in, _arguments(k, s, p, d, op), worked, back, note])
    header = ["$H_{in}$", "arguments", "$H_{out}$, worked out", "Conv2d back", "what it shows"]
    return table(header, rows, "rllrl")
