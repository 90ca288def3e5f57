"""The Augmentation chapter's figures: the scene, every transform before and after, the pitfalls, NEAREST
against BILINEAR for images, and the ablation's data."""

from __future__ import annotations

from pathlib import Path

import torch
from matplotlib.colors import ListedColormap, to_rgb
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from torchvision import tv_tensors
from torchvision.transforms import v2
from torchvision.transforms.v2 import functional as F

from snippets.augmentation.dataset import make_scene, make_scenes
from snippets.augmentation.interpolation import rings, rotation_error
from snippets.augmentation.shift import shift_test_set
from snippets.augmentation.transforms import (
    BILINEAR,
    CATALOG,
    NEAREST,
    Augmentation,
)
from snippets.experiment import load_results
from snippets.plotting import PALETTE, figure, new_figure, show_image

# The ablation's saved run: its figure shows scenes of the size that run trained on. Read from
# the results (not imported from the training code), so that this module depends on no model.
ABLATION_RESULTS = Path(__file__).resolve().parent / "results" / "ablation.json"

# Okabe-Ito blue and vermillion: apart for every kind of colour vision, and unlike the scene's own colours.
CLASS_COLOURS = {1: PALETTE[0], 2: PALETTE[1]}
CLASS_NAMES = {1: "class 1 (disc)", 2: "class 2 (square)"}
SCENE_SIZE = 64
SCENE_SEED = 0
SCENE_NOISE = 0.0  # no sensor noise in the figures: the Gaussian noise panel is then the only noise


def overlay(ax, image: torch.Tensor, mask: torch.Tensor, title: str) -> None:
    """The image (3, H, W) with each class of mask (H, W) as a translucent fill and a solid outline."""
    ax.imshow(image.permute(1, 2, 0).clamp(0, 1).numpy())
    rgba = torch.zeros(*mask.shape, 4)
    for label, colour in CLASS_COLOURS.items():
        rgba[mask == label] = torch.tensor([*to_rgb(colour), 0.35])
        if (mask == label).any():
            ax.contour(
                (mask == label).float().numpy(),
                levels=[0.5],
                colors=[colour],
                linewidths=1.2,
            )
    ax.imshow(rgba.numpy())
    ax.set_title(title)
    ax.set_xticks([])
    ax.set_yticks([])


def class_legend(fig: Figure, background: bool = False) -> None:
    handles = [
        Patch(facecolor=CLASS_COLOURS[k], alpha=0.6, label=CLASS_NAMES[k])
        for k in CLASS_COLOURS
    ]
    if background:
        handles.append(
            Patch(
                facecolor=BACKGROUND,
                edgecolor="#999999",
                label="background (0)",
            )
        )
    fig.legend(
        handles=handles,
        loc="outside lower center",
        ncols=len(handles),
        frameon=False,
    )


BACKGROUND = "#e6e6e6"
LABEL_CMAP = ListedColormap([BACKGROUND, CLASS_COLOURS[1], CLASS_COLOURS[2]])


@figure(
    "scene",
    alt="The synthetic scene: a striped disc and two striped squares on a green-grey background, and beside "
    "it its label map, with the disc as class 1 and the squares as class 2 on background 0",
)
def scene(device: torch.device) -> Figure:
    image, mask = make_scene(SCENE_SIZE, seed=SCENE_SEED)
    fig = new_figure(5.2, 3.0)
    axes = fig.subplots(1, 2)
    show_image(
        axes[0], image.permute(1, 2, 0).numpy(), "image (3, 64, 64), float32"
    )
    show_image(
        axes[1],
        mask.numpy(),
        "mask (64, 64), int64 labels",
        cmap=LABEL_CMAP,
        vmin=0,
        vmax=2,
    )
    class_legend(fig, background=True)
    return fig


def most_visible(
    aug: Augmentation, image: torch.Tensor, mask: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """The output, of five seeded draws, that changes the image most (a flip or a mild draw can do nothing)."""
    outputs = []
    for seed in range(5):
        torch.manual_seed(seed)
        outputs.append(
            aug.make(image.shape[-1], BILINEAR)(
                tv_tensors.Image(image), tv_tensors.Mask(mask)
            )
        )
    return max(outputs, key=lambda pair: (pair[0] - image).abs().mean().item())


@figure(
    "transforms",
    alt="A striped disc and two squares with their mask overlaid, before and after each of the eight "
    "augmentations in the table: geometric ones move the mask with the image, photometric ones leave it unchanged",
)
def transforms(device: torch.device) -> Figure:
    image, mask = make_scene(SCENE_SIZE, seed=SCENE_SEED, noise=SCENE_NOISE)
    fig = new_figure(5.6, 6.6)
    axes = fig.subplots(3, 3)
    overlay(axes[0, 0], image, mask, "Before\n(the original)")
    for ax, aug in zip(axes.flat[1:], CATALOG, strict=True):
        out_image, out_mask = most_visible(aug, image, mask)
        overlay(ax, out_image, out_mask, f"{aug.name}\n({aug.kind})")
    class_legend(fig)
    return fig


@figure(
    "pitfalls",
    alt="Five rotations of one scene: one joint call keeps the mask on the objects; separate calls, plain "
    "tensors, and an image wrapped with its mask left plain each give a mask that is off the objects; a bilinear "
    "mask holds a class that is not there",
)
def pitfalls(device: torch.device) -> Figure:
    image, mask = make_scene(SCENE_SIZE, seed=SCENE_SEED, noise=SCENE_NOISE)
    rotate = v2.RandomRotation(
        degrees=30, interpolation=BILINEAR
    )  # seed 1 draws +15 degrees, then -13
    torch.manual_seed(1)
    right_image, right_mask = rotate(
        tv_tensors.Image(image), tv_tensors.Mask(mask)
    )
    torch.manual_seed(1)
    separate_image = rotate(tv_tensors.Image(image))
    separate_mask = rotate(tv_tensors.Mask(mask))
    torch.manual_seed(1)
    plain_image, plain_mask = rotate(image, mask)
    torch.manual_seed(1)
    half_image, half_mask = rotate(tv_tensors.Image(image), mask)
    bilinear = F.rotate(mask[None].float(), angle=30.0, interpolation=BILINEAR)[
        0
    ].round()
    fig = new_figure(8.8, 2.75)
    axes = fig.subplots(1, 5)
    overlay(axes[0], right_image, right_mask, "One call:\naligned")
    overlay(axes[1], separate_image, separate_mask, "Separate calls")
    overlay(axes[2], plain_image, plain_mask, "Plain tensors")
    overlay(axes[3], half_image, half_mask, "Image wrapped,\nmask plain")
    # The label map itself, zoomed on a square: bilinear values between 0 and 2 round to 1.
    ys, xs = torch.nonzero(bilinear == 2, as_tuple=True)
    cy, cx = int(ys.float().mean()), int(xs.float().mean())
    crop = bilinear[max(cy - 16, 0) : cy + 16, max(cx - 16, 0) : cx + 16]
    show_image(
        axes[4],
        crop.numpy(),
        "Bilinear mask\n(zoom)",
        cmap=LABEL_CMAP,
        vmin=0,
        vmax=2,
    )
    class_legend(fig, background=True)
    return fig


@figure(
    "interpolation",
    alt="Top row: a striped square rotated by 30 degrees with torchvision's default NEAREST interpolation has "
    "staircase edges; with BILINEAR its edges are smooth. Bottom row: concentric rings, which a rotation should "
    "leave unchanged, rotated by 30 degrees: NEAREST breaks the rings into jagged steps, BILINEAR keeps them round",
)
def interpolation(device: torch.device) -> Figure:
    image, mask = make_scene(SCENE_SIZE, seed=SCENE_SEED, noise=SCENE_NOISE)
    ys, xs = torch.nonzero(
        mask == 2, as_tuple=True
    )  # zoom on a square, whose straight edges show steps
    cy, cx = int(ys.float().mean()), int(xs.float().mean())
    box = (slice(max(cy - 14, 0), cy + 14), slice(max(cx - 14, 0), cx + 14))
    pattern = rings(SCENE_SIZE)
    fig = new_figure(6.0, 4.4)
    axes = fig.subplots(2, 3)
    show_image(
        axes[0, 0], image.permute(1, 2, 0)[box].numpy(), "the scene (zoom)"
    )
    show_image(axes[1, 0], pattern[0].numpy(), "rings", vmin=0, vmax=1)
    for column, (mode, name) in enumerate(
        [(NEAREST, "NEAREST (default)"), (BILINEAR, "BILINEAR")], start=1
    ):
        rotated = F.rotate(
            image, angle=30.0, interpolation=mode, center=[cx, cy]
        )
        show_image(
            axes[0, column],
            rotated.permute(1, 2, 0)[box].clamp(0, 1).numpy(),
            f"30°, {name}",
        )
        error = rotation_error(pattern, 30.0, mode)
        rotated_rings = F.rotate(pattern, angle=30.0, interpolation=mode)[0]
        show_image(
            axes[1, column],
            rotated_rings.numpy(),
            f"30°, {name}\nmean error {error:.3f}",
            vmin=0,
            vmax=1,
        )
    return fig


@figure(
    "ablation_data",
    data=("results/ablation.json",),
    alt="Top row: training scenes, upright and evenly lit. Bottom row: the same kind of scenes rotated, "
    "shifted and re-lit, as in the shifted test set; masks overlaid",
)
def ablation_data(device: torch.device) -> Figure:
    results = load_results(ABLATION_RESULTS)
    if results is None:
        raise FileNotFoundError(
            f"{ABLATION_RESULTS} is missing: run python -m snippets.augmentation.ablation"
        )
    size = results["settings"]["size"]
    train_images, train_masks = make_scenes(
        5, size=size, seed=1
    )  # the seeds of the ablation's training ...
    test_images, test_masks = shift_test_set(
        *make_scenes(5, size=size, seed=2), seed=3
    )  # ... and test scenes
    fig = new_figure(7.0, 3.3)
    axes = fig.subplots(2, 5)
    for i in range(5):
        overlay(
            axes[0, i],
            train_images[i],
            train_masks[i],
            "training" if i == 0 else "",
        )
        overlay(
            axes[1, i],
            test_images[i],
            test_masks[i],
            "shifted test" if i == 0 else "",
        )
    class_legend(fig)
    return fig
