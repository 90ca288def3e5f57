"""Figures of the Convolution chapter, each drawn from the code it explains.

The sliding-window figures take their cells from `receptive.window` and their
sizes from `checks.conv2d_geometry`, the very functions `conv2d_loops` runs
on. The feature-map figures use the pages' own kernels and photo; the groups
figure draws `channels.connections`, measured with F.conv2d; the receptive
field figures draw `receptive.reading_cells` and `receptive.input_gradient`.
"""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import torch
import torch.nn as nn
import torch.nn.functional as F
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from snippets.convolution.channels import connections
from snippets.convolution.checks import Conv2dGeometry, conv2d_geometry
from snippets.convolution.equivariance import shift
from snippets.convolution.image import grace_hopper
from snippets.convolution.kernels import CLASSIC_KERNELS, kernel_bank
from snippets.convolution.receptive import (
    input_gradient,
    reading_cells,
    receptive_field,
    window,
)
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
    "window_basic",
    alt="A 3×3 window sliding over a 5×5 input with no padding and stride 1: "
    "the window of output cell (i, j) starts at input cell (i, j), and the "
    "output is 3×3",
)
def window_basic(device: torch.device) -> Figure:
    return sliding_window_figure(5, 3, [(0, 0), (0, 1), (2, 2)])


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


@figure(
    "equivariance",
    alt="Four panels. The photo moved 12 rows down and 16 columns right; its "
    "Sobel x edge map; the difference between that map and the original "
    "photo's edge map moved the same way, which is zero except in thin bands "
    "along the borders; and, for a stride-2 convolution with the photo moved "
    "by one pixel, the difference from the unmoved output, which is large at "
    "every edge of the photo",
)
def equivariance(device: torch.device) -> Figure:
    photo = grace_hopper().to(device)
    sobel = CLASSIC_KERNELS["Sobel x"].reshape(1, 1, 3, 3).to(device)
    down, right = 12, 16
    moved = shift(photo, down, right)
    edges_moved = F.conv2d(moved, sobel, padding=1)
    edges = F.conv2d(photo, sobel, padding=1)
    difference = (edges_moved - shift(edges, down, right)).abs()
    strided = F.conv2d(shift(photo, 1, 1), sobel, stride=2, padding=1)
    strided_difference = (
        strided - F.conv2d(photo, sobel, stride=2, padding=1)
    ).abs()
    limit = edges.abs().quantile(0.99).item()
    fig = new_figure(6.9, 2.3)
    axes = fig.subplots(1, 4)
    show_image(
        axes[0], moved[0, 0].cpu(), "moved (12, 16)", cmap=GREY, vmin=0, vmax=1
    )
    show_image(
        axes[1],
        edges_moved[0, 0].cpu(),
        "its Sobel x map",
        cmap=SIGNED,
        vmin=-limit,
        vmax=limit,
    )
    # differences: white where the two agree, dark where they do not
    for ax, diff, title in [
        (axes[2], difference, "move, then conv\nvs conv, then move"),
        (axes[3], strided_difference, "stride 2, moved by 1\nvs not moved"),
    ]:
        show_image(
            ax,
            diff[0, 0].cpu(),
            "",
            cmap=plt.get_cmap("gray_r", 32),
            vmin=0,
            vmax=limit,
        )
        ax.set_title(title, fontsize=9)
    return fig


@figure(
    "padding_modes",
    alt="Two rows of four panels. Top: the photo with a 24-pixel border in "
    "each padding mode: black for zeros, a mirror image for reflect, the edge "
    "pixels stretched outwards for replicate, and the opposite side of the "
    "photo for circular. Bottom: a 15×15 box blur of the photo with each "
    "padding mode, the same size as the photo; with zeros its edges fade to "
    "black, with the other modes they keep their brightness",
)
def padding_modes(device: torch.device) -> Figure:
    photo = grace_hopper().to(device)
    border, k = 24, 15
    box = torch.full((1, 1, k, k), 1 / k**2, device=device)
    modes = {
        "zeros": "constant",
        "reflect": "reflect",
        "replicate": "replicate",
        "circular": "circular",
    }
    fig = new_figure(6.9, 4.3)
    grid = fig.add_gridspec(
        2, 4, height_ratios=[photo.shape[-2] + 2 * border, photo.shape[-2]]
    )
    for col, (name, mode) in enumerate(modes.items()):
        padded = F.pad(photo, (border,) * 4, mode=mode)
        ax = fig.add_subplot(grid[0, col])
        show_image(
            ax, padded[0, 0].cpu(), f"'{name}'", cmap=GREY, vmin=0, vmax=1
        )
        h, w = photo.shape[-2:]  # the photo's own frame, inside the border
        frame = Rectangle(
            (border - 0.5, border - 0.5),
            w,
            h,
            fill=False,
            edgecolor=ZERO,
            linewidth=1,
        )
        ax.add_patch(frame)
        # the Conv2d with this padding_mode: F.pad, then no padding
        blurred = F.conv2d(F.pad(photo, (k // 2,) * 4, mode=mode), box)
        ax = fig.add_subplot(grid[1, col])
        show_image(
            ax, blurred[0, 0].cpu(), "15×15 blur", cmap=GREY, vmin=0, vmax=1
        )
    return fig


@figure(
    "groups",
    alt="Three diagrams of which input channels each output channel reads, "
    "for a layer with 4 input and 4 output channels: with groups=1 every "
    "output reads all 4 inputs (16 connections); with groups=2 outputs 0 and "
    "1 read inputs 0 and 1, and outputs 2 and 3 read inputs 2 and 3 (8 "
    "connections); with groups=4, the depthwise case, each output reads one "
    "input (4 connections)",
)
def groups(device: torch.device) -> Figure:
    channels = 4
    fig = new_figure(6.9, 2.5)
    for ax, g in zip(fig.subplots(1, 3), (1, 2, 4), strict=True):
        reads = connections(channels, channels, g)  # (C_out, C_in)
        for c_out, c_in in reads.nonzero().tolist():
            ax.plot(
                [0, 1],
                [c_in, c_out],
                color=PALETTE[c_out * g // channels % len(PALETTE)],
                linewidth=1.5,
            )
        ax.scatter(
            [0] * channels,
            range(channels),
            s=120,
            color="white",
            edgecolor=GRID,
            zorder=3,
        )
        ax.scatter(
            [1] * channels,
            range(channels),
            s=120,
            color="white",
            edgecolor=GRID,
            zorder=3,
        )
        for c in range(channels):
            ax.text(0, c, str(c), zorder=4, **CELL_TEXT)
            ax.text(1, c, str(c), zorder=4, **CELL_TEXT)
        ax.text(0, -0.8, "input", ha="center", fontsize=8)
        ax.text(1, -0.8, "output", ha="center", fontsize=8)
        name = (
            "groups=1"
            if g == 1
            else f"groups={g}" + (" (depthwise)" if g == channels else "")
        )
        ax.set_title(f"{name}\n{int(reads.sum())} connections", fontsize=9)
        ax.set_xlim(-0.3, 1.3)
        ax.set_ylim(channels - 0.4, -1.2)  # channel 0 at the top
        ax.axis("off")
    return fig


def _draw_stack(
    ax: Axes, layers: list[tuple[int, int, int]], width: int
) -> None:
    """Rows of cells, input at the bottom, placed at their centres in input
    cells; the cells that the top cell depends on are coloured."""
    reads = reading_cells(layers)
    start, jump = 0.0, 1  # centre of a layer's cell 0, and its spacing
    centres = []
    for level in range(len(layers) + 1):
        if level:
            k, s, d = layers[level - 1]
            start, jump = start + (k - 1) * d * jump / 2, jump * s
        count = int((width - 1 - 2 * start) // jump) + 1
        centres.append([start + c * jump for c in range(count)])
    for level, row in enumerate(centres):
        y = len(layers) - level  # input at the bottom
        for c, x in enumerate(row):
            face = READ if c in reads[level] else "white"
            ax.add_patch(
                Rectangle(
                    (x - 0.45, y - 0.3),
                    0.9,
                    0.6,
                    facecolor=face,
                    edgecolor=GRID,
                )
            )
        if level:
            k, s, d = layers[level - 1]
            for c in reads[level]:
                for m in range(k):
                    x0 = centres[level - 1][c * s + m * d]
                    ax.plot(
                        [row[c], x0],
                        [y + 0.3, y + 0.7],  # reader's bottom, input's top
                        color=GRID,
                        linewidth=0.8,
                    )
    labels = ["input"] + [f"layer {n + 1}" for n in range(len(layers))]
    for level, label in enumerate(labels):
        ax.text(
            -1, len(layers) - level, label, ha="right", va="center", fontsize=8
        )
    ax.set_xlim(-4.2, width)
    ax.set_ylim(len(layers) + 0.5, -0.5)  # y grows downwards: input last
    ax.set_aspect("equal")
    ax.axis("off")


@figure(
    "receptive_field",
    alt="Two diagrams of stacked one-dimensional layers with kernel size 3. "
    "Left: two layers with stride 1; the top cell reads 3 cells of the middle "
    "layer, which read 5 input cells. Right: the first layer has stride 2; "
    "the top cell reads 3 cells of the middle layer, which are 2 input cells "
    "apart, so it reads 7 input cells",
)
def receptive_field_figure(device: torch.device) -> Figure:
    fig = new_figure(6.9, 1.5)
    stacks = [[(3, 1, 1), (3, 1, 1)], [(3, 2, 1), (3, 1, 1)]]
    for ax, layers in zip(fig.subplots(1, 2), stacks, strict=True):
        _draw_stack(ax, layers, width=9)
        r, _ = receptive_field(layers)
        strides = ", ".join(str(s) for _, s, _ in layers)
        ax.set_title(
            f"kernel 3, strides {strides}: sees {r} input cells", fontsize=9
        )
    return fig


@figure(
    "effective_receptive_field",
    alt="Three panels for a stack of ten 3×3 layers, whose receptive field "
    "is 21×21. Left: the gradient of the middle output with respect to the "
    "input, with all weights 1: a bright blob in the middle that fades long "
    "before the edges of the receptive field, which are outlined. Middle: the "
    "same averaged over 32 stacks with random weights: also concentrated in "
    "the middle. Right: the gradient along one axis with all weights 1, "
    "beside a Gaussian of standard deviation √(2n/3), which it matches",
)
def effective_receptive_field(device: torch.device) -> Figure:
    n, margin = 10, 5
    size = 2 * n + 1 + 2 * margin

    def stack(seed: int | None) -> nn.Module:
        if seed is not None:
            torch.manual_seed(seed)
        model = nn.Sequential(
            *[nn.Conv2d(1, 1, 3, bias=False) for _ in range(n)]
        )
        if seed is None:
            with torch.no_grad():
                for layer in model:
                    layer.weight.fill_(1.0)
        return model.to(device)

    ones = input_gradient(stack(None), size).cpu()
    random = sum(input_gradient(stack(seed), size).cpu() for seed in range(32))
    fig = new_figure(6.9, 2.4)
    axes = fig.subplots(1, 3)
    for ax, grad, title in [
        (axes[0], ones, "all weights 1"),
        (axes[1], random, "random weights (32 stacks)"),
    ]:
        show_image(ax, grad / grad.max(), title, cmap="magma", vmin=0, vmax=1)
        # the receptive field, 21×21 cells in the middle
        ax.add_patch(
            Rectangle(
                (margin - 0.5, margin - 0.5),
                2 * n + 1,
                2 * n + 1,
                fill=False,
                edgecolor=PALETTE[5],
                linewidth=1.2,
            )
        )
        ax.title.set_fontsize(9)
    columns = ones.sum(dim=0)
    columns = columns / columns.sum()
    x = torch.arange(size) - size // 2
    sigma = math.sqrt(2 * n / 3)
    gauss = torch.exp(-(x.float() ** 2) / (2 * sigma**2)) / (
        sigma * math.sqrt(2 * math.pi)
    )
    ax = axes[2]
    ax.bar(x, columns, width=0.8, color=PALETTE[0], label="gradient")
    ax.plot(x, gauss, color=PALETTE[1], label="Gaussian, σ = √(2n/3)")
    ax.axvspan(
        -n - 0.5,
        n + 0.5,
        color=PALETTE[5],
        alpha=0.12,
        label="receptive field",
    )
    ax.set_xlabel("input column − middle", fontsize=8)
    ax.tick_params(labelsize=7)
    ax.set_ylim(0, 0.26)  # room for the legend above the curve
    ax.legend(fontsize=7, frameon=False, loc="upper left")
    ax.set_title("along one axis", fontsize=9)
    return fig
