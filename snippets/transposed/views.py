"""Four from-scratch views of F.conv_transpose2d: the idea, then in full.

The idea of each view takes one channel, (H, W) tensors and no padding:
`scatter`, `unrolled_conv_matrix` (with the product on the page) and
`zero_insert`. The full versions take F.conv_transpose2d's signature and
return what it returns: input (N, in_channels, H_in, W_in) and weight
(in_channels, out_channels / groups, kH, kW) give (N, out_channels, H_out,
W_out), with H_out = (H_in − 1)·stride − 2·padding + dilation·(kH − 1)
+ output_padding + 1 (W likewise).
"""

from __future__ import annotations

import itertools

import torch
import torch.nn.functional as F

from snippets.convolution.checks import pair
from snippets.transposed.checks import check_args
from snippets.transposed.shapes import conv_output_size


def scatter(
    x: torch.Tensor, kernel: torch.Tensor, stride: int = 1, dilation: int = 1
) -> torch.Tensor:
    """View 1, the idea: each pixel of x adds kernel · x[i, j] to the output.

    x: (H, W), kernel: (kH, kW), no padding; the output is
    ((H − 1)·stride + dilation·(kH − 1) + 1, likewise for W).
    """
    (h, w), (kh, kw) = x.shape, kernel.shape
    span_h, span_w = dilation * (kh - 1) + 1, dilation * (kw - 1) + 1
    out = x.new_zeros((h - 1) * stride + span_h, (w - 1) * stride + span_w)
    for i, j in itertools.product(range(h), range(w)):
        top, left = i * stride, j * stride  # the stamp's corner
        # The kernel's taps land `dilation` apart, from the corner on.
        rows = slice(top, top + span_h, dilation)
        cols = slice(left, left + span_w, dilation)
        out[rows, cols] += x[i, j] * kernel
    return out


def unrolled_conv_matrix(
    kernel: torch.Tensor, input_size: tuple[int, int], stride: int = 1
) -> torch.Tensor:
    """View 2, the idea: the matrix C of a one-channel conv2d, no padding.

    Row (i, j) of C holds the kernel, laid on the input pixels that output
    pixel (i, j) sums over; so conv2d(x).flatten() == C @ x.flatten().
    """
    (kh, kw), (h, w) = kernel.shape, input_size
    h_out, w_out = (h - kh) // stride + 1, (w - kw) // stride + 1
    C = kernel.new_zeros(h_out, w_out, h, w)
    for i, j in itertools.product(range(h_out), range(w_out)):
        top, left = i * stride, j * stride  # the window of output pixel (i, j)
        C[i, j, top : top + kh, left : left + kw] = kernel
    return C.reshape(h_out * w_out, h * w)


def zero_insert(
    x: torch.Tensor, kernel: torch.Tensor, stride: int = 1
) -> torch.Tensor:
    """View 4, the idea: insert zeros, pad, convolve with the flipped kernel.

    x: (H, W), kernel: (kH, kW), no padding; the same output as `scatter`.
    """
    (h, w), (kh, kw) = x.shape, kernel.shape
    stuffed = x.new_zeros((h - 1) * stride + 1, (w - 1) * stride + 1)
    stuffed[::stride, ::stride] = x  # stride − 1 zeros between pixels
    padded = F.pad(stuffed, (kw - 1, kw - 1, kh - 1, kh - 1))
    flipped = kernel.flip(0, 1)
    return F.conv2d(padded[None, None], flipped[None, None])[0, 0]


def conv_transpose2d_scatter(
    input: torch.Tensor,
    weight: torch.Tensor,
    bias: torch.Tensor | None = None,
    stride: int | tuple[int, int] = 1,
    padding: int | tuple[int, int] = 0,
    output_padding: int | tuple[int, int] = 0,
    groups: int = 1,
    dilation: int | tuple[int, int] = 1,
) -> torch.Tensor:
    """View 1: each input pixel stamps the kernel, times its value."""
    a = check_args(
        input, weight, bias, stride, padding, output_padding, groups, dilation
    )
    (sh, sw), (ph, pw), (dh, dw) = a.stride, a.padding, a.dilation
    (kh, kw), (h_out, w_out) = a.kernel_size, a.output_size
    n, c_in, h_in, w_in = input.shape
    # Room for every stamp and output_padding; `padding` is cropped at the end.
    canvas = input.new_zeros(n, a.out_channels, h_out + 2 * ph, w_out + 2 * pw)
    # (groups, in_channels / groups, out_channels / groups, kH, kW)
    w_grouped = weight.reshape(a.groups, c_in // a.groups, -1, kh, kw)
    for i, j in itertools.product(range(h_in), range(w_in)):
        # (N, groups, in_channels / groups)
        pixel = input[:, :, i, j].reshape(n, a.groups, -1)
        # Each input channel scales its kernel; a group's channels add up.
        stamp = torch.einsum("ngc,gcokl->ngokl", pixel, w_grouped)
        stamp = stamp.reshape(n, a.out_channels, kh, kw)
        # Its corner is at (i·stride, j·stride); its taps, dilation apart.
        rows = slice(i * sh, i * sh + dh * (kh - 1) + 1, dh)
        cols = slice(j * sw, j * sw + dw * (kw - 1) + 1, dw)
        canvas[:, :, rows, cols] += stamp
    out = canvas[:, :, ph : ph + h_out, pw : pw + w_out]
    return out if bias is None else out + bias.view(1, -1, 1, 1)


def conv_matrix(
    weight: torch.Tensor,
    input_size: tuple[int, int],
    stride: int | tuple[int, int] = 1,
    padding: int | tuple[int, int] = 0,
    dilation: int | tuple[int, int] = 1,
    groups: int = 1,
    output_size: tuple[int, int] | None = None,
) -> torch.Tensor:
    """The matrix C of F.conv2d(x, weight, None, stride, padding, dilation,
    groups), for x: (in_channels, H_in, W_in).

    weight: (out_channels, in_channels / groups, kH, kW).
    C: (out_channels·H_out·W_out, in_channels·H_in·W_in), and
    conv2d(x).flatten() == C @ x.flatten(). output_size (H_out, W_out) sets
    the grid of rows; by default it is Conv2d's output size.
    """
    (sh, sw), (ph, pw) = pair(stride, "stride"), pair(padding, "padding")
    dh, dw = pair(dilation, "dilation")
    c_out, c_in_g, kh, kw = weight.shape  # c_in_g: input channels per group
    c_out_g = c_out // groups
    h_in, w_in = input_size
    if output_size is None:
        output_size = (
            conv_output_size(h_in, kh, sh, ph, dh),
            conv_output_size(w_in, kw, sw, pw, dw),
        )
    h_out, w_out = output_size
    C = weight.new_zeros(c_out, h_out, w_out, c_in_g * groups, h_in, w_in)
    taps = itertools.product(range(h_out), range(w_out), range(kh), range(kw))
    for i, j, u, v in taps:
        # The input pixel under tap (u, v) of the kernel at output (i, j):
        row, col = i * sh - ph + u * dh, j * sw - pw + v * dw
        if not (0 <= row < h_in and 0 <= col < w_in):
            continue  # a tap on the zero padding adds nothing
        for g in range(groups):  # a group's outputs see only its own inputs
            outs = slice(g * c_out_g, (g + 1) * c_out_g)
            ins = slice(g * c_in_g, (g + 1) * c_in_g)
            C[outs, i, j, ins, row, col] = weight[outs, :, u, v]
    return C.reshape(c_out * h_out * w_out, -1)


def conv_transpose2d_matrix(
    input: torch.Tensor,
    weight: torch.Tensor,
    bias: torch.Tensor | None = None,
    stride: int | tuple[int, int] = 1,
    padding: int | tuple[int, int] = 0,
    output_padding: int | tuple[int, int] = 0,
    groups: int = 1,
    dilation: int | tuple[int, int] = 1,
) -> torch.Tensor:
    """View 2: multiply by Cᵀ, the transpose of the conv2d with this weight.

    As a Conv2d weight, `weight` maps out_channels to in_channels: its
    matrix C maps the size (H_out, W_out) to (H_in, W_in), and Cᵀ maps back.
    """
    a = check_args(
        input, weight, bias, stride, padding, output_padding, groups, dilation
    )
    n = input.shape[0]
    # C's rows are the input's pixels. (With output_padding >= stride, which
    # dilation > stride allows, the Conv2d has extra output rows: unused.)
    args = (a.stride, a.padding, a.dilation, a.groups)
    C = conv_matrix(weight, a.output_size, *args, output_size=input.shape[2:])
    columns = input.reshape(n, -1).T  # one column per batch item
    out = (C.T @ columns).T.reshape(n, a.out_channels, *a.output_size)
    return out if bias is None else out + bias.view(1, -1, 1, 1)


def conv_transpose2d_grad(
    input: torch.Tensor,
    weight: torch.Tensor,
    bias: torch.Tensor | None = None,
    stride: int | tuple[int, int] = 1,
    padding: int | tuple[int, int] = 0,
    output_padding: int | tuple[int, int] = 0,
    groups: int = 1,
    dilation: int | tuple[int, int] = 1,
) -> torch.Tensor:
    """View 3: the gradient of conv2d with respect to its input.

    `input` plays the upstream gradient, dL/dy, where y is conv2d's output.
    """
    a = check_args(
        input, weight, bias, stride, padding, output_padding, groups, dilation
    )
    args = (a.stride, a.padding, a.dilation, a.groups)
    with torch.enable_grad():
        # conv2d is linear in x: its gradient does not depend on x.
        x = input.new_zeros(input.shape[0], a.out_channels, *a.output_size)
        x.requires_grad_()
        y = F.conv2d(x, weight.detach(), None, *args)
        h_in, w_in = input.shape[2:]
        y = y[:, :, :h_in, :w_in]  # extra rows: see view 2
        (out,) = torch.autograd.grad(y, x, grad_outputs=input.detach())
    return out if bias is None else out + bias.view(1, -1, 1, 1)


def conv_transpose2d_zero_insert(
    input: torch.Tensor,
    weight: torch.Tensor,
    bias: torch.Tensor | None = None,
    stride: int | tuple[int, int] = 1,
    padding: int | tuple[int, int] = 0,
    output_padding: int | tuple[int, int] = 0,
    groups: int = 1,
    dilation: int | tuple[int, int] = 1,
) -> torch.Tensor:
    """View 4: a stride-1 convolution of the input, zeros inserted, padded."""
    a = check_args(
        input, weight, bias, stride, padding, output_padding, groups, dilation
    )
    (sh, sw), (ph, pw), (dh, dw) = a.stride, a.padding, a.dilation
    (kh, kw), (oph, opw) = a.kernel_size, a.output_padding
    n, c_in, h_in, w_in = input.shape
    # 1. stride − 1 zeros between neighbouring pixels.
    h_stuffed, w_stuffed = (h_in - 1) * sh + 1, (w_in - 1) * sw + 1
    stuffed = input.new_zeros(n, c_in, h_stuffed, w_stuffed)
    stuffed[:, :, ::sh, ::sw] = input
    # 2. dilation·(kernel_size − 1) − padding zeros on each side (F.pad
    #    crops where that is negative), and output_padding more at the
    #    bottom and the right.
    top, left = dh * (kh - 1) - ph, dw * (kw - 1) - pw
    padded = F.pad(stuffed, (left, left + opw, top, top + oph))
    # 3. Within each group, swap in and out channels, (in, out/groups, kH,
    #    kW) -> (out, in/groups, kH, kW), and flip the kernel.
    g = a.groups
    w = weight.reshape(g, c_in // g, -1, kh, kw).transpose(1, 2)
    w = w.reshape(a.out_channels, c_in // g, kh, kw).flip(-2, -1)
    return F.conv2d(padded, w, bias, stride=1, dilation=a.dilation, groups=g)
