"""torchvision's default interpolations, read from the installed torchvision,
and what NEAREST costs an image.

`v2.RandomRotation` and `v2.RandomAffine` resample an image with NEAREST unless
told otherwise, which turns smooth edges into staircases;
`v2.RandomResizedCrop` and `v2.ElasticTransform` default to BILINEAR. A
`tv_tensors.Mask` is resampled with NEAREST whatever the transform says.

`rotation_error` measures the cost on a pattern that a rotation about its
centre leaves as it is (concentric rings): whatever a rotation changes there is
the resampling's error.
"""

from __future__ import annotations

import inspect
import math

import torch
from torchvision.transforms import v2
from torchvision.transforms.v2 import InterpolationMode
from torchvision.transforms.v2 import functional as F

# The random geometric transforms that resample an image, in page order.
RESAMPLING = (
    v2.RandomRotation,
    v2.RandomAffine,
    v2.RandomPerspective,
    v2.RandomResizedCrop,
    v2.ElasticTransform,
)


def default_interpolation(transform_class: type) -> InterpolationMode:
    """The default of `transform_class`'s `interpolation` argument, in the
    installed torchvision (a str in newer versions, an enum in older ones)."""
    signature = inspect.signature(transform_class)
    parameter = signature.parameters.get("interpolation")
    if parameter is None:
        raise ValueError(
            f"transform_class {transform_class.__name__} "
            "takes no interpolation argument"
        )
    return InterpolationMode(parameter.default)


def rings(size: int = 64, period: float = 8.0) -> torch.Tensor:
    """A (1, size, size) image of smooth concentric rings, in [0, 1]."""
    if size < 8:
        raise ValueError(f"size must be >= 8, got {size}")
    if period <= 2:
        raise ValueError(f"period must be > 2 pixels, got {period}")
    centre = (size - 1) / 2  # torchvision rotates about this point
    axis = torch.arange(size * 1.0)
    yy, xx = torch.meshgrid(axis, axis, indexing="ij")
    radius = ((yy - centre) ** 2 + (xx - centre) ** 2).sqrt()
    return (0.5 + 0.5 * torch.cos(2 * math.pi * radius / period))[None]


def rotation_error(
    image: torch.Tensor, angle: float, interpolation: v2.InterpolationMode
) -> float:
    """Mean absolute change that a rotation by `angle` makes to `image`
    (C, H, W), H = W, inside its inscribed disc.

    For an image that a rotation leaves as it is, such as `rings()`, this is
    the resampling's error. The corners, which come from outside, are left out.
    """
    if image.ndim != 3 or image.shape[-1] != image.shape[-2]:
        shape = tuple(image.shape)
        raise ValueError(
            f"image must have shape (C, H, W), H == W, got {shape}"
        )
    centre = (image.shape[-1] - 1) / 2
    axis = torch.arange(image.shape[-1] * 1.0)
    yy, xx = torch.meshgrid(axis, axis, indexing="ij")
    inside = ((yy - centre) ** 2 + (xx - centre) ** 2).sqrt() <= centre - 1
    rotated = F.rotate(image, angle=angle, interpolation=interpolation)
    return (rotated - image)[:, inside].abs().mean().item()
