"""A configurable U-Net built from the blocks in `parts.py`."""

from __future__ import annotations

import itertools

import torch
from torch import nn

from snippets.unet.parts import DoubleConv, Down, OutConv, Up, check_positive, check_upsample


class UNet(nn.Module):
    """U-Net with same padding: (N, C_in, H, W) -> logits (N, C_out, H, W).

    Level l has base_channels * 2**l channels; skip=False drops the skips.
    """

    def __init__(self, in_channels=1, out_channels=1, depth=3, base_channels=16, upsample="transpose", skip=True):
        super().__init__()
        check_unet(in_channels, out_channels, depth, base_channels, upsample)
        self.in_channels, self.depth = in_channels, depth
        widths = [base_channels * 2**level for level in range(depth + 1)]
        self.inc = DoubleConv(in_channels, widths[0])
        self.downs = nn.ModuleList(Down(a, b) for a, b in itertools.pairwise(widths))
        self.ups = nn.ModuleList(Up(a, b, upsample, skip) for a, b in itertools.pairwise(widths[::-1]))
        self.outc = OutConv(widths[0], out_channels)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        check_input(x, self.in_channels, self.depth)
        x, skips = self.inc(x), []
        for down in self.downs:  # contracting path: keep each level's map
            skips.append(x)
            x = down(x)
        for up in self.ups:  # expanding path: concatenate them back, coarse to fine
            x = up(x, skips.pop())
        return self.outc(x)


# --8<-- [start:checks]
def check_unet(in_channels, out_channels, depth, base_channels, upsample) -> None:
    """Raise a ValueError naming the bad argument of UNet(...)."""
    check_positive(in_channels=in_channels, out_channels=out_channels)
    check_positive(depth=depth, base_channels=base_channels)
    check_upsample(upsample)


def check_input(x: torch.Tensor, in_channels: int, depth: int) -> None:
    """Raise a ValueError naming the problem unless x can go through the U-Net."""
    if x.ndim != 4:
        raise ValueError(f"expected input (N, in_channels, H, W), got {tuple(x.shape)}")
    if x.shape[1] != in_channels:
        raise ValueError(f"expected in_channels={in_channels} channels, got {x.shape[1]}")
    factor = 2**depth
    height, width = x.shape[-2:]
    if height % factor or width % factor:
        fits = (-(-height // factor) * factor, -(-width // factor) * factor)
        raise ValueError(
            f"input size (H, W) = ({height}, {width}) must be divisible by "
            f"2**depth = {factor} (depth={depth}); pad the input, e.g. to {fits}"
        )


# --8<-- [end:checks]
