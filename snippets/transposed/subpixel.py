"""Sub-pixel convolution (a Conv2d to factor²·C channels, then PixelShuffle)
is a ConvTranspose2d with kernel factor·k and stride factor, with one free
weight per tap."""

from __future__ import annotations

import torch


def subpixel_as_transposed(
    weight: torch.Tensor, factor: int = 2
) -> torch.Tensor:
    """The ConvTranspose2d weight of Conv2d(padding=k // 2) → PixelShuffle.

    weight: (out_channels·factor², in_channels, k, k), k odd. Returns
    (in_channels, out_channels, factor·k, factor·k): with stride=factor and
    padding=factor·(k − 1)/2 it gives the same output. Each of its taps is
    one weight of the Conv2d, used once.
    """
    rows, c_in, k, k_w = weight.shape
    if k != k_w or k % 2 == 0 or rows % factor**2:
        shape = tuple(weight.shape)
        raise ValueError(
            f"weight must be (C·factor², C_in, k, k), k odd; got {shape}"
        )
    c_out, f = rows // factor**2, factor
    # PixelShuffle sends channel c·f² + a·f + b to phase (a, b) of channel c.
    w = weight.view(c_out, f, f, c_in, k, k)  # (c, a, b, ci, u, v)
    # Tap (u, v) of phase (a, b) lands at ((k−1−u)·f + a, (k−1−v)·f + b).
    w = w.flip(-2, -1).permute(3, 0, 4, 1, 5, 2)  # (ci, c, u', a, v', b)
    return w.reshape(c_in, c_out, k * f, k * f)
