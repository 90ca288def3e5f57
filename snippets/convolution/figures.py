"""Figures of the Convolution page: sliding windows and feature maps.

The sliding-window figures take their cells from `receptive.window` and their
sizes from `checks.conv2d_geometry`, the very functions `conv2d_loops` runs
on. The feature-map figures use the page's own kernels and photo.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import torch
import torch.nn as nn
import torch.nn.functional as F
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from snippets.convolution.checks import Conv2dGeometry, conv2d_geometry
from snippets.convolution.image import grace_hopper
from snippets.convolution.kernels import CLASSIC_KERNELS, kernel_bank
from snippets.convolution.receptive import window
from snippets.plotting import (
    IMAGE_CMAP,
    PALETTE,
    SIGNED_CMAP,
    figure,
    new_figure,
    show_image,
)

READ = PALETTE[0]  # cells a window reads, and the output cell it writes
ZERO = PALETTE[1]  # window taps on the padding: they read a zero
GRID = "#555555"
PAD_FILL = "#e6e6e6"
# Photos make heavy PNGs: 32 levels per colour map look the same on screen
# and take about half the bytes of 256.
GREY = plt.get_cmap(IMAGE_CMAP, 32)
SIGNED = plt.get_cmap(SIGNED_CMAP, 32)  # diverging: blue < 0 < red
CELL_TEXT = {"ha": "center", "va": "center", "fontsize": 7}


def _cell(ax: Axes, row: int, col: int, face: str) -> None:
    square = Rectangle((col, row), 1, 1, facecolor=face, edgecolor=GRID)
    ax.add_patch(square)


def _grid_axes(ax: Axes, rows: range, cols: range, height: int) -> None:
    """Unit cells, `height` rows in all, so all grids share one cell size."""
    margin = (height - len(rows)) / 2
    ax.set_xlim(cols.start - 0.1, cols.stop + 0.1)
    # row 0 at the top, as in a tensor
    ax.set_ylim(rows.stop + margin + 0.1, rows.start - margin - 0.1)
    ax.set_aspect("equal")
    ax.axis("off")


def _geometry(size: int, kernel_size: int, **settings) -> Conv2dGeometry:
    x = torch.zeros(1, 1, size, size)
    w = torch.zeros(1, 1, kernel_size, kernel_size)
    return conv2d_geometry(x, w, **settings)


def draw_window(
    ax_in: Axes,
    ax_out: Axes,
    size: int,
    kernel_size: int,
    out_cell: tuple[int, int],
    **settings,
) -> None:
    """One step of the slide: the padded input, and the taps of `out_cell`."""
    geo = _geometry(size, kernel_size, **settings)
    (top, bottom), (left, right) = geo.padding
    rows, cols = range(-top, size + bottom), range(-left, size + right)
    taps = window(
        *out_cell, geo.kernel_size, geo.stride, (top, left), geo.dilation
    )
    # which weight[m, n] multiplies each input cell the window reads
    weight_at = {(row, col): (m, n) for m, n, row, col in taps}
    for r in rows:
        for c in cols:
            inside = 0 <= r < size and 0 <= c < size
            if (r, c) in weight_at:
                _cell(ax_in, r, c, READ if inside else ZERO)
                m, n = weight_at[(r, c)]
                ax_in.text(
                    c + 0.5, r + 0.5, f"{m},{n}", color="white", **CELL_TEXT
                )
            else:
                _cell(ax_in, r, c, "white" if inside else PAD_FILL)
    _grid_axes(ax_in, rows, cols, len(rows))
    ax_in.set_title(f"input {size}×{size}", fontsize=9)
    h_out, w_out = geo.output_size
    for r in range(h_out):
        for c in range(w_out):
            _cell(ax_out, r, c, READ if (r, c) == out_cell else "white")
    _grid_axes(ax_out, range(h_out), range(w_out), len(rows))
    name = f"out[{out_cell[0]}, {out_cell[1]}]"
    ax_out.text(w_out / 2, -0.3, name, ha="center", va="bottom", fontsize=9)


def sliding_window_figure(
    size: int, kernel_size: int, out_cells: list[tuple[int, int]], **settings
) -> Figure:
    """Steps of the slide in a row: each an input grid and the output grid."""
    geo = _geometry(size, kernel_size, **settings)
    padded = size + sum(geo.padding[1])
    widths = [padded, geo.output_size[1] + 1] * len(out_cells)
    fig = new_figure(6.9, 2.0)  # the page's content width: shown 1:1
    grid = fig.add_gridspec(1, 2 * len(out_cells), width_ratios=widths)
    for k, cell in enumerate(out_cells):
        ax_in = fig.add_subplot(grid[0, 2 * k])
        ax_out = fig.add_subplot(grid[0, 2 * k + 1])
        draw_window(ax_in, ax_out, size, kernel_size, cell, **settings)
    keys = [(READ, "cells the window reads (m,n: the weight)")]
    if any(geo.padding[0]):
        keys += [
            (ZERO, "taps on padding (they read 0)"),
            (PAD_FILL, "padding"),
        ]
    legend = [
        Rectangle((0, 0), 1, 1, facecolor=face, edgecolor=GRID, label=label)
        for face, label in keys
    ]
    fig.legend(
        handles=legend,
        loc="outside lower center",
        ncols=len(legend),
        frameon=False,
        fontsize=9,
    )
    return fig


@figure(
    "window_padding",
    alt="A 3×3 window sliding over a 4×4 input with padding 1: at the corner, "
    "five of its nine taps read padding zeros, and the output stays 4×4",
)
def window_padding(device: torch.device) -> Figure:
    return sliding_window_figure(4, 3, [(0, 0), (0, 1), (3, 3)], padding=1)


@figure(
    "window_stride",
    alt="A 3×3 window over a 5×5 input with stride 2: it jumps two cells per "
    "step, giving a 2×2 output",
)
def window_stride(device: torch.device) -> Figure:
    return sliding_window_figure(5, 3, [(0, 0), (0, 1), (1, 0)], stride=2)


@figure(
    "window_dilation",
    alt="A 3×3 kernel with dilation 2 over a 7×7 input: its taps are two "
    "cells apart, so it spans 5×5 and the output is 3×3",
)
def window_dilation(device: torch.device) -> Figure:
    return sliding_window_figure(7, 3, [(0, 0), (0, 1), (2, 2)], dilation=2)


def _show_kernel(ax: Axes, name: str, kernel: torch.Tensor) -> None:
    """A kernel's values on pale colours, so the black numbers stay legible."""
    limit = 2 * kernel.abs().max().item()
    show_image(ax, kernel, name, cmap=SIGNED_CMAP, vmin=-limit, vmax=limit)
    for m in range(kernel.shape[0]):
        for n in range(kernel.shape[1]):
            value = kernel[m, n].item()
            label = "1/9" if name == "Box blur" else f"{value:g}"
            ax.text(n, m, label, **{**CELL_TEXT, "fontsize": 8})


@figure(
    "classic_kernels",
    alt="Grace Hopper's photo and four 3×3 kernels applied to it with "
    "F.conv2d: Sobel x lights up vertical edges, Sobel y horizontal edges, "
    "the box blur softens, and sharpen crisps the details",
)
def classic_kernels(device: torch.device) -> Figure:
    photo = grace_hopper().to(device)
    bank = kernel_bank().to(device)
    maps = F.conv2d(photo, bank, padding=1)[0].cpu()
    fig = new_figure(6.9, 2.9)
    grid = fig.add_gridspec(2, 5, height_ratios=[1, 2.2])
    fig.add_subplot(grid[0, 0]).axis("off")
    show_image(
        fig.add_subplot(grid[1, 0]),
        photo[0, 0].cpu(),
        "photo (input)",
        cmap=GREY,
        vmin=0,
        vmax=1,
    )
    for k, (name, kernel) in enumerate(CLASSIC_KERNELS.items(), start=1):
        _show_kernel(fig.add_subplot(grid[0, k]), name, kernel)
        fmap, ax = maps[k - 1], fig.add_subplot(grid[1, k])
        if name.startswith("Sobel"):
            # signed: red where brightness rises, blue where it falls; the
            # strongest 1% saturate, so that faint edges show too
            limit = fmap.abs().quantile(0.99).item()
            show_image(ax, fmap, "", cmap=SIGNED, vmin=-limit, vmax=limit)
        else:
            show_image(ax, fmap, "", cmap=GREY, vmin=0, vmax=1)
    return fig


@figure(
    "conv2d_maps",
    alt="Grace Hopper's photo beside the 16 feature maps of the article's "
    "untrained, seeded nn.Conv2d(1, 16, 3, 1, 1): each map is the photo seen "
    "through one random 3×3 filter",
)
def conv2d_maps(device: torch.device) -> Figure:
    photo = grace_hopper().to(device)
    torch.manual_seed(0)  # the same seed, so the same layer, as on the page
    layer = nn.Conv2d(1, 16, 3, 1, 1).to(device)
    with torch.no_grad():
        maps = layer(photo)[0].cpu()
    fig = new_figure(6.6, 5.0)
    grid = fig.add_gridspec(4, 6)
    show_image(
        fig.add_subplot(grid[1:3, 0:2]),
        photo[0, 0].cpu(),
        "photo (input)",
        cmap=GREY,
        vmin=0,
        vmax=1,
    )
    for k, fmap in enumerate(maps):
        # each map on its own scale: its lowest value black, highest white
        ax = fig.add_subplot(grid[k // 4, 2 + k % 4])
        show_image(ax, fmap, "", cmap=GREY)
        ax.set_title(f"map {k}", fontsize=8, pad=2)
    return fig
