"""The output-size formulas of Conv2d and ConvTranspose2d, one spatial dimension at a time."""

from __future__ import annotations


def conv_output_size(
    size: int,
    kernel_size: int,
    stride: int = 1,
    padding: int = 0,
    dilation: int = 1,
) -> int:
    """Conv2d: floor((H_in + 2·padding − dilation·(kernel_size − 1) − 1) / stride) + 1."""
    return (size + 2 * padding - dilation * (kernel_size - 1) - 1) // stride + 1


def conv_transpose_output_size(
    size: int,
    kernel_size: int,
    stride: int = 1,
    padding: int = 0,
    dilation: int = 1,
    output_padding: int = 0,
) -> int:
    """ConvTranspose2d: (H_in − 1)·stride − 2·padding + dilation·(kernel_size − 1)
    + output_padding + 1. No floor: every input pixel has its place in the output."""
    span = (size - 1) * stride + dilation * (kernel_size - 1) + 1
    return span - 2 * padding + output_padding
