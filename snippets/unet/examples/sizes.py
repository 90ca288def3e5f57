"""The U-Net chapter, page "Sizes and padding": same padding, the paper's valid convolutions, and tiling."""

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
from snippets.unet.sizes import valid_unet_sizes
from snippets.unet.tiling import check_tiles, predict_tiled

# --8<-- [start:imports]
import itertools
from functools import partial

import torch
import torch.nn as nn
import torch.nn.functional as F

# --8<-- [end:imports]


# --8<-- [start:refused]
torch.manual_seed(0)
model = UNet(in_channels=1, depth=3, base_channels=8).eval()
print("64 x 64 ->", tuple(model(torch.randn(1, 1, 64, 64)).shape))
for bad in (torch.randn(1, 1, 60, 60), torch.randn(1, 3, 64, 64)):
    try:
        model(bad)
    except ValueError as error:
        print("ValueError:", error)
# --8<-- [end:refused]


# --8<-- [start:pad_crop]
# Padding is the caller's choice: pad, run, then crop the logits back.
image = torch.randn(1, 1, 60, 60)
padded = F.pad(image, (2, 2, 2, 2), mode="reflect")  # 60 -> 64
logits = model(padded)[..., 2:-2, 2:-2]
print("padded, run, cropped back:", tuple(logits.shape))
# --8<-- [end:pad_crop]


# --8<-- [start:valid_run]
encoder, decoder = valid_unet_sizes(572)
print("encoder:", " -> ".join(map(str, encoder)))
print("decoder:", " -> ".join(map(str, decoder)))
for skip, side in zip(reversed(encoder[:-1]), decoder, strict=True):
    up = side + 4  # the side after the up-convolution
    print(f"skip {skip} is cropped by {(skip - up) // 2} per edge to {up}")
# --8<-- [end:valid_run]


# --8<-- [start:tiling_run]
torch.manual_seed(0)
image = torch.rand(1, 1, 128, 128)
for margin in (48, 8):
    tiled = predict_tiled(model, image, tile=64, margin=margin)
    mirrored = F.pad(image, [margin] * 4, mode="reflect")  # the whole image at once
    whole = model(mirrored)[..., margin:-margin, margin:-margin]
    same = torch.allclose(tiled, whole, atol=1e-6)
    print(f"margin {margin:2}: 4 tiles of 64 x 64 == the whole image: {same}")
# --8<-- [end:tiling_run]
