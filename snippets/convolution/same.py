"""padding='same': how torch splits its zeros, and TensorFlow/Keras's strided
'same', ported to torch.

Torch refuses padding='same' when stride > 1. TensorFlow and Keras accept it:
the output has ⌈H_in / stride⌉ rows, and the zeros that this needs are split
with the smaller half before and the extra one after (bottom, right). Ported
models need exactly that split, or their outputs shift by one cell.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F


def same_padding(kernel_size: int, dilation: int = 1) -> tuple[int, int]:
    """(before, after): the zeros torch adds on one axis for padding='same'.

    dilation·(kernel_size − 1) zeros in all, the smaller half before. The
    split is uneven only when that total is odd: an even kernel_size with an
    odd dilation. Then the extra zero goes after (bottom, right).
    """
    total = dilation * (kernel_size - 1)
    return total // 2, total - total // 2


def tf_same_padding(
    size: int, kernel_size: int, stride: int = 1, dilation: int = 1
) -> tuple[int, int]:
    """(before, after): TensorFlow's 'same' zeros on one axis of `size`."""
    if stride < 1:
        raise ValueError(f"stride must be >= 1, got {stride}")
    if dilation < 1:
        raise ValueError(f"dilation must be >= 1, got {dilation}")
    out = -(-size // stride)  # ⌈size / stride⌉, in integers
    span = dilation * (kernel_size - 1) + 1
    # enough zeros that the last of the `out` windows fits
    total = max((out - 1) * stride + span - size, 0)
    return total // 2, total - total // 2


def conv2d_tf_same(
    input: torch.Tensor,
    weight: torch.Tensor,
    bias: torch.Tensor | None = None,
    stride: int | tuple[int, int] = 1,
    dilation: int | tuple[int, int] = 1,
) -> torch.Tensor:
    """F.conv2d with TensorFlow's padding='same': ⌈H/stride⌉ × ⌈W/stride⌉."""
    # an int means the same for height and width
    sh, sw = (stride, stride) if isinstance(stride, int) else stride
    dh, dw = (dilation, dilation) if isinstance(dilation, int) else dilation
    (h, w), (kh, kw) = input.shape[-2:], weight.shape[-2:]
    top, bottom = tf_same_padding(h, kh, sh, dh)
    left, right = tf_same_padding(w, kw, sw, dw)
    x = F.pad(input, (left, right, top, bottom))  # F.pad: last axis first
    return F.conv2d(x, weight, bias, stride=(sh, sw), dilation=(dh, dw))
