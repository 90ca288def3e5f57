"""Checkerboard artifacts: the stride-periodic pattern of a transposed
convolution, measured.

Three measures: how many stamps land on each output pixel (the overlap), what
each output phase adds up (the phase sums), and how much of an image one
repeated tile explains (the periodic share). See Odena, Dumoulin & Olah
(2016), https://distill.pub/2016/deconv-checkerboard/.
"""

from __future__ import annotations

import torch


def overlap_counts_1d(
    size: int,
    kernel_size: int,
    stride: int,
    padding: int = 0,
) -> list[int]:
    """How many (input pixel, kernel tap) pairs land on each output position.

    One dimension: H_in = size, and the list has H_out entries.
    """
    counts = [0] * ((size - 1) * stride + kernel_size - 2 * padding)  # H_out
    for i in range(size):  # pixel i stamps its kernel at i·stride − padding
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
    """The overlap counts of a (size × size) input, (H_out, W_out).

    Rows and columns overlap independently, so the map is the outer product
    of the 1-D counts.
    """
    counts = torch.tensor(
        overlap_counts_1d(size, kernel_size, stride, padding)
    )
    return torch.outer(counts, counts)


def phase_sums(kernel: torch.Tensor, stride: int) -> torch.Tensor:
    """What each output phase of a transposed convolution adds up.

    kernel: (..., kH, kW). Away from the border, an output pixel of phase
    (a, b) receives the taps `stride` apart from (a, b) on. On a constant
    input of ones, its value is their sum, plus the bias.
    Returns (..., stride, stride): a flat input stays flat only if all the
    sums are equal.
    """
    sums = kernel.new_zeros(*kernel.shape[:-2], stride, stride)
    for a in range(stride):
        for b in range(stride):
            sums[..., a, b] = kernel[..., a::stride, b::stride].sum((-2, -1))
    return sums


def periodic_share(image: torch.Tensor, period: int) -> float:
    """The share of an image's variance that one tile, repeated every
    `period` pixels, explains: 0 for no such pattern, 1 for nothing else.

    image: (H, W). The tile is the mean of each of the period × period
    phases.
    """
    h = image.shape[0] // period * period
    w = image.shape[1] // period * period
    tiles = image[:h, :w].reshape(h // period, period, w // period, period)
    centred = tiles - tiles.mean()
    pattern = centred.mean((0, 2), keepdim=True).expand_as(centred)
    return (pattern.pow(2).sum() / centred.pow(2).sum()).item()
