"""torchvision's default interpolations: the blocks of docs/augmentation/interpolation.md, in page order."""

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
    print(f"{type(transform).__name__:<18} {v2.InterpolationMode(transform.interpolation).name}")
# --8<-- [end:defaults]

# --8<-- [start:error]
pattern = rings(size=64)  # concentric rings: a rotation about their centre should change nothing
nearest = rotation_error(pattern, angle=30.0, interpolation=v2.InterpolationMode.NEAREST)
bilinear = rotation_error(pattern, angle=30.0, interpolation=v2.InterpolationMode.BILINEAR)
print(f"mean error of a 30° rotation: NEAREST {nearest:.3f}, BILINEAR {bilinear:.3f}")
print("BILINEAR is more than 3 times closer:", nearest > 3 * bilinear)
print(
    "a 90° rotation, which moves whole pixels, is exact:",
    rotation_error(pattern, 90.0, v2.InterpolationMode.NEAREST) == 0,
)
# --8<-- [end:error]

# --8<-- [start:fix]
rotate = v2.RandomRotation(degrees=(30, 30), interpolation=v2.InterpolationMode.BILINEAR)  # always 30°
labels = (pattern[0] > 0.5).long()  # a two-class mask of the rings
out_image, out_mask = rotate(tv_tensors.Image(pattern), tv_tensors.Mask(labels))
nearest_mask = F.rotate(labels[None], angle=30.0, interpolation=v2.InterpolationMode.NEAREST)[0]
print("image:", rotate.interpolation, "| mask resampled with NEAREST:", torch.equal(out_mask, nearest_mask))
# --8<-- [end:fix]
