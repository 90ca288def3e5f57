"""The chapter's generated tables: each is computed, checked, and returned as Markdown.

Called by `python -m tools.sync` (no arguments); each raises if torch, or the saved results,
disagree with what it would print.
"""

from __future__ import annotations

import itertools
import math

import torch
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

from snippets.experiment import busy_note, load_results
from snippets.markdown import table
from snippets.unet import multiclass
from snippets.unet.demo import ARMS, RESULTS, TARGET_IOU, TIME_BUDGET_S, DemoConfig, build_model
from snippets.unet.layer_table import LayerRow, layer_summary, markdown_table
from snippets.unet.model import UNet
from snippets.unet.sizes import valid_unet_sizes


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


def level_of(name: str, depth: int) -> tuple[int, str]:
    """The level (0 = full resolution) and the path of a UNet layer, from its qualified name."""
    part, _, rest = name.partition(".")
    if part == "inc":
        return 0, "encoder"
    if part == "downs":
        return int(rest.split(".")[0]) + 1, "encoder"
    if part == "ups":
        return depth - 1 - int(rest.split(".")[0]), "decoder"
    if part == "outc":
        return 0, "decoder"
    raise ValueError(f"name: {name!r} is not a layer of UNet")


def macs_table() -> str:
    """Multiply-accumulates per level of the demo's U-Net, each layer checked against torch's FLOP counter."""
    model, input_shape = demo_model()
    rows = layer_summary(model, input_shape)
    with FlopCounterMode(display=False) as counter, torch.no_grad():
        model.eval()(torch.zeros(input_shape))
    flops = {key: sum(per_op.values()) for key, per_op in counter.get_flop_counts().items()}
    for row in rows:  # one MAC is two FLOPs (a multiply and an add)
        if 2 * row.macs != flops.get(f"UNet.{row.name}", 0):
            raise AssertionError(f"{row.name}: {row.macs} MACs, torch counts {flops.get(f'UNet.{row.name}', 0)} FLOPs")
    total = sum(row.macs for row in rows)
    levels: dict[int, dict] = {}
    for row in rows:
        level, path = level_of(row.name, model.depth)
        entry = levels.setdefault(level, {"encoder": 0, "decoder": 0, "parameters": 0, "map": None})
        entry[path] += row.macs
        entry["parameters"] += row.parameters
        if path == "encoder" and row.kind == "Conv2d":
            entry["map"] = row.output_shape[1:]
    cells = []
    for level, e in sorted(levels.items()):
        both = e["encoder"] + e["decoder"]
        c, h, w = e["map"]
        decoder = f"{e['decoder'] / 1e6:.1f} M" if e["decoder"] else "—"
        cells.append(
            [level, f"{c} × {h} × {w}", f"{e['encoder'] / 1e6:.1f} M", decoder, f"**{both / 1e6:.1f} M**",
             f"{both / total:.0%}", f"{e['parameters']:,}"]
        )  # fmt: skip
    header = ["level", "map (C × H × W)", "encoder MACs", "decoder MACs", "level MACs", "share", "parameters"]
    footnote = (
        f"Total: {total / 1e6:.1f} M multiply-accumulates for one {input_shape[-1]}×{input_shape[-1]} image, "
        "the same, layer by layer, as torch.utils.flop_counter counts (2 FLOPs a MAC)."
    )
    return table(header, cells, "rlrrrrr") + "\n" + footnote


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
        commands = {
            "ablation.json": "python -m snippets.unet.demo --ablation",
            "multiclass.json": "python -m snippets.unet.multiclass",
        }
        raise FileNotFoundError(
            f"{RESULTS / name} is missing; run: {commands.get(name, 'python -m snippets.unet.demo')}"
        )
    return result


def machine(env: dict) -> str:
    """The machine and its load, in words, for a table's footnote."""
    threads = f"{env['threads']} torch thread" + ("s" if env["threads"] != 1 else "")
    text = f"{threads} on {env['cpu_model']} ({env['usable_cpus']} usable CPUs), torch {env['torch']}."
    load = env.get("load_average_start")
    note = busy_note(env)
    if note:
        return f"{text} {note}"
    return f"{text} The load average was {load[0]:.1f} when it started." if load else text


def demo_table() -> str:
    """The full demo's measured time and held-out IoU, from results/demo.json."""
    r = load_result("demo.json")
    c, env = r["config"], r["environment"]
    met = r["val_iou"] >= TARGET_IOU and r["seconds"] <= TIME_BUDGET_S
    rows = [
        ("held-out IoU", f"**{r['val_iou']:.3f}** (target ≥ {TARGET_IOU})"),
        ("wall-clock time, data generation included", f"**{r['seconds']:.1f} s** (budget {TIME_BUDGET_S:.0f} s)"),
        ("requirement met", "yes" if met else "**no**"),
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
    return table(["measure", "value"], rows, "ll") + "\n" + f"Measured with {machine(env)}"


def forward_macs(model: nn.Module, input_shape: tuple[int, ...]) -> int:
    """Multiply-accumulates of one forward pass, as torch's FLOP counter counts them (2 FLOPs a MAC)."""
    with FlopCounterMode(display=False) as counter, torch.no_grad():
        model.eval()(torch.zeros(input_shape))
    return counter.get_total_flops() // 2


def ablation_table() -> str:
    """Held-out IoU of each arm, same data, seeds and budget, from results/ablation.json."""
    r = load_result("ablation.json")
    if [row["arm"] for row in r["summary"]] != list(ARMS):
        raise AssertionError(f"ablation.json has the arms {[row['arm'] for row in r['summary']]}, not {list(ARMS)}")
    rows = []
    for row in r["summary"]:
        runs = [run for run in r["runs"] if run["arm"] == row["arm"]]
        seconds = sum(run["seconds"] for run in runs) / len(runs)
        config = DemoConfig(**runs[0]["config"])
        model = build_model(config)
        if sum(p.numel() for p in model.parameters()) != runs[0]["parameters"]:
            raise AssertionError(f"{row['arm']}: the saved parameter count is not today's model's")
        macs = forward_macs(model, (1, 1, config.size, config.size))
        cells = [f"**{row['mean']:.3f}**", f"{row['min']:.3f} – {row['max']:.3f}"]
        rows.append([row["arm"], *cells, f"{runs[0]['parameters']:,}", f"{macs / 1e6:.0f} M", f"{seconds:.0f} s"])
    header = [
        "model",
        "held-out IoU, mean",
        f"range over {len(r['seeds'])} seeds",
        "parameters",
        "MACs an image",
        "time a run",
    ]
    c, seeds = r["runs"][0]["config"], ", ".join(map(str, r["seeds"]))
    footnote = (
        f"Each run: {c['n_train']} images of {c['size']}×{c['size']}, {c['epochs']} epochs, batch {c['batch_size']}, "
        f"Adam lr {c['lr']} ({c['schedule']} schedule); U-Nets with base_channels {c['base_channels']}, "
        f"depth {c['depth']}; seeds {seeds} (data, order and initial weights). All {len(r['runs'])} runs took "
        f"{r['total_seconds'] / 60:.1f} minutes, with {machine(r['environment'])}"
    )
    return table(header, rows) + "\n" + footnote


def multiclass_table() -> str:
    """IoU per class of the multi-class benchmark, from results/multiclass.json, and its time."""
    r = load_result("multiclass.json")
    if r["classes"] != list(multiclass.CLASSES):
        raise AssertionError(f"multiclass.json has the classes {r['classes']}, not {list(multiclass.CLASSES)}")
    names = {"clean": "held out, drawn like the training scenes", "shifted": "held out, moved and re-lit"}
    rows = []
    for key, values in r["iou"].items():
        mean = sum(values[1:]) / (len(values) - 1)
        if not math.isclose(mean, r["mean_object_iou"][key], abs_tol=1e-4):
            raise AssertionError(f"{key}: the saved mean {r['mean_object_iou'][key]} is not the mean of {values[1:]}")
        rows.append([names[key], *(f"{v:.3f}" for v in values), f"**{mean:.3f}**"])
    header = ["test scenes", *(f"IoU {name}" for name in r["classes"]), "mean IoU, objects"]
    c, env = r["config"], r["environment"]
    verdict = "met" if multiclass.met(r) else "**not met**"
    footnote = (
        f"Time, from data generation to the last score: **{r['seconds']:.1f} s** "
        f"(budget {multiclass.TIME_BUDGET_S:.0f} s); "
        f"the bar (mean object IoU ≥ {multiclass.TARGET_MEAN_IOU} on the moved and re-lit scenes, within the budget) "
        f"is {verdict}. UNet(in_channels=3, out_channels={len(r['classes'])}, depth={c['depth']}, "
        f"base_channels={c['base_channels']}), {r['parameters']:,} parameters; {c['n_train']} training scenes of "
        f"{c['size']}×{c['size']}, {c['epochs']} epochs, batch {c['batch_size']}, Adam lr {c['lr']} (cosine); "
        f"{c['num_workers']} DataLoader worker augmenting beside {machine(env)}"
    )
    return table(header, rows) + "\n" + footnote


PAPER = "https://arxiv.org/abs/1505.04597"


def paper_table() -> str:
    """This chapter's U-Net beside Ronneberger et al. (2015): our column is read off the demo's model and settings."""
    model, input_shape = demo_model()
    config = DemoConfig()
    convs = [m for m in model.modules() if isinstance(m, nn.Conv2d | nn.ConvTranspose2d)]
    paddings = {m.padding for m in convs if m.kernel_size == (3, 3)}
    norms = sum(isinstance(m, nn.BatchNorm2d) for m in model.modules())
    dropouts = sum(isinstance(m, nn.Dropout | nn.Dropout2d) for m in model.modules())
    widths = [model.inc.conv2.out_channels, *(down.conv.conv2.out_channels for down in model.downs)]
    with torch.device("meta"):  # shapes only: no memory for its 31 M weights
        paper_size = UNet(depth=4, base_channels=64)
    paper_convs = sum(isinstance(m, nn.Conv2d | nn.ConvTranspose2d) for m in paper_size.modules())
    paper_params = sum(p.numel() for p in paper_size.parameters())
    with torch.no_grad():
        output = model.eval()(torch.zeros(input_shape))
    if paddings != {(1, 1)} or output.shape[-2:] != input_shape[-2:] or dropouts or paper_convs != 23:
        raise AssertionError(f"the model changed: paddings {paddings}, dropouts {dropouts}, convs {paper_convs}")
    rows = [
        (
            "padding of the 3×3 convolutions",
            "none (“unpadded convolutions”, §2): a 572×572 tile gives a 388×388 map",
            f"`padding=1`: the output has the input's size ({input_shape[-1]}×{input_shape[-1]} → "
            f"{output.shape[-1]}×{output.shape[-1]})",
        ),
        (
            "normalisation",
            "none: each convolution is followed by a ReLU (§2)",
            f"`BatchNorm2d` after every 3×3 convolution ({norms} layers)",
        ),
        (
            "widths and depth",
            "64 channels at the top, doubled at each of 4 poolings to 1024 (Fig. 1); 23 convolutional layers",
            f"{' → '.join(map(str, widths))} over {model.depth} poolings; `UNet(depth=4, base_channels=64)` has "
            f"the paper's widths and {paper_convs} convolutional layers ({paper_params / 1e6:.1f} M parameters)",
        ),
        (
            "dropout",
            "“Drop-out layers at the end of the contracting path” (§3.1)",
            "none",
        ),
        (
            "loss",
            "pixel-wise softmax and cross-entropy, weighted by a precomputed map w(x) that balances the classes and "
            "stresses the thin borders between touching cells (w₀ = 10, σ ≈ 5 pixels; §3)",
            "`BCEWithLogitsLoss` + Dice, no weight map ([training](training.md#loss)); `CrossEntropyLoss` for "
            "[several classes](multiclass.md)",
        ),
        (
            "initialisation",
            "Gaussian, standard deviation √(2/N), N the inputs of one neuron (§3)",
            "PyTorch's default (standard deviation 1/√(3N)); `nn.init.kaiming_normal_` gives the paper's, above",
        ),
        (
            "optimiser, batch, momentum",
            "SGD (Caffe), a batch of one large tile, momentum 0.99 (§3)",
            f"Adam, batch {config.batch_size}, learning rate {config.lr} with a {config.schedule} schedule",
        ),
        (
            "upsampling and skips",
            "2×2 up-convolution halving the channels; the skip cropped, then concatenated (§2)",
            "`ConvTranspose2d(kernel_size=2, stride=2)` halving the channels; the skip concatenated, no crop",
        ),
    ]
    return table(["", f"[Ronneberger et al. (2015)]({PAPER})", "this chapter's U-Net (the demo's)"], rows, "lll")
