"""The receptive field of one output pixel: measured with autograd, and by the recurrence."""

from __future__ import annotations

import copy
import math
from fractions import Fraction

import torch
from torch import nn


def linearised(model: nn.Module) -> nn.Module:
    """A copy of the model, linear: ReLU -> identity, MaxPool2d -> AvgPool2d.

    Then no gradient is zero by chance (a ReLU that is off, a max that
    lost), and every input pixel in the field gets a nonzero gradient.
    """
    probe = copy.deepcopy(model).eval()
    for name, module in list(probe.named_modules()):
        parent, _, attr = name.rpartition(".")
        if isinstance(module, nn.ReLU):
            setattr(probe.get_submodule(parent), attr, nn.Identity())
        elif isinstance(module, nn.MaxPool2d):
            pool = nn.AvgPool2d(module.kernel_size, module.stride)
            setattr(probe.get_submodule(parent), attr, pool)
    return probe


def receptive_field(model: nn.Module, size: int, pixel: int | None = None) -> int:
    """How many input columns can change output pixel (size // 2, pixel).

    pixel: the centre column by default. The input is (1, C_in, size, size).
    """
    probe = linearised(model)
    channels = next(m for m in probe.modules() if isinstance(m, nn.Conv2d)).in_channels
    x = torch.randn(1, channels, size, size, requires_grad=True)
    pixel = size // 2 if pixel is None else pixel
    probe(x)[0, 0, size // 2, pixel].backward()
    reached = x.grad[0].abs().sum(dim=(0, 1)) > 0  # columns that got a gradient
    return int(reached.sum())


def receptive_field_recurrence(model: nn.Module) -> float:
    """The receptive field by the recurrence r += (k - 1) * j, j *= s.

    r: the field; j: the jump, in input pixels, between neighbouring
    features. The layers are taken in the order they are registered: for
    this chapter's models, the longest path, through the bottom level.
    Going up, j /= s, and each output reads ceil(k / s) inputs.
    """
    r, j = Fraction(1), Fraction(1)
    for module in model.modules():
        if list(module.children()) or isinstance(module, POINTWISE):
            continue
        if isinstance(module, nn.Conv2d | nn.MaxPool2d | nn.AvgPool2d):
            k, s, d = (square_side(module, name) for name in ("kernel_size", "stride", "dilation"))
            r, j = r + d * (k - 1) * j, j * s
        elif isinstance(module, nn.ConvTranspose2d):
            k, s = square_side(module, "kernel_size"), square_side(module, "stride")
            r, j = r + (math.ceil(k / s) - 1) * j, j / s
        elif isinstance(module, nn.Upsample) and module.scale_factor == 2 and module.mode in READS:
            r, j = r + (READS[module.mode] - 1) * j, j / 2
        else:
            raise ValueError(f"model: cannot follow the field through {type(module).__name__}")
    return float(r)


# --8<-- [start:helpers]
# Layers that act on each pixel alone: they leave the receptive field as it is.
POINTWISE = (nn.ReLU, nn.BatchNorm2d, nn.Identity, nn.Dropout, nn.Dropout2d)
READS = {"nearest": 1, "bilinear": 2}  # inputs that one output of a x2 nn.Upsample reads


def square_side(module: nn.Module, name: str) -> int:
    """kernel_size, stride or dilation of a square 2-D layer, as one int."""
    value = getattr(module, name, 1)
    value = (value, value) if isinstance(value, int) else tuple(value)
    if value[0] != value[1]:
        raise ValueError(f"model: {type(module).__name__} has a non-square {name} {value}")
    return value[0]


# --8<-- [end:helpers]
