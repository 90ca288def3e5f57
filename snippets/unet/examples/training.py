"""The U-Net chapter, page "Training on a CPU": data, loss and metric, the loop, and a short run."""

from snippets.unet.data import make_shapes, random_shape
from snippets.unet.model import UNet, check_input, check_unet
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
from snippets.unet.train import (
    bce_dice_loss,
    check_fit,
    check_same_shape,
    dice_loss,
    evaluate,
    fit,
    iou_score,
    train_epoch,
)

# --8<-- [start:imports]
import itertools
import math
from functools import partial

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset
from tqdm import tqdm

# --8<-- [end:imports]


# --8<-- [start:data_run]
images, masks = make_shapes(4, size=64, seed=0)
print("images", tuple(images.shape), images.dtype)
print("masks ", tuple(masks.shape), masks.dtype, masks.unique().tolist())
print(f"foreground: {masks.mean():.0%} of the pixels")
# --8<-- [end:data_run]


# --8<-- [start:loss_run]
target = masks[:1]
cases = {
    "perfect": 20 * target - 10,  # logits +10 on the shapes, -10 elsewhere
    "inverted": 10 - 20 * target,  # confidently wrong everywhere
    "unsure": torch.zeros_like(target),  # logit 0: P = 0.5 everywhere
}
for name, logits in cases.items():
    loss, iou = bce_dice_loss(logits, target), iou_score(logits, target)
    print(f"{name:9} loss {loss:.4f}  IoU {iou:.2f}")
# --8<-- [end:loss_run]


# --8<-- [start:short_run]
torch.manual_seed(0)
train_images, train_masks = make_shapes(256, size=32, seed=0)
val = make_shapes(128, size=32, seed=1)  # held out: another seed
loader = DataLoader(TensorDataset(train_images, train_masks), batch_size=8, shuffle=True)
model = UNet(in_channels=1, out_channels=1, depth=2, base_channels=8)
cpu = torch.device("cpu")
history = fit(model, loader, epochs=3, lr=5e-3, device=cpu, schedule="cosine", val=val)
losses = history["loss"]
print("loss fell every epoch:", all(map(float.__gt__, losses, losses[1:])))
print("held-out IoU above 0.7:", history["val_iou"][-1] > 0.7)
# --8<-- [end:short_run]
