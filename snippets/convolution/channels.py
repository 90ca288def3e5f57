"""Channels and groups: the parameter and multiply–accumulate counts of a
Conv2d, and which input channels each of its filters reads.

The counts are the formulas the page states; the tests check them against
`numel()` of torch's parameters and against `torch.utils.flop_counter`.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F


def conv2d_parameters(
    in_channels: int,
    out_channels: int,
    kernel_size: int,
    groups: int = 1,
    bias: bool = True,
) -> int:
    """C_out · (C_in / groups) · k · k weights, plus C_out biases."""
    weights = out_channels * (in_channels // groups) * kernel_size**2
    return weights + (out_channels if bias else 0)


def conv2d_macs(
    in_channels: int,
    out_channels: int,
    kernel_size: int,
    output_size: tuple[int, int],
    groups: int = 1,
) -> int:
    """Multiply–accumulates for one image, with a k × k kernel: each of the
    C_out · H_out · W_out outputs is a sum of (C_in / groups) · k² products.
    """
    h_out, w_out = output_size
    per_output = (in_channels // groups) * kernel_size**2
    return out_channels * h_out * w_out * per_output


def connections(
    in_channels: int, out_channels: int, groups: int
) -> torch.Tensor:
    """(C_out, C_in) booleans: True where output channel c reads input
    channel c'. Measured with F.conv2d, one input channel at a time."""
    one_hot = torch.eye(in_channels)[:, :, None, None]  # C_in 1×1 images
    weight = torch.ones(out_channels, in_channels // groups, 1, 1)
    out = F.conv2d(one_hot, weight, groups=groups)[:, :, 0, 0]
    return out.T != 0  # (C_out, C_in)
