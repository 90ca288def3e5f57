"""Checkerboard artifacts: where a transposed convolution's stamps overlap unevenly, and two fixes.

See Odena, Dumoulin & Olah (2016), https://distill.pub/2016/deconv-checkerboard/.
"""

from __future__ import annotations

import torch
import torch.nn as nn

from snippets.transposed.shapes import conv_transpose_output_size


def overlap_counts_1d(
    size: int,
    kernel_size: int,
    stride: int,
    padding: int = 0,
) -> list[int]:
    """How many (input pixel, kernel tap) pairs land on each output position.

    One dimension: H_in = size, and the list has H_out entries.
    """
    counts = [0] * conv_transpose_output_size(size, kernel_size, stride, padding)
    for i in range(size):  # input pixel i stamps its kernel at i·stride − padding
        for tap in range(kernel_size):
            position = i * stride + tap - padding
            if 0 <= position < len(counts):
                counts[position] += 1
    return counts


def overlap_counts(
    size: int,
    kernel_size: int,
    stride: int,
    padding: int = 0,
) -> torch.Tensor:
    """The overlap counts of a (size × size) input, (H_out, W_out): rows and columns
    overlap independently, so the map is the outer product of the 1-D counts."""
    counts = torch.tensor(overlap_counts_1d(size, kernel_size, stride, padding))
    return torch.outer(counts, counts)


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


def bilinear_conv_transpose2d(channels: int, factor: int) -> nn.ConvTranspose2d:
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


def nearest_conv_transpose2d(channels: int, factor: int = 2) -> nn.ConvTranspose2d:
    """A ConvTranspose2d with kernel_size = stride = factor and a diagonal kernel of ones.

    Its stamps never overlap: each input pixel becomes a factor × factor block, which is
    nearest-neighbour upsampling. (N, channels, H, W) -> (N, channels, factor·H, factor·W).
    """
    layer = nn.ConvTranspose2d(channels, channels, factor, stride=factor, bias=False)
    with torch.no_grad():
        layer.weight.zero_()
        for c in range(channels):
            layer.weight[c, c] = 1.0
    return layer


def resize_conv(
    in_channels: int,
    out_channels: int,
    factor: int = 2,
) -> nn.Sequential:
    """Resize, then convolve: nearest-neighbour ×factor, then a size-keeping 3×3 Conv2d.

    (N, in_channels, H, W) -> (N, out_channels, factor·H, factor·W). Every output
    pixel sees all the kernel's taps, so no stride pattern can appear.
    """
    return nn.Sequential(
        nn.Upsample(scale_factor=factor, mode="nearest"),
        nn.Conv2d(in_channels, out_channels, kernel_size=3, padding=1),
    )
