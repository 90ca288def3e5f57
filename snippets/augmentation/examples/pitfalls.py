"""Four ways to misalign a mask: the blocks of docs/augmentation/pitfalls.md, in page order."""

from snippets.augmentation.dataset import draw_labels, make_scene, paint
from snippets.augmentation.pitfalls import disagreement

# --8<-- [start:imports]
from collections.abc import Callable

import torch
from torchvision import tv_tensors
from torchvision.transforms import v2
from torchvision.transforms.v2 import functional as F
# --8<-- [end:imports]

# --8<-- [start:separate_calls]
image, mask = make_scene(size=64, seed=0)
rotate = v2.RandomRotation(degrees=30, interpolation=v2.InterpolationMode.BILINEAR)
torch.manual_seed(0)
image_a = rotate(tv_tensors.Image(image))  # draws an angle
mask_a = rotate(tv_tensors.Mask(mask))  # draws ANOTHER angle
torch.manual_seed(0)
image_b, mask_b = rotate(tv_tensors.Image(image), tv_tensors.Mask(mask))  # one angle for both
print("the image got the same angle both ways:", torch.equal(image_a, image_b))
wrong = (mask_a != mask_b)[(mask_a > 0) | (mask_b > 0)]
print(f"object pixels with the wrong label: {wrong.float().mean():.1%}")
# --8<-- [end:separate_calls]

# --8<-- [start:over_seeds]
mean_wrong = sum(disagreement(rotate, image, mask, seed)[1] for seed in range(20)) / 20
print(f"mean over 20 seeds: {mean_wrong:.1%} of object pixels get the wrong label")
# --8<-- [end:over_seeds]

# --8<-- [start:plain_tensors]
rotate_10_to_30 = v2.RandomRotation(degrees=(10, 30), interpolation=v2.InterpolationMode.BILINEAR)
cases = {
    "plain, plain": (image, mask),
    "Image, plain": (tv_tensors.Image(image), mask),
    "Image, Mask": (tv_tensors.Image(image), tv_tensors.Mask(mask)),
}
for name, (image_in, mask_in) in cases.items():
    torch.manual_seed(0)
    image_out, mask_out = rotate_10_to_30(image_in, mask_in)
    print(f"{name}: image rotated {not torch.equal(image_out, image)}, mask rotated {not torch.equal(mask_out, mask)}")
# --8<-- [end:plain_tensors]

# --8<-- [start:bilinear_mask]
as_image = F.rotate(mask[None].float(), angle=30.0, interpolation=v2.InterpolationMode.BILINEAR)[0]
as_mask = F.rotate(tv_tensors.Mask(mask), angle=30.0)  # a Mask is always resampled with NEAREST
print("distinct values, bilinear:", as_image.unique().numel(), "| nearest:", as_mask.unique().tolist())
print(f"pixels that hold no class after bilinear: {(as_image != as_image.round()).float().mean():.1%}")
near_a_disc = torch.nn.functional.max_pool2d((as_mask == 1)[None].float(), 3, stride=1, padding=1)[0] > 0
invented = (as_image.round() == 1) & ~near_a_disc  # rounded to class 1, more than a pixel from any disc
print("pixels rounded to class 1 (disc) away from every disc:", invented.sum().item())
# --8<-- [end:bilinear_mask]
