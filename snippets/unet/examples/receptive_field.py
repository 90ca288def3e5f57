"""The U-Net chapter, page "The receptive field": measured with autograd, and by the recurrence."""

from snippets.unet.article import ArticleUNet, MinimalUNet
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
from snippets.unet.receptive_field import (
    POINTWISE,
    READS,
    linearised,
    receptive_field,
    receptive_field_recurrence,
    square_side,
)

# --8<-- [start:imports]
import copy
import itertools
import math
from fractions import Fraction
from functools import partial

import torch
import torch.nn as nn

# --8<-- [end:imports]


# --8<-- [start:probe_run]
torch.manual_seed(0)
models = {
    "article's model": ArticleUNet(),
    "minimal U-Net": MinimalUNet(),
    "U-Net, depth 3": UNet(depth=3, base_channels=8),
}
for name, model in models.items():
    print(f"{name:16} {receptive_field(model, size=128)} pixels")
# --8<-- [end:probe_run]


# --8<-- [start:recurrence_run]
for name, model in models.items():
    print(f"{name:16} recurrence {receptive_field_recurrence(model):g}")
unet = models["U-Net, depth 3"]
fields = [receptive_field(unet, size=128, pixel=p) for p in range(56, 64)]
print("probe at pixels 56 to 63:", fields)
mean = sum(fields) / len(fields)
print("their mean == the recurrence:", mean == receptive_field_recurrence(unet))
# --8<-- [end:recurrence_run]
