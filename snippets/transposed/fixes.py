"""Upsamplers without the checkerboard: each is a stride-periodic operator
whose phase sums are equal by construction.

- Resize, then convolve: nearest ×2 + Conv2d 3×3 *is* a ConvTranspose2d
  k4 s2 p1, with a tied kernel whose four phase sums all equal the 3×3
  kernel's sum, for any weights.
- Bilinear initialisation (FCN): a ConvTranspose2d whose phase sums all
  start at 1.
- ICNR (Aitken et al. 2017): a sub-pixel convolution whose four phases start
  identical.
"""

from __future__ import annotations

import math

import torch
import torch.nn as nn


def resize_conv(
    in_channels: int,
    out_channels: int,
    factor: int = 2,
) -> nn.Sequential:
    """Resize, then convolve: nearest ×factor, then a 3×3 Conv2d that keeps
    the size.

    (N, in_channels, H, W) -> (N, out_channels, factor·H, factor·W).
    """
    return nn.Sequential(
        nn.Upsample(scale_factor=factor, mode="nearest"),
        nn.Conv2d(in_channels, out_channels, kernel_size=3, padding=1),
    )


def nearest_conv_as_transposed(weight: torch.Tensor) -> torch.Tensor:
    """The ConvTranspose2d weight that computes nearest ×2 + Conv2d 3×3.

    weight: (out_channels, in_channels, 3, 3), used with padding=1 after the
    resize. Returns (in_channels, out_channels, 4, 4): with stride=2 and
    padding=1 it gives the same output. Its taps are tied: 4×4 tap k sums
    the 3×3 taps j ∈ {2 − k, 3 − k}, so each phase sums all nine once.
    """
    if weight.dim() != 4 or weight.shape[-2:] != (3, 3):
        shape = tuple(weight.shape)
        raise ValueError(
            f"weight must be (out_channels, in_channels, 3, 3), got {shape}"
        )
    # tie[k, j] = 1 where 3×3 tap j lands on 4×4 tap k (rows, columns alike).
    tie = weight.new_tensor([[0, 0, 1], [0, 1, 1], [1, 1, 0], [1, 0, 0]])
    return torch.einsum("kj,oiju,lu->iokl", tie, weight, tie)


def bilinear_kernel(factor: int) -> torch.Tensor:
    """The kernel of bilinear upsampling by `factor`, as in FCN.

    Shape (K, K), with K = 2·factor − factor % 2.
    """
    size = 2 * factor - factor % 2
    center = factor - 1 if size % 2 == 1 else factor - 0.5
    # A tent: 1 at the centre, falling linearly to 0 at `factor` pixels away.
    taps = torch.arange(size, dtype=torch.float32)
    tent = 1 - (taps - center).abs() / factor
    return torch.outer(tent, tent)


def bilinear_conv_transpose2d(
    channels: int, factor: int
) -> nn.ConvTranspose2d:
    """A ConvTranspose2d that upsamples each channel ×factor, bilinearly.

    (N, channels, H, W) -> (N, channels, factor·H, factor·W). It equals
    F.interpolate(x, scale_factor=factor, mode="bilinear", align_corners=False)
    except on a border factor // 2 pixels wide, where interpolate repeats the
    edge pixel and this layer sees zeros.
    """
    kernel = bilinear_kernel(factor)
    layer = nn.ConvTranspose2d(
        channels,
        channels,
        kernel_size=kernel.shape[0],
        stride=factor,
        padding=factor // 2,
        bias=False,
    )
    with torch.no_grad():
        layer.weight.zero_()
        for c in range(channels):  # channel c upsamples only itself
            layer.weight[c, c] = kernel
    return layer


def nearest_conv_transpose2d(
    channels: int, factor: int = 2
) -> nn.ConvTranspose2d:
    """A ConvTranspose2d with kernel_size = stride = factor and a diagonal
    kernel of ones: nearest-neighbour upsampling.

    Its stamps never overlap: each input pixel becomes a factor × factor
    block. (N, channels, H, W) -> (N, channels, factor·H, factor·W).
    """
    layer = nn.ConvTranspose2d(
        channels, channels, factor, stride=factor, bias=False
    )
    with torch.no_grad():
        layer.weight.zero_()
        for c in range(channels):
            layer.weight[c, c] = 1.0
    return layer


def icnr_(conv: nn.Conv2d, factor: int = 2) -> nn.Conv2d:
    """ICNR: start Conv2d → PixelShuffle(factor) as Conv2d → nearest ×factor.

    conv: (out_channels·factor², in_channels, k, k). Draws one kernel and
    bias for out_channels, as torch draws a Conv2d's, and copies each to the
    factor² channels that PixelShuffle sends to the same output channel:
    every phase starts the same.
    """
    rows, in_channels, kh, kw = conv.weight.shape
    if rows % factor**2:
        raise ValueError(
            f"out_channels={rows} is not a multiple of factor²={factor**2}"
        )
    base = torch.empty(rows // factor**2, in_channels, kh, kw)
    nn.init.kaiming_uniform_(base, a=math.sqrt(5))  # a Conv2d's default init
    bound = 1 / math.sqrt(in_channels * kh * kw)
    with torch.no_grad():
        conv.weight.copy_(base.repeat_interleave(factor**2, dim=0))
        if conv.bias is not None:
            bias = torch.empty(rows // factor**2).uniform_(-bound, bound)
            conv.bias.copy_(bias.repeat_interleave(factor**2))
    return conv
