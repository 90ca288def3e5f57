"""The shared look of every figure, and the `@figure` registry that `python -m tools.figures` builds.

Register a figure in a page package's `figures.py`:

    @figure("feature_maps", alt="A photo beside the 16 feature maps of a Conv2d")
    def feature_maps(device: torch.device) -> Figure:
        ...

It is saved as `docs/figures/<package>/feature_maps.png`; embed it on the page with the
same alt text (a test checks that every registered figure is on a page, with its alt).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")  # no display; also makes rendering identical across machines

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

# Colour-blind-safe palette (Okabe & Ito), dark enough to read on the white figure background.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]
# Perceptually uniform maps: 'gray' for images, 'RdBu_r' for signed values centred on zero.
IMAGE_CMAP = "gray"
SIGNED_CMAP = "RdBu_r"

STYLE = {
    "font.family": "DejaVu Sans",  # bundled with matplotlib: the same glyphs everywhere
    "font.size": 10,
    "axes.titlesize": 10,
    "axes.prop_cycle": matplotlib.cycler(color=PALETTE),
    "figure.dpi": 100,
    "figure.facecolor": "white",
    "savefig.facecolor": "white",
    "image.interpolation": "nearest",  # show pixels as pixels
    "svg.hashsalt": "conv-guide",
}
plt.rcParams.update(STYLE)


@dataclass(frozen=True)
class FigureSpec:
    key: str  # "<package>/<name>"
    alt: str
    func: Callable[..., Figure]
    data: tuple[str, ...] = ()  # files the figure reads, relative to its package (e.g. results JSON)


REGISTRY: dict[str, FigureSpec] = {}


def figure(name: str, alt: str, data: tuple[str, ...] = ()) -> Callable[[Callable[..., Figure]], Callable[..., Figure]]:
    """Register a figure function under `<package>/<name>`, with its alt text.

    `data` names the files it reads (saved results), relative to its package: the figure
    is rebuilt when they change, as when its code does.
    """

    def register(func: Callable[..., Figure]) -> Callable[..., Figure]:
        package = func.__module__.split(".")[1]
        key = f"{package}/{name}"
        if key in REGISTRY and REGISTRY[key].func.__qualname__ != func.__qualname__:
            raise ValueError(f"figure {key!r} is registered twice")
        if not alt.strip():
            raise ValueError(f"figure {key!r} needs alt text")
        REGISTRY[key] = FigureSpec(key, alt, func, tuple(data))
        return func

    return register


def new_figure(width: float, height: float, **kwargs) -> Figure:
    """A figure of `width` x `height` inches, laid out so that nothing is clipped."""
    return plt.figure(figsize=(width, height), layout="constrained", **kwargs)


def show_image(ax, image, title: str = "", cmap: str = IMAGE_CMAP, **kwargs) -> None:
    """An image with no ticks and a title: the common panel of a figure grid."""
    ax.imshow(image, cmap=cmap, **kwargs)
    ax.set_title(title)
    ax.set_xticks([])
    ax.set_yticks([])
