"""Synthetic scenes to augment, and a Dataset that augments image and mask
together.

Nothing downloads: `make_scene` draws striped discs (class 1) and squares
(class 2) on a textured background, from a seed. The stripes and colours make
flips, rotations and colour changes visible; the two classes make wrong mask
interpolation visible (a 1 between 0 and 2).
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch.utils.data import DataLoader, Dataset

from snippets.augmentation.transforms import check_pair


def draw_labels(size: int, objects: int, gen: torch.Generator) -> torch.Tensor:
    """A (size, size) int64 label map of discs (1) and squares (2) on 0."""
    axis = torch.arange(size * 1.0)
    yy, xx = torch.meshgrid(axis, axis, indexing="ij")
    mask = torch.zeros(size, size, dtype=torch.int64)
    for _ in range(objects):
        label = int(torch.randint(1, 3, (), generator=gen))
        # The radius (or half-side), then the centre, inside the image.
        r = size * (0.09 + 0.07 * torch.rand((), generator=gen))
        cy, cx = (r + (size - 2 * r) * torch.rand(2, generator=gen)).tolist()
        if label == 1:
            inside = (yy - cy) ** 2 + (xx - cx) ** 2 <= r**2
        else:
            inside = ((yy - cy).abs() <= r) & ((xx - cx).abs() <= r)
        mask[inside] = label
    return mask


def paint(
    mask: torch.Tensor, noise: float, gen: torch.Generator
) -> torch.Tensor:
    """An RGB image (3, H, W) in [0, 1]: striped objects on dull waves."""
    h, w = mask.shape
    yy, xx = torch.meshgrid(
        torch.arange(h * 1.0), torch.arange(w * 1.0), indexing="ij"
    )
    grey_green = torch.tensor([0.30, 0.38, 0.32])[:, None, None]
    background = grey_green + 0.06 * torch.sin((xx + yy) / 3)
    colours = torch.tensor([[0, 0, 0], [0.85, 0.65, 0.25], [0.55, 0.6, 0.9]])
    # Horizontal stripes: they show rotations and flips.
    stripes = 0.85 + 0.15 * torch.sign(torch.sin(yy / 1.5))
    objects = colours[mask].permute(2, 0, 1) * stripes
    image = torch.where(mask > 0, objects, background)
    image = image + noise * torch.randn(3, h, w, generator=gen)  # sensor noise
    return image.clamp(0, 1)


def make_scene(
    size: int = 64, seed: int = 0, objects: int = 3, noise: float = 0.03
) -> tuple[torch.Tensor, torch.Tensor]:
    """A seeded scene: image (3, size, size) float32 in [0, 1] and its
    label map (size, size) int64."""
    if size < 16:
        raise ValueError(f"size must be >= 16 for objects to fit, got {size}")
    if objects < 0:
        raise ValueError(f"objects must be >= 0, got {objects}")
    if noise < 0:
        raise ValueError(f"noise must be >= 0 (a std), got {noise}")
    gen = torch.Generator().manual_seed(seed)
    mask = draw_labels(size, objects, gen)
    return paint(mask, noise, gen), mask


def make_scenes(
    n: int, size: int = 64, seed: int = 0
) -> tuple[torch.Tensor, torch.Tensor]:
    """`n` scenes stacked: images (n, 3, size, size) float32 and masks
    (n, size, size) int64."""
    if n < 1:
        raise ValueError(f"n must be >= 1, got {n}")
    pairs = [make_scene(size, seed=seed * 100_003 + i) for i in range(n)]
    images = torch.stack([image for image, _ in pairs])
    return images, torch.stack([mask for _, mask in pairs])


class SegmentationDataset(Dataset):
    """Pairs (image (C, H, W), mask (H, W)), augmented together on access."""

    def __init__(
        self,
        images: torch.Tensor,
        masks: torch.Tensor,
        transform: Callable | None = None,
    ) -> None:
        counts = f"{len(images)} and {len(masks)}"
        if len(images) != len(masks):
            raise ValueError(f"images and masks must be as many, got {counts}")
        for image, mask in zip(images, masks, strict=True):
            check_pair(image, mask)  # fail here, not in a worker mid-epoch
        self.images, self.masks, self.transform = images, masks, transform

    def __len__(self) -> int:
        return len(self.images)

    def __getitem__(self, index: int) -> tuple[torch.Tensor, torch.Tensor]:
        image, mask = self.images[index], self.masks[index]
        if self.transform is not None:
            image, mask = self.transform(image, mask)
        return image, mask


def first_epoch(
    dataset: Dataset, seed: int, num_workers: int, batch_size: int = 4
) -> list[list[torch.Tensor]]:
    """Every batch of one shuffled epoch, from a loader seeded with `seed`.

    The generator seeds the shuffle and, through a base seed drawn from it,
    every worker's RNG.
    """
    if num_workers < 0:
        raise ValueError(f"num_workers must be >= 0, got {num_workers}")
    loader = DataLoader(
        dataset,
        batch_size=batch_size,
        shuffle=True,
        num_workers=num_workers,
        generator=torch.Generator().manual_seed(seed),
    )
    return list(loader)
