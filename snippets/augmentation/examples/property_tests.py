"""Testing the promise: the blocks of docs/augmentation/property_tests.md."""

from snippets.augmentation.properties import follows_label_map
from snippets.augmentation.transforms import (
    JointTransform,
    check_pair,
    coordinate_labels,
)

# --8<-- [start:imports]
from collections.abc import Callable

import torch
from torchvision import tv_tensors
from torchvision.transforms import v2
# --8<-- [end:imports]

# --8<-- [start:one_chain]
# NEAREST for the image too: the labels in it must stay labels.
NEAREST = v2.InterpolationMode.NEAREST
chain = v2.Compose(
    [
        v2.RandomHorizontalFlip(),
        v2.RandomAffine(40, translate=(0.2, 0.2), interpolation=NEAREST),
        v2.RandomPerspective(distortion_scale=0.3, interpolation=NEAREST),
    ]
)
joint = JointTransform(chain)
joint_keeps = [follows_label_map(joint, seed=seed) for seed in range(20)]
plain_keeps = [follows_label_map(chain, seed=seed) for seed in range(20)]
print("one joint call keeps the promise in all 20 draws:", all(joint_keeps))
print("plain tensors break it in some draw:", not all(plain_keeps))
# --8<-- [end:one_chain]
