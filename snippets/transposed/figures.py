"""Figures of the Transposed Convolution page: built by `python -m tools.figures --only transposed`."""

from __future__ import annotations

import itertools

import torch
import torch.nn as nn
import torch.nn.functional as F
from matplotlib.figure import Figure

from snippets.convolution.image import grace_hopper_square
from snippets.plotting import PALETTE, figure, new_figure, show_image
from snippets.transposed.checkerboard import (
    bilinear_conv_transpose2d,
    nearest_conv_transpose2d,
    overlap_counts,
    resize_conv,
)
from snippets.transposed.views import conv_transpose2d_scatter

COUNT_CMAP = "Blues"  # sequential and colour-blind-safe; numbers are written in the cells too


def _grid(ax, values: torch.Tensor, title: str = "", vmin=None, vmax=None, cmap: str = COUNT_CMAP, dim=None) -> None:
    """A small matrix drawn as cells with its numbers written in; `dim` (bool mask) greys cells out."""
    values = values.detach().double()
    vmin = float(values.min()) if vmin is None else vmin
    vmax = float(values.max()) if vmax is None else vmax
    show_image(ax, values.numpy(), title, cmap=cmap, vmin=vmin, vmax=vmax)
    size = 9 if max(values.shape) <= 5 else 8 if max(values.shape) <= 9 else 7
    for r, c in itertools.product(range(values.shape[0]), range(values.shape[1])):
        v = float(values[r, c])
        faint = dim is not None and bool(dim[r, c])
        dark = (v - vmin) / max(vmax - vmin, 1e-9) > 0.55
        ax.text(
            c,
            r,
            f"{v:g}",
            ha="center",
            va="center",
            fontsize=size,
            color="white" if dark else "black",
            alpha=0.35 if faint else 1.0,
        )
    # Cell borders make the grid countable.
    ax.set_xticks([x - 0.5 for x in range(1, values.shape[1])], minor=True)
    ax.set_yticks([y - 0.5 for y in range(1, values.shape[0])], minor=True)
    ax.grid(which="minor", color="#999999", linewidth=0.5)
    ax.tick_params(which="minor", length=0)


@figure(
    "scatter_view",
    alt="A 2 by 2 input and a 3 by 3 kernel; each input pixel stamps its value times the kernel into a 5 by 5 "
    "output at twice its position; where stamps overlap the values add, giving the transposed convolution's output",
)
def scatter_view(device: torch.device) -> Figure:
    x = torch.tensor([[1.0, 2.0], [3.0, 4.0]], device=device)
    kernel = torch.tensor([[1.0, 2.0, 1.0], [0.0, 1.0, 0.0], [1.0, 0.0, 1.0]], device=device)
    fig = new_figure(8.4, 4.8)
    top, bottom = fig.subfigures(2, 1, height_ratios=[1, 1])
    # Widths in proportion to the number of cells, so a cell is the same size in every panel.
    input_ax, kernel_ax, gap, out_ax = top.subplots(1, 4, width_ratios=[2, 3, 2, 5])
    gap.axis("off")
    _grid(input_ax, x.cpu(), "input")
    _grid(kernel_ax, kernel.cpu(), "kernel")
    stamp_axes = bottom.subplots(1, 4)
    total = torch.zeros(5, 5)
    for n, (i, j) in enumerate([(0, 0), (0, 1), (1, 0), (1, 1)]):
        one = torch.zeros(1, 1, 2, 2, device=device)
        one[0, 0, i, j] = x[i, j]
        stamp = conv_transpose2d_scatter(one, kernel.view(1, 1, 3, 3), stride=2)[0, 0].cpu()
        total += stamp
        covered = torch.zeros(5, 5, dtype=torch.bool)
        covered[2 * i : 2 * i + 3, 2 * j : 2 * j + 3] = True
        ax = stamp_axes[n]
        _grid(
            ax,
            stamp,
            f"pixel ({i}, {j}) stamps\n{x[i, j]:g} × kernel at ({2 * i}, {2 * j})",
            vmin=0,
            vmax=16,
            dim=~covered,
        )
        ax.add_patch(_outline(2 * j, 2 * i, PALETTE[n]))
        input_ax.add_patch(_outline(j, i, PALETTE[n], size=1))  # the same colour marks the pixel and its stamp
    out = F.conv_transpose2d(x.view(1, 1, 2, 2), kernel.view(1, 1, 3, 3), stride=2)[0, 0].cpu()
    assert torch.equal(out, total)  # the figure draws what torch computes
    _grid(out_ax, out, "output: the sum of\nthe four stamps below", vmin=0, vmax=16)
    return fig


def _outline(x0: int, y0: int, colour: str, size: int = 3):
    from matplotlib.patches import Rectangle

    return Rectangle((x0 - 0.5, y0 - 0.5), size, size, fill=False, edgecolor=colour, linewidth=2.5)


@figure(
    "zero_insertion",
    alt="The zero-insertion view: a 3 by 3 input gets one zero between neighbouring pixels and a border of two "
    "zeros, making 9 by 9; sliding the flipped 3 by 3 kernel over it with stride 1 gives the same 7 by 7 output "
    "as the transposed convolution",
)
def zero_insertion(device: torch.device) -> Figure:
    x = torch.arange(1.0, 10.0, device=device).view(3, 3)
    kernel = torch.tensor([[1.0, 2.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 0.0]], device=device)
    stuffed = torch.zeros(5, 5, device=device)
    stuffed[::2, ::2] = x  # stride − 1 = 1 zero between pixels
    padded = F.pad(stuffed, (2, 2, 2, 2))  # dilation·(kernel_size − 1) − padding = 2 on each side
    out = F.conv2d(padded.view(1, 1, 9, 9), kernel.flip(0, 1).view(1, 1, 3, 3))[0, 0]
    assert torch.equal(out, F.conv_transpose2d(x.view(1, 1, 3, 3), kernel.view(1, 1, 3, 3), stride=2)[0, 0])
    fig = new_figure(8.4, 4.4)
    grid = fig.add_gridspec(3, 3, width_ratios=[1.2, 3, 2.4])
    _grid(fig.add_subplot(grid[0, 0]), x.cpu(), "input", vmin=0, vmax=20)
    _grid(fig.add_subplot(grid[1, 0]), kernel.cpu(), "kernel", vmin=0, vmax=20)
    _grid(fig.add_subplot(grid[2, 0]), kernel.flip(0, 1).cpu(), "flipped", vmin=0, vmax=20)
    ax = fig.add_subplot(grid[:, 1])
    _grid(
        ax,
        padded.cpu(),
        "zeros inserted (stride − 1 = 1)\nand padded (d·(k − 1) − p = 2)",
        vmin=0,
        vmax=20,
        dim=(padded == 0).cpu(),
    )
    ax.add_patch(_outline(0, 0, PALETTE[1]))  # where the flipped kernel sits for output (0, 0)
    ax_out = fig.add_subplot(grid[:, 2])
    _grid(ax_out, out.cpu(), "convolved with the flipped\nkernel, stride 1 = output", vmin=0, vmax=20)
    ax_out.add_patch(_outline(0, 0, PALETTE[1], size=1))
    return fig


@figure(
    "overlap_counts",
    alt="Overlap counts of a transposed convolution with stride 2 on a 5 by 5 input: with kernel_size 3 the "
    "interior alternates 1, 2 and 4 stamps per pixel, a checkerboard; with kernel_size 4 every interior pixel "
    "gets exactly 4",
)
def overlap_counts_figure(device: torch.device) -> Figure:
    fig = new_figure(8.4, 4.1)
    for n, (k, note) in enumerate([(3, "uneven: 1, 2 and 4 inside"), (4, "even: 4 everywhere inside")]):
        counts = overlap_counts(5, kernel_size=k, stride=2)
        # The counts are what a transposed convolution of ones with a kernel of ones computes.
        ones = torch.ones(1, 1, 5, 5, device=device)
        ones = F.conv_transpose2d(ones, torch.ones(1, 1, k, k, device=device), stride=2)
        assert torch.equal(counts, ones[0, 0].long().cpu())
        _grid(fig.add_subplot(1, 2, n + 1), counts, f"kernel_size={k}, stride=2: {note}", vmin=0, vmax=4.5)
    return fig


def _upsamplers(channels: int) -> dict[str, nn.Module]:
    """The four ×2 upsamplers compared on the page, freshly initialised (the caller seeds)."""
    return {
        "ConvTranspose2d\nk=3, s=2, random": nn.ConvTranspose2d(
            channels, channels, 3, stride=2, padding=1, output_padding=1
        ),
        "ConvTranspose2d\nk=4, s=2, random": nn.ConvTranspose2d(channels, channels, 4, stride=2, padding=1),
        "Upsample + Conv2d\nrandom": resize_conv(channels, channels),
        "ConvTranspose2d\nk=4, s=2, bilinear": bilinear_conv_transpose2d(channels, 2),
    }


@figure(
    "checkerboard_fixes",
    alt="Four ways to upsample by 2, applied to a constant image (top) and a photo (bottom): randomly "
    "initialised transposed convolutions with kernel 3 and kernel 4 print a periodic grid pattern on both, "
    "while nearest-neighbour resize followed by a convolution, and a bilinear-initialised transposed "
    "convolution, give smooth outputs",
)
def checkerboard_fixes(device: torch.device) -> Figure:
    inputs = {"constant input": torch.ones(1, 1, 24, 24, device=device), "photo": grace_hopper_square(48).to(device)}
    fig = new_figure(9, 4.5)
    axes = fig.subplots(2, 5)
    for row, (name, x) in enumerate(inputs.items()):
        show_image(axes[row, 0], x[0, 0].cpu(), f"{name}\n{x.shape[-1]} × {x.shape[-1]}", vmin=0, vmax=1.2)
        torch.manual_seed(3)  # the same random layers for both rows
        for col, (title, layer) in enumerate(_upsamplers(1).items(), start=1):
            with torch.no_grad():
                y = layer.to(device)(x)[0, 0, 2:-2, 2:-2].cpu()  # the interior: borders differ for all four
            # Full contrast around the mean, so a flat output shows as flat grey, not as noise.
            half = max(float((y - y.mean()).abs().max()), 0.05 * abs(float(y.mean())), 1e-3)
            ax = axes[row, col]
            show_image(ax, y, title if row == 0 else "", vmin=float(y.mean()) - half, vmax=float(y.mean()) + half)
            if row == 0:
                ax.set_xlabel(f"max − min: {float(y.max() - y.min()):.2f}")
    return fig


def _edge_features(photo: torch.Tensor) -> torch.Tensor:
    """Three hand-made feature maps of a photo at half its size: (1, 1, H, W) -> (1, 3, H/2, W/2)."""
    kernels = torch.tensor(
        [
            [[-1.0, -2.0, -1.0], [0.0, 0.0, 0.0], [1.0, 2.0, 1.0]],  # horizontal edges
            [[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]],  # vertical edges
            [[1.0, 2.0, 1.0], [2.0, 4.0, 2.0], [1.0, 2.0, 1.0]],  # blur
        ],
        device=photo.device,
    ).view(3, 1, 3, 3)
    features = F.conv2d(F.pad(photo, (1, 1, 1, 1), mode="replicate"), kernels).abs()  # no edge at the border
    return F.max_pool2d(features, 2)


@figure(
    "upsampling_feature_maps",
    alt="Feature maps of a photo before and after upsampling by 2: three 32 by 32 maps (horizontal edges, "
    "vertical edges, blur) and the same maps at 64 by 64 after a kernel 2 stride 2 transposed convolution set to "
    "nearest neighbour, after a bilinear-initialised one, and after a randomly initialised kernel 3 one",
)
def upsampling_feature_maps(device: torch.device) -> Figure:
    features = _edge_features(grace_hopper_square(64).to(device))  # (1, 3, 32, 32)
    nearest = nearest_conv_transpose2d(3, factor=2).to(device)
    torch.manual_seed(0)
    random_k3 = nn.ConvTranspose2d(3, 3, kernel_size=3, stride=2, padding=1, output_padding=1).to(device)
    columns = {
        "before (32 × 32)": features,
        "k=2, s=2, kernel of\nones (nearest)": nearest(features),
        "k=4, s=2, p=1,\nbilinear (FCN)": bilinear_conv_transpose2d(3, 2).to(device)(features),
        "k=3, s=2, p=1, op=1,\nrandom init": random_k3(features),
    }
    fig = new_figure(8.4, 7.0)
    axes = fig.subplots(3, 4)
    rows = ["horizontal edges", "vertical edges", "blur"]
    for col, (title, maps) in enumerate(columns.items()):
        for row in range(3):
            image = maps[0, row].detach().cpu()
            title_here = title if row == 0 else ""
            show_image(axes[row, col], image, title_here, vmin=float(image.min()), vmax=float(image.max()))
            if col == 0:
                axes[row, col].set_ylabel(f"channel {row}: {rows[row]}")
    return fig
