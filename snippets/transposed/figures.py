"""Figures of the Transposed Convolution page: built by `python -m tools.figures --only transposed`."""

from __future__ import annotations

import itertools

import torch
import torch.nn as nn
import torch.nn.functional as F
from matplotlib.figure import Figure

from snippets.convolution.image import grace_hopper_square
from snippets.plotting import (
    PALETTE,
    SIGNED_CMAP,
    figure,
    new_figure,
    show_image,
)
from snippets.transposed.checkerboard import (
    overlap_counts,
    periodic_share,
    phase_sums,
)
from snippets.transposed.fixes import (
    bilinear_conv_transpose2d,
    bilinear_kernel,
    icnr_,
    nearest_conv_as_transposed,
    nearest_conv_transpose2d,
    resize_conv,
)
from snippets.transposed.gradients import critic
from snippets.transposed.shapes import conv_transpose_output_size
from snippets.transposed.subpixel import subpixel_as_transposed
from snippets.transposed.views import conv_transpose2d_scatter

COUNT_CMAP = "Blues"  # sequential and colour-blind-safe; numbers are written in the cells too


def _grid(
    ax,
    values: torch.Tensor,
    title: str = "",
    vmin=None,
    vmax=None,
    cmap: str = COUNT_CMAP,
    dim=None,
    fmt: str = "g",
) -> None:
    """A small matrix drawn as cells with its numbers written in; `dim` (bool mask) greys cells out."""
    values = values.detach().double()
    vmin = float(values.min()) if vmin is None else vmin
    vmax = float(values.max()) if vmax is None else vmax
    show_image(ax, values.numpy(), title, cmap=cmap, vmin=vmin, vmax=vmax)
    size = 9 if max(values.shape) <= 5 else 8 if max(values.shape) <= 9 else 7
    for r, c in itertools.product(
        range(values.shape[0]), range(values.shape[1])
    ):
        v = float(values[r, c])
        faint = dim is not None and bool(dim[r, c])
        dark = (v - vmin) / max(vmax - vmin, 1e-9) > 0.55
        ax.text(
            c,
            r,
            f"{v:{fmt}}",
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
    alt=(
        "A 2 by 2 input and a 3 by 3 kernel; each input pixel stamps its "
        "value times the kernel into a 5 by 5 output at twice its position; "
        "where stamps overlap the values add, giving the transposed "
        "convolution's output"
    ),
)
def scatter_view(device: torch.device) -> Figure:
    x = torch.tensor([[1.0, 2.0], [3.0, 4.0]], device=device)
    kernel = torch.tensor(
        [[1.0, 2.0, 1.0], [0.0, 1.0, 0.0], [1.0, 0.0, 1.0]], device=device
    )
    fig = new_figure(8.4, 4.8)
    top, bottom = fig.subfigures(2, 1, height_ratios=[1, 1])
    # Widths in proportion to the number of cells, so a cell is the same size in every panel.
    input_ax, kernel_ax, gap, out_ax = top.subplots(
        1, 4, width_ratios=[2, 3, 2, 5]
    )
    gap.axis("off")
    _grid(input_ax, x.cpu(), "input")
    _grid(kernel_ax, kernel.cpu(), "kernel")
    stamp_axes = bottom.subplots(1, 4)
    total = torch.zeros(5, 5)
    for n, (i, j) in enumerate([(0, 0), (0, 1), (1, 0), (1, 1)]):
        one = torch.zeros(1, 1, 2, 2, device=device)
        one[0, 0, i, j] = x[i, j]
        stamp = conv_transpose2d_scatter(
            one, kernel.view(1, 1, 3, 3), stride=2
        )[0, 0].cpu()
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
        # The same colour marks the pixel and its stamp.
        input_ax.add_patch(_outline(j, i, PALETTE[n], size=1))
    out = F.conv_transpose2d(
        x.view(1, 1, 2, 2), kernel.view(1, 1, 3, 3), stride=2
    )[0, 0].cpu()
    assert torch.equal(out, total)  # the figure draws what torch computes
    _grid(
        out_ax,
        out,
        "output: the sum of\nthe four stamps below",
        vmin=0,
        vmax=16,
    )
    return fig


def _outline(x0: int, y0: int, colour: str, size: int = 3):
    from matplotlib.patches import Rectangle

    return Rectangle(
        (x0 - 0.5, y0 - 0.5),
        size,
        size,
        fill=False,
        edgecolor=colour,
        linewidth=2.5,
    )


@figure(
    "zero_insertion",
    alt=(
        "The zero-insertion view: a 3 by 3 input gets one zero between "
        "neighbouring pixels and a border of two zeros, making 9 by 9; "
        "sliding the flipped 3 by 3 kernel over it with stride 1 gives the "
        "same 7 by 7 output as the transposed convolution"
    ),
)
def zero_insertion(device: torch.device) -> Figure:
    x = torch.arange(1.0, 10.0, device=device).view(3, 3)
    kernel = torch.tensor(
        [[1.0, 2.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 0.0]], device=device
    )
    stuffed = torch.zeros(5, 5, device=device)
    stuffed[::2, ::2] = x  # stride − 1 = 1 zero between pixels
    # dilation·(kernel_size − 1) − padding = 2 zeros on each side
    padded = F.pad(stuffed, (2, 2, 2, 2))
    out = F.conv2d(
        padded.view(1, 1, 9, 9), kernel.flip(0, 1).view(1, 1, 3, 3)
    )[0, 0]
    assert torch.equal(
        out,
        F.conv_transpose2d(
            x.view(1, 1, 3, 3), kernel.view(1, 1, 3, 3), stride=2
        )[0, 0],
    )
    fig = new_figure(8.4, 4.4)
    grid = fig.add_gridspec(3, 3, width_ratios=[1.2, 3, 2.4])
    _grid(fig.add_subplot(grid[0, 0]), x.cpu(), "input", vmin=0, vmax=20)
    _grid(fig.add_subplot(grid[1, 0]), kernel.cpu(), "kernel", vmin=0, vmax=20)
    _grid(
        fig.add_subplot(grid[2, 0]),
        kernel.flip(0, 1).cpu(),
        "flipped",
        vmin=0,
        vmax=20,
    )
    ax = fig.add_subplot(grid[:, 1])
    _grid(
        ax,
        padded.cpu(),
        "zeros inserted (stride − 1 = 1)\nand padded (d·(k − 1) − p = 2)",
        vmin=0,
        vmax=20,
        dim=(padded == 0).cpu(),
    )
    # Where the flipped kernel sits for output (0, 0):
    ax.add_patch(_outline(0, 0, PALETTE[1]))
    ax_out = fig.add_subplot(grid[:, 2])
    _grid(
        ax_out,
        out.cpu(),
        "convolved with the flipped\nkernel, stride 1 = output",
        vmin=0,
        vmax=20,
    )
    ax_out.add_patch(_outline(0, 0, PALETTE[1], size=1))
    return fig


@figure(
    "overlap_counts",
    alt=(
        "Overlap counts of a transposed convolution with stride 2 on a 5 by 5"
        " input: with kernel_size 3 the interior alternates 1, 2 and 4 stamps"
        " per pixel, a checkerboard; with kernel_size 4 every interior pixel "
        "gets exactly 4"
    ),
)
def overlap_counts_figure(device: torch.device) -> Figure:
    fig = new_figure(8.4, 4.1)
    for n, (k, note) in enumerate(
        [(3, "uneven: 1, 2 and 4 inside"), (4, "even: 4 everywhere inside")]
    ):
        counts = overlap_counts(5, kernel_size=k, stride=2)
        # The counts are what a transposed convolution of ones with a kernel of ones computes.
        ones = torch.ones(1, 1, 5, 5, device=device)
        ones = F.conv_transpose2d(
            ones, torch.ones(1, 1, k, k, device=device), stride=2
        )
        assert torch.equal(counts, ones[0, 0].long().cpu())
        _grid(
            fig.add_subplot(1, 2, n + 1),
            counts,
            f"kernel_size={k}, stride=2: {note}",
            vmin=0,
            vmax=4.5,
        )
    return fig


def _flat_and_photo(device: torch.device) -> dict[str, torch.Tensor]:
    return {
        "constant input": torch.ones(1, 1, 24, 24, device=device),
        "photo": grace_hopper_square(48).to(device),
    }


def _upsampled_grid(fig: Figure, layers, device: torch.device) -> None:
    """Rows: a constant image and a photo; columns: the input, then each ×2 layer's output (interior).

    `layers` is a function that returns {title: layer}; it is called once per row with the same
    seed, so both rows go through the same random layers.
    """
    inputs = _flat_and_photo(device)
    axes = fig.subplots(2, 1 + len(layers()))
    for row, (name, x) in enumerate(inputs.items()):
        show_image(
            axes[row, 0],
            x[0, 0].cpu(),
            f"{name}\n{x.shape[-1]} × {x.shape[-1]}",
            vmin=0,
            vmax=1.2,
        )
        for col, (title, layer) in enumerate(layers().items(), start=1):
            with torch.no_grad():
                y = layer.to(device)(x)[0, 0].cpu()
            y = y[2:-2, 2:-2]  # the interior: borders differ for all
            # Full contrast around the mean, so a flat output shows as flat grey, not as noise.
            half = max(
                float((y - y.mean()).abs().max()),
                0.05 * abs(float(y.mean())),
                1e-3,
            )
            ax = axes[row, col]
            show_image(
                ax,
                y,
                title if row == 0 else "",
                vmin=float(y.mean()) - half,
                vmax=float(y.mean()) + half,
            )
            if row == 0:
                ax.set_xlabel(f"max − min: {float(y.max() - y.min()):.2f}")


@figure(
    "checkerboard_pattern",
    alt=(
        "Randomly initialised transposed convolutions with stride 2, kernel 3"
        " and kernel 4, applied to a constant image (top) and a photo "
        "(bottom): both print a grid pattern that repeats every 2 pixels, on "
        "the constant image as on the photo"
    ),
)
def checkerboard_pattern(device: torch.device) -> Figure:
    def layers() -> dict[str, nn.Module]:
        torch.manual_seed(3)
        return {
            "ConvTranspose2d\nk=3, s=2, random": nn.ConvTranspose2d(
                1, 1, 3, stride=2, padding=1, output_padding=1
            ),
            "ConvTranspose2d\nk=4, s=2, random": nn.ConvTranspose2d(
                1, 1, 4, stride=2, padding=1
            ),
        }

    fig = new_figure(5.6, 4.3)
    _upsampled_grid(fig, layers, device)
    return fig


def _subpixel(icnr: bool) -> nn.Sequential:
    conv = nn.Conv2d(1, 4, 3, padding=1)
    if icnr:
        icnr_(conv, factor=2)
    return nn.Sequential(conv, nn.PixelShuffle(2))


@figure(
    "checkerboard_fixes",
    alt=(
        "Four ×2 upsamplers applied to a constant image (top) and a photo "
        "(bottom): nearest-neighbour resize followed by a random convolution,"
        " a bilinear-initialised transposed convolution and an "
        "ICNR-initialised sub-pixel convolution give smooth outputs, while a "
        "randomly initialised sub-pixel convolution prints a grid pattern"
    ),
)
def checkerboard_fixes(device: torch.device) -> Figure:
    def layers() -> dict[str, nn.Module]:
        torch.manual_seed(3)
        return {
            "nearest ×2 + Conv2d\nrandom": resize_conv(1, 1),
            "ConvTranspose2d k=4\nbilinear init": bilinear_conv_transpose2d(
                1, 2
            ),
            "sub-pixel\nrandom init": _subpixel(icnr=False),
            "sub-pixel\nICNR init": _subpixel(icnr=True),
        }

    fig = new_figure(9, 4.5)
    _upsampled_grid(fig, layers, device)
    return fig


@figure(
    "phase_sums",
    alt=(
        "The four phase sums of six ×2 upsamplers, each written as a stride-2"
        " transposed convolution. Top row, random initialisation: kernel 3, "
        "kernel 4 and a sub-pixel convolution each have four different sums. "
        "Bottom row: nearest-neighbour resize plus convolution, a bilinear "
        "kernel and an ICNR-initialised sub-pixel convolution each have four "
        "equal sums"
    ),
)
def phase_sums_figure(device: torch.device) -> Figure:
    torch.manual_seed(0)
    kernels = {
        "ConvTranspose2d k=3\nrandom": nn.ConvTranspose2d(
            1, 1, 3, stride=2
        ).weight[0, 0],
        "ConvTranspose2d k=4\nrandom": nn.ConvTranspose2d(
            1, 1, 4, stride=2
        ).weight[0, 0],
        "sub-pixel (k=6)\nrandom": subpixel_as_transposed(
            nn.Conv2d(1, 4, 3).weight
        )[0, 0],
        "nearest ×2 + conv 3×3\n(k=4, tied)": nearest_conv_as_transposed(
            nn.Conv2d(1, 1, 3).weight
        )[0, 0],
        "bilinear init\n(k=4)": bilinear_kernel(2),
        "sub-pixel (k=6)\nICNR": subpixel_as_transposed(
            icnr_(nn.Conv2d(1, 4, 3)).weight
        )[0, 0],
    }
    fig = new_figure(8.4, 4.6)
    axes = fig.subplots(2, 3)
    for ax, (title, kernel) in zip(axes.flat, kernels.items(), strict=True):
        sums = phase_sums(kernel.detach().to(device), stride=2).cpu()
        lo, hi = float(sums.min()), float(sums.max())
        if hi - lo < 1e-6:  # equal sums: one mid colour
            lo, hi = lo - 1, hi + 1
        _grid(
            ax,
            sums,
            title,
            vmin=lo - 0.1 * (hi - lo),
            vmax=hi + 0.1 * (hi - lo),
            fmt=".3f",
        )
    fig.text(0.01, 0.75, "unequal", rotation=90, va="center", fontsize=11)
    fig.text(
        0.01,
        0.27,
        "equal by\nconstruction",
        rotation=90,
        va="center",
        fontsize=11,
    )
    return fig


def _edge_features(photo: torch.Tensor) -> torch.Tensor:
    """Three hand-made feature maps of a photo at half its size: (1, 1, H, W) -> (1, 3, H/2, W/2)."""
    kernels = torch.tensor(
        [
            [
                [-1.0, -2.0, -1.0],
                [0.0, 0.0, 0.0],
                [1.0, 2.0, 1.0],
            ],  # horizontal edges
            [
                [-1.0, 0.0, 1.0],
                [-2.0, 0.0, 2.0],
                [-1.0, 0.0, 1.0],
            ],  # vertical edges
            [[1.0, 2.0, 1.0], [2.0, 4.0, 2.0], [1.0, 2.0, 1.0]],  # blur
        ],
        device=photo.device,
    ).view(3, 1, 3, 3)
    features = F.conv2d(
        F.pad(photo, (1, 1, 1, 1), mode="replicate"), kernels
    ).abs()  # no edge at the border
    return F.max_pool2d(features, 2)


@figure(
    "upsampling_feature_maps",
    alt=(
        "Feature maps of a photo before and after upsampling by 2: three 32 "
        "by 32 maps (horizontal edges, vertical edges, blur) and the same "
        "maps at 64 by 64 after a kernel 2 stride 2 transposed convolution "
        "set to nearest neighbour, after a bilinear-initialised one, and "
        "after a randomly initialised kernel 3 one"
    ),
)
def upsampling_feature_maps(device: torch.device) -> Figure:
    photo = grace_hopper_square(64).to(device)
    features = _edge_features(photo)  # (1, 3, 32, 32)
    nearest = nearest_conv_transpose2d(3, factor=2).to(device)
    torch.manual_seed(0)
    random_k3 = nn.ConvTranspose2d(
        3, 3, kernel_size=3, stride=2, padding=1, output_padding=1
    ).to(device)
    columns = {
        "before (32 × 32)": features,
        "k=2, s=2, kernel of\nones (nearest)": nearest(features),
        "k=4, s=2, p=1,\nbilinear (FCN)": bilinear_conv_transpose2d(3, 2).to(
            device
        )(features),
        "k=3, s=2, p=1, op=1,\nrandom init": random_k3(features),
    }
    fig = new_figure(8.4, 7.0)
    axes = fig.subplots(3, 4)
    rows = ["horizontal edges", "vertical edges", "blur"]
    for col, (title, maps) in enumerate(columns.items()):
        for row in range(3):
            image = maps[0, row].detach().cpu()
            title_here = title if row == 0 else ""
            show_image(
                axes[row, col],
                image,
                title_here,
                vmin=float(image.min()),
                vmax=float(image.max()),
            )
            if col == 0:
                axes[row, col].set_ylabel(f"channel {row}: {rows[row]}")
    return fig


@figure(
    "output_size_1d",
    alt=(
        "The output size of a transposed convolution in one dimension, with 3"
        " input pixels, kernel_size 3, stride 2, padding 1 and output_padding"
        " 1: the pixels land 2 apart, each stamps 3 taps, the stamps span 7 "
        "positions; padding crops one position at each end and output_padding"
        " gives the last one back, for 6"
    ),
)
def output_size_1d(device: torch.device) -> Figure:
    from matplotlib.patches import Rectangle

    h_in, k, s, p, op = 3, 3, 2, 1, 1
    span = (h_in - 1) * s + k  # 7 positions, before the crop
    h_out = conv_transpose_output_size(h_in, k, s, p, output_padding=op)
    ones = F.conv_transpose2d(
        torch.ones(1, 1, 1, h_in, device=device),
        torch.ones(1, 1, 1, k, device=device),
        stride=s,
    )
    counts = ones[0, 0, 0].long().cpu().tolist()  # stamps per position
    assert len(counts) == span and h_out == span - 2 * p + op == 6

    fig = new_figure(8.4, 3.4)
    ax = fig.add_subplot()
    ax.set_axis_off()

    def cell(
        x: int,
        y: int,
        text: str,
        colour: str,
        alpha: float = 0.35,
        edge: str = "#555555",
    ) -> None:
        ax.add_patch(
            Rectangle(
                (x, -y - 1),
                1,
                0.8,
                facecolor=colour,
                alpha=alpha,
                edgecolor=edge,
            )
        )
        ax.text(x + 0.5, -y - 0.6, text, ha="center", va="center", fontsize=10)

    rows = [f"input pixels, stride={s} apart"]
    for i in range(h_in):
        cell(i * s, 0, f"x{i}", PALETTE[i])
    for i in range(h_in):
        rows.append(f"x{i} stamps {k} taps")
        for t in range(k):
            cell(i * s + t, 1 + i, f"w{t}", PALETTE[i])
    rows.append(f"sum: (H_in − 1)·stride + k = {span}")
    for x, c in enumerate(counts):
        cell(x, 1 + h_in, str(c), "#BBBBBB")
    rows.append(f"output: {h_out} = {span} − 2·padding + output_padding")
    out_row = 2 + h_in
    for x in range(span):
        if x < p:  # cropped by padding at the start
            cell(x, out_row, "crop", "#FFFFFF", alpha=1.0, edge="#BBBBBB")
        elif (
            x >= span - p
        ):  # cropped by padding at the end, unless output_padding gives it back
            back = x - (span - p) < op
            cell(
                x,
                out_row,
                "op" if back else "crop",
                PALETTE[2] if back else "#FFFFFF",
                alpha=0.35 if back else 1.0,
            )
        else:
            cell(x, out_row, f"y{x - p}", PALETTE[5])
    for y, label in enumerate(rows):
        ax.text(-0.3, -y - 0.6, label, ha="right", va="center", fontsize=10)
    ax.set_xlim(-7.2, span + 0.2)
    ax.set_ylim(-len(rows) - 0.3, 0.1)
    ax.set_aspect("equal")
    return fig


@figure(
    "gradient_artifacts",
    alt=(
        "A photo and the gradient that two random critics send back to it. "
        "The critic with stride-1 convolutions sends back a gradient with no "
        "grid; the critic with two stride-2 convolutions sends back a "
        "gradient covered by a grid pattern that repeats every 4 pixels, "
        "shown averaged into one 4 by 4 tile"
    ),
)
def gradient_artifacts(device: torch.device) -> Figure:
    photo = grace_hopper_square(64).to(device)
    grads = {}
    for stride in (1, 2):
        torch.manual_seed(0)
        model = critic(stride).to(device)
        x = photo.clone().requires_grad_()
        model(x).mean().backward()
        # The interior: the zero padding shows at the border.
        grads[stride] = x.grad[0, 0, 4:-4, 4:-4].cpu()
    fig = new_figure(8.4, 2.7)
    axes = fig.subplots(1, 4)
    show_image(
        axes[0],
        photo[0, 0, 4:-4, 4:-4].cpu(),
        "input (a photo)",
        vmin=0,
        vmax=1,
    )
    for ax, stride in zip(axes[1:3], (1, 2), strict=True):
        g = grads[stride]
        limit = float(g.abs().max())
        show_image(
            ax,
            g,
            f"gradient from a\nstride-{stride} critic",
            cmap=SIGNED_CMAP,
            vmin=-limit,
            vmax=limit,
        )
        ax.set_xlabel(f"periodic share: {periodic_share(g, 4):.2f}")
    g = grads[2]
    tile = g.reshape(g.shape[0] // 4, 4, g.shape[1] // 4, 4).mean((0, 2))
    limit = float((tile - tile.mean()).abs().max())
    show_image(
        axes[3],
        tile - tile.mean(),
        "its 4 × 4 pattern\n(mean of each phase)",
        cmap=SIGNED_CMAP,
        vmin=-limit,
        vmax=limit,
    )
    return fig
