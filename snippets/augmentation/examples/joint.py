"""One call, one draw: the blocks of docs/augmentation/joint.md."""

from snippets.augmentation.dataset import draw_labels, make_scene, paint
from snippets.augmentation.transforms import JointTransform, check_pair

# --8<-- [start:imports]
import torch
from torchvision import tv_tensors
from torchvision.transforms import v2
# --8<-- [end:imports]

# --8<-- [start:one_call]
image, mask = make_scene(size=64, seed=0)
BILINEAR = v2.InterpolationMode.BILINEAR
augment = v2.Compose(
    [
        v2.RandomHorizontalFlip(p=0.5),
        v2.RandomAffine(30, translate=(0.1, 0.1), interpolation=BILINEAR),
        v2.ColorJitter(brightness=0.4, contrast=0.4, saturation=0.4),
    ]
)
torch.manual_seed(0)
image_out, mask_out = augment(tv_tensors.Image(image), tv_tensors.Mask(mask))
print(type(image_out).__name__, tuple(image_out.shape), image_out.dtype)
print(type(mask_out).__name__, tuple(mask_out.shape), mask_out.dtype)
print("mask labels:", mask_out.unique().tolist())
# --8<-- [end:one_call]

# --8<-- [start:no_copy]
wrapped = tv_tensors.Image(image)
print("shares the tensor's memory:", wrapped.data_ptr() == image.data_ptr())
# --8<-- [end:no_copy]

# --8<-- [start:fill]
fill = {tv_tensors.Mask: 255, "others": 0}  # 255 in masks, 0 elsewhere
rotate = v2.RandomRotation(30, interpolation=BILINEAR, fill=fill)
torch.manual_seed(1)
image_out, mask_out = rotate(tv_tensors.Image(image), tv_tensors.Mask(mask))
print("mask labels:", mask_out.unique().tolist())
print("the image's corner pixel:", image_out[:, 0, 0].tolist())
# --8<-- [end:fill]

# --8<-- [start:checked]
joint = JointTransform(augment)
torch.manual_seed(0)
image_out, mask_out = joint(image, mask)  # plain tensors in and out
print(type(image_out).__name__, type(mask_out).__name__, mask_out.dtype)
for bad_image, bad_mask in [(image, mask[:, :48]), (image, mask.float())]:
    try:
        joint(bad_image, bad_mask)
    except ValueError as error:
        print("ValueError:", error)
# --8<-- [end:checked]
