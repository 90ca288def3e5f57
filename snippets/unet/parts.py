"""The four blocks a U-Net is built from: DoubleConv, Down, Up, OutConv.

The structure follows milesial/Pytorch-UNet (itself after Ronneberger et al., 2015), with
*same* padding, so that every block keeps H and W, or exactly halves or doubles them.
Shapes use torch's names: N batch, C channels, H height, W width. The argument checks are
kept apart, at the end, so that each block reads as what it computes.
"""

from __future__ import annotations

from functools import partial

import torch
from torch import nn


class DoubleConv(nn.Sequential):
    """(Conv2d 3x3, BatchNorm2d, ReLU) twice: (N, C_in, H, W) -> (N, C_out, H, W).

    padding=1 keeps H and W ("same" padding). No bias in the convolutions:
    the BatchNorm2d right after each one adds its own shift.
    """

    def __init__(self, in_channels: int, out_channels: int) -> None:
        check_positive(in_channels=in_channels, out_channels=out_channels)
        super().__init__()  # runs its modules in the order assigned
        conv3x3 = partial(nn.Conv2d, kernel_size=3, padding=1, bias=False)
        self.conv1 = conv3x3(in_channels, out_channels)
        self.norm1 = nn.BatchNorm2d(out_channels)
        self.relu1 = nn.ReLU(inplace=True)
        self.conv2 = conv3x3(out_channels, out_channels)
        self.norm2 = nn.BatchNorm2d(out_channels)
        self.relu2 = nn.ReLU(inplace=True)


class Down(nn.Sequential):
    """MaxPool2d(2), then DoubleConv: (N, C_in, H, W) -> (N, C_out, H/2, W/2)."""

    def __init__(self, in_channels: int, out_channels: int) -> None:
        super().__init__()
        self.pool = nn.MaxPool2d(kernel_size=2)
        self.conv = DoubleConv(in_channels, out_channels)


class Up(nn.Module):
    """Upsample x2 (halving the channels), concatenate the skip, DoubleConv.

    x (N, C_in, H, W), skip (N, C_in/2, 2H, 2W) -> (N, C_out, 2H, 2W).
    """

    def __init__(self, in_channels, out_channels, upsample="transpose", skip=True):
        super().__init__()
        check_up(in_channels, upsample)
        half = in_channels // 2
        if upsample == "transpose":
            self.up = nn.ConvTranspose2d(in_channels, half, 2, stride=2)
        else:  # resize-convolution
            self.up = nn.Sequential()
            self.up.resize = nn.Upsample(scale_factor=2, mode="bilinear")
            self.up.conv = nn.Conv2d(in_channels, half, 3, padding=1)
        self.skip = skip
        self.conv = DoubleConv(in_channels if skip else half, out_channels)

    def forward(self, x, skip=None):
        x = self.up(x)
        if self.skip:
            check_skip(skip, x)
            x = torch.cat([skip, x], dim=1)  # same padding: no crop needed
        return self.conv(x)


class OutConv(nn.Conv2d):
    """A 1x1 Conv2d to one logit per class: (N, C_in, H, W) -> (N, C_out, H, W).

    Nothing after it: BCEWithLogitsLoss and CrossEntropyLoss take logits.
    """

    def __init__(self, in_channels: int, out_channels: int) -> None:
        check_positive(in_channels=in_channels, out_channels=out_channels)
        super().__init__(in_channels, out_channels, kernel_size=1)


# --8<-- [start:checks]
UPSAMPLE_MODES = ("transpose", "bilinear")


def check_positive(**values: int) -> None:
    """Raise a ValueError naming the argument unless each value is an int >= 1."""
    for name, value in values.items():
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ValueError(f"{name} must be a positive int, got {value!r}")


def check_upsample(upsample: str) -> None:
    if upsample not in UPSAMPLE_MODES:
        raise ValueError(f"upsample must be one of {UPSAMPLE_MODES}, got {upsample!r}")


def check_up(in_channels: int, upsample: str) -> None:
    """Up halves its input's channels: in_channels must be even."""
    check_positive(in_channels=in_channels)
    if in_channels % 2:
        raise ValueError(f"in_channels must be even (it is halved), got {in_channels}")
    check_upsample(upsample)


def check_skip(skip: torch.Tensor | None, x: torch.Tensor) -> None:
    """The skip must have the upsampled map's H and W, to be concatenated with it."""
    if skip is None or skip.shape[-2:] != x.shape[-2:]:
        got = None if skip is None else tuple(skip.shape)
        raise ValueError(f"skip must have the upsampled size {tuple(x.shape[-2:])}, got {got}")


# --8<-- [end:checks]
