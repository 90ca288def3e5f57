"""The ×2 upsampling choices the benchmark compares, and how much work each one does.

Every upsampling variant maps (N, C, H, W) to (N, C, 2H, 2W); the Conv2d 3×3 baseline keeps
(N, C, H, W). The memory-bound components (a resize alone, a PixelShuffle alone) are timed
too, so the page can say where the time of a composite variant goes.

Counting rules (stated on the page):
- FLOPs = 2 × MACs of the convolution parts only (a resize or a shuffle adds no FLOPs);
- MACs are the dense count a library runs: for Conv2d every output pixel × in_channels/groups
  × kh × kw (taps on zero padding included); for ConvTranspose2d every input pixel ×
  out_channels/groups × kh × kw (taps cropped away by `padding` included). This is also
  `torch.utils.flop_counter`'s rule, which the tests use as a cross-check;
- bytes = what the unfused ops must at least read and write: each op's input and output
  once, plus the weights and bias.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch import Tensor

from snippets.transposed.fixes import nearest_conv_as_transposed


def conv2d_macs(n: int, in_channels: int, out_channels: int, out_hw: int, kernel_size: int, groups: int = 1) -> int:
    """Dense Conv2d MACs: n · out_channels · out_hw · (in_channels / groups) · kernel_size²,
    with `out_hw` = H_out · W_out (taps on zero padding included)."""
    return n * out_channels * out_hw * (in_channels // groups) * kernel_size**2


def conv_transpose2d_macs(
    n: int, in_channels: int, out_channels: int, in_hw: int, kernel_size: int, groups: int = 1
) -> int:
    """Dense ConvTranspose2d MACs: n · in_channels · in_hw · (out_channels / groups) · kernel_size²,
    with `in_hw` = H_in · W_in (taps that `padding` crops away included)."""
    return n * in_channels * in_hw * (out_channels // groups) * kernel_size**2


@dataclass(frozen=True)
class Step:
    """One op of a variant: its MACs and the elements it reads and writes (weights apart)."""

    op: str
    macs: int
    read: int
    written: int
    weights: int = 0


def conv_step(n: int, cin: int, cout: int, h: int, w: int, k: int) -> Step:
    """Conv2d(cin, cout, k, padding=k // 2) on an (n, cin, h, w) input: same-size output."""
    return Step(
        "conv2d", conv2d_macs(n, cin, cout, h * w, k), n * cin * h * w, n * cout * h * w, cout * cin * k * k + cout
    )


def conv_transpose_step(n: int, c: int, h: int, w: int, k: int) -> Step:
    """ConvTranspose2d(c, c, k, stride=2, ...) from (n, c, h, w) to (n, c, 2h, 2w)."""
    return Step(
        "conv_transpose2d",
        conv_transpose2d_macs(n, c, c, h * w, k),
        n * c * h * w,
        4 * n * c * h * w,
        c * c * k * k + c,
    )


def resize_step(n: int, c: int, h: int, w: int, mode: str) -> Step:
    """A ×2 resize: reads (n, c, h, w), writes (n, c, 2h, 2w); no FLOPs are counted."""
    return Step(f"{mode} resize", 0, n * c * h * w, 4 * n * c * h * w)


def shuffle_step(n: int, c: int, h: int, w: int) -> Step:
    """PixelShuffle(2) from (n, 4c, h, w) to (n, c, 2h, 2w): a pure permutation of the elements."""
    return Step("pixel_shuffle", 0, 4 * n * c * h * w, 4 * n * c * h * w)


def fold_step(c: int) -> Step:
    """Folding a (c, c, 3, 3) kernel into the tied (c, c, 4, 4) one: it reads and writes weights only,
    and its few FLOPs are not counted (see `fold_flops`)."""
    return Step("fold 3×3 to 4×4", 0, 0, 0, c * c * (9 + 16))


@dataclass(frozen=True)
class Variant:
    """One way to get from (N, C, H, W) to (N, C, 2H, 2W) (or the baseline's (N, C, H, W))."""

    name: str  # the key in the saved results
    label: str  # what the page, its tables and its plots call it (the one place it is written)
    definition: str  # the torch code that builds it, with C = channels
    build: Callable[[int], nn.Module]
    steps: Callable[[int, int, int, int], list[Step]]
    upsamples: bool = True
    in_channels_factor: int = 1  # PixelShuffle alone takes 4·C channels in

    def input_shape(self, n: int, c: int, h: int, w: int) -> tuple[int, int, int, int]:
        return (n, c * self.in_channels_factor, h, w)

    def output_shape(self, n: int, c: int, h: int, w: int) -> tuple[int, int, int, int]:
        return (n, c, 2 * h, 2 * w) if self.upsamples else (n, c, h, w)

    def macs(self, n: int, c: int, h: int, w: int) -> int:
        return sum(s.macs for s in self.steps(n, c, h, w))

    def flops(self, n: int, c: int, h: int, w: int, backward: bool = False) -> int:
        """2 · MACs of the conv parts; with backward, 3× (grad of input and of weight cost one forward each)."""
        return 2 * self.macs(n, c, h, w) * (3 if backward else 1)

    def bytes(self, n: int, c: int, h: int, w: int, itemsize: int) -> int:
        """Minimum forward traffic of the unfused ops, in bytes: each op's input and output once,
        plus the weights and bias."""
        steps = self.steps(n, c, h, w)
        return itemsize * sum(s.read + s.written + s.weights for s in steps)


def _upsample_conv(mode: str) -> Callable[[int], nn.Module]:
    def build(c: int) -> nn.Module:
        return nn.Sequential(nn.Upsample(scale_factor=2, mode=mode), nn.Conv2d(c, c, 3, padding=1))

    return build


UPSAMPLERS: list[Variant] = [
    Variant(
        "conv3x3",
        "Conv2d 3×3 (no upsampling)",
        "nn.Conv2d(C, C, 3, padding=1)",
        lambda c: nn.Conv2d(c, c, 3, padding=1),
        lambda n, c, h, w: [conv_step(n, c, c, h, w, 3)],
        upsamples=False,
    ),
    Variant(
        "convT_k2s2",
        "ConvTranspose2d k2 s2",
        "nn.ConvTranspose2d(C, C, 2, stride=2)",
        lambda c: nn.ConvTranspose2d(c, c, 2, stride=2),
        lambda n, c, h, w: [conv_transpose_step(n, c, h, w, 2)],
    ),
    Variant(
        "convT_k3s2",
        "ConvTranspose2d k3 s2 p1 op1",
        "nn.ConvTranspose2d(C, C, 3, stride=2, padding=1, output_padding=1)",
        lambda c: nn.ConvTranspose2d(c, c, 3, stride=2, padding=1, output_padding=1),
        lambda n, c, h, w: [conv_transpose_step(n, c, h, w, 3)],
    ),
    Variant(
        "convT_k4s2",
        "ConvTranspose2d k4 s2 p1",
        "nn.ConvTranspose2d(C, C, 4, stride=2, padding=1)",
        lambda c: nn.ConvTranspose2d(c, c, 4, stride=2, padding=1),
        lambda n, c, h, w: [conv_transpose_step(n, c, h, w, 4)],
    ),
    Variant(
        "nearest_conv",
        "nearest ×2 + Conv2d 3×3",
        "nn.Sequential(nn.Upsample(scale_factor=2, mode='nearest'), nn.Conv2d(C, C, 3, padding=1))",
        _upsample_conv("nearest"),
        lambda n, c, h, w: [resize_step(n, c, h, w, "nearest"), conv_step(n, c, c, 2 * h, 2 * w, 3)],
    ),
    Variant(
        "nearest_conv_folded",
        "nearest ×2 + Conv2d 3×3, folded",
        "FoldedNearestConv(nn.Conv2d(C, C, 3, padding=1))",
        lambda c: FoldedNearestConv(nn.Conv2d(c, c, 3, padding=1)),
        lambda n, c, h, w: [fold_step(c), conv_transpose_step(n, c, h, w, 4)],
    ),
    Variant(
        "bilinear_conv",
        "bilinear ×2 + Conv2d 3×3",
        "nn.Sequential(nn.Upsample(scale_factor=2, mode='bilinear'), nn.Conv2d(C, C, 3, padding=1))",
        _upsample_conv("bilinear"),
        lambda n, c, h, w: [resize_step(n, c, h, w, "bilinear"), conv_step(n, c, c, 2 * h, 2 * w, 3)],
    ),
    Variant(
        "pixel_shuffle",
        "Conv2d 3×3 to 4C + PixelShuffle(2)",
        "nn.Sequential(nn.Conv2d(C, 4 * C, 3, padding=1), nn.PixelShuffle(2))",
        lambda c: nn.Sequential(nn.Conv2d(c, 4 * c, 3, padding=1), nn.PixelShuffle(2)),
        lambda n, c, h, w: [conv_step(n, c, 4 * c, h, w, 3), shuffle_step(n, c, h, w)],
    ),
]

# The parts of the composite variants that do no arithmetic: timed alone, reported in GB/s.
COMPONENTS: list[Variant] = [
    Variant(
        "nearest_only",
        "nearest ×2 alone",
        "nn.Upsample(scale_factor=2, mode='nearest')",
        lambda c: nn.Upsample(scale_factor=2, mode="nearest"),
        lambda n, c, h, w: [resize_step(n, c, h, w, "nearest")],
    ),
    Variant(
        "bilinear_only",
        "bilinear ×2 alone",
        "nn.Upsample(scale_factor=2, mode='bilinear')",
        lambda c: nn.Upsample(scale_factor=2, mode="bilinear"),
        lambda n, c, h, w: [resize_step(n, c, h, w, "bilinear")],
    ),
    Variant(
        "shuffle_only",
        "PixelShuffle(2) alone, from 4C",
        "nn.PixelShuffle(2)",
        lambda c: nn.PixelShuffle(2),
        lambda n, c, h, w: [shuffle_step(n, c, h, w)],
        in_channels_factor=4,
    ),
]

ALL_VARIANTS: dict[str, Variant] = {v.name: v for v in [*UPSAMPLERS, *COMPONENTS]}


def check_nearest_conv_equivalence(seed: int = 0) -> float:
    """Max |difference| between nearest ×2 + Conv2d 3×3 and its tied ConvTranspose2d k4 s2 p1 (float64)."""
    torch.manual_seed(seed)
    x = torch.randn(2, 3, 5, 7, dtype=torch.float64)
    weight = torch.randn(4, 3, 3, 3, dtype=torch.float64)
    bias = torch.randn(4, dtype=torch.float64)
    resized = F.conv2d(F.interpolate(x, scale_factor=2, mode="nearest"), weight, bias, padding=1)
    transposed = F.conv_transpose2d(x, nearest_conv_as_transposed(weight), bias, stride=2, padding=1)
    if resized.shape != transposed.shape:
        raise AssertionError(f"shapes differ: {tuple(resized.shape)} vs {tuple(transposed.shape)}")
    return (resized - transposed).abs().max().item()


class FoldedNearestConv(nn.Module):
    """nearest ×2 + `conv` (a Conv2d 3×3, padding 1), folded into one ConvTranspose2d k4 s2 p1.

    Its parameters are `conv`'s own: the 3×3 kernel (9 free weights per channel pair) and the
    bias. Every call folds the kernel into the tied 4×4 one (`nearest_conv_as_transposed`) and
    runs one transposed convolution on the input grid, so it computes, and trains, exactly what
    the unfolded pair does, with 16 MACs per input pixel and channel pair instead of 36. Folded
    once for inference, it is a plain ConvTranspose2d(C, C, 4, stride=2, padding=1).
    """

    def __init__(self, conv: nn.Conv2d) -> None:
        super().__init__()
        if (conv.kernel_size, conv.stride, conv.padding, conv.dilation, conv.groups) != (
            (3, 3),
            (1, 1),
            (1, 1),
            (1, 1),
            1,
        ):
            raise ValueError(
                f"conv must be a Conv2d with kernel_size=3, stride=1, padding=1, dilation=1, groups=1, got {conv}"
            )
        self.weight = conv.weight
        self.bias = conv.bias

    def forward(self, x: Tensor) -> Tensor:
        return F.conv_transpose2d(x, nearest_conv_as_transposed(self.weight), self.bias, stride=2, padding=1)


def check_folded_equals_unfolded(shape: tuple[int, int, int, int] = (2, 3, 5, 7), seed: int = 0) -> dict[str, float]:
    """Max |difference| between nearest ×2 + Conv2d 3×3 and its `FoldedNearestConv`, sharing one
    Conv2d, in float64: of the outputs, of the input gradients and of the 3×3 kernel gradients."""
    torch.manual_seed(seed)
    n, c, h, w = shape
    conv = nn.Conv2d(c, c, 3, padding=1).double()
    unfolded, folded = nn.Sequential(nn.Upsample(scale_factor=2, mode="nearest"), conv), FoldedNearestConv(conv)
    x = torch.randn(shape, dtype=torch.float64, requires_grad=True)
    grad_out = torch.randn(n, c, 2 * h, 2 * w, dtype=torch.float64)
    got = {}
    for name, model in (("unfolded", unfolded), ("folded", folded)):
        out = model(x)
        got[name] = (out, *torch.autograd.grad(out, (x, conv.weight), grad_out))
    parts = ("output", "input_grad", "weight_grad")
    return {part: (a - b).abs().max().item() for part, a, b in zip(parts, got["unfolded"], got["folded"], strict=True)}


def fold_flops(c: int) -> int:
    """FLOPs of one fold of a (c, c, 3, 3) kernel, as torch.utils.flop_counter counts them
    (left out of the variant's FLOPs, as a resize is; the tests bound it against the conv's)."""
    from torch.utils.flop_counter import FlopCounterMode

    with FlopCounterMode(display=False) as counter:
        nearest_conv_as_transposed(torch.zeros(c, c, 3, 3))
    return counter.get_total_flops()


@cache
def free_weights(variant: Variant, c: int = 4) -> int:
    """Trainable weights per channel pair (biases apart): what the variant can learn per C²."""
    model = variant.build(c)
    total = sum(p.numel() for name, p in model.named_parameters() if not name.endswith("bias"))
    return total // (c * c)


@cache
def input_support(variant: Variant, size: int = 8) -> tuple[tuple[int, int], ...]:
    """The (rows, columns) of input pixels that one output pixel depends on, for the 4×4 output
    pixels in the middle (every phase of a ×2 upsampler), as autograd finds them (one channel,
    all weights 1).

    One shape means every output sees the same support; several mean the overlap is uneven.
    """
    model = variant.build(1).double()
    with torch.no_grad():
        for p in model.parameters():
            p.fill_(1.0)
    x = torch.rand(variant.input_shape(1, 1, size, size), dtype=torch.float64, requires_grad=True)
    out = model(x)
    side = out.shape[-1]
    shapes = set()
    middle = range(side // 2 - 2, side // 2 + 2)  # every output phase, away from the borders and their padding
    for i in middle:
        for j in middle:
            (grad,) = torch.autograd.grad(out[0, 0, i, j], x, retain_graph=True)
            rows, cols = grad.abs().sum(dim=(0, 1)).nonzero(as_tuple=True)
            shapes.add((int(rows.max() - rows.min()) + 1, int(cols.max() - cols.min()) + 1))
    return tuple(sorted(shapes))
