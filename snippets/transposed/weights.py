"""The weight of ConvTranspose2d: the bound of its default initialisation."""

from __future__ import annotations

import math

import torch


def default_init_bound(weight: torch.Tensor) -> float:
    """The b of torch's default init, uniform in (−b, b), for a Conv2d or a
    ConvTranspose2d weight; the bias is drawn with the same b.

    torch reads fan_in = weight.size(1)·kH·kW, whatever the layer: that is
    in_channels/groups·k² for a Conv2d, but out_channels/groups·k² for a
    ConvTranspose2d. kaiming_uniform_(a=√5) then gives b = 1/√fan_in.
    """
    fan_in = weight.size(1) * weight[0, 0].numel()
    return 1 / math.sqrt(fan_in)
