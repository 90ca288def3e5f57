"""torchvision's default interpolations, read from the installed torchvision, and what NEAREST costs an image.

`v2.RandomRotation` and `v2.RandomAffine` resample an image with NEAREST unless told otherwise,
which turns smooth edges into staircases; `v2.RandomResizedCrop` and `v2.ElasticTransform`
default to BILINEAR. A `tv_tensors.Mask` is resampled with NEAREST whatever the transform says.

`rotation_error` measures the cost on a pattern that a rotation about its centre leaves as it
is (concentric rings), so that whatever a rotation changes is the resampling's error.
"""

from __future__ import annotations

import inspect
import math

import torch
from torchvision.transforms import v2
from torchvision.transforms.v2 import InterpolationMode
from torchvision.transforms.v2 import functional as F

# The random geometric transforms that resample an image, in the order the page lists them.
RESAMPLING = (v2.RandomRotation, v2.RandomAffine, v2.RandomPerspective, v2.RandomResizedCrop, v2.ElasticTransform)


def default_interpolation(transform_class: type) -> InterpolationMode:
    """The default of `transform_class`'s `interpolation` argument, in the installed torchvision."""
    parameter = inspect.signature(transform_class).parameters.get("interpolation")
    if parameter is None:
        raise ValueError(f"transform_class {transform_class.__name__} takes no interpolation argument")
    return InterpolationMode(parameter.default)


def rings(size: int = 64, period: float = 8.0) -> torch.Tensor:
    """A (1, size, size) image of smooth concentric rings around the image centre, in [0, 1]."""
    if size < 8:
        raise ValueError(f"size must be >= 8, got {size}")
    if period <= 2:
        raise ValueError(f"period must be > 2 pixels (finer rings alias on the pixel grid), got {period}")
    centre = (size - 1) / 2  # torchvision rotates about this point
    yy, xx = torch.meshgrid(torch.arange(size * 1.0), torch.arange(size * 1.0), indexing="ij")
    radius = ((yy - centre) ** 2 + (xx - centre) ** 2).sqrt()
    return (0.5 + 0.5 * torch.cos(2 * math.pi * radius / period))[None]


def rotation_error(image: torch.Tensor, angle: float, interpolation: v2.InterpolationMode) -> float:
    """Mean absolute change that rotating `image` (C, H, W), H = W, by `angle` makes inside its inscribed disc.

    For a rotation-symmetric image, such as `rings()`, an exact rotation changes nothing, so
    this is the resampling's error. The corners, which come from outside the image, are left out.
    """
    if image.ndim != 3 or image.shape[-1] != image.shape[-2]:
        raise ValueError(f"image must have shape (C, H, W) with H == W, got {tuple(image.shape)}")
    size = image.shape[-1]
    centre = (size - 1) / 2
    yy, xx = torch.meshgrid(torch.arange(size * 1.0), torch.arange(size * 1.0), indexing="ij")
    inside = ((yy - centre) ** 2 + (xx - centre) ** 2).sqrt() <= centre - 1
    rotated = F.rotate(image, angle=angle, interpolation=interpolation)
    return (rotated - image)[:, inside].abs().mean().item()
