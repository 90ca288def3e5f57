"""Conv2d from scratch: the idea in a few lines, then F.conv2d's signature.

- `simple_conv2d`: one image, loops over the output cells; the idea.
- `simple_conv2d_unfold`: the same with F.unfold and one matrix product.
- `conv2d_loops`: explicit loops over output channels, output cells and
  kernel taps; the formula transcribed, for reading, not for speed.
- `conv2d_unfold`: im2col with `F.unfold`, then one batched matmul.

Shapes, with torch's names: input (N, C_in, H_in, W_in), or unbatched
(C_in, H_in, W_in); weight (C_out, C_in/groups, kH, kW); bias (C_out,);
output (N, C_out, H_out, W_out), or (C_out, H_out, W_out). `stride`,
`padding` and `dilation` are ints or (h, w) pairs; `padding` may also be
'valid' or 'same'. Bad arguments raise a ValueError naming the parameter
(see `checks.conv2d_geometry`).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from snippets.convolution.checks import conv2d_geometry
from snippets.convolution.receptive import window


def simple_conv2d(
    x: torch.Tensor,
    weight: torch.Tensor,
    bias: torch.Tensor,
    stride: int = 1,
    padding: int = 0,
) -> torch.Tensor:
    """Conv2d of one image: x (C_in, H, W) -> (C_out, H_out, W_out)."""
    x = F.pad(x, (padding, padding, padding, padding))  # zeros on 4 sides
    c_out, _, kh, kw = weight.shape
    h_out = (x.shape[1] - kh) // stride + 1
    w_out = (x.shape[2] - kw) // stride + 1
    out = x.new_empty(c_out, h_out, w_out)
    for i in range(h_out):
        for j in range(w_out):
            top, left = i * stride, j * stride  # the window's first cell
            patch = x[:, top : top + kh, left : left + kw]  # (C_in, kH, kW)
            # every filter times the patch, summed: one value per filter
            out[:, i, j] = (weight * patch).sum(dim=(1, 2, 3)) + bias
    return out


def simple_conv2d_unfold(
    x: torch.Tensor,
    weight: torch.Tensor,
    bias: torch.Tensor,
    stride: int = 1,
    padding: int = 0,
) -> torch.Tensor:
    """The same as `simple_conv2d`, with one matrix product."""
    c_out, _, kh, kw = weight.shape
    h_out = (x.shape[1] + 2 * padding - kh) // stride + 1
    w_out = (x.shape[2] + 2 * padding - kw) // stride + 1
    # (C_in·kH·kW, H_out·W_out): column l holds the window of output cell l
    columns = F.unfold(x[None], (kh, kw), padding=padding, stride=stride)[0]
    out = weight.view(c_out, -1) @ columns + bias[:, None]  # (C_out, L)
    return out.view(c_out, h_out, w_out)


def conv2d_loops(
    input: torch.Tensor,
    weight: torch.Tensor,
    bias: torch.Tensor | None = None,
    stride: int | tuple[int, int] = 1,
    padding: int | tuple[int, int] | str = 0,
    dilation: int | tuple[int, int] = 1,
    groups: int = 1,
) -> torch.Tensor:
    """F.conv2d with loops: out = bias + Σ over the taps of weight · input."""
    geo = conv2d_geometry(
        input, weight, bias, stride, padding, dilation, groups
    )
    x = input if geo.batched else input.unsqueeze(0)
    height, width = geo.input_size
    top_left = (geo.padding[0][0], geo.padding[1][0])
    in_per_group = geo.in_channels // geo.groups
    out_per_group = geo.out_channels // geo.groups
    out = x.new_zeros(geo.batch, geo.out_channels, *geo.output_size)
    for c_out in range(geo.out_channels):
        # filter c_out sees only the input channels of its group
        group = c_out // out_per_group
        channels = slice(group * in_per_group, (group + 1) * in_per_group)
        for i in range(geo.output_size[0]):
            for j in range(geo.output_size[1]):
                total = x.new_zeros(geo.batch)  # one sum per batch item
                if bias is not None:
                    total += bias[c_out]
                taps = window(
                    i, j, geo.kernel_size, geo.stride, top_left, geo.dilation
                )
                for m, n, row, col in taps:
                    if 0 <= row < height and 0 <= col < width:
                        # (N, C_in/groups) @ (C_in/groups,): the sum over
                        # the group's input channels
                        total += (
                            x[:, channels, row, col] @ weight[c_out, :, m, n]
                        )
                    # else the tap reads a padding zero: it adds nothing
                out[:, c_out, i, j] = total
    return out if geo.batched else out.squeeze(0)


def conv2d_unfold(
    input: torch.Tensor,
    weight: torch.Tensor,
    bias: torch.Tensor | None = None,
    stride: int | tuple[int, int] = 1,
    padding: int | tuple[int, int] | str = 0,
    dilation: int | tuple[int, int] = 1,
    groups: int = 1,
) -> torch.Tensor:
    """F.conv2d as im2col + matmul: windows become columns, filters rows."""
    geo = conv2d_geometry(
        input, weight, bias, stride, padding, dilation, groups
    )
    x = input if geo.batched else input.unsqueeze(0)
    (top, bottom), (left, right) = geo.padding
    pad = (top, left)
    if top != bottom or left != right:  # 'same' with an odd total of zeros
        x, pad = F.pad(x, (left, right, top, bottom)), (0, 0)
    # (N, C_in·kH·kW, L): one column per output cell, L = H_out·W_out.
    # The input channel is the slowest index, so each group's rows are
    # one contiguous block.
    columns = F.unfold(
        x,
        geo.kernel_size,
        dilation=geo.dilation,
        padding=pad,
        stride=geo.stride,
    )
    L = columns.shape[-1]
    columns = columns.view(geo.batch, geo.groups, -1, L)
    # each filter flattened the same way: (groups, C_out/groups, ·)
    filters = weight.reshape(geo.groups, geo.out_channels // geo.groups, -1)
    out = filters @ columns  # one batched matmul: (N, groups, C_out/groups, L)
    out = out.view(geo.batch, geo.out_channels, *geo.output_size)
    if bias is not None:
        out = out + bias.view(1, -1, 1, 1)
    return out if geo.batched else out.squeeze(0)
