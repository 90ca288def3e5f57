"""The page's generated tables: each is computed, checked, and returned as Markdown.

Called by `python -m tools.sync` (no arguments); each raises if torch disagrees.
"""

from __future__ import annotations

import itertools

import torch
from torch import nn

from snippets.experiment import load_results
from snippets.markdown import table
from snippets.unet.demo import RESULTS, TARGET_IOU, TIME_BUDGET_S, DemoConfig
from snippets.unet.layer_table import LayerRow, layer_summary, markdown_table
from snippets.unet.model import UNet


def demo_model() -> tuple[UNet, tuple[int, int, int, int]]:
    """The demo's U-Net (untrained) and the shape of one input image batch."""
    config = DemoConfig()
    model = UNet(depth=config.depth, base_channels=config.base_channels, upsample=config.upsample)
    return model, (1, 1, config.size, config.size)


def check_layer_rows(model: nn.Module, rows: list[LayerRow], input_shape: tuple[int, ...]) -> None:
    """Raise unless the rows agree with a real forward pass and with the model's parameters.

    - each layer's input is the previous layer's output, except after a skip concatenation,
      where the channels double (the encoder's map is stacked onto the upsampled one);
    - the last layer's output is the model's output shape;
    - the parameters add up to sum(p.numel()).
    """
    for previous, row in itertools.pairwise(rows):
        expected = previous.output_shape
        block = row.name.removesuffix(".conv.conv1")
        if block != row.name and getattr(model.get_submodule(block), "skip", False):
            expected = (expected[0], 2 * expected[1], *expected[2:])
        if row.input_shape != expected:
            raise AssertionError(f"{row.name}: input {row.input_shape}, but the layer before gave {expected}")
    with torch.no_grad():
        output = model.eval()(torch.zeros(input_shape))
    if rows[-1].output_shape != tuple(output.shape):
        raise AssertionError(f"the table ends at {rows[-1].output_shape}, the model gives {tuple(output.shape)}")
    total = sum(p.numel() for p in model.parameters())
    if sum(r.parameters for r in rows) != total:
        raise AssertionError(f"the rows add up to {sum(r.parameters for r in rows)} parameters, the model has {total}")


def layer_table() -> str:
    """The Layer Summary Table of the demo's U-Net, measured with forward hooks and checked."""
    model, input_shape = demo_model()
    rows = layer_summary(model, input_shape)
    check_layer_rows(model, rows, input_shape)
    return markdown_table(rows)


# --8<-- [start:valid_unet_sizes]
def valid_unet_sizes(size: int, depth: int = 4) -> tuple[list[int], list[int]]:
    """Feature-map sides in the original U-Net, whose 3x3 convolutions are valid (unpadded).

    Returns the encoder's side after each level's two convolutions, and the decoder's. Each
    valid 3x3 convolution takes 2 pixels off a side; each 2x2 max pool halves it, and must see
    an even side; each 2x2 up-convolution doubles it.
    """
    encoder = []
    for level in range(depth + 1):
        size -= 4  # two valid 3x3 convolutions
        if size < 1:
            raise ValueError(f"size is too small: nothing is left at level {level}")
        encoder.append(size)
        if level < depth:
            if size % 2:
                raise ValueError(f"side {size} at level {level} is odd: the 2x2 max pool would drop a row")
            size //= 2
    decoder = []
    for _ in range(depth):
        size = 2 * size - 4  # up-convolution, then two valid 3x3 convolutions
        decoder.append(size)
    return encoder, decoder


# --8<-- [end:valid_unet_sizes]


def valid_unet_sizes_by_torch(size: int, depth: int = 4) -> tuple[list[int], list[int]]:
    """The same sides, measured by running a one-channel U-Net skeleton with valid convolutions."""

    def two_convs(x: torch.Tensor) -> torch.Tensor:
        return nn.Conv2d(1, 1, 3)(nn.Conv2d(1, 1, 3)(x))

    x = torch.zeros(1, 1, size, size)
    encoder, decoder, skips = [], [], []
    with torch.no_grad():
        for level in range(depth + 1):
            x = two_convs(x)
            encoder.append(x.shape[-1])
            skips.append(x)
            if level < depth:
                x = nn.MaxPool2d(2)(x)
        skips.pop()
        for _ in range(depth):
            x = nn.ConvTranspose2d(1, 1, 2, stride=2)(x)
            skip = skips.pop()
            crop = (skip.shape[-1] - x.shape[-1]) // 2  # copy and crop
            x = torch.cat([skip[..., crop : crop + x.shape[-2], crop : crop + x.shape[-1]], x], dim=1)
            x = two_convs(x[:, :1] + x[:, 1:])
            decoder.append(x.shape[-1])
    return encoder, decoder


def original_unet_table(size: int = 572, depth: int = 4) -> str:
    """Sides in Ronneberger et al.'s U-Net, level by level, checked by running torch layers."""
    encoder, decoder = valid_unet_sizes(size, depth)
    if (encoder, decoder) != valid_unet_sizes_by_torch(size, depth):
        raise AssertionError(f"arithmetic {encoder, decoder} != torch {valid_unet_sizes_by_torch(size, depth)}")
    rows = []
    side_in = size
    for level in range(depth + 1):
        enc = f"{side_in} → {encoder[level]}"
        if level < depth:
            up = decoder[depth - 1 - level] + 4  # the side after the up-conv, before the two convs
            crop = f"{up} (−{(encoder[level] - up) // 2} per edge)"
            dec = f"{up} → {decoder[depth - 1 - level]}"
        else:
            crop, dec = "(bottom: no skip)", "—"
        rows.append([level, enc, crop, dec])
        side_in = encoder[level] // 2
    header = ["level", "encoder: in → two 3×3 valid convs", "skip cropped to", "decoder: up-conv → two 3×3 valid convs"]
    lines = [table(header, rows, "rlll")]
    lines.append(
        f"Input {size}×{size} → output {decoder[-1]}×{decoder[-1]}: the map lost "
        f"{(size - decoder[-1]) // 2} pixels on every edge."
    )
    return "\n".join(lines)


def load_result(name: str) -> dict:
    result = load_results(RESULTS / name)
    if result is None:
        command = "python -m snippets.unet.demo" + (" --ablation" if name == "ablation.json" else "")
        raise FileNotFoundError(f"{RESULTS / name} is missing; run: {command}")
    return result


def demo_table() -> str:
    """The full demo's measured time and held-out IoU, from results/demo.json."""
    r = load_result("demo.json")
    c, env = r["config"], r["environment"]
    met = r["val_iou"] >= TARGET_IOU and r["seconds"] <= TIME_BUDGET_S
    rows = [
        ("held-out IoU", f"**{r['val_iou']:.3f}** (target ≥ {TARGET_IOU})"),
        ("wall-clock time, data generation included", f"**{r['seconds']:.1f} s** (budget {TIME_BUDGET_S:.0f} s)"),
        ("requirement met", "yes" if met else "**no**"),
        ("torch threads / usable CPUs", f"{env['threads']} / {env['usable_cpus']}"),
        ("load average when it started", f"{env['load_average_start'][0]}"),
        ("torch", env["torch"]),
        (
            "model",
            f'UNet(depth={c["depth"]}, base_channels={c["base_channels"]}, upsample="{c["upsample"]}"), '
            f"{r['parameters']:,} parameters",
        ),
        (
            "data and training",
            f"{c['n_train']} training and {c['n_val']} held-out images of {c['size']}×{c['size']}; "
            f"{c['epochs']} epochs, batch {c['batch_size']}, Adam lr {c['lr']} ({c['schedule']} schedule), "
            f"seed {c['seed']}",
        ),
        ("held-out IoU after each epoch", ", ".join(f"{v:.3f}" for v in r["history"]["val_iou"])),
    ]
    return table(["measure", "value"], rows, "ll")


def ablation_table() -> str:
    """Held-out IoU with and without skip connections, same budget, from results/ablation.json."""
    r = load_result("ablation.json")
    config = r["runs"][0]["config"]
    rows = []
    for row in r["summary"]:
        params = next(run["parameters"] for run in r["runs"] if run["arm"] == row["arm"])
        rows.append([row["arm"], f"**{row['mean']:.3f}**", f"{row['min']:.3f}", f"{row['max']:.3f}", f"{params:,}"])
    header = ["model", f"held-out IoU, mean of {len(r['seeds'])} seeds", "min", "max", "parameters"]
    lines = [table(header, rows)]
    c, seeds = config, ", ".join(map(str, r["seeds"]))
    lines.append(
        f"Each run: {c['n_train']} images of {c['size']}×{c['size']}, {c['epochs']} epochs, batch {c['batch_size']}, "
        f"Adam lr {c['lr']} ({c['schedule']} schedule), base_channels {c['base_channels']}, depth {c['depth']}; "
        f"seeds {seeds} (data, order and initial weights)."
    )
    return "\n".join(lines)
