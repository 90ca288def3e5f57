"""One call, one draw: the blocks of docs/augmentation/joint.md, in page order."""

from snippets.augmentation.dataset import draw_labels, make_scene, paint
from snippets.augmentation.transforms import JointTransform, check_pair

# --8<-- [start:imports]
import torch
from torchvision import tv_tensors
from torchvision.transforms import v2
# --8<-- [end:imports]

# --8<-- [start:one_call]
image, mask = make_scene(size=64, seed=0)
augment = v2.Compose(
    [
        v2.RandomHorizontalFlip(p=0.5),
        v2.RandomAffine(degrees=30, translate=(0.1, 0.1), interpolation=v2.InterpolationMode.BILINEAR),
        v2.ColorJitter(brightness=0.4, contrast=0.4, saturation=0.4, hue=0.05),
    ]
)
torch.manual_seed(0)
aug_image, aug_mask = augment(tv_tensors.Image(image), tv_tensors.Mask(mask))  # one call: one draw
print(type(aug_image).__name__, tuple(aug_image.shape), aug_image.dtype)
print(type(aug_mask).__name__, tuple(aug_mask.shape), aug_mask.dtype, "labels", aug_mask.unique().tolist())
# --8<-- [end:one_call]

# --8<-- [start:no_copy]
wrapped = tv_tensors.Image(image)
print("the Image shares the tensor's memory:", wrapped.data_ptr() == image.data_ptr())
# --8<-- [end:no_copy]

# --8<-- [start:fill]
rotate = v2.RandomRotation(30, interpolation=v2.InterpolationMode.BILINEAR, fill={tv_tensors.Mask: 255, "others": 0})
torch.manual_seed(1)
rotated_image, rotated_mask = rotate(tv_tensors.Image(image), tv_tensors.Mask(mask))
print("mask labels:", rotated_mask.unique().tolist(), "| the image's corner pixel:", rotated_image[:, 0, 0].tolist())
# --8<-- [end:fill]

# --8<-- [start:checked]
joint = JointTransform(augment)
torch.manual_seed(0)
out_image, out_mask = joint(image, mask)  # plain tensors in, plain tensors out
print(type(out_image).__name__, tuple(out_image.shape), type(out_mask).__name__, tuple(out_mask.shape))
for bad_image, bad_mask in [(image, mask[:, :48]), (image, mask.float())]:
    try:
        joint(bad_image, bad_mask)
    except ValueError as error:
        print("ValueError:", error)
# --8<-- [end:checked]
