"""Generated tables of the Transposed Convolution page, each checked against torch as it is built."""

from __future__ import annotations

import itertools

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.flop_counter import FlopCounterMode

from snippets.markdown import table
from snippets.transposed.fixes import nearest_conv_as_transposed
from snippets.transposed.shapes import (
    conv_output_size,
    conv_transpose_output_size,
)
from snippets.transposed.subpixel import subpixel_as_transposed

# (H_in, kernel_size, stride, padding, dilation, output_padding, what the row shows)
WORKED = [
    (28, 3, 1, 1, 1, 0, "the article's layer: no upsampling"),
    (2, 3, 1, 0, 1, 0, "stride 1, no padding: a full convolution"),
    (14, 4, 2, 1, 1, 0, "×2; FCN's bilinear kernel"),
    (14, 2, 2, 0, 1, 0, "×2, no overlap (the article's U-Net)"),
    (4, 3, 2, 1, 1, 0, "shape of 7 → 4, undone"),
    (4, 3, 2, 1, 1, 1, "shape of 8 → 4, undone"),
    (14, 3, 2, 1, 1, 1, "×2 with an odd kernel"),
    (7, 3, 2, 0, 1, 0, "no padding: 2·H_in + 1"),
    (8, 8, 4, 2, 1, 0, "×4; FCN's bilinear kernel"),
    (5, 3, 1, 0, 2, 1, "output_padding ≥ stride: no way back"),
]


def _torch_output_size(
    h_in: int, k: int, s: int, p: int, d: int, op: int
) -> int:
    x, w = torch.zeros(1, 1, h_in, h_in), torch.zeros(1, 1, k, k)
    return F.conv_transpose2d(
        x, w, stride=s, padding=p, output_padding=op, dilation=d
    ).shape[-1]


def _worked(h_in: int, k: int, s: int, p: int, d: int, op: int) -> str:
    """The formula's terms as numbers: (H_in − 1)·stride − 2·padding + dilation·(k − 1) + op + 1."""
    return f"{(h_in - 1) * s} − {2 * p} + {d * (k - 1)} + {op} + 1"


def _arguments(k: int, s: int, p: int, d: int, op: int) -> str:
    """The ConvTranspose2d arguments of a row, as code, leaving out those at their default."""
    args = [f"kernel_size={k}", f"stride={s}"]
    args += [
        f"{name}={v}"
        for name, v, default in [
            ("padding", p, 0),
            ("dilation", d, 1),
            ("output_padding", op, 0),
        ]
        if v != default
    ]
    return "`" + ", ".join(args) + "`"


def worked_shapes() -> str:
    """The output size of each worked configuration: by the formula, worked out, and by torch."""
    rows = []
    for h_in, k, s, p, d, op, note in WORKED:
        h_out = conv_transpose_output_size(h_in, k, s, p, d, op)
        by_torch = _torch_output_size(h_in, k, s, p, d, op)
        if h_out != by_torch:
            raise AssertionError(
                f"formula gives {h_out}, torch gives {by_torch} for {(h_in, k, s, p, d, op)}"
            )
        # The Conv2d with the same arguments, applied to the output:
        back = conv_output_size(h_out, k, s, p, d)
        back_by_torch = F.conv2d(
            torch.zeros(1, 1, h_out, h_out),
            torch.zeros(1, 1, k, k),
            None,
            s,
            p,
            d,
        ).shape[-1]
        if back != back_by_torch:
            raise AssertionError(
                f"Conv2d back: formula gives {back}, torch gives {back_by_torch}"
            )
        worked = f"{_worked(h_in, k, s, p, d, op)} = **{h_out}**"
        rows.append([h_in, _arguments(k, s, p, d, op), worked, back, note])
    header = [
        "$H_{in}$",
        "arguments",
        "$H_{out}$, worked out",
        "Conv2d back",
        "what it shows",
    ]
    return table(header, rows, "rllrl")


def _macs_per_input_pixel_and_pair(
    layer: nn.Module, c: int, size: int
) -> float:
    """Multiply-accumulates of one forward pass, per input pixel and channel pair, as torch counts them."""
    with FlopCounterMode(display=False) as counter:
        layer(torch.zeros(1, c, size, size, dtype=torch.float64))
    return counter.get_total_flops() / 2 / (c * c * size * size)


def _support(layer: nn.Module, size: int) -> set[tuple[int, int]]:
    """(rows, cols) of the input pixels that each of the 2 × 2 output phases away from the border depends on."""
    shapes = set()
    for a, b in itertools.product(range(2), range(2)):
        x = torch.randn(
            1, 1, size, size, dtype=torch.float64, requires_grad=True
        )
        (grad,) = torch.autograd.grad(layer(x)[0, 0, size + a, size + b], x)
        rows, cols = grad[0, 0].abs().gt(0).nonzero(as_tuple=True)
        shapes.add(
            (
                int(rows.max() - rows.min()) + 1,
                int(cols.max() - cols.min()) + 1,
            )
        )
    return shapes


# label, builder for C channels, its ConvTranspose2d form (weight, stride, padding) as code and as a function
UPSAMPLER_COSTS = [
    (
        "`ConvTranspose2d`, kernel 2",
        lambda c: nn.ConvTranspose2d(c, c, 2, stride=2, bias=False),
        "k2 s2",
        lambda m: (m.weight, 2, 0),
    ),
    (
        "`ConvTranspose2d`, kernel 4",
        lambda c: nn.ConvTranspose2d(c, c, 4, stride=2, padding=1, bias=False),
        "k4 s2 p1",
        lambda m: (m.weight, 2, 1),
    ),
    (
        "nearest ×2, then `Conv2d` 3×3",
        lambda c: nn.Sequential(
            nn.Upsample(scale_factor=2),
            nn.Conv2d(c, c, 3, padding=1, bias=False),
        ),
        "k4 s2 p1, tied",
        lambda m: (nearest_conv_as_transposed(m[1].weight), 2, 1),
    ),
    (
        "`Conv2d` 3×3 to 4·C, then `PixelShuffle(2)`",
        lambda c: nn.Sequential(
            nn.Conv2d(c, 4 * c, 3, padding=1, bias=False), nn.PixelShuffle(2)
        ),
        "k6 s2 p2",
        lambda m: (subpixel_as_transposed(m[0].weight), 2, 2),
    ),
]


def upsampler_costs() -> str:
    """What each ×2 upsampler spends and buys, per channel pair, each number measured with torch.

    MACs from torch's FlopCounterMode; the support from autograd; the free weights from the
    parameters; and each layer checked equal to its ConvTranspose2d form (float64).
    """
    c, size = 2, 6
    rows = []
    for label, build, form, as_transposed in UPSAMPLER_COSTS:
        torch.manual_seed(0)
        layer = build(c).double()
        x = torch.randn(2, c, size, size, dtype=torch.float64)
        with torch.no_grad():
            weight, stride, padding = as_transposed(layer)
            out = layer(x)
            by_conv_t = F.conv_transpose2d(
                x, weight, stride=stride, padding=padding
            )
        same = torch.allclose(out, by_conv_t, rtol=0, atol=1e-12)
        if out.shape != (2, c, 2 * size, 2 * size) or not same:
            raise AssertionError(f"{label} is not the ConvTranspose2d {form}")
        free = sum(p.numel() for p in layer.parameters()) // (c * c)
        taps = weight.shape[-1] * weight.shape[-2]
        macs = _macs_per_input_pixel_and_pair(layer, c, size)
        torch.manual_seed(0)
        support = _support(build(1).double(), size)
        if len(support) != 1:
            raise AssertionError(
                f"{label}: the phases see different supports {support}"
            )
        ((h, w),) = support
        rows.append(
            [
                label,
                form,
                f"{free} of {taps}",
                f"{h} × {w}",
                f"{macs:g}",
                f"{macs / 4:g}",
            ]
        )
    header = [
        "layer",
        "as a transposed conv.",
        "free weights, of its taps",
        "input pixels per output pixel",
        "MACs per input pixel",
        "MACs per output pixel",
    ]
    return table(header, rows, "llrrrr")
