"""The augmentation table: the blocks of docs/augmentation/table.md."""

from snippets.augmentation.dataset import draw_labels, make_scene, paint

# --8<-- [start:imports]
import torch
from torchvision import tv_tensors
from torchvision.transforms import v2
# --8<-- [end:imports]

# --8<-- [start:equivariance]
image, mask = make_scene(size=64, seed=0)
flip = v2.RandomHorizontalFlip(p=1.0)
out_image, out_mask = flip(tv_tensors.Image(image), tv_tensors.Mask(mask))
print("flip: image mirrored:", torch.equal(out_image, image.flip(-1)))
print("flip: mask mirrored with it:", torch.equal(out_mask, mask.flip(-1)))
# --8<-- [end:equivariance]

# --8<-- [start:invariance]
jitter = v2.ColorJitter(brightness=0.5, hue=0.1)
torch.manual_seed(0)
out_image, out_mask = jitter(tv_tensors.Image(image), tv_tensors.Mask(mask))
print("colour jitter: image changed:", not torch.equal(out_image, image))
print("colour jitter: mask unchanged:", torch.equal(out_mask, mask))
# --8<-- [end:invariance]
