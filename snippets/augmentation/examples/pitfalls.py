"""Four ways to misalign a mask: the blocks of docs/augmentation/pitfalls.md."""

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
BILINEAR = v2.InterpolationMode.BILINEAR
rotate = v2.RandomRotation(30, interpolation=BILINEAR)
torch.manual_seed(0)
image_a = rotate(tv_tensors.Image(image))  # draws an angle
mask_a = rotate(tv_tensors.Mask(mask))  # draws ANOTHER angle
torch.manual_seed(0)
image_b, mask_b = rotate(tv_tensors.Image(image), tv_tensors.Mask(mask))
print("the image got the same angle both ways:", torch.equal(image_a, image_b))
wrong = (mask_a != mask_b)[(mask_a > 0) | (mask_b > 0)].float().mean()
print(f"object pixels with the wrong label: {wrong:.1%}")
# --8<-- [end:separate_calls]

# --8<-- [start:over_seeds]
wrong = [disagreement(rotate, image, mask, seed)[1] for seed in range(20)]
print(f"mean over 20 seeds: {sum(wrong) / 20:.1%} of object pixels wrong")
# --8<-- [end:over_seeds]

# --8<-- [start:plain_tensors]
rotate = v2.RandomRotation(degrees=(10, 30), interpolation=BILINEAR)
cases = {
    "plain, plain": (image, mask),
    "Image, plain": (tv_tensors.Image(image), mask),
    "Image, Mask": (tv_tensors.Image(image), tv_tensors.Mask(mask)),
}
for name, (image_in, mask_in) in cases.items():
    torch.manual_seed(0)
    image_out, mask_out = rotate(image_in, mask_in)
    image_moved = not torch.equal(image_out, image)
    mask_moved = not torch.equal(mask_out, mask)
    print(f"{name:<12} image rotated {image_moved}, mask rotated {mask_moved}")
# --8<-- [end:plain_tensors]

# --8<-- [start:bilinear_mask]
as_image = F.rotate(mask[None].float(), 30.0, interpolation=BILINEAR)[0]
as_mask = F.rotate(tv_tensors.Mask(mask), 30.0)  # a Mask: always NEAREST
print("distinct values, bilinear:", as_image.unique().numel())
print("distinct values, nearest: ", as_mask.unique().tolist())
no_class = (as_image != as_image.round()).float().mean()
print(f"pixels that hold no class after bilinear: {no_class:.1%}")
# Pixels rounded to class 1 (disc) more than a pixel away from any disc:
discs = (as_mask == 1)[None].float()
grow = torch.nn.functional.max_pool2d  # a 3x3 max: a disc, one pixel wider
near_a_disc = grow(discs, 3, stride=1, padding=1)[0] > 0
invented = (as_image.round() == 1) & ~near_a_disc
print("pixels rounded to class 1 away from every disc:", invented.sum().item())
# --8<-- [end:bilinear_mask]
