"""The ablation's shifted test sets: new scenes rotated, shifted and re-lit by seeded, clearly non-zero amounts.

Kept apart from the training code, so that the figure of the test data depends on this and on
the scenes only.
"""

from __future__ import annotations

import torch
from torchvision import tv_tensors
from torchvision.transforms import v2
from torchvision.transforms.v2 import functional as F


def shift_test_set(
    images: torch.Tensor,
    masks: torch.Tensor,
    seed: int,
    move: bool = True,
    relight: bool = True,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Rotate and translate (`move`) and re-light (`relight`) every scene by a seeded, clearly non-zero amount.

    images (n, 3, H, W) float in [0, 1], masks (n, H, W) int64, H = W -> the same shapes and dtypes.
    Moving uses no fill: the scene is extended by reflection (image and mask alike) and cropped back.
    Each parameter's magnitude is uniform in a band away from zero, with a random sign. All
    parameters are drawn whatever `move` and `relight` say, so the test sets made with one seed
    share their moves and their lighting.
    """
    gen = torch.Generator().manual_seed(seed)
    size = images.shape[-1]

    def band(low: float, high: float) -> float:
        magnitude = low + (high - low) * torch.rand((), generator=gen).item()
        return (
            magnitude
            if torch.rand((), generator=gen).item() < 0.5
            else -magnitude
        )

    out_images, out_masks = images.clone(), masks.clone()
    for i, (image, mask) in enumerate(zip(images, masks, strict=True)):
        angle, dx, dy = (
            band(15, 45),
            round(band(0.1, 0.2) * size),
            round(band(0.1, 0.2) * size),
        )
        brightness, contrast, saturation = (
            1 + band(0.3, 0.5),
            1 + band(0.3, 0.5),
            1 + band(0.3, 0.5),
        )
        if move:
            # Extend the scene by reflection first, then move it and crop the middle back out: a moved
            # camera sees more of the world, not black corners (which would test the fill, not the move).
            big_image = F.pad(
                tv_tensors.Image(image), [size // 2] * 4, padding_mode="reflect"
            )
            big_mask = F.pad(
                tv_tensors.Mask(mask), [size // 2] * 4, padding_mode="reflect"
            )
            placement = {
                "angle": angle,
                "translate": [dx, dy],
                "scale": 1.0,
                "shear": [0.0, 0.0],
            }
            # The same parameters for both; a Mask is resampled with nearest whatever `interpolation` says.
            big_image = F.affine(
                big_image,
                **placement,
                interpolation=v2.InterpolationMode.BILINEAR,
            )
            big_mask = F.affine(big_mask, **placement)
            out_images[i], out_masks[i] = (
                F.center_crop(big_image, [size]),
                F.center_crop(big_mask, [size]),
            )
        if relight:
            lit = F.adjust_contrast(
                F.adjust_brightness(out_images[i], brightness), contrast
            )
            out_images[i] = F.adjust_saturation(lit, saturation)
    return out_images, out_masks
