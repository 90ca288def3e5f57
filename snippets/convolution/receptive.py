"""Which input cells an output cell reads: one layer's sliding window, and
the receptive field of a stack of layers.

`conv2d_loops` sums over exactly the taps of `window`, and the sliding-window
figures draw exactly these taps, so the pictures cannot drift from the
arithmetic. `receptive_field` is the recurrence; `probe_receptive_field`
measures the same thing with autograd, so the two can be compared.
"""

from __future__ import annotations

import torch
import torch.nn as nn


def window(
    out_row: int,
    out_col: int,
    kernel_size: tuple[int, int],
    stride: tuple[int, int],
    padding: tuple[int, int],
    dilation: tuple[int, int],
) -> list[tuple[int, int, int, int]]:
    """The kH·kW taps (m, n, row, col) of output cell (out_row, out_col).

    Weight [m, n] multiplies input cell (row, col), where
    input index = output index · stride − padding + tap · dilation.
    `padding` is (top, left), the zeros before row 0 and column 0: a row
    outside 0 … H_in − 1 (or a column outside 0 … W_in − 1) is padding.
    """
    (kh, kw), (sh, sw) = kernel_size, stride
    (ph, pw), (dh, dw) = padding, dilation
    return [
        (m, n, out_row * sh - ph + m * dh, out_col * sw - pw + n * dw)
        for m in range(kh)
        for n in range(kw)
    ]


def receptive_field(
    layers: list[tuple[int, int, int]],
) -> tuple[int, int]:
    """(r, j) after a stack of (kernel_size, stride, dilation) layers.

    r is the receptive field, in input cells along one axis; j, the jump, is
    how many input cells apart two neighbouring outputs are. A layer widens
    the view by (k − 1)·d of its own input cells, which are j input cells
    apart.
    """
    r, j = 1, 1
    for k, s, d in layers:
        r = r + (k - 1) * d * j
        j = j * s
    return r, j


def input_gradient(
    model: nn.Module, size: int, in_channels: int = 1
) -> torch.Tensor:
    """|∂ out[middle cell] / ∂ input|: a (size, size) map of where it looks.

    The input is random (a fixed seed, so the map is the same every time);
    the output cell is the middle one, summed over the output channels, and
    the gradient is summed over the input channels.
    """
    generator = torch.Generator().manual_seed(0)
    x = torch.randn(1, in_channels, size, size, generator=generator)
    x.requires_grad_(True)
    out = model(x)
    h, w = out.shape[-2:]
    out[0, :, h // 2, w // 2].sum().backward()
    return x.grad[0].abs().sum(dim=0)


def probe_receptive_field(
    model: nn.Module, size: int, in_channels: int = 1
) -> int:
    """The receptive field, measured: the rows of input that reach one
    output cell, first to last (the gradient is 0 outside them)."""
    grad = input_gradient(model, size, in_channels)
    rows = grad.sum(dim=1).nonzero()
    return int(rows.max() - rows.min()) + 1


def reading_cells(
    layers: list[tuple[int, int, int]], top: int = 0
) -> list[set[int]]:
    """Along one axis, the cells of each layer that output cell `top` of the
    last layer depends on: [input cells, layer 1 cells, ..., {top}].

    No padding: cell c of a (k, s, d) layer reads its input cells
    c·s + m·d for m < k, as `window` says.
    """
    reads = [{top}]
    for k, s, d in reversed(layers):
        below = {c * s + m * d for c in reads[0] for m in range(k)}
        reads.insert(0, below)
    return reads
