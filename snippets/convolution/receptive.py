"""Which input cells one output cell of a Conv2d reads: the sliding window.

`conv2d_loops` sums over exactly these taps, and the sliding-window figures
draw exactly these taps, so the pictures cannot drift from the arithmetic.
"""

from __future__ import annotations


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
