"""Figures of the U-Net chapter: built by `python -m tools.figures --only unet`.

The figures of training runs are drawn from their saved results, and never train:
`training_curves` and `predictions` read results/ablation.json (`python -m snippets.unet.demo
--ablation`), `multiclass_predictions` reads results/multiclass.json (`python -m
snippets.unet.multiclass`). The held-out images they show are generated again from the seeds
recorded there (data generation is exact on every machine); the predicted masks are the
recorded ones.
"""

from __future__ import annotations

import json
import math

import numpy as np
import torch
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle
from torch import nn
from torch.nn import functional as F

from snippets.plotting import PALETTE, figure, new_figure, show_image
from snippets.unet import multiclass
from snippets.unet.article import ArticleUNet, MinimalUNet
from snippets.unet.demo import ARMS, KEEP, RESULTS, TARGET_IOU, DemoConfig, held_out, unpack_masks
from snippets.unet.layer_table import layer_summary
from snippets.unet.model import UNet
from snippets.unet.receptive_field import linearised
from snippets.unet.train import iou_score

# Pixel colours of the prediction panels: right answers in grey levels, mistakes in colour.
TRUE_POSITIVE, TRUE_NEGATIVE = (1.0, 1.0, 1.0), (0.15, 0.15, 0.15)
FALSE_POSITIVE, FALSE_NEGATIVE = PALETTE[4], PALETTE[5]  # orange: extra; sky blue: missed
SHOWN_ARMS = {  # the arms whose predictions the figure shows, and their row labels
    "U-Net (skips, ConvTranspose2d)": "U-Net",
    "no skip connections": "no skips",
    "the article's model": "article's",
}
CLASS_COLOURS = ["#262626", PALETTE[4], PALETTE[0]]  # background, disc, square


def hex_rgb(colour: str) -> tuple[float, float, float]:
    return tuple(int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))


def error_image(pred: torch.Tensor, mask: torch.Tensor) -> np.ndarray:
    """(H, W) predicted and true masks -> (H, W, 3) RGB: hits in white and dark grey, extras orange, misses blue."""
    pred, truth = pred.bool().numpy(), (mask > 0.5).numpy()
    rgb = np.empty((*truth.shape, 3))
    rgb[pred & truth], rgb[~pred & ~truth] = TRUE_POSITIVE, TRUE_NEGATIVE
    rgb[pred & ~truth], rgb[~pred & truth] = hex_rgb(FALSE_POSITIVE), hex_rgb(FALSE_NEGATIVE)
    return rgb


def load(name: str) -> dict:
    return json.loads((RESULTS / name).read_text())


@figure(
    "predictions",
    alt="Six held-out test images with their true masks, and the masks predicted by the U-Net, by the same network "
    "without skip connections, and by the article's model (seed 0, the one that learned), after the same training; "
    "mistakes are coloured. The U-Net's outlines follow the true ones closely; without skips, corners and tips are "
    "rounded off and edges spill over; the article's model misses more of the faintest shapes, and marks scattered "
    "background pixels, far from any shape, as foreground",
    data=("results/ablation.json",),
)
def predictions(device: torch.device) -> Figure:
    result = load("ablation.json")
    seed = result["seeds"][0]
    runs = {r["arm"]: r for r in result["runs"] if r["seed"] == seed and "predictions" in r}
    config = DemoConfig(**{k: v for k, v in runs[next(iter(SHOWN_ARMS))]["config"].items()})
    images, masks = (t[:KEEP] for t in held_out(config))
    fig = new_figure(8.0, 7.2)
    axes = fig.subplots(2 + len(SHOWN_ARMS), KEEP)
    for j in range(KEEP):
        show_image(axes[0, j], images[j, 0].numpy())
        show_image(axes[1, j], masks[j, 0].numpy(), vmin=0, vmax=1)
    for i, arm in enumerate(SHOWN_ARMS, start=2):
        pred = unpack_masks(runs[arm]["predictions"])
        for j in range(KEEP):
            show_image(axes[i, j], error_image(pred[j, 0], masks[j, 0]))
            iou = iou_score(pred[j : j + 1].float() - 0.5, masks[j : j + 1])  # logits > 0 where predicted
            axes[i, j].set_title(f"IoU {iou:.2f}", fontsize=9)
    for ax, label in zip(axes[:, 0], ["input", "ground truth", *SHOWN_ARMS.values()], strict=True):
        ax.set_ylabel(label)
    fig.legend(
        handles=[
            Patch(facecolor=FALSE_POSITIVE, label="predicted, but background"),
            Patch(facecolor=FALSE_NEGATIVE, label="missed foreground"),
        ],
        loc="outside lower center",
        ncols=2,
        frameon=False,
    )
    return fig


@figure(
    "training_curves",
    alt="Training loss and held-out IoU per epoch for the four arms of the ablation. The two U-Nets, with "
    "transposed-convolution and with bilinear upsampling, end near 0.97, averaged over three seeds; the network "
    "without skip connections levels off near 0.90. The article's model is drawn seed by seed: one seed reaches "
    "about 0.8, and the other two stay at IoU 0 from the first epoch, with a loss that does not move",
    data=("results/ablation.json",),
)
def training_curves(device: torch.device) -> Figure:
    """The U-Nets as mean and range over seeds; the article's model seed by seed, since its runs split."""
    result = load("ablation.json")
    fig = new_figure(8.0, 3.9)
    loss_ax, iou_ax = fig.subplots(1, 2)
    styles = {arm: (PALETTE[k], ["-", "--", ":", "-."][k], "os^D"[k]) for k, arm in enumerate(ARMS)}
    for arm, (colour, line, marker) in styles.items():
        runs = [r["history"] for r in result["runs"] if r["arm"] == arm]
        for ax, key in ((loss_ax, "loss"), (iou_ax, "val_iou")):
            values = np.array([h[key] for h in runs])
            epochs = np.arange(1, values.shape[1] + 1)
            if arm == "the article's model":
                for k, seed_values in enumerate(values):
                    label = f"{arm}, each seed" if k == 0 else None
                    ax.plot(epochs, seed_values, line, color=colour, marker=marker, markersize=4, label=label)
                continue
            ax.plot(epochs, values.mean(0), line, color=colour, marker=marker, label=f"{arm}, mean")
            ax.fill_between(epochs, values.min(0), values.max(0), color=colour, alpha=0.15, linewidth=0)
    iou_ax.axhline(TARGET_IOU, color="#555555", linewidth=0.8, linestyle=(0, (4, 4)))
    iou_ax.text(1, TARGET_IOU + 0.01, f"target {TARGET_IOU}", fontsize=8, color="#555555", va="bottom")
    loss_ax.set(title="training loss (BCE + Dice)", xlabel="epoch")
    iou_ax.set(title="held-out IoU", xlabel="epoch", ylim=(-0.02, 1))
    for ax in (loss_ax, iou_ax):
        ax.set_xticks(epochs)
        ax.grid(alpha=0.3)
    handles, labels = iou_ax.get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=2, fontsize=8, frameon=False)
    return fig


@figure(
    "multiclass_predictions",
    alt="Six held-out scenes, moved and re-lit, with their true label maps and the label maps that the three-class "
    "U-Net predicts (argmax): background dark, discs orange, squares blue. The predictions follow the true maps "
    "closely; the largest errors are the rounded corners of the squares in the darkest scene",
    data=("results/multiclass.json",),
)
def multiclass_predictions(device: torch.device) -> Figure:
    result = load("multiclass.json")
    config = multiclass.Config(**result["config"])
    images, labels = (t[: multiclass.KEEP] for t in multiclass.test_sets(config)["shifted"])
    pred = unpack_masks(result["predictions"]).float().argmax(dim=0)  # (K, n, H, W) one-hot -> (n, H, W)
    colours = ListedColormap(CLASS_COLOURS)
    fig = new_figure(8.0, 4.4)
    axes = fig.subplots(3, multiclass.KEEP)
    for j in range(multiclass.KEEP):
        show_image(axes[0, j], images[j].permute(1, 2, 0).clamp(0, 1).numpy())
        show_image(axes[1, j], labels[j].numpy(), cmap=colours, vmin=0, vmax=2, interpolation="nearest")
        show_image(axes[2, j], pred[j].numpy(), cmap=colours, vmin=0, vmax=2, interpolation="nearest")
        one_hot = F.one_hot(pred[j : j + 1], len(multiclass.CLASSES)).permute(0, 3, 1, 2).float()
        ious = multiclass.class_iou(one_hot, labels[j : j + 1])
        present = [v for v in ious[1:] if not math.isnan(v)]
        axes[2, j].set_title(f"IoU {sum(present) / len(present):.2f}", fontsize=9)
    for ax, label in zip(axes[:, 0], ["input", "true labels", "predicted"], strict=True):
        ax.set_ylabel(label)
    handles = [Patch(facecolor=c, label=name) for c, name in zip(CLASS_COLOURS, multiclass.CLASSES, strict=True)]
    fig.legend(handles=handles, loc="outside lower center", ncols=3, frameon=False)
    return fig


@figure(
    "bce_floor",
    alt="Binary cross-entropy against the logit z, for a background pixel (target 0) and a foreground pixel "
    "(target 1). The half z < 0 is shaded: a final ReLU forbids it. There the background loss could fall towards 0; "
    "with z >= 0 it cannot go below log 2, reached at z = 0, where the probability is 0.5",
)
def bce_floor(device: torch.device) -> Figure:
    z = torch.linspace(-6, 6, 241)
    fig = new_figure(6.0, 3.0)
    ax = fig.subplots()
    ax.axvspan(-6, 0, color="#999999", alpha=0.2, linewidth=0)
    ax.text(-3, 5.3, "z < 0: what a\nfinal ReLU forbids", ha="center", va="top", fontsize=9)
    for target, colour, line in ((0.0, PALETTE[0], "-"), (1.0, PALETTE[1], "--")):
        loss = F.binary_cross_entropy_with_logits(z, torch.full_like(z, target), reduction="none")
        ax.plot(
            z, loss, line, color=colour, label=f"target {target:g} ({'background' if target == 0 else 'foreground'})"
        )
    ax.axhline(math.log(2), color="#555555", linewidth=0.8, linestyle=(0, (4, 4)))
    ax.plot([0], [math.log(2)], "o", color=PALETTE[0])
    ax.annotate("log 2 ≈ 0.693: a background pixel's\nleast loss when z ≥ 0", (0, math.log(2)), (1.6, 0.9),
                fontsize=8.5, va="bottom", arrowprops={"arrowstyle": "->", "color": "#555555"})  # fmt: skip
    ax.set(xlabel="logit z", ylabel="BCE with logits", xlim=(-6, 6), ylim=(0, 5.5))
    ax.grid(alpha=0.3)
    ax.legend(loc="upper right", fontsize=8)
    return fig


def field_map(model: nn.Module, size: int) -> np.ndarray:
    """|d output[centre] / d input| of a linearised copy of `model` (as the probe makes it), on a log scale."""
    probe = linearised(model)
    x = torch.randn(1, 1, size, size, requires_grad=True)
    probe(x)[0, 0, size // 2, size // 2].backward()
    grad = x.grad[0, 0].abs().numpy()
    return np.log10(np.where(grad > 0, grad, np.nan))


@figure(
    "receptive_fields",
    alt="For the article's model, the minimal U-Net and the three-level U-Net, the input pixels of a 128 by 128 "
    "image that can change the centre output pixel, coloured by the size of their gradient: squares of 8, 12 and "
    "92 pixels, with the gradient largest near the centre and falling off towards the edges",
)
def receptive_fields(device: torch.device) -> Figure:
    torch.manual_seed(0)
    models = {
        "article's model": ArticleUNet(),
        "minimal U-Net": MinimalUNet(),
        "U-Net, depth 3": UNet(depth=3, base_channels=8),
    }
    fig = new_figure(8.0, 3.0)
    axes = fig.subplots(1, 3)
    for ax, (name, model) in zip(axes, models.items(), strict=True):
        image = field_map(model, 128)
        side = int(np.isfinite(image).any(axis=0).sum())
        shown = ax.imshow(image, cmap="viridis", interpolation="nearest")
        ax.set_facecolor("#f2f2f2")
        ax.set(title=f"{name}: {side} × {side}", xticks=[], yticks=[])
    fig.colorbar(shown, ax=axes, label="log₁₀ |gradient|", shrink=0.85)
    return fig


@figure(
    "architecture",
    alt="The U-Net of this chapter as a U: on the left, the contracting path, from 8 channels at 64 by 64 down to "
    "64 channels at 8 by 8; on the right, the expanding path back up to 8 channels at 64 by 64, then one logit per "
    "pixel; horizontal arrows copy each level's map across to the expanding path",
)
def architecture(device: torch.device) -> Figure:
    """The demo's U-Net drawn from a forward pass: every box's shape is a measured one."""
    model = UNet(depth=3, base_channels=8)
    rows = {row.name: row for row in layer_summary(model, (1, 1, 64, 64))}
    depth = model.depth
    encoder = [rows["inc.relu2"], *(rows[f"downs.{i}.conv.relu2"] for i in range(depth))]
    decoder = [rows[f"ups.{depth - 1 - level}.conv.relu2"] for level in range(depth)]  # by level, 0 first
    fig = new_figure(7.2, 3.3)
    ax = fig.subplots()
    ax.set_axis_off()
    width, height, step = 1.3, 0.55, 0.9

    def box(x: float, y: float, shape: tuple[int, ...], colour: str, label: str = "") -> None:
        ax.add_patch(Rectangle((x - width / 2, y - height / 2), width, height, facecolor=colour, edgecolor="#333333"))
        text = f"{shape[1]}×{shape[2]}×{shape[3]}"
        ax.text(x, y + (0.07 if label else 0), text, ha="center", va="center", fontsize=9)
        if label:
            ax.text(x, y - 0.14, label, ha="center", va="center", fontsize=7.5, color="#333333")

    def arrow(start: tuple[float, float], end: tuple[float, float], text: str = "", **kw) -> None:
        ax.annotate("", end, start, arrowprops={"arrowstyle": "->", "color": "#333333", "lw": 1, **kw})
        if text:
            mid = ((start[0] + end[0]) / 2, (start[1] + end[1]) / 2)
            ax.text(*mid, text, ha="center", va="bottom", fontsize=7.5, color="#333333")

    right = 2 * depth * step + 1.3
    ax.text(-1.4, 0, "input\n1×64×64", ha="center", va="center", fontsize=8)
    arrow((-0.95, 0), (-width / 2 - 0.02, 0))
    for level, row in enumerate(encoder):
        x, y = level * step, -level
        box(x, y, row.output_shape, "#cfe3f3", "DoubleConv")
        if level < depth:
            arrow((x + 0.15, y - height / 2), (x + step - 0.15, y - 1 + height / 2), "")
            ax.text(x + step / 2 + 0.28, y - 0.5, "max pool", fontsize=7.5, va="center", color="#333333")
    for level, row in enumerate(decoder):
        x, y = right - level * step, -level
        box(x, y, row.output_shape, "#f6dcc4", "Up")
        arrow((level * step + width / 2, y), (x - width / 2, y), "copy, concatenate", linestyle="--")
        below = (right - (level + 1) * step, -(level + 1)) if level + 1 < depth else (depth * step, -depth)
        arrow((below[0] + 0.15, below[1] + height / 2), (x - 0.15, y - height / 2))
        ax.text(x - step / 2 - 0.28, y - 0.5, "up ×2", fontsize=7.5, va="center", ha="right", color="#333333")
    ax.text(right + 1.5, 0, "1×1 conv\nlogits\n1×64×64", ha="center", va="center", fontsize=8)
    arrow((right + width / 2 + 0.02, 0), (right + 1.05, 0))
    ax.set_xlim(-2.0, right + 2.1)
    ax.set_ylim(-depth - 0.5, 0.5)
    return fig
