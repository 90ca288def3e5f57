"""The four blocks a U-Net is built from: DoubleConv, Down, Up, OutConv.

The structure follows milesial/Pytorch-UNet (itself after Ronneberger et al., 2015), with
*same* padding, so that every block keeps H and W, or exactly halves or doubles them.
Shapes use torch's names: N batch, C channels, H height, W width.
"""

from __future__ import annotations

from functools import partial

import torch
from torch import nn

# --8<-- [start:checks]
UPSAMPLE_MODES = ("transpose", "bilinear")


def check_positive(name: str, value: int) -> None:
    """Raise a ValueError naming `name` unless value is an int >= 1."""
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ValueError(f"{name} must be a positive int, got {value!r}")


# --8<-- [end:checks]


class DoubleConv(nn.Sequential):
    """(Conv2d 3x3 -> BatchNorm2d -> ReLU) twice.

    (N, in_channels, H, W) -> (N, out_channels, H, W): padding=1 keeps
    H and W ("same" padding). The convolutions have no bias: the
    BatchNorm2d right after each one adds its own shift.
    """

    def __init__(self, in_channels: int, out_channels: int) -> None:
        check_positive("in_channels", in_channels)
        check_positive("out_channels", out_channels)
        super().__init__()  # runs its modules in the order assigned
        conv3x3 = partial(nn.Conv2d, kernel_size=3, padding=1, bias=False)
        self.conv1 = conv3x3(in_channels, out_channels)
        self.norm1 = nn.BatchNorm2d(out_channels)
        self.relu1 = nn.ReLU(inplace=True)
        self.conv2 = conv3x3(out_channels, out_channels)
        self.norm2 = nn.BatchNorm2d(out_channels)
        self.relu2 = nn.ReLU(inplace=True)


class Down(nn.Sequential):
    """MaxPool2d(2), then DoubleConv.

    (N, in_channels, H, W) -> (N, out_channels, H/2, W/2).
    """

    def __init__(self, in_channels: int, out_channels: int) -> None:
        super().__init__()
        self.pool = nn.MaxPool2d(kernel_size=2)
        self.conv = DoubleConv(in_channels, out_channels)


class Up(nn.Module):
    """Upsample x2, concatenate the skip, then DoubleConv.

    x: (N, in_channels, H, W) is upsampled to (N, in_channels // 2, 2H, 2W)
    by ConvTranspose2d(kernel_size=2, stride=2) ("transpose"), or by a
    bilinear resize and a 3x3 Conv2d ("bilinear": resize-convolution).
    With skip=True it is concatenated on the channel axis with the
    encoder's map skip: (N, in_channels // 2, 2H, 2W), so the DoubleConv
    reads in_channels channels. With skip=False the skip is ignored.
    Output: (N, out_channels, 2H, 2W).
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        upsample: str = "transpose",
        skip: bool = True,
    ) -> None:
        super().__init__()
        check_positive("in_channels", in_channels)
        if in_channels % 2:
            raise ValueError(f"in_channels must be even (it is halved), got {in_channels}")
        if upsample not in UPSAMPLE_MODES:
            raise ValueError(f"upsample must be one of {UPSAMPLE_MODES}, got {upsample!r}")
        half = in_channels // 2
        if upsample == "transpose":
            self.up: nn.Module = nn.ConvTranspose2d(in_channels, half, 2, stride=2)
        else:
            self.up = nn.Sequential()
            resize = nn.Upsample(scale_factor=2, mode="bilinear")
            self.up.add_module("resize", resize)
            self.up.add_module("conv", nn.Conv2d(in_channels, half, 3, padding=1))
        self.skip = skip
        self.conv = DoubleConv(in_channels if skip else half, out_channels)

    def forward(
        self,
        x: torch.Tensor,
        skip: torch.Tensor | None = None,
    ) -> torch.Tensor:
        x = self.up(x)
        if self.skip:
            if skip is None or skip.shape[-2:] != x.shape[-2:]:
                got = None if skip is None else tuple(skip.shape)
                size = tuple(x.shape[-2:])
                raise ValueError(f"skip must have the upsampled size {size}, got {got}")
            # Copy, no crop: same padding kept both maps the same size.
            x = torch.cat([skip, x], dim=1)
        return self.conv(x)


class OutConv(nn.Conv2d):
    """A 1x1 Conv2d to one logit per class.

    (N, in_channels, H, W) -> (N, out_channels, H, W). No activation
    after it: BCEWithLogitsLoss applies the sigmoid itself, stably.
    """

    def __init__(self, in_channels: int, out_channels: int) -> None:
        check_positive("in_channels", in_channels)
        check_positive("out_channels", out_channels)
        super().__init__(in_channels, out_channels, kernel_size=1)
