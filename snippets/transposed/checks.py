"""The rules F.conv_transpose2d enforces, in one function every view calls.

Each rule raises a ValueError that names the bad parameter, under the same
condition in which torch raises its RuntimeError (tests/test_transposed.py
checks that both refuse).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from snippets.convolution.checks import pair
from snippets.transposed.shapes import conv_transpose_output_size


@dataclass(frozen=True)
class ConvTranspose2dArgs:
    """The checked arguments of one call, each pair as (h, w)."""

    stride: tuple[int, int]
    padding: tuple[int, int]
    output_padding: tuple[int, int]
    dilation: tuple[int, int]
    groups: int
    kernel_size: tuple[int, int]
    out_channels: int
    output_size: tuple[int, int]  # (H_out, W_out)


def check_args(
    input: torch.Tensor,
    weight: torch.Tensor,
    bias: torch.Tensor | None = None,
    stride: int | tuple[int, int] = 1,
    padding: int | tuple[int, int] = 0,
    output_padding: int | tuple[int, int] = 0,
    groups: int = 1,
    dilation: int | tuple[int, int] = 1,
) -> ConvTranspose2dArgs:
    """Refuse what F.conv_transpose2d refuses, with a ValueError naming the
    parameter.

    input: (N, in_channels, H_in, W_in); bias: (out_channels,) or None;
    weight: (in_channels, out_channels / groups, kH, kW).
    """
    stride, padding = pair(stride, "stride"), pair(padding, "padding")
    dilation = pair(dilation, "dilation")
    output_padding = pair(output_padding, "output_padding")
    if input.dim() != 4:
        raise ValueError(
            f"input must be (N, C, H, W), got {tuple(input.shape)}"
        )
    if weight.dim() != 4:
        raise ValueError(f"weight must be 4-D, got {tuple(weight.shape)}")
    if min(stride) < 1:
        raise ValueError(f"stride must be positive, got {stride}")
    if min(dilation) < 1:
        raise ValueError(f"dilation must be at least 1, got {dilation}")
    if min(padding) < 0:
        raise ValueError(f"padding must be non-negative, got {padding}")
    if min(output_padding) < 0:
        raise ValueError(
            f"output_padding must be non-negative, got {output_padding}"
        )
    limit = (max(stride[0], dilation[0]), max(stride[1], dilation[1]))
    if output_padding[0] >= limit[0] or output_padding[1] >= limit[1]:
        raise ValueError(
            f"output_padding must be < max(stride, dilation) = {limit}"
        )
    if groups < 1:
        raise ValueError(f"groups must be positive, got {groups}")
    in_channels = weight.shape[0]
    if in_channels % groups != 0:
        raise ValueError(
            f"groups={groups} must divide in_channels={in_channels}"
        )
    if (channels := input.shape[1]) != in_channels:
        raise ValueError(
            f"input has {channels} channels, not in_channels={in_channels}"
        )
    kernel_size = (weight.shape[2], weight.shape[3])
    if min(kernel_size) < 1:
        raise ValueError(f"kernel_size must be positive, got {kernel_size}")
    out_channels = weight.shape[1] * groups
    if bias is not None and tuple(bias.shape) != (out_channels,):
        raise ValueError(
            f"bias must be ({out_channels},), got {tuple(bias.shape)}"
        )
    if min(input.shape[2:]) < 1:
        raise ValueError(
            f"input must have H, W >= 1, got {tuple(input.shape)}"
        )
    sizes = []
    for i in range(2):  # height, then width
        size, k, s = input.shape[2 + i], kernel_size[i], stride[i]
        p, d, op = padding[i], dilation[i], output_padding[i]
        sizes.append(conv_transpose_output_size(size, k, s, p, d, op))
    if min(sizes) < 1:
        raise ValueError(
            f"padding={padding} is too large: output size {tuple(sizes)}"
        )
    return ConvTranspose2dArgs(
        stride,
        padding,
        output_padding,
        dilation,
        groups,
        kernel_size,
        out_channels,
        output_size=(sizes[0], sizes[1]),
    )
