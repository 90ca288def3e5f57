"""Argument checks and output-size arithmetic for both from-scratch Conv2d.

`conv2d_geometry` refuses every configuration that `F.conv2d` refuses (torch
raises a RuntimeError; we raise a ValueError that names the bad parameter),
and otherwise returns the validated settings as (h, w) pairs with the output
size. Keeping the checks in one place means `conv2d_loops` and
`conv2d_unfold` cannot disagree about what is valid.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch


@dataclass(frozen=True)
class Conv2dGeometry:
    """Validated Conv2d settings; every spatial setting is an (h, w) pair."""

    batched: bool  # False for an unbatched (C_in, H_in, W_in) input
    batch: int  # N
    in_channels: int  # C_in
    out_channels: int  # C_out
    groups: int
    input_size: tuple[int, int]  # (H_in, W_in)
    kernel_size: tuple[int, int]  # (kH, kW)
    stride: tuple[int, int]
    # the zeros added: ((top, bottom), (left, right))
    padding: tuple[tuple[int, int], tuple[int, int]]
    dilation: tuple[int, int]
    output_size: tuple[int, int]  # (H_out, W_out)


def pair(value: int | tuple[int, int], name: str) -> tuple[int, int]:
    """(h, w) from an int or a pair of ints, as torch's `_pair` makes it.

    Like torch's convolutions, it refuses a bool or a float, which Python would
    otherwise let through as a number.
    """
    values = (
        tuple(value) if isinstance(value, tuple | list) else (value, value)
    )
    ints = all(isinstance(v, int) and not isinstance(v, bool) for v in values)
    if len(values) != 2 or not ints:
        raise ValueError(
            f"{name} must be an int or a pair of ints (h, w), got {value!r}"
        )
    return values[0], values[1]


def resolve_padding(
    padding: int | tuple[int, int] | str,
    kernel_size: tuple[int, int],
    stride: tuple[int, int],
    dilation: tuple[int, int],
) -> tuple[tuple[int, int], tuple[int, int]]:
    """((top, bottom), (left, right)) from an int, a pair, 'valid', 'same'."""
    if padding == "valid":
        return (0, 0), (0, 0)
    if padding == "same":
        if stride != (1, 1):  # torch refuses 'same' for strided convolutions
            raise ValueError(f"padding='same' needs stride=1, got {stride}")
        # dilation·(kernel_size − 1) zeros per dimension in all; an odd one
        # goes at the end (bottom, right), as in torch.
        (kh, kw), (dh, dw) = kernel_size, dilation
        th, tw = dh * (kh - 1), dw * (kw - 1)
        return (th // 2, th - th // 2), (tw // 2, tw - tw // 2)
    if isinstance(padding, str):
        raise ValueError(
            "padding must be an int, a pair, 'valid' or 'same', "
            f"got {padding!r}"
        )
    ph, pw = pair(padding, "padding")
    if ph < 0 or pw < 0:
        raise ValueError(f"padding must be >= 0, got {padding!r}")
    return (ph, ph), (pw, pw)


def conv2d_geometry(
    input: torch.Tensor,
    weight: torch.Tensor,
    bias: torch.Tensor | None = None,
    stride: int | tuple[int, int] = 1,
    padding: int | tuple[int, int] | str = 0,
    dilation: int | tuple[int, int] = 1,
    groups: int = 1,
) -> Conv2dGeometry:
    """Check F.conv2d's arguments as torch does; raise naming the bad one."""
    if input.dim() not in (3, 4):
        raise ValueError(
            "input must be 3D (C_in, H_in, W_in) or 4D (N, C_in, H_in, W_in), "
            f"got {tuple(input.shape)}"
        )
    if weight.dim() != 4:
        raise ValueError(
            "weight must be 4D (C_out, C_in/groups, kH, kW), "
            f"got {tuple(weight.shape)}"
        )
    if weight.dtype != input.dtype:
        raise ValueError(
            f"weight dtype {weight.dtype} must be input dtype {input.dtype}"
        )
    batched = input.dim() == 4
    batch = input.shape[0] if batched else 1
    in_channels, height, width = input.shape[-3:]
    out_channels, weight_in, kh, kw = weight.shape
    stride = pair(stride, "stride")
    dilation = pair(dilation, "dilation")
    if min(stride) < 1:
        raise ValueError(f"stride must be >= 1, got {stride}")
    if min(dilation) < 1:
        raise ValueError(f"dilation must be >= 1, got {dilation}")
    if not isinstance(groups, int) or groups < 1:
        raise ValueError(f"groups must be a positive int, got {groups!r}")
    if in_channels % groups or out_channels % groups:
        raise ValueError(
            f"groups={groups} must divide in_channels={in_channels} "
            f"and out_channels={out_channels}"
        )
    if weight_in != in_channels // groups:
        raise ValueError(
            "weight.shape[1] must be in_channels/groups = "
            f"{in_channels}/{groups}, got weight {tuple(weight.shape)}"
        )
    if bias is not None and tuple(bias.shape) != (out_channels,):
        raise ValueError(
            f"bias must have shape (out_channels,) = ({out_channels},), "
            f"got {tuple(bias.shape)}"
        )
    pads = resolve_padding(padding, (kh, kw), stride, dilation)
    out = []
    sizes, kernel = (height, width), (kh, kw)
    axes = ("height", "width")
    for axis, size, k, s, (before, after), d in zip(
        axes, sizes, kernel, stride, pads, dilation, strict=True
    ):
        span = d * (k - 1) + 1  # input cells one window covers, gaps included
        padded = size + before + after
        if padded < span:
            raise ValueError(
                f"kernel_size {k} (dilation {d}) spans {span} cells, but the "
                f"padded input {axis} is {padded}: use a smaller kernel_size "
                "or more padding"
            )
        out.append((padded - span) // s + 1)  # torch's output-size formula
    return Conv2dGeometry(
        batched=batched,
        batch=batch,
        in_channels=in_channels,
        out_channels=out_channels,
        groups=groups,
        input_size=sizes,
        kernel_size=kernel,
        stride=stride,
        padding=pads,
        dilation=dilation,
        output_size=(out[0], out[1]),
    )


def conv_output_size(
    size: int,
    kernel_size: int,
    stride: int = 1,
    padding: int = 0,
    dilation: int = 1,
) -> int:
    """H_out, as torch's docs give it for H_in = size:
    floor((H_in + 2·padding − dilation·(kernel_size − 1) − 1) / stride + 1)
    """
    span = dilation * (kernel_size - 1) + 1
    return (size + 2 * padding - span) // stride + 1
