"""The U-Net page's examples, in page order (each section is one block).

The page also shows, as blocks, the library code it runs: parts.py, model.py, data.py,
train.py and layer_table.py. These imports only make this module importable for ruff.
"""

from snippets.unet.data import make_shapes
from snippets.unet.layer_table import layer_summary
from snippets.unet.model import UNet
from snippets.unet.tables import valid_unet_sizes
from snippets.unet.train import bce_dice_loss, fit, iou_score

# --8<-- [start:imports]
import copy
import itertools
import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset
from tqdm import tqdm

Tensor = torch.Tensor  # a short name, for type hints
# --8<-- [end:imports]
_used_by_the_library_code_on_the_page = (Iterable, dataclass, itertools, partial, tqdm)


# --8<-- [start:article_model]
class ArticleUNet(nn.Module):  # the article's UNet
    def __init__(self):
        super().__init__()
        self.encoder = nn.Sequential(
            nn.Conv2d(1, 64, kernel_size=3, padding=1),
            nn.ReLU(),
            nn.Conv2d(64, 64, kernel_size=3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),  # Downsampling
        )

        self.decoder = nn.Sequential(
            nn.ConvTranspose2d(64, 64, kernel_size=2, stride=2),
            nn.ReLU(),
            nn.Conv2d(64, 1, kernel_size=3, padding=1),
            nn.ReLU(),
        )

    def forward(self, x):
        x = self.encoder(x)
        x = self.decoder(x)
        return x


# --8<-- [end:article_model]


# --8<-- [start:minimal_model]
class MinimalUNet(nn.Module):  # corrected; one level
    def __init__(self, width=64):
        super().__init__()
        w = width
        self.encoder = nn.Sequential(  # kept for the skip
            nn.Conv2d(1, w, kernel_size=3, padding=1),
            nn.ReLU(),
            nn.Conv2d(w, w, kernel_size=3, padding=1),
            nn.ReLU(),
        )
        self.bottom = nn.Sequential(  # work at H/2
            nn.MaxPool2d(2),
            nn.Conv2d(w, 2 * w, kernel_size=3, padding=1),
            nn.ReLU(),
        )
        self.up = nn.ConvTranspose2d(2 * w, w, 2, stride=2)
        self.decoder = nn.Sequential(
            nn.Conv2d(2 * w, w, kernel_size=3, padding=1),
            nn.ReLU(),
            nn.Conv2d(w, 1, kernel_size=1),  # logits
        )

    def forward(self, x):
        skip = self.encoder(x)
        x = self.up(self.bottom(skip))
        x = torch.cat([skip, x], dim=1)  # the skip
        return self.decoder(x)


# --8<-- [end:minimal_model]


# --8<-- [start:run_both]
torch.manual_seed(0)
article, minimal = ArticleUNet(), MinimalUNet()
input_image = torch.randn(1, 1, 128, 128)  # the article's example input
with torch.no_grad():
    article_out = article(input_image)
    minimal_out = minimal(input_image)
for name, model, out in (
    ("article", article, article_out),
    ("minimal", minimal, minimal_out),
):
    params = sum(p.numel() for p in model.parameters())
    last = type(list(model.modules())[-1]).__name__
    print(f"{name:8} output {tuple(out.shape)}  parameters {params:,}")
    print(f"{'':8} last layer: {last}")
# --8<-- [end:run_both]


# --8<-- [start:final_relu]
# 1. A ReLU after the last layer clamps every "logit" to >= 0.
print(f"outputs exactly 0: {(article_out == 0).float().mean():.0%}")
prob = torch.sigmoid(article_out)  # what BCEWithLogitsLoss makes of it
print("every pixel has P(foreground) >= 0.5:", bool((prob >= 0.5).all()))
print("so no pixel can ever be called background with P > 0.5")

# 2. On a background pixel (target 0) the loss cannot go below log 2:
# the best a ReLU allows is a logit of 0.
zero = torch.zeros(1)
best = F.binary_cross_entropy_with_logits(zero, zero)
print(f"best BCE on a background pixel: {best:.4f}")
print(f"log 2 = {math.log(2):.4f}")

# 3. Where the ReLU clamped to 0, no gradient gets through to fix it.
features = article.decoder[:-1](article.encoder(input_image))  # pre-ReLU
logits = article.decoder[-1](features)
background = torch.zeros_like(logits)  # an all-background target
loss = F.binary_cross_entropy_with_logits(logits, background)
(grad,) = torch.autograd.grad(loss, features)
print(f"pixels whose gradient is exactly 0: {(grad == 0).float().mean():.0%}")
# --8<-- [end:final_relu]


# --8<-- [start:receptive_field]
def receptive_field(model: nn.Module, size: int, in_channels: int = 1) -> int:
    """The side, in input pixels, of the square that can influence the
    centre output pixel, for inputs (1, in_channels, size, size).

    A copy of the model is made linear (ReLU -> identity, MaxPool2d ->
    AvgPool2d of the same window), so that no gradient is zero by chance:
    then every input pixel in the field gets a nonzero gradient.
    """
    probe = copy.deepcopy(model).eval()
    for name, module in list(probe.named_modules()):
        parent_name, _, attr = name.rpartition(".")
        parent = probe.get_submodule(parent_name)
        if isinstance(module, nn.ReLU):
            setattr(parent, attr, nn.Identity())
        elif isinstance(module, nn.MaxPool2d):
            pool = nn.AvgPool2d(module.kernel_size, module.stride)
            setattr(parent, attr, pool)
    x = torch.randn(1, in_channels, size, size, requires_grad=True)
    probe(x)[0, 0, size // 2, size // 2].backward()
    reached = x.grad[0].abs().sum(dim=(0, 1)) > 0  # columns with gradient
    return int(reached.sum())


torch.manual_seed(0)
print("article's model:", receptive_field(ArticleUNet(), size=32), "pixels")
print("minimal U-Net:  ", receptive_field(MinimalUNet(), size=32), "pixels")
# --8<-- [end:receptive_field]


# --8<-- [start:real_unet_run]
torch.manual_seed(0)
x = torch.randn(2, 1, 64, 64)  # (N, in_channels, H, W)
for upsample in ("transpose", "bilinear"):
    for skip in (True, False):
        model = UNet(depth=3, base_channels=8, upsample=upsample, skip=skip)
        params = sum(p.numel() for p in model.parameters())
        shape = tuple(model(x).shape)
        print(f"{upsample:9} skip={skip!s:5}  logits {shape}  params {params:,}")
unet = UNet(depth=3, base_channels=8)
print("receptive field:", receptive_field(unet, size=128), "pixels")
# --8<-- [end:real_unet_run]


# --8<-- [start:bad_input]
model = UNet(in_channels=1, depth=3, base_channels=8)
for bad in (torch.randn(1, 3, 64, 64), torch.randn(1, 1, 60, 60)):
    try:
        model(bad)
    except ValueError as error:
        print("ValueError:", error)

# Padding is the caller's choice: pad, run, then crop the logits back.
image = torch.randn(1, 1, 60, 60)
padded = F.pad(image, (2, 2, 2, 2), mode="reflect")  # 60 -> 64
logits = model(padded)[..., 2:-2, 2:-2]
print("padded, run, cropped back:", tuple(logits.shape))
# --8<-- [end:bad_input]


# --8<-- [start:valid_sizes]
encoder, decoder = valid_unet_sizes(572)
print("encoder:", " -> ".join(map(str, encoder)))
print("decoder:", " -> ".join(map(str, decoder)))
for skip, side in zip(reversed(encoder[:-1]), decoder, strict=True):
    up = side + 4  # the side after the up-convolution
    print(f"skip {skip} is cropped by {(skip - up) // 2} per edge to {up}")
# --8<-- [end:valid_sizes]


# --8<-- [start:layer_summary_run]
model = UNet(in_channels=1, out_channels=1, depth=3, base_channels=8)
rows = layer_summary(model, (1, 1, 64, 64))
total = sum(row.parameters for row in rows)
print(len(rows), "layers; total parameters:", f"{total:,}")
print("== sum(p.numel()):", total == sum(p.numel() for p in model.parameters()))
output = model.eval()(torch.zeros(1, 1, 64, 64))
print("last row == model(x).shape:", rows[-1].output_shape == output.shape)
# The first up-step: ConvTranspose2d, then the conv after the concatenation.
for row in rows[27:29]:
    print(f"{row.name:16} {row.kind:15} params {row.parameters:,}")
    print(f"{'':16} {row.input_shape} -> {row.output_shape}")
# --8<-- [end:layer_summary_run]


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
train_set = TensorDataset(train_images, train_masks)
loader = DataLoader(train_set, batch_size=8, shuffle=True)
model = UNet(in_channels=1, out_channels=1, depth=2, base_channels=8)
settings = dict(epochs=3, lr=5e-3, schedule="cosine", val=val)
history = fit(model, loader, device=torch.device("cpu"), **settings)
losses = history["loss"]
print("loss fell every epoch:", all(map(float.__gt__, losses, losses[1:])))
print("held-out IoU above 0.7:", history["val_iou"][-1] > 0.7)
# --8<-- [end:short_run]
