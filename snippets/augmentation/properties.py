"""The promise of a joint transform, as a property that one random draw keeps
or breaks.

`follows_label_map` is what the tests feed with random chains and seeds
(Hypothesis), and what the page runs on one chain.
"""

from __future__ import annotations

from collections.abc import Callable

import torch

from snippets.augmentation.transforms import coordinate_labels


def follows_label_map(joint: Callable, size: int = 24, seed: int = 0) -> bool:
    """Does `joint(image, mask)` move each mask pixel as it moves the image?

    Image and mask are one label map, one label per pixel: the image as a
    float channel, the mask as integers. A geometric chain that resamples the
    image with NEAREST must give back two equal maps: then each mask pixel
    came from the very input pixel that the image pixel came from.
    """
    labels = coordinate_labels(size)
    torch.manual_seed(seed)
    out_image, out_mask = joint(labels[None].float(), labels)
    if out_image.shape[-2:] != out_mask.shape[-2:]:
        return False
    return torch.equal(out_image[0].long(), out_mask)
