"""A synthetic binary segmentation dataset: noisy images of discs, rectangles and triangles.

Everything is generated in code from a seed, so nothing downloads and two runs agree.
"""

from __future__ import annotations

import itertools
import math

import torch
from torch.utils.data import Dataset


# --8<-- [start:shapes]
def random_shape(gen: torch.Generator, yy: torch.Tensor, xx: torch.Tensor) -> torch.Tensor:
    """The (H, W) bool mask of one disc, rectangle or triangle.

    Its size, place (and, for a triangle, rotation) are random.
    """

    def uniform(low: float, high: float) -> float:
        return low + (high - low) * torch.rand((), generator=gen).item()

    size = yy.shape[0]
    kind = int(torch.randint(3, (), generator=gen))
    r = uniform(0.08, 0.22) * size  # radius or half-side: small to large
    cy, cx = uniform(r, size - 1 - r), uniform(r, size - 1 - r)  # centre
    if kind == 0:  # disc
        return (yy - cy) ** 2 + (xx - cx) ** 2 <= r**2
    if kind == 1:  # rectangle, of random aspect ratio
        half_h, half_w = r * uniform(0.5, 1.0), r * uniform(0.5, 1.0)
        return ((yy - cy).abs() <= half_h) & ((xx - cx).abs() <= half_w)
    # Triangle: three corners around the centre, counter-clockwise. A
    # pixel is inside if it is on the inner side of all three edges.
    turn = uniform(0.0, 2 * math.pi)
    angles = [turn + k * 2 * math.pi / 3 for k in range(3)]
    corners = [(cy + 1.3 * r * math.sin(a), cx + 1.3 * r * math.cos(a)) for a in angles]
    inside = torch.ones(size, size, dtype=torch.bool)
    for (y0, x0), (y1, x1) in itertools.pairwise([*corners, corners[0]]):
        inside &= (x1 - x0) * (yy - y0) - (y1 - y0) * (xx - x0) >= 0
    return inside


def make_shapes(
    n: int,
    size: int = 64,
    seed: int = 0,
    channels: int = 1,
) -> tuple[torch.Tensor, torch.Tensor]:
    """`n` noisy images of 1 to 3 shapes each, and their masks.

    Returns images (n, channels, size, size) float32 and masks
    (n, 1, size, size) float32 in {0, 1}. Per image and channel: a random
    background level, a random contrast (the shapes are brighter, by 0.3
    to 0.8), a gentle lighting gradient, and Gaussian noise (std 0.15).
    """
    for name, value in (("n", n), ("size", size), ("channels", channels)):
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ValueError(f"{name} must be a positive int, got {value!r}")
    if size < 16:
        raise ValueError(f"size must be >= 16 for the shapes to fit, got {size}")
    gen = torch.Generator().manual_seed(seed)
    axis = torch.arange(size, dtype=torch.float32)
    yy, xx = torch.meshgrid(axis, axis, indexing="ij")
    masks = torch.zeros(n, 1, size, size)
    for i in range(n):
        for _ in range(int(torch.randint(1, 4, (), generator=gen))):
            masks[i, 0] += random_shape(gen, yy, xx)
    masks = masks.clamp(max=1)  # where shapes overlap: still foreground
    background = 0.4 * torch.rand(n, channels, 1, 1, generator=gen)
    contrast = 0.3 + 0.5 * torch.rand(n, channels, 1, 1, generator=gen)
    tilt = 0.4 * (torch.rand(n, channels, 2, 1, 1, generator=gen) - 0.5)
    ramp_y, ramp_x = yy / size - 0.5, xx / size - 0.5
    gradient = tilt[:, :, 0] * ramp_y + tilt[:, :, 1] * ramp_x
    noise = 0.15 * torch.randn(n, channels, size, size, generator=gen)
    return background + contrast * masks + gradient + noise, masks


# --8<-- [end:shapes]


class ShapesDataset(Dataset):
    """`make_shapes` as a Dataset: item i is (image (channels, size, size), mask (1, size, size))."""

    def __init__(self, n: int, size: int = 64, seed: int = 0, channels: int = 1) -> None:
        self.images, self.masks = make_shapes(n, size=size, seed=seed, channels=channels)

    def __len__(self) -> int:
        return len(self.images)

    def __getitem__(self, index: int) -> tuple[torch.Tensor, torch.Tensor]:
        return self.images[index], self.masks[index]
