"""Synthetic scenes to augment, and a Dataset that augments image and mask together.

Nothing downloads: `make_scene` draws striped discs (class 1) and squares (class 2) on a
textured background, from a seed. The stripes and colours make flips, rotations and colour
changes visible; the two classes make wrong mask interpolation visible (a 1 between 0 and 2).
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch.utils.data import Dataset

from snippets.augmentation.transforms import check_pair


def make_scene(
    size: int = 64, seed: int = 0, objects: int = 3, noise: float = 0.03
) -> tuple[torch.Tensor, torch.Tensor]:
    """A synthetic RGB image and its label map: discs are class 1, squares class 2, background 0.

    Returns image (3, size, size) float32 in [0, 1] and mask (size, size) int64.
    Objects are upright, with horizontal stripes, lit the same way in every scene; `noise` is
    the standard deviation of the sensor noise added to every pixel.
    """
    if size < 16:
        raise ValueError(f"size must be >= 16 for the objects to fit, got {size}")
    gen = torch.Generator().manual_seed(seed)
    yy, xx = torch.meshgrid(torch.arange(size * 1.0), torch.arange(size * 1.0), indexing="ij")
    mask = torch.zeros(size, size, dtype=torch.int64)
    for _ in range(objects):
        label = int(torch.randint(1, 3, (), generator=gen))
        r = size * (0.09 + 0.07 * torch.rand((), generator=gen))  # radius or half-side
        cy, cx = (r + (size - 2 * r) * torch.rand(2, generator=gen)).tolist()
        if label == 1:
            inside = (yy - cy) ** 2 + (xx - cx) ** 2 <= r**2
        else:
            inside = ((yy - cy).abs() <= r) & ((xx - cx).abs() <= r)
        mask[inside] = label
    # Background: a dull green-grey with diagonal waves. Objects: bright, with horizontal stripes.
    waves = 0.06 * torch.sin((xx + yy) / 3)
    image = torch.tensor([0.30, 0.38, 0.32])[:, None, None] + waves
    colours = torch.tensor([[0.0, 0.0, 0.0], [0.85, 0.65, 0.25], [0.55, 0.60, 0.90]])
    stripes = 0.85 + 0.15 * torch.sign(torch.sin(yy / 1.5))
    image = torch.where(mask > 0, colours[mask].permute(2, 0, 1) * stripes, image)
    image = image + noise * torch.randn(3, size, size, generator=gen)
    return image.clamp(0, 1), mask


class SegmentationDataset(Dataset):
    """Pairs (image (C, H, W), mask (H, W)), augmented together by `transform` on each access.

    It holds no random state of its own: `transform` draws from torch's global RNG, which the
    DataLoader seeds differently in every worker (from its `generator`), so workers never repeat
    each other and a seeded loader gives the same batches on every run.
    """

    def __init__(
        self,
        images: torch.Tensor,
        masks: torch.Tensor,
        transform: Callable[[torch.Tensor, torch.Tensor], tuple[torch.Tensor, torch.Tensor]] | None = None,
    ) -> None:
        if len(images) != len(masks):
            raise ValueError(f"images and masks must be as many, got {len(images)} and {len(masks)}")
        for image, mask in zip(images, masks, strict=True):
            check_pair(image, mask)  # fail here, once, rather than in a worker mid-epoch
        self.images, self.masks, self.transform = images, masks, transform

    def __len__(self) -> int:
        return len(self.images)

    def __getitem__(self, index: int) -> tuple[torch.Tensor, torch.Tensor]:
        image, mask = self.images[index], self.masks[index]
        if self.transform is not None:
            image, mask = self.transform(image, mask)
        return image, mask


def make_scenes(n: int, size: int = 64, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """`n` scenes stacked: images (n, 3, size, size) float32 and masks (n, size, size) int64."""
    if n < 1:
        raise ValueError(f"n must be >= 1, got {n}")
    pairs = [make_scene(size, seed=seed * 100_003 + i) for i in range(n)]
    return torch.stack([p[0] for p in pairs]), torch.stack([p[1] for p in pairs])
