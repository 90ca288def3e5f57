"""The Augmentation page's figures: every transform before and after, the pitfalls, the ablation's data."""

from __future__ import annotations

import torch
from matplotlib.colors import ListedColormap, to_rgb
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from torchvision import tv_tensors
from torchvision.transforms import v2
from torchvision.transforms.v2 import functional as F

from snippets.augmentation.ablation import Settings, shift_test_set
from snippets.augmentation.dataset import make_scene, make_scenes
from snippets.augmentation.transforms import BILINEAR, CATALOG, Augmentation
from snippets.plotting import PALETTE, figure, new_figure, show_image

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
            ax.contour((mask == label).float().numpy(), levels=[0.5], colors=[colour], linewidths=1.2)
    ax.imshow(rgba.numpy())
    ax.set_title(title)
    ax.set_xticks([])
    ax.set_yticks([])


def class_legend(fig: Figure) -> None:
    handles = [Patch(facecolor=CLASS_COLOURS[k], alpha=0.6, label=CLASS_NAMES[k]) for k in CLASS_COLOURS]
    fig.legend(handles=handles, loc="outside lower center", ncols=2, frameon=False)


def most_visible(aug: Augmentation, image: torch.Tensor, mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """The output, of five seeded draws, that changes the image most (a flip or a mild draw can do nothing)."""
    outputs = []
    for seed in range(5):
        torch.manual_seed(seed)
        outputs.append(aug.make(image.shape[-1], BILINEAR)(tv_tensors.Image(image), tv_tensors.Mask(mask)))
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
    alt="Four rotations of one scene: one joint call keeps the mask on the objects; separate calls, plain "
    "tensors and a bilinear mask each give a mask that is off the objects or holds a class that is not there",
)
def pitfalls(device: torch.device) -> Figure:
    image, mask = make_scene(SCENE_SIZE, seed=SCENE_SEED, noise=SCENE_NOISE)
    rotate = v2.RandomRotation(degrees=30)  # as on the page; seed 1 draws +15 degrees, then -13
    torch.manual_seed(1)
    right_image, right_mask = rotate(tv_tensors.Image(image), tv_tensors.Mask(mask))
    torch.manual_seed(1)
    separate_image = rotate(tv_tensors.Image(image))
    separate_mask = rotate(tv_tensors.Mask(mask))
    torch.manual_seed(1)
    plain_image, plain_mask = rotate(image, mask)
    angle = 30.0
    bilinear = F.rotate(mask[None].float(), angle=angle, interpolation=v2.InterpolationMode.BILINEAR)[0].round()
    fig = new_figure(8.8, 2.9)
    axes = fig.subplots(1, 4)
    overlay(axes[0], right_image, right_mask, "One call: aligned")
    overlay(axes[1], separate_image, separate_mask, "Separate calls")
    overlay(axes[2], plain_image, plain_mask, "Plain tensors")
    # The label map itself, zoomed on a square: bilinear values between 0 and 2 round to 1.
    ys, xs = torch.nonzero(bilinear == 2, as_tuple=True)
    cy, cx = int(ys.float().mean()), int(xs.float().mean())
    crop = bilinear[max(cy - 16, 0) : cy + 16, max(cx - 16, 0) : cx + 16]
    labels = ListedColormap(["#e6e6e6", CLASS_COLOURS[1], CLASS_COLOURS[2]])
    show_image(axes[3], crop.numpy(), "Bilinear mask (zoom)", cmap=labels, vmin=0, vmax=2)
    handles = [Patch(facecolor=CLASS_COLOURS[k], alpha=0.6, label=CLASS_NAMES[k]) for k in CLASS_COLOURS]
    handles.append(Patch(facecolor="#e6e6e6", edgecolor="#999999", label="background (0)"))
    fig.legend(handles=handles, loc="outside lower center", ncols=3, frameon=False)
    return fig


@figure(
    "ablation_data",
    alt="Top row: training scenes, upright and evenly lit. Bottom row: the same kind of scenes rotated, "
    "shifted and re-lit, as in the shifted test set; masks overlaid",
)
def ablation_data(device: torch.device) -> Figure:
    s = Settings()
    train_images, train_masks = make_scenes(5, size=s.size, seed=1)
    test_images, test_masks = shift_test_set(*make_scenes(5, size=s.size, seed=2), seed=3)
    fig = new_figure(7.0, 3.3)
    axes = fig.subplots(2, 5)
    for i in range(5):
        overlay(axes[0, i], train_images[i], train_masks[i], "training" if i == 0 else "")
        overlay(axes[1, i], test_images[i], test_masks[i], "shifted test" if i == 0 else "")
    class_legend(fig)
    return fig
