"""A configurable U-Net built from the blocks in `parts.py`."""

from __future__ import annotations

import itertools

import torch
from torch import nn

from snippets.unet.parts import (
    UPSAMPLE_MODES,
    DoubleConv,
    Down,
    OutConv,
    Up,
    check_positive,
)


class UNet(nn.Module):
    """U-Net (Ronneberger et al., 2015) with same padding; returns logits.

    (N, in_channels, H, W) -> logits (N, out_channels, H, W).
    H and W must be divisible by 2**depth, since each of the `depth`
    MaxPool2d(2) halves them; other sizes are refused, not padded.
    Level l has base_channels * 2**l channels, for l = 0..depth.
    skip=False: the same network without its skip connections.
    """

    def __init__(
        self,
        in_channels: int = 1,
        out_channels: int = 1,
        depth: int = 3,
        base_channels: int = 16,
        upsample: str = "transpose",
        skip: bool = True,
    ) -> None:
        super().__init__()
        check_positive("in_channels", in_channels)
        check_positive("out_channels", out_channels)
        check_positive("depth", depth)
        check_positive("base_channels", base_channels)
        if upsample not in UPSAMPLE_MODES:
            raise ValueError(f"upsample must be one of {UPSAMPLE_MODES}, got {upsample!r}")
        self.in_channels = in_channels
        self.depth = depth
        widths = [base_channels * 2**level for level in range(depth + 1)]
        self.inc = DoubleConv(in_channels, widths[0])
        pairs = list(itertools.pairwise(widths))  # (in, out) of each level
        self.downs = nn.ModuleList(Down(a, b) for a, b in pairs)
        self.ups = nn.ModuleList(Up(b, a, upsample, skip) for a, b in pairs[::-1])
        self.outc = OutConv(widths[0], out_channels)

    def check_input(self, x: torch.Tensor) -> None:
        """Raise a ValueError naming the problem if x cannot go through."""
        if x.ndim != 4:
            shape = tuple(x.shape)
            raise ValueError(f"expected input (N, in_channels, H, W), got {shape}")
        if x.shape[1] != self.in_channels:
            got = x.shape[1]
            raise ValueError(f"expected in_channels={self.in_channels} channels, got {got}")
        factor = 2**self.depth
        height, width = x.shape[-2:]
        if height % factor or width % factor:
            fits = (-(-height // factor) * factor, -(-width // factor) * factor)
            raise ValueError(
                f"input size (H, W) = ({height}, {width}) must be divisible by "
                f"2**depth = {factor} (depth={self.depth}); pad the input, e.g. to {fits}"
            )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.check_input(x)
        x = self.inc(x)
        skips = [x]
        for down in self.downs:
            x = down(x)
            skips.append(x)
        skips.pop()  # the bottom level's output is x itself, not a skip
        for up in self.ups:
            x = up(x, skips.pop())
        return self.outc(x)
