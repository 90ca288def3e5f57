"""Default interpolations: the blocks of docs/augmentation/interpolation.md."""

from snippets.augmentation.interpolation import rings, rotation_error

# --8<-- [start:imports]
import math

import torch
from torchvision import tv_tensors
from torchvision.transforms import v2
from torchvision.transforms.v2 import functional as F
# --8<-- [end:imports]

# --8<-- [start:defaults]
for transform in [
    v2.RandomRotation(30),
    v2.RandomAffine(30),
    v2.RandomPerspective(),
    v2.RandomResizedCrop(64),
    v2.ElasticTransform(),
]:
    mode = v2.InterpolationMode(transform.interpolation)  # str or enum
    print(f"{type(transform).__name__:<18} {mode.name}")
# --8<-- [end:defaults]

# --8<-- [start:error]
NEAREST = v2.InterpolationMode.NEAREST
BILINEAR = v2.InterpolationMode.BILINEAR
pattern = rings(size=64)  # a rotation about their centre changes nothing
nearest = rotation_error(pattern, angle=30.0, interpolation=NEAREST)
bilinear = rotation_error(pattern, angle=30.0, interpolation=BILINEAR)
print(
    f"error of a 30° rotation: NEAREST {nearest:.3f}, BILINEAR {bilinear:.3f}"
)
print("BILINEAR is more than 3 times closer:", nearest > 3 * bilinear)
exact = rotation_error(pattern, 90.0, NEAREST) == 0  # whole pixels move
print("a 90° rotation is exact:", exact)
# --8<-- [end:error]

# --8<-- [start:fix]
rotate = v2.RandomRotation(degrees=(30, 30), interpolation=BILINEAR)
labels = (pattern[0] > 0.5).long()  # a two-class mask of the rings
_, mask_out = rotate(tv_tensors.Image(pattern), tv_tensors.Mask(labels))
nearest_mask = F.rotate(labels[None], 30.0, interpolation=NEAREST)[0]
print("mask resampled with NEAREST:", torch.equal(mask_out, nearest_mask))
# --8<-- [end:fix]
