"""Figures of the U-Net page: built by `python -m tools.figures --only unet`.

`training_curves` reads results/ablation.json (written by `python -m snippets.unet.demo --ablation`).
`predictions` trains two small U-Nets once per process (functools.lru_cache), with and without skips.
"""

from __future__ import annotations

import functools
import json
from dataclasses import replace

import numpy as np
import torch
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from snippets.plotting import PALETTE, figure, new_figure, show_image
from snippets.unet.demo import ARMS, RESULTS, TARGET_IOU, DemoConfig, train_model
from snippets.unet.model import UNet
from snippets.unet.train import iou_score

# The demo's settings with 3/4 of its training images, so that the figure builds in about half a minute.
FIGURE_CONFIG = replace(DemoConfig(), n_train=384)
COLUMNS = 6

# Pixel colours of the prediction panels: right answers in grey levels, mistakes in colour.
TRUE_POSITIVE, TRUE_NEGATIVE = (1.0, 1.0, 1.0), (0.15, 0.15, 0.15)
FALSE_POSITIVE, FALSE_NEGATIVE = PALETTE[4], PALETTE[5]  # orange: extra; sky blue: missed


@functools.lru_cache(maxsize=4)
def trained(skip: bool, device_type: str) -> tuple[UNet, tuple[torch.Tensor, torch.Tensor]]:
    """A U-Net trained on the figure budget (cached: built once per process); and its held-out set.

    On one thread: the same arithmetic on every machine, so the same PNG; and no thread
    contention when the machine is busy with other work.
    """
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        config = replace(FIGURE_CONFIG, skip=skip)
        model, _, val = train_model(config, progress=False, device=torch.device(device_type))
    finally:
        torch.set_num_threads(threads)
    return model.eval(), val


def hex_rgb(colour: str) -> tuple[float, float, float]:
    return tuple(int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))


def error_image(logits: torch.Tensor, mask: torch.Tensor) -> np.ndarray:
    """(H, W) logits and mask -> (H, W, 3) RGB: hits in white and dark grey, extras orange, misses blue."""
    pred, truth = (logits > 0).numpy(), (mask > 0.5).numpy()
    rgb = np.empty((*truth.shape, 3))
    rgb[pred & truth], rgb[~pred & ~truth] = TRUE_POSITIVE, TRUE_NEGATIVE
    rgb[pred & ~truth], rgb[~pred & truth] = hex_rgb(FALSE_POSITIVE), hex_rgb(FALSE_NEGATIVE)
    return rgb


@figure(
    "predictions",
    alt="Six held-out test images with their true masks, and the masks predicted by a U-Net with skip connections "
    "and by the same network without them; mistakes are coloured. With skips the outlines follow the true ones "
    "closely; without them corners and tips are rounded off and edges spill over by a pixel or two",
)
def predictions(device: torch.device) -> Figure:
    with_skips, (images, masks) = trained(True, device.type)
    without_skips, _ = trained(False, device.type)
    images, masks = images[:COLUMNS], masks[:COLUMNS]
    with torch.no_grad():
        rows = {
            "U-Net": with_skips(images.to(device)).cpu(),
            "no skips": without_skips(images.to(device)).cpu(),
        }
    fig = new_figure(8.0, 6.0)
    axes = fig.subplots(4, COLUMNS)
    for j in range(COLUMNS):
        show_image(axes[0, j], images[j, 0].numpy())
        show_image(axes[1, j], masks[j, 0].numpy(), vmin=0, vmax=1)
        for i, logits in enumerate(rows.values(), start=2):
            show_image(axes[i, j], error_image(logits[j, 0], masks[j, 0]))
            axes[i, j].set_title(f"IoU {iou_score(logits[j : j + 1], masks[j : j + 1]):.2f}", fontsize=9)
    for ax, label in zip(axes[:, 0], ["input", "ground truth", *rows], strict=True):
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
    alt="Training loss and held-out IoU per epoch for the U-Net with transposed-convolution upsampling, with bilinear "
    "upsampling, and without skip connections, averaged over three seeds. Both U-Nets pass IoU 0.9 by the "
    "second epoch and end near 0.97; the network without skips learns more slowly and levels off near 0.90",
    data=("results/ablation.json",),
)
def training_curves(device: torch.device) -> Figure:
    result = json.loads((RESULTS / "ablation.json").read_text())
    fig = new_figure(8.0, 3.2)
    loss_ax, iou_ax = fig.subplots(1, 2)
    styles = {arm: (PALETTE[k], ["-", "--", ":"][k], "os^"[k]) for k, arm in enumerate(ARMS)}
    for arm, (colour, line, marker) in styles.items():
        runs = [r["history"] for r in result["runs"] if r["arm"] == arm]
        for ax, key in ((loss_ax, "loss"), (iou_ax, "val_iou")):
            values = np.array([h[key] for h in runs])
            epochs = np.arange(1, values.shape[1] + 1)
            ax.plot(epochs, values.mean(0), line, color=colour, marker=marker, label=arm)
            ax.fill_between(epochs, values.min(0), values.max(0), color=colour, alpha=0.15, linewidth=0)
    iou_ax.axhline(TARGET_IOU, color="#555555", linewidth=0.8, linestyle=(0, (4, 4)))
    iou_ax.text(1, TARGET_IOU + 0.01, f"target {TARGET_IOU}", fontsize=8, color="#555555", va="bottom")
    loss_ax.set(title="training loss (BCE + Dice)", xlabel="epoch")
    iou_ax.set(title="held-out IoU", xlabel="epoch", ylim=(0, 1))
    for ax in (loss_ax, iou_ax):
        ax.set_xticks(epochs)
        ax.grid(alpha=0.3)
    iou_ax.legend(loc="lower right", fontsize=8)
    return fig
