"""The augmentation table: the blocks of docs/augmentation/table.md, in page order."""

from snippets.augmentation.dataset import draw_labels, make_scene, paint

# --8<-- [start:imports]
import torch
from torchvision import tv_tensors
from torchvision.transforms import v2
# --8<-- [end:imports]

# --8<-- [start:equivariance]
image, mask = make_scene(size=64, seed=0)
flip = v2.RandomHorizontalFlip(p=1.0)
flipped_image, flipped_mask = flip(tv_tensors.Image(image), tv_tensors.Mask(mask))
print("flip: the mask is mirrored with the image:", torch.equal(flipped_mask, mask.flip(-1)))
# --8<-- [end:equivariance]

# --8<-- [start:invariance]
jitter = v2.ColorJitter(brightness=0.5, hue=0.1)
torch.manual_seed(0)
jittered_image, jittered_mask = jitter(tv_tensors.Image(image), tv_tensors.Mask(mask))
print("colour jitter: the image changed:", not torch.equal(jittered_image, image))
print("colour jitter: the mask is unchanged:", torch.equal(jittered_mask, mask))
# --8<-- [end:invariance]
