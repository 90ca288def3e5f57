"""The Benchmarks page's plots, drawn from the saved results (`results/<device>.json`) only.

Two figures per device that has results: the median time of every variant (`<device>_times`)
and a roofline-style plot of achieved FLOP/s against arithmetic intensity (`<device>_roofline`).
A device without results registers no figure; the page then says its run is pending. Each
figure names its results file as data, so new results rebuild it.
"""

from __future__ import annotations

import torch
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from snippets.benchmarks.readings import ROOF_FACTOR
from snippets.benchmarks.run import load
from snippets.benchmarks.variants import UPSAMPLERS
from snippets.plotting import PALETTE, figure, new_figure

DPI = 100  # snippets.plotting's figure.dpi: the PNG is (inches × DPI) pixels
INCHES = {"times": (10.0, 7.2), "roofline": (8.0, 5.0)}
TITLE = {"cpu": "CPU", "cuda": "GPU"}
COLOUR = {"fp32": PALETTE[0], "tf32": PALETTE[2], "bf16": PALETTE[1]}
HATCH = {"contiguous": "", "channels_last": "///"}
MARKER = dict(zip([v.name for v in UPSAMPLERS], ["o", "v", "^", "s", "*", "D", "P", "X"], strict=True))
NOISY_ALPHA = 0.3  # noisy cases are drawn faded


def figure_name(device: str, kind: str) -> str:
    return f"{device}_{kind}"


def pixel_size(kind: str) -> tuple[int, int]:
    """The PNG's width and height in pixels (the page's <img> attributes)."""
    width, height = INCHES[kind]
    return round(width * DPI), round(height * DPI)


def alt_text(device: str, kind: str, results: dict) -> str:
    name = results["environment"]["device_name"]
    precisions = ", ".join(results["grid"]["precisions"])
    if kind == "times":
        return (
            f"Bar charts of the median time of each ×2 upsampling variant on the {TITLE[device]} ({name}), "
            f"forward and forward+backward, at {len(results['grid']['sizes'])} sizes, in {precisions}, "
            "contiguous (plain bars) and channels_last (hatched bars), with the interquartile range as error bars; "
            "noisy cases are faded"
        )
    return (
        f"Log-log plot of the achieved TFLOP/s of every forward upsampling case on the {TITLE[device]} ({name}) "
        "against its arithmetic intensity in FLOPs per byte, with the measured matmul peaks as horizontal "
        f"lines, the measured copy bandwidth as a diagonal line, and the roofline divided by {ROOF_FACTOR:g} "
        "as a faint line: points below it are efficiency-bound"
    )


def cases_of(results: dict) -> list[dict]:
    return [c for c in results["upsampling"] if "error" not in c]


def times_figure(results: dict) -> Figure:
    """Rows: passes; columns: sizes; in each panel, one group of bars per variant."""
    grid = results["grid"]
    sizes, passes = [tuple(s) for s in grid["sizes"]], grid["passes"]
    series = [(p, f) for p in grid["precisions"] for f in grid["memory_formats"]]
    fig = new_figure(*INCHES["times"])
    axes = fig.subplots(len(passes), len(sizes), sharey=True, squeeze=False)
    index = {
        (c["variant"], c["n"], c["c"], c["h"], c["w"], c["precision"], c["memory_format"], c["pass"]): c
        for c in cases_of(results)
    }
    names = [v.name for v in UPSAMPLERS]
    height = 0.8 / len(series)
    for row, pass_ in enumerate(passes):
        for col, size in enumerate(sizes):
            ax = axes[row][col]
            for k, (p, f) in enumerate(series):
                for i, name in enumerate(names):
                    case = index.get((name, *size, p, f, pass_))
                    if case:
                        ax.barh(
                            i - 0.4 + (k + 0.5) * height,
                            case["median_s"] * 1e3,
                            height=height,
                            xerr=case["iqr_s"] * 1e3 / 2,
                            color=COLOUR[p],
                            alpha=NOISY_ALPHA if case["noisy"] else 1.0,
                            hatch=HATCH[f],
                            edgecolor="white",
                            linewidth=0.3,
                            error_kw={"elinewidth": 0.6, "ecolor": "#333333"},
                        )
            n, c, h, w = size
            ax.set_title(f"N={n}, C={c}, {h}×{w}\n{pass_}")
            ax.set_xlabel("median time (ms)")
            ax.grid(axis="x", alpha=0.3)
            ax.set_axisbelow(True)
    axes[0][0].set_yticks(range(len(names)), [v.label for v in UPSAMPLERS])
    axes[0][0].invert_yaxis()
    handles = [Patch(facecolor=COLOUR[p], hatch=HATCH[f], edgecolor="white", label=f"{p} · {f}") for p, f in series]
    handles.append(Patch(facecolor="#333333", alpha=NOISY_ALPHA, label="faded: noisy"))
    fig.legend(handles=handles, loc="outside lower center", ncols=len(handles), frameon=False)
    return fig


def roofline_figure(results: dict) -> Figure:
    """Achieved TFLOP/s against FLOPs per byte (forward), under the measured peaks."""
    fig = new_figure(*INCHES["roofline"])
    ax = fig.subplots()
    forward = [c for c in cases_of(results) if c["pass"] == "forward" and c["bytes"]]
    intensities = [c["flops"] / c["bytes"] for c in forward]
    lo, hi = min(intensities) / 2, max(intensities) * 2
    bandwidth = results["peaks"]["copy"]["gbps"]
    ax.plot([lo, hi], [bandwidth * lo / 1e3, bandwidth * hi / 1e3], color="#555555", linestyle=":", linewidth=1)
    for p in results["grid"]["precisions"]:  # the roofline ÷ ROOF_FACTOR: below it, a case is efficiency-bound
        peak = results["peaks"][f"matmul_{p}"]["tflops"]
        xs = [lo, peak * 1e3 / bandwidth, hi]
        ys = [min(peak, bandwidth * x / 1e3) / ROOF_FACTOR for x in xs]
        ax.plot(xs, ys, color=COLOUR[p], linewidth=0.8, alpha=0.35)
    ax.annotate(
        f"copy bandwidth {bandwidth:.0f} GB/s", (lo * 1.15, bandwidth * lo * 1.5 / 1e3), color="#555555", fontsize=8
    )
    for p in results["grid"]["precisions"]:
        peak = results["peaks"][f"matmul_{p}"]["tflops"]
        ax.axhline(peak, color=COLOUR[p], linestyle="--", linewidth=1)
        ax.annotate(f"{p} matmul {peak:.3g} TFLOP/s", (hi / 1.15, peak * 1.08), color=COLOUR[p], fontsize=8, ha="right")
    for case, x in zip(forward, intensities, strict=True):
        filled = case["memory_format"] == "channels_last"
        ax.scatter(
            x,
            case["tflops"],
            marker=MARKER[case["variant"]],
            s=28,
            linewidths=1,
            facecolors=COLOUR[case["precision"]] if filled else "none",
            edgecolors=COLOUR[case["precision"]],
            alpha=NOISY_ALPHA if case["noisy"] else 1.0,
        )
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlim(lo, hi)
    ax.set_xlabel("arithmetic intensity (FLOPs per byte of unfused forward traffic)")
    ax.set_ylabel("achieved TFLOP/s (forward)")
    ax.grid(which="major", alpha=0.3)
    markers = [Line2D([], [], marker=MARKER[v.name], linestyle="", color="#333333", label=v.label) for v in UPSAMPLERS]
    colours = [Patch(color=COLOUR[p], label=p) for p in results["grid"]["precisions"]]
    formats = [
        Line2D([], [], marker="o", linestyle="", markerfacecolor="none", color="#333333", label="contiguous (hollow)"),
        Line2D([], [], marker="o", linestyle="", color="#333333", label="channels_last (filled)"),
        Line2D([], [], marker="o", linestyle="", color="#333333", alpha=NOISY_ALPHA, label="noisy (faded)"),
        Line2D([], [], color="#333333", linewidth=0.8, alpha=0.35, label=f"roofline ÷ {ROOF_FACTOR:g}"),
    ]
    ax.legend(
        handles=[*markers, *colours, *formats], loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False, fontsize=8
    )
    return fig


def register(device: str) -> None:
    """Register the two figures of `device` when its results are saved."""
    results = load(device)
    if results is None:
        return
    for kind, draw in (("times", times_figure), ("roofline", roofline_figure)):

        def build(_: torch.device, draw=draw) -> Figure:
            # The figure is drawn from the saved results, whatever device builds it.
            return draw(load(device))

        build.__qualname__ = f"{device}_{kind}"
        figure(figure_name(device, kind), alt=alt_text(device, kind, results), data=(f"results/{device}.json",))(build)


for _device in TITLE:
    register(_device)
