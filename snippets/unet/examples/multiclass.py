"""The U-Net chapter, page "Multi-class segmentation": K logits a pixel, cross-entropy, argmax, IoU per class."""

from snippets.augmentation.dataset import SegmentationDataset, draw_labels, make_scene, make_scenes, paint
from snippets.augmentation.transforms import JointTransform, check_pair
from snippets.unet.model import UNet, check_input, check_unet
from snippets.unet.multiclass import IGNORE_INDEX, check_labels, class_iou, scene_augmentation
from snippets.unet.parts import (
    UPSAMPLE_MODES,
    DoubleConv,
    Down,
    OutConv,
    Up,
    check_positive,
    check_skip,
    check_up,
    check_upsample,
)

# --8<-- [start:imports]
import itertools
from collections.abc import Callable
from functools import partial

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset
from torchvision import tv_tensors
from torchvision.transforms import v2

# --8<-- [end:imports]


# --8<-- [start:data_run]
images, labels = make_scenes(4, size=48, seed=1)
print("images", tuple(images.shape), images.dtype)
print("labels", tuple(labels.shape), labels.dtype, labels.unique().tolist())
# --8<-- [end:data_run]


# --8<-- [start:augment_run]
torch.manual_seed(0)
augment = JointTransform(scene_augmentation())
image, label = augment(images[0], labels[0])
print("augmented labels:", label.unique().tolist(), label.dtype)
print(f"filled with 255: {(label == IGNORE_INDEX).float().mean():.0%} of the pixels")
# --8<-- [end:augment_run]


# --8<-- [start:loss_run]
K = 3  # classes: background, disc, square
torch.manual_seed(0)
model = UNet(in_channels=3, out_channels=K, depth=2, base_channels=8)
logits = model(image[None])  # (N, K, H, W): one logit per class and pixel
target = label[None]  # (N, H, W) int64 class indices, 255 where filled
loss_fn = nn.CrossEntropyLoss(ignore_index=IGNORE_INDEX)
kept = target != IGNORE_INDEX
by_hand = F.cross_entropy(logits.permute(0, 2, 3, 1)[kept], target[kept])
same = torch.allclose(loss_fn(logits, target), by_hand)
print("logits", tuple(logits.shape), " target", tuple(target.shape))
print("the loss averages over the kept pixels only:", same)
# --8<-- [end:loss_run]


# --8<-- [start:short_run]
torch.manual_seed(0)
train_set = SegmentationDataset(*make_scenes(16, size=32, seed=1), transform=augment)
loader = DataLoader(train_set, batch_size=8, shuffle=True)
model = UNet(in_channels=3, out_channels=K, depth=2, base_channels=8)
optimizer = torch.optim.Adam(model.parameters(), lr=5e-3)
losses = []
for _ in range(25):  # epochs
    model.train()
    for x, y in loader:
        loss = loss_fn(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
test_images, test_labels = make_scenes(16, size=32, seed=2)  # held out
with torch.no_grad():
    ious = class_iou(model.eval()(test_images), test_labels)
print("loss fell by more than half:", losses[-1] < losses[0] / 2)
print("mean IoU over the two object classes above 0.6:", sum(ious[1:]) / 2 > 0.6)
# --8<-- [end:short_run]
