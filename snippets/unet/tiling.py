"""Overlap-tile prediction (Ronneberger et al., 2015, Fig. 2), with a same-padded U-Net."""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F


@torch.no_grad()
def predict_tiled(model: nn.Module, image: torch.Tensor, tile: int, margin: int) -> torch.Tensor:
    """Logits of image (N, C, H, W), computed tile by tile.

    Each tile x tile block of the output is read from a window `margin`
    wider on every side (mirrored at the image's border) and the margin's
    logits, which saw padding or a cut, are thrown away. H and W must be
    multiples of `tile`; the model runs in eval mode.
    """
    check_tiles(image, tile, margin)
    model.eval()  # train-mode BatchNorm would normalise each tile by its own statistics
    padded = F.pad(image, [margin] * 4, mode="reflect")
    rows = []
    side = tile + 2 * margin  # the window a tile is read from
    keep = slice(margin, margin + tile)  # the part of its logits that is kept
    for top in range(0, image.shape[-2], tile):
        row = []
        for left in range(0, image.shape[-1], tile):
            window = padded[..., top : top + side, left : left + side]
            row.append(model(window)[..., keep, keep])
        rows.append(torch.cat(row, dim=-1))
    return torch.cat(rows, dim=-2)


def check_tiles(image: torch.Tensor, tile: int, margin: int) -> None:
    """Raise a ValueError naming the bad argument of predict_tiled(...)."""
    if image.ndim != 4:
        raise ValueError(f"image must be (N, C, H, W), got {tuple(image.shape)}")
    if tile < 1 or image.shape[-2] % tile or image.shape[-1] % tile:
        raise ValueError(f"tile must divide H and W {tuple(image.shape[-2:])}, got {tile}")
    if not 0 <= margin < min(image.shape[-2:]):
        raise ValueError(f"margin must be in [0, {min(image.shape[-2:])}) to mirror the image, got {margin}")
