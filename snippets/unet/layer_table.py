"""The Layer Summary Table the article proposed, measured in a forward pass with hooks."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import torch
from torch import nn

from snippets.markdown import table


# --8<-- [start:layer_summary]
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


def setting(module: nn.Module, name: str) -> str:
    """kernel_size, stride or padding as "kH×kW"; an int k is k×k (2-D)."""
    value = getattr(module, name, None)
    if value is None:
        return "-"
    if isinstance(value, int):
        value = (value, value)
    return "×".join(map(str, value))


def layer_summary(
    model: nn.Module,
    input_shape: tuple[int, ...],
) -> list[LayerRow]:
    """One row per leaf layer, in the order the forward pass runs them."""
    rows: list[LayerRow] = []

    def record(name, module, inputs, output):  # a forward hook
        row = LayerRow(
            name,
            type(module).__name__,
            tuple(inputs[0].shape),
            tuple(output.shape),
            setting(module, "kernel_size"),
            setting(module, "stride"),
            setting(module, "padding"),
            sum(p.numel() for p in module.parameters(recurse=False)),
        )
        rows.append(row)

    handles = []
    for name, module in model.named_modules():
        if not list(module.children()):  # a leaf: a layer, not a block
            hook = module.register_forward_hook(partial(record, name))
            handles.append(hook)
    was_training = model.training
    try:
        model.eval()  # so that BatchNorm's statistics are not updated
        with torch.no_grad():
            model(torch.zeros(input_shape))
    finally:
        model.train(was_training)
        for handle in handles:
            handle.remove()
    return rows


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
