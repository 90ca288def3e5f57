"""Joint image and mask transforms with torchvision.transforms.v2, and the
checked table of augmentations.

v2 transforms read the *type* of each input: a `tv_tensors.Image` is resampled
with the transform's interpolation, a `tv_tensors.Mask` always with NEAREST,
and photometric transforms pass a Mask through untouched. One call on (image,
mask) draws the random parameters once, for both. `JointTransform` adds the
checks v2 does not make (sizes that differ, float masks) and hands back plain
tensors.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

import torch
from torchvision import tv_tensors
from torchvision.transforms import v2
from torchvision.transforms.v2 import InterpolationMode


def check_pair(image: torch.Tensor, mask: torch.Tensor) -> None:
    """Raise a ValueError that names the problem, unless image (C, H, W) and
    mask (H, W) or (1, H, W) fit together.

    A float mask is refused: it is the usual sign that the mask was resized or
    rotated with bilinear interpolation somewhere, and holds values that are
    no class.
    """
    for name, value in (("image", image), ("mask", mask)):
        if not isinstance(value, torch.Tensor):
            kind = type(value).__name__
            raise ValueError(f"{name} must be a torch.Tensor, got {kind}")
    if image.ndim != 3:
        shape = tuple(image.shape)
        raise ValueError(f"image must have shape (C, H, W), got {shape}")
    if not (image.is_floating_point() or image.dtype == torch.uint8):
        raise ValueError(
            "image must be float in [0, 1] or torch.uint8, "
            f"got dtype {image.dtype}"
        )
    if not (mask.ndim == 2 or (mask.ndim == 3 and mask.shape[0] == 1)):
        shape = tuple(mask.shape)
        raise ValueError(
            f"mask must have shape (H, W) or (1, H, W), got {shape}"
        )
    # Integer labels only. bool is refused too: not every v2 resampling kernel
    # takes it, and a two-class mask is just as well stored as torch.uint8.
    integers = (torch.uint8, torch.int8, torch.int16, torch.int32, torch.int64)
    if mask.dtype not in integers:
        raise ValueError(
            "mask must hold integer class labels (torch.uint8 or torch.int64), "
            f"got dtype {mask.dtype}; a float mask has been interpolated "
            "somewhere, or needs .long() once you know its values are whole"
        )
    if image.shape[-2:] != mask.shape[-2:]:
        raise ValueError(
            "image and mask sizes differ: "
            f"image (H, W) = {tuple(image.shape[-2:])}, "
            f"mask (H, W) = {tuple(mask.shape[-2:])}"
        )


class JointTransform:
    """One v2 transform on an image and its mask, one random draw for both.

    image: (C, H, W) float in [0, 1] (or uint8); mask: (H, W) or (1, H, W)
    integer labels. Returns plain tensors of the same kinds.
    """

    def __init__(self, transform: v2.Transform) -> None:
        self.transform = transform

    def __call__(
        self, image: torch.Tensor, mask: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        check_pair(image, mask)
        # The wrappers tell v2 which input is which: a plain mask is left as is.
        image, mask = self.transform(
            tv_tensors.Image(image), tv_tensors.Mask(mask)
        )
        return image.as_subclass(torch.Tensor), mask.as_subclass(torch.Tensor)


Kind = Literal["geometric", "photometric"]


@dataclass(frozen=True)
class Augmentation:
    """One row of the page's table: a v2 transform and what we claim about it.

    `make(size, interpolation)` builds the transform for images of `size` x
    `size`; `interpolation` is the one used for the image (geometric rows
    only). The mask column of the table is not written by hand:
    `mask_handling` checks it against torchvision. `benefit` is what the model
    learns to handle: geometric rows teach *equivariance* to it (the mask moves
    with the image), photometric rows *invariance* (the mask stays).
    `benefit_text` says which, from the row's kind, which `mask_handling`
    checks.
    """

    name: str
    make: Callable[[int, InterpolationMode], v2.Transform]
    kind: Kind
    does: str
    benefit: str
    avoid_when: str

    @property
    def benefit_text(self) -> str:
        word = "Equivariance" if self.kind == "geometric" else "Invariance"
        return f"{word} to {self.benefit}"


BILINEAR = InterpolationMode.BILINEAR
NEAREST = InterpolationMode.NEAREST

CATALOG: tuple[Augmentation, ...] = (
    Augmentation(
        "Horizontal flip",
        lambda size, interp: v2.RandomHorizontalFlip(p=0.5),
        "geometric",
        "Mirrors left to right (with probability p).",
        "left-right mirroring.",
        "Left and right carry meaning (left vs right organ classes, text).",
    ),
    Augmentation(
        "Rotation",
        lambda size, interp: v2.RandomRotation(
            degrees=30, interpolation=interp
        ),
        "geometric",
        "Rotates by a random angle; fills the corners with 0.",
        "orientation (microscopy, aerial images).",
        "‘Up’ matters (street scenes, upright X-rays).",
    ),
    Augmentation(
        "Colour jitter",
        lambda size, interp: v2.ColorJitter(
            brightness=0.4, contrast=0.4, saturation=0.4, hue=0.05
        ),
        "photometric",
        "Random brightness, contrast, saturation and hue.",
        "lighting, cameras and stains.",
        "Colour is the class cue (ripeness, traffic lights).",
    ),
    Augmentation(
        "Random resized crop",
        lambda size, interp: v2.RandomResizedCrop(
            size, scale=(0.5, 1.0), interpolation=interp
        ),
        "geometric",
        "Crops a random area and aspect ratio, resizes to size.",
        "scale and framing; a fixed size for batching.",
        "Small objects get cut out, or size is the evidence.",
    ),
    Augmentation(
        "Affine",
        lambda size, interp: v2.RandomAffine(
            degrees=15,
            translate=(0.1, 0.1),
            scale=(0.9, 1.1),
            shear=8,
            interpolation=interp,
        ),
        "geometric",
        "Rotates, shifts, scales and shears: one random matrix.",
        "position, size and viewpoint.",
        "Position is the evidence (anatomy at a fixed place).",
    ),
    Augmentation(
        "Elastic",
        lambda size, interp: v2.ElasticTransform(
            alpha=30.0, sigma=5.0, interpolation=interp
        ),
        "geometric",
        "Warps by a smooth random displacement field.",
        "soft-tissue deformation; key in the U-Net paper.",
        "Rigid objects (text, parts), thin structures; it is slow.",
    ),
    Augmentation(
        "Gaussian blur",
        lambda size, interp: v2.GaussianBlur(kernel_size=5, sigma=(0.1, 2.0)),
        "photometric",
        "Gaussian blur with a random sigma.",
        "defocus and low resolution.",
        "Fine texture or thin edges are the evidence (cracks, vessels).",
    ),
    Augmentation(
        "Gaussian noise",
        lambda size, interp: v2.GaussianNoise(sigma=0.05),
        "photometric",
        "Adds Gaussian noise to each pixel, clipped to [0, 1].",
        "sensor noise.",
        "Faint, low-contrast targets that the noise would drown.",
    ),
)


def coordinate_labels(size: int) -> torch.Tensor:
    """(size, size) int64 labels 1..size², one per pixel, row by row.

    0 is left free for the fill of pixels that come from outside the image.
    """
    labels = torch.arange(1, size * size + 1, dtype=torch.int64)
    return labels.reshape(size, size)


def mask_handling(
    aug: Augmentation, size: int = 24, seeds: Iterable[int] = range(6)
) -> str:
    """Check with torchvision what `aug` does to a mask; the table's words.

    Photometric: the mask comes back unchanged while the image changes.
    Geometric: the mask moves (for some seed), and it is exactly what the same
    random draw gives a label image resampled with NEAREST: every mask pixel
    is a copy of one input pixel. Raises RuntimeError if torchvision disagrees
    with the row's kind.
    """
    labels = coordinate_labels(size)
    fill = torch.zeros(1, dtype=labels.dtype)
    allowed = torch.cat([labels.flatten(), fill])  # the labels and the fill 0
    image = torch.rand(
        3, size, size, generator=torch.Generator().manual_seed(0)
    )
    moved = changed = False
    for seed in seeds:
        torch.manual_seed(seed)
        transform = aug.make(size, BILINEAR)
        out_image, out_mask = transform(
            tv_tensors.Image(image), tv_tensors.Mask(labels)
        )
        changed |= not torch.equal(out_image, image)
        moved |= not torch.equal(out_mask, labels)
        where = f"{aug.name} (seed {seed})"
        if aug.kind == "photometric":
            if not torch.equal(out_mask, labels):
                raise RuntimeError(
                    f"{where}: a photometric transform changed the mask"
                )
            continue
        # The same seed gives the same draw; a NEAREST copy of the labels as
        # an image is the reference.
        torch.manual_seed(seed)
        ref_image, ref_mask = aug.make(size, NEAREST)(
            tv_tensors.Image(labels[None].float()), tv_tensors.Mask(labels)
        )
        same_draw = torch.equal(ref_image[0].long(), ref_mask)
        if not same_draw or not torch.equal(out_mask, ref_mask):
            raise RuntimeError(
                f"{where}: the mask is not the nearest-resampled image "
                "under one draw"
            )
        labels_only = bool(torch.isin(out_mask, allowed).all())
        if out_mask.dtype != labels.dtype or not labels_only:
            raise RuntimeError(
                f"{where}: the mask holds values that are not input labels"
            )
    if not changed:
        raise RuntimeError(
            f"{aug.name}: the image never changed over seeds {list(seeds)}"
        )
    if aug.kind == "photometric":
        return "No: passed through unchanged"
    if not moved:
        raise RuntimeError(
            f"{aug.name}: claimed geometric, but the mask never moved"
        )
    return "Yes, same draw; nearest"


def image_interpolation(aug: Augmentation) -> str | None:
    """The interpolation the row uses for the image; None if it resamples
    nothing."""
    mode = getattr(aug.make(24, BILINEAR), "interpolation", None)
    return None if mode is None else InterpolationMode(mode).value
