"""The Layer Summary Table the article proposed, measured in a forward pass with hooks."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import partial

import torch
from torch import nn

from snippets.markdown import table


def setting(module: nn.Module, name: str) -> str:
    """kernel_size, stride or padding as "kH×kW" (an int k is k×k), or "-"."""
    value = getattr(module, name, None)
    if value is None:
        return "-"
    if isinstance(value, int):
        value = (value, value)
    return "×".join(map(str, value))


def conv_macs(module: nn.Module, input_shape: tuple[int, ...], output_shape: tuple[int, ...]) -> int:
    """Multiply-accumulates of one Conv2d or ConvTranspose2d call, 0 for other layers.

    Conv2d: every output value is a sum over (C_in / groups) * kH * kW inputs.
    ConvTranspose2d: every input value is scattered to (C_out / groups) * kH * kW outputs.
    """
    if isinstance(module, nn.Conv2d):
        per_value = module.in_channels // module.groups * math.prod(module.kernel_size)
        return math.prod(output_shape) * per_value
    if isinstance(module, nn.ConvTranspose2d):
        per_value = module.out_channels // module.groups * math.prod(module.kernel_size)
        return math.prod(input_shape) * per_value
    return 0


# --8<-- [start:layer_row]
@dataclass(frozen=True)
class LayerRow:
    name: str  # qualified name in the model, e.g. "downs.0.conv.conv1"
    kind: str  # the module's class, e.g. "Conv2d"
    input_shape: tuple[int, ...]
    output_shape: tuple[int, ...]
    kernel: str  # kernel_size, stride, padding as "kH×kW", or "-"
    stride: str
    padding: str
    parameters: int  # this layer's own parameters, not its children's
    macs: int  # multiply-accumulates of a (transposed) convolution, else 0


def layer_row(name: str, module: nn.Module, inputs: tuple, output) -> LayerRow:
    """The row of one layer, from what a forward hook sees."""
    kind = type(module).__name__
    shapes = tuple(inputs[0].shape), tuple(output.shape)
    settings = [setting(module, key) for key in ("kernel_size", "stride", "padding")]
    params = sum(p.numel() for p in module.parameters(recurse=False))
    return LayerRow(name, kind, *shapes, *settings, params, conv_macs(module, *shapes))


# --8<-- [end:layer_row]


# --8<-- [start:layer_summary]
def layer_summary(model: nn.Module, input_shape: tuple[int, ...]) -> list[LayerRow]:
    """One row per leaf layer, in the order the forward pass runs them."""
    rows: list[LayerRow] = []
    leaves = [(name, m) for name, m in model.named_modules() if not list(m.children())]
    hooks = [m.register_forward_hook(partial(record, rows, name)) for name, m in leaves]
    was_training = model.training
    try:
        model.eval()  # so that BatchNorm's running statistics stay as they are
        with torch.no_grad():
            model(torch.zeros(input_shape))
    finally:
        model.train(was_training)
        for hook in hooks:
            hook.remove()
    return rows


def record(rows: list[LayerRow], name: str, module, inputs, output) -> None:
    """A forward hook (bound to rows and name with partial): add the layer's row."""
    rows.append(layer_row(name, module, inputs, output))


# --8<-- [end:layer_summary]


def format_shape(shape: tuple[int, ...]) -> str:
    """(N, C, H, W) -> "(C, H, W)": the table shows one image, so N (= 1) is left out."""
    return "(" + ", ".join(map(str, shape[1:])) + ")"


def compact(setting_text: str) -> str:
    """A square setting "k×k" as "k" (kernels keep "k×k")."""
    first, _, second = setting_text.partition("×")
    return first if first == second else setting_text


def window(row: LayerRow) -> str:
    """ "kernel / stride / padding", e.g. "3×3 / 1 / 1"; empty for a layer without a window."""
    if row.kernel == "-":
        return ""
    return f"{row.kernel} / {compact(row.stride)} / {compact(row.padding)}"


def markdown_table(rows: list[LayerRow]) -> str:
    """The rows as a Markdown table, with the total parameter count as the last line."""
    cells = [
        [
            i,
            f"`{r.name}`<br>{r.kind}",
            format_shape(r.input_shape),
            format_shape(r.output_shape),
            window(r),
            f"{r.parameters:,}",
        ]
        for i, r in enumerate(rows, 1)
    ]
    total = sum(r.parameters for r in rows)
    cells.append(["", "**total**", "", "", "", f"**{total:,}**"])
    header = ["#", "layer", "input (C, H, W)", "output (C, H, W)", "kernel / stride / padding", "parameters"]
    return table(header, cells, "rlllcr")
