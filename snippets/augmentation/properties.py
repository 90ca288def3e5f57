"""The promise of a joint transform, as a property that one random draw either keeps or breaks.

`follows_label_map` is what the tests feed with random chains and seeds (Hypothesis), and what
the page runs on one chain.
"""

from __future__ import annotations

from collections.abc import Callable

import torch

from snippets.augmentation.transforms import coordinate_labels


def follows_label_map(joint: Callable, size: int = 24, seed: int = 0) -> bool:
    """Does `joint(image, mask)` move every mask pixel exactly as it moves the image pixel at that place?

    The image and the mask are the same label map, one label per pixel (1..size²): the image as
    a float channel, the mask as integers. A geometric chain that resamples the image with
    NEAREST must then give back two equal maps, so each mask pixel came from the very input
    pixel that the image pixel came from, under one random draw.
    """
    labels = coordinate_labels(size)
    torch.manual_seed(seed)
    out_image, out_mask = joint(labels[None].float(), labels)
    return out_image.shape[-2:] == out_mask.shape[-2:] and torch.equal(out_image[0].long(), out_mask)
