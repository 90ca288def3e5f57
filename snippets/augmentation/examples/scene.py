"""A scene to augment: the blocks of docs/augmentation/scene.md."""

from snippets.augmentation.dataset import draw_labels, make_scene, paint

# --8<-- [start:imports]
import torch
# --8<-- [end:imports]

# --8<-- [start:scene]
image, mask = make_scene(size=64, seed=0)
low, high = image.min().item(), image.max().item()
print("image:", tuple(image.shape), image.dtype, f"in [{low:.2f}, {high:.2f}]")
print("mask: ", tuple(mask.shape), mask.dtype, "labels", mask.unique().tolist())
print("pixels per label:", mask.flatten().bincount().tolist())
# --8<-- [end:scene]
