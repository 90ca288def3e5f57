"""The ways a mask goes wrong, as code that the pages run and the tests check.

`disagreement` measures the separate-calls pitfall over many seeds;
`KeepsItsGenerator` is the dataset that makes every DataLoader worker repeat
the same "random" draws.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch.utils.data import Dataset
from torchvision import tv_tensors


def disagreement(
    transform: Callable, image: torch.Tensor, mask: torch.Tensor, seed: int
) -> tuple[float, float]:
    """Fractions of all pixels, and of object pixels, where two calls give
    another mask than one call.

    Two calls: `transform(image)`, then `transform(mask)`, each with its own
    draw. One call: `transform(image, mask)` from the same seed, which puts the
    mask where it belongs.
    """
    torch.manual_seed(seed)
    image_a = transform(tv_tensors.Image(image))  # draws parameters
    mask_a = transform(tv_tensors.Mask(mask))  # draws OTHER parameters
    torch.manual_seed(seed)
    pair = transform(tv_tensors.Image(image), tv_tensors.Mask(mask))
    image_b, mask_b = pair  # one draw for both
    if not torch.equal(image_a, image_b):
        raise RuntimeError(
            "the same seed gave the image another draw: "
            "is the transform seeded by torch?"
        )
    wrong = mask_a != mask_b
    on_objects = (mask_a > 0) | (mask_b > 0)
    return wrong.float().mean().item(), wrong[on_objects].float().mean().item()


class KeepsItsGenerator(Dataset):
    """The pitfall: a generator made in __init__ is copied into every worker,
    in the same state."""

    def __init__(self, n: int = 8) -> None:
        self.n = n
        self.gen = torch.Generator().manual_seed(0)

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, index: int) -> torch.Tensor:
        # Stands for a "random" augmentation parameter.
        return torch.rand(4, generator=self.gen)
