"""The output size of MaxPool2d and AvgPool2d, ceil_mode included.

With ceil_mode=False it is the convolution's formula (Dumoulin & Visin's
relationship 7 for pooling). With ceil_mode=True the division rounds up, but
torch drops a last window that would start in the padding on the right.
"""

from __future__ import annotations


def pool_output_size(
    size: int,
    kernel_size: int,
    stride: int | None = None,
    padding: int = 0,
    dilation: int = 1,
    ceil_mode: bool = False,
) -> int:
    """H_out of a pooling layer; stride defaults to kernel_size, as torch."""
    stride = kernel_size if stride is None else stride
    span = dilation * (kernel_size - 1) + 1
    moves = size + 2 * padding - span  # how far the window can move
    if not ceil_mode:
        return moves // stride + 1
    out = -(-moves // stride) + 1  # ⌈moves / stride⌉ + 1
    if (out - 1) * stride >= size + padding:
        out -= 1  # the last window would start in the right padding
    return out
