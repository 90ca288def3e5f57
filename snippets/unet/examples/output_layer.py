"""The U-Net chapter, page "The output layer": what a final ReLU does to logits, and what belongs there."""

from snippets.unet.article import ArticleUNet
from snippets.unet.train import bce_dice_loss, check_same_shape, dice_loss, iou_score

# --8<-- [start:imports]
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

# --8<-- [end:imports]


# --8<-- [start:clamped]
torch.manual_seed(0)
article = ArticleUNet()
x = torch.randn(1, 1, 128, 128)
features = article.decoder[:-1](article.encoder(x))  # all but the final ReLU
logits = article.decoder[-1](features)
print(f"outputs exactly 0: {(logits == 0).float().mean():.0%}")
prob = torch.sigmoid(logits)  # what BCEWithLogitsLoss makes of them
print("P(foreground) >= 0.5 everywhere:", bool((prob >= 0.5).all()))
# --8<-- [end:clamped]


# --8<-- [start:floor]
# The best a ReLU allows on a background pixel is a logit of 0:
zero = torch.zeros(1)
best = F.binary_cross_entropy_with_logits(zero, zero).item()
print(f"lowest BCE on a background pixel: {best:.4f}")
print("that is log 2:", math.isclose(best, math.log(2), rel_tol=1e-6))

# Where the ReLU clamped to 0, no gradient flows back to move the logit.
background = torch.zeros_like(logits)  # an all-background target
loss = F.binary_cross_entropy_with_logits(logits, background)
(grad,) = torch.autograd.grad(loss, features)
print(f"pixels whose gradient is exactly 0: {(grad == 0).float().mean():.0%}")
# --8<-- [end:floor]


# --8<-- [start:segment_anyway]
yy, xx = torch.meshgrid(torch.arange(64.0), torch.arange(64.0), indexing="ij")
target = ((yy - 30) ** 2 + (xx - 26) ** 2 <= 12**2).float()[None, None]  # a disc
cases = {
    "ReLU logits": 10 * target,  # 0 on the background, 10 on the disc
    "free logits": 20 * target - 10,  # -10 on the background
}
for name, z in cases.items():
    loss, iou = bce_dice_loss(z, target).item(), iou_score(z, target)
    p_bg = torch.sigmoid(z)[target == 0].max().item()  # P(fg) on the background
    print(f"{name}: IoU {iou:.2f}, loss {loss:.2f}, P(fg) on background {p_bg:.2f}")
relu_iou = iou_score(cases["ReLU logits"], target)
assert relu_iou == 1.0  # a perfect mask, although every logit is >= 0
# --8<-- [end:segment_anyway]


# --8<-- [start:fused]
z, y = torch.tensor([200.0, 2.0]), torch.tensor([0.0, 1.0])
fused = F.binary_cross_entropy_with_logits(z, y, reduction="none")
split = F.binary_cross_entropy(torch.sigmoid(z), y, reduction="none")
print("BCEWithLogitsLoss:    ", [round(v, 4) for v in fused.tolist()])
print("sigmoid, then BCELoss:", [round(v, 4) for v in split.tolist()])
print("the same where sigmoid is not saturated:", torch.allclose(fused[1], split[1]))
# --8<-- [end:fused]
