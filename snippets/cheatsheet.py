"""The home page's formula cheat sheet: output sizes, weight shapes, parameter counts and MACs.

Each row is computed by the functions the chapters show (`conv_output_size`,
`conv_transpose_output_size`, the MAC counts of the benchmarks) on a worked example, and
checked against torch as the table is built: the layer is made and run, and the table is
refused if torch disagrees.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

from snippets.benchmarks.variants import conv2d_macs, conv_transpose2d_macs
from snippets.convolution.checks import conv_output_size
from snippets.markdown import table
from snippets.transposed.shapes import conv_transpose_output_size

DOCS = "https://pytorch.org/docs/stable/generated/torch.nn.{}.html"


def conv2d_weight_shape(in_channels: int, out_channels: int, kernel_size: int, groups: int = 1) -> tuple[int, ...]:
    """`nn.Conv2d`'s weight: one filter per output channel, over its group's input channels."""
    return (out_channels, in_channels // groups, kernel_size, kernel_size)


def conv_transpose2d_weight_shape(
    in_channels: int, out_channels: int, kernel_size: int, groups: int = 1
) -> tuple[int, ...]:
    """`nn.ConvTranspose2d`'s weight: in channels first, the transpose of a Conv2d's."""
    return (in_channels, out_channels // groups, kernel_size, kernel_size)


def parameter_count(weight_shape: tuple[int, ...], out_channels: int, bias: bool = True) -> int:
    """The weight's elements, plus one bias per output channel."""
    count = 1
    for size in weight_shape:
        count *= size
    return count + (out_channels if bias else 0)


def torch_macs(layer: nn.Module, x: torch.Tensor) -> int:
    """Multiply–accumulates of one forward call, as torch.utils.flop_counter counts them (FLOPs / 2)."""
    with FlopCounterMode(display=False) as counter:
        layer(x)
    return counter.get_total_flops() // 2


CONV = "Conv2d(16, 32, 3, stride=2, padding=1, groups=2)"
UP = "ConvTranspose2d(32, 16, 3, stride=2, padding=1, output_padding=1, groups=2)"
POOL = "MaxPool2d(3, stride=2, padding=1)"


@dataclass(frozen=True)
class Row:
    """One quantity: its formula for each layer, and the function and torch's answer on the examples."""

    quantity: str
    conv_formula: str
    conv: tuple[Callable[[], object], Callable[[], object]]  # (ours, torch's)
    up_formula: str
    up: tuple[Callable[[], object], Callable[[], object]] | None


def rows() -> list[Row]:
    x, y = torch.zeros(1, 16, 32, 32), torch.zeros(1, 32, 16, 16)
    conv = nn.Conv2d(16, 32, kernel_size=3, stride=2, padding=1, groups=2)
    up = nn.ConvTranspose2d(32, 16, kernel_size=3, stride=2, padding=1, output_padding=1, groups=2)
    pool = nn.MaxPool2d(3, stride=2, padding=1)
    return [
        Row(
            "Output size $H_\\text{out}$",
            r"$\left\lfloor \dfrac{H + 2p - d(k-1) - 1}{s} \right\rfloor + 1$",
            (lambda: conv_output_size(32, 3, stride=2, padding=1), lambda: conv(x).shape[-1]),
            r"$(H - 1)s - 2p + d(k-1) + \text{output\_padding} + 1$",
            (lambda: conv_transpose_output_size(16, 3, stride=2, padding=1, output_padding=1), lambda: up(y).shape[-1]),
        ),
        Row(
            "Pooling output size",
            r"as `Conv2d` (for `AvgPool2d`, $d = 1$)",
            (lambda: conv_output_size(32, 3, stride=2, padding=1), lambda: pool(x).shape[-1]),
            "—",
            None,
        ),
        Row(
            "Weight shape",
            r"$(C_\text{out}, C_\text{in} / g, k_H, k_W)$",
            (lambda: conv2d_weight_shape(16, 32, 3, groups=2), lambda: tuple(conv.weight.shape)),
            r"$(C_\text{in}, C_\text{out} / g, k_H, k_W)$",
            (lambda: conv_transpose2d_weight_shape(32, 16, 3, groups=2), lambda: tuple(up.weight.shape)),
        ),
        Row(
            "Parameters (with bias)",
            r"$C_\text{out} \cdot C_\text{in} / g \cdot k_H k_W + C_\text{out}$",
            (
                lambda: parameter_count(conv2d_weight_shape(16, 32, 3, groups=2), 32),
                lambda: sum(p.numel() for p in conv.parameters()),
            ),
            r"$C_\text{in} \cdot C_\text{out} / g \cdot k_H k_W + C_\text{out}$",
            (
                lambda: parameter_count(conv_transpose2d_weight_shape(32, 16, 3, groups=2), 16),
                lambda: sum(p.numel() for p in up.parameters()),
            ),
        ),
        Row(
            "Multiply–accumulates",
            r"$N C_\text{out} H_\text{out} W_\text{out} \cdot C_\text{in} / g \cdot k_H k_W$",
            (lambda: conv2d_macs(1, 16, 32, 16 * 16, 3, groups=2), lambda: torch_macs(conv, x)),
            r"$N C_\text{in} H W \cdot C_\text{out} / g \cdot k_H k_W$",
            (lambda: conv_transpose2d_macs(1, 32, 16, 16 * 16, 3, groups=2), lambda: torch_macs(up, y)),
        ),
    ]


def _checked(quantity: str, layer: str, pair: tuple[Callable[[], object], Callable[[], object]] | None) -> str:
    """The formula's value on the example, after torch confirmed it; "—" where the row has none."""
    if pair is None:
        return "—"
    ours, theirs = pair[0](), pair[1]()
    if ours != theirs:
        raise ValueError(f"cheat sheet: {quantity} of {layer}: the formula gives {ours}, torch {theirs}")
    if isinstance(ours, tuple):
        return "(" + ", ".join(map(str, ours)) + ")"
    return f"{ours:,}" if isinstance(ours, int) else str(ours)


def formula_table() -> str:
    """Two tables: the formulas, and their values on worked examples, each confirmed by torch as it is built."""
    formulas, values = [], []
    with torch.no_grad():
        for row in rows():
            formulas.append([row.quantity, row.conv_formula, row.up_formula])
            conv = _checked(row.quantity, CONV, row.conv)
            if row.quantity.startswith("Pooling"):
                conv = f"{conv} (`{POOL}`)"
            values.append([row.quantity, conv, _checked(row.quantity, UP, row.up)])
    docs = [f"[`nn.Conv2d`]({DOCS.format('Conv2d')})", f"[`nn.ConvTranspose2d`]({DOCS.format('ConvTranspose2d')})"]
    examples = ["`" + CONV + "` on (1, 16, 32, 32)", "`" + UP + "` on (1, 32, 16, 16)"]
    return (
        table(["Quantity", *docs], formulas, "lll")
        + "\nThe same formulas on two layers; torch confirmed every value when this table was built:\n\n"
        + table(["Quantity", *examples], values, "lrr")
    )
