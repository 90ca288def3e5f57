"""The U-Net chapter, page "A U-Net from small blocks": the four blocks, the model, and a run."""

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

# --8<-- [start:imports]
import itertools
from functools import partial

import torch
import torch.nn as nn

# --8<-- [end:imports]


# --8<-- [start:blocks_run]
torch.manual_seed(0)
x = torch.randn(2, 8, 32, 32)  # (N, C, H, W)
down, up = Down(8, 16), Up(16, 8)
print("DoubleConv:", tuple(DoubleConv(8, 16)(x).shape))
print("Down:      ", tuple(down(x).shape))
print("Up:        ", tuple(up(down(x), skip=x).shape))  # skip: the map before Down
print("OutConv:   ", tuple(OutConv(8, 2)(x).shape))
# --8<-- [end:blocks_run]


# --8<-- [start:model_run]
torch.manual_seed(0)
x = torch.randn(2, 1, 64, 64)  # (N, in_channels, H, W)
for upsample in ("transpose", "bilinear"):
    for skip in (True, False):
        model = UNet(depth=3, base_channels=8, upsample=upsample, skip=skip)
        params = sum(p.numel() for p in model.parameters())
        shape = tuple(model(x).shape)
        print(f"{upsample:9} skip={skip!s:5}  logits {shape}  params {params:,}")
# --8<-- [end:model_run]
