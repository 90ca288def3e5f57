"""The U-Net chapter, page "The layer summary table": every layer's shapes, measured with hooks; MACs per level."""

from snippets.unet.layer_table import LayerRow, conv_macs, layer_row, layer_summary, record, setting
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
import math
from dataclasses import dataclass
from functools import partial

import torch
import torch.nn as nn

# --8<-- [end:imports]


# --8<-- [start:summary_run]
model = UNet(in_channels=1, out_channels=1, depth=3, base_channels=8)
rows = layer_summary(model, (1, 1, 64, 64))
total = sum(row.parameters for row in rows)
print(len(rows), "layers; total parameters:", f"{total:,}")
print("== sum(p.numel()):", total == sum(p.numel() for p in model.parameters()))
output = model.eval()(torch.zeros(1, 1, 64, 64))
print("last row == model(x).shape:", rows[-1].output_shape == output.shape)
# The first up-step: ConvTranspose2d, then the conv after the concatenation.
for row in rows[27:29]:
    print(f"{row.name:16} {row.kind:15} {row.input_shape} -> {row.output_shape}")
# --8<-- [end:summary_run]


# --8<-- [start:macs_run]
macs, params = {}, {}  # by the side of the map a layer writes
for row in rows:
    side = row.output_shape[-1]
    macs[side] = macs.get(side, 0) + row.macs
    params[side] = params.get(side, 0) + row.parameters
for side in macs:
    print(f"{side:2} x {side:<2}: {macs[side] / 1e6:4.1f} M MACs, {params[side]:6,} params")
# --8<-- [end:macs_run]
