"""The output sizes of Conv2d and ConvTranspose2d, one dimension at a time."""

from __future__ import annotations

# Conv2d's formula has one home, the Convolution chapter's module; this chapter
# shows the same function, so both chapters state it identically.
from snippets.convolution.checks import conv_output_size

__all__ = ["conv_output_size", "conv_transpose_output_size"]


def conv_transpose_output_size(
    size: int,
    kernel_size: int,
    stride: int = 1,
    padding: int = 0,
    dilation: int = 1,
    output_padding: int = 0,
) -> int:
    """H_out of ConvTranspose2d, for H_in = size: (H_in − 1)·stride
    − 2·padding + dilation·(kernel_size − 1) + output_padding + 1.

    No floor: every input pixel has its place in the output.
    """
    span = (size - 1) * stride + dilation * (kernel_size - 1) + 1
    return span - 2 * padding + output_padding
