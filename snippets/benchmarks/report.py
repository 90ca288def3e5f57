"""The Benchmarks page's tables and findings, drawn from the saved results only.

Every public function without arguments is a `<!-- generated: benchmarks.report:NAME -->`
target of docs/benchmarks.md. They read `results/<device>.json`; where a device has no
results they say the run is pending, and never make up a number. `render(results)` is what
`python -m snippets.benchmarks` prints after a run.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable

import torch
from torch.utils.flop_counter import FlopCounterMode

from snippets.benchmarks.run import load
from snippets.benchmarks.variants import COMPONENTS, UPSAMPLERS, Variant, check_nearest_conv_equivalence
from snippets.experiment import busy_note
from snippets.markdown import table

DEVICES = ("cpu", "cuda")
DEVICE_TITLE = {"cpu": "CPU", "cuda": "GPU"}
PRECISIONS = ("fp32", "tf32", "bf16")
PRECISION_LABEL = {"fp32": "fp32", "tf32": "TF32", "bf16": "bf16"}
LABEL = {v.name: v.label for v in [*UPSAMPLERS, *COMPONENTS]}
PENDING = (
    '!!! warning "GPU run pending"\n'
    "    There are no GPU results yet: `snippets/benchmarks/results/cuda.json` does not exist, and no\n"
    "    number on this page comes from a GPU. The GPU workflow (or anyone with a CUDA device) makes\n"
    "    them with `python -m snippets.benchmarks --device cuda`; the GPU tables and plots then appear here.\n"
)


# --- formatting -------------------------------------------------------------------------------


def sig(x: float, digits: int = 3) -> str:
    """`x` with `digits` significant digits, in plain notation (no exponent)."""
    if x == 0 or not math.isfinite(x):
        return f"{x:g}"
    decimals = max(0, digits - 1 - math.floor(math.log10(abs(x))))
    return f"{x:.{decimals}f}"


def ms(seconds: float) -> str:
    return sig(seconds * 1e3)


def ratio(x: float) -> str:
    return f"{sig(x, 2 if x < 10 else 3)}×"


def threads(env: dict) -> str:
    return f"{env['threads']} thread{'s' if env['threads'] != 1 else ''}"


def size_label(n: int, c: int, h: int, w: int) -> str:
    return f"N={n}, C={c}, {h}×{w}"


def column_label(precision: str, fmt: str) -> str:
    return f"{PRECISION_LABEL[precision]} · {fmt}"


def indent(text: str, spaces: int = 4) -> str:
    return "\n".join((" " * spaces + line) if line else "" for line in text.splitlines()) + "\n"


def geomean(values: list[float]) -> float:
    return math.exp(sum(math.log(v) for v in values) / len(values))


# --- reading results --------------------------------------------------------------------------


def sizes(results: dict) -> list[tuple[int, int, int, int]]:
    return [tuple(s) for s in results["grid"]["sizes"]]


def key(case: dict) -> tuple:
    return (
        case["variant"],
        case["n"],
        case["c"],
        case["h"],
        case["w"],
        case["precision"],
        case["memory_format"],
        case["pass"],
    )


def by_key(cases: list[dict]) -> dict[tuple, dict]:
    return {key(c): c for c in cases if "error" not in c}


def cell_missing(results: dict, precision: str) -> str:
    """What a table shows where nothing was measured: 'n/a' for TF32 off CUDA, else why not."""
    if precision not in results["grid"]["precisions"]:
        return "n/a" if precision == "tf32" and results["environment"]["device"] != "cuda" else "not run"
    return "failed"


def settings(results: dict, passes: Iterable[str] | None = None) -> list[tuple]:
    """Every (size, precision, format, pass) of the grid that was measured."""
    g = results["grid"]
    return [
        (size, p, f, pa)
        for size in sizes(results)
        for p in g["precisions"]
        for f in g["memory_formats"]
        for pa in passes or g["passes"]
    ]


# --- device-independent tables ----------------------------------------------------------------


def counted_flops(variant: Variant, shape: tuple[int, int, int, int]) -> int:
    """FLOPs of one forward call, as torch.utils.flop_counter counts them (the cross-check)."""
    torch.manual_seed(0)
    model = variant.build(shape[1])
    x = torch.randn(variant.input_shape(*shape))
    with FlopCounterMode(display=False) as counter, torch.no_grad():
        model(x)
    return counter.get_total_flops()


def variants_table() -> str:
    """What is compared: each variant, how it is built, its output and its work, checked against torch."""
    n, c, h, w = 8, 64, 32, 32
    rows = []
    for v in [*UPSAMPLERS, *COMPONENTS]:
        flops = v.flops(n, c, h, w)
        if (counted := counted_flops(v, (n, c, h, w))) != flops:
            raise AssertionError(f"{v.name}: {flops} FLOPs by our rule, {counted} by torch.utils.flop_counter")
        out = "(N, C, H, W)" if not v.upsamples else "(N, C, 2H, 2W)"
        source = "(N, 4C, H, W)" if v.in_channels_factor == 4 else "(N, C, H, W)"
        per_pixel = v.macs(1, 1, 1, 1)
        rows.append(
            [
                v.label,
                f"`{v.definition}`",
                f"{source} → {out}",
                str(per_pixel) if per_pixel else "0 (memory-bound)",
                sig(flops / 1e9) if flops else "0",
            ]
        )
    err = check_nearest_conv_equivalence()
    if err > 1e-12:
        raise AssertionError(f"nearest ×2 + Conv2d 3×3 and its tied ConvTranspose2d differ by {err}")
    header = [
        "variant",
        "built as",
        "shape",
        "conv MACs per input pixel, per C²",
        f"GFLOP, forward, {size_label(n, c, h, w)}",
    ]
    note = (
        "\nThe FLOP column was checked, when this table was built, against `torch.utils.flop_counter."
        "FlopCounterMode` for every row, and nearest ×2 + Conv2d 3×3 was checked to equal a "
        "ConvTranspose2d k4 s2 p1 with a tied kernel (`nearest_conv_as_transposed`): the largest "
        "difference, in float64, is below 10⁻¹².\n"
    )
    return table(header, rows, "lllrr") + note


# --- machines ---------------------------------------------------------------------------------


def machines() -> str:
    """The machines of the saved runs: device, threads, versions, date, measured peaks, run time."""
    runs = {d: r for d in DEVICES if (r := load(d)) is not None}
    if not runs:
        return "No benchmark results are saved yet: run `python -m snippets.benchmarks`.\n\n" + PENDING
    fields = [
        ("device", lambda r: r["environment"]["device_name"]),
        ("CPU", lambda r: r["environment"]["cpu_model"]),
        (
            "threads used",
            lambda r: f"{r['environment']['threads']} (of {r['environment']['logical_cpus']} logical CPUs)",
        ),
        ("CPU features", lambda r: ", ".join(r["environment"].get("cpu_features") or []) or "—"),
        ("torch", lambda r: r["environment"]["torch"]),
        (
            "CUDA / cuDNN",
            lambda r: (
                f"{r['environment']['cuda']} / {r['environment']['cudnn']}" if r["environment"]["gpu_name"] else "—"
            ),
        ),
        ("numpy", lambda r: r["environment"]["numpy"]),
        ("date", lambda r: r["environment"]["date"]),
        ("load average at start, end (1 min)", lambda r: load_line(r)),
        ("full run time", lambda r: f"{sig(r['duration_s'] / 60, 2)} min"),
    ]
    for precision in PRECISIONS:
        fields.append((f"peak: matmul {PRECISION_LABEL[precision]}", lambda r, p=precision: peak_cell(r, p)))
    fields.append(
        (
            "peak: copy",
            lambda r: f"{sig(r['peaks']['copy']['gbps'])} GB/s ({r['peaks']['copy']['bytes'] >> 20} MiB moved)",
        )
    )
    fields.append(("ridge point: matmul peak ÷ copy bandwidth", ridge_cell))
    header = [""] + [DEVICE_TITLE[d] for d in runs]
    text = table(header, ([name, *(get(r) for r in runs.values())] for name, get in fields), "l" + "l" * len(runs))
    warnings = "".join("\n" + w for r in runs.values() if (w := busy_warning(r)))
    return text + warnings + ("" if "cuda" in runs else "\n" + PENDING)


def load_line(results: dict) -> str:
    env = results["environment"]
    start, end = env.get("load_average_start"), env.get("load_average_end")
    if not start or not end:
        return "unknown"
    return f"{start[0]:.1f}, {end[0]:.1f}"


def ridge_cell(results: dict) -> str:
    """FLOPs per byte where the measured compute peak meets the measured bandwidth, per precision."""
    bandwidth = results["peaks"]["copy"]["gbps"] * 1e9
    parts = [
        f"{PRECISION_LABEL[p]} {sig(results['peaks'][f'matmul_{p}']['tflops'] * 1e12 / bandwidth, 2)}"
        for p in PRECISIONS
        if f"matmul_{p}" in results["peaks"]
    ]
    return ", ".join(parts) + " FLOPs per byte"


def peak_cell(results: dict, precision: str) -> str:
    peak = results["peaks"].get(f"matmul_{precision}")
    if peak is None:
        return cell_missing(results, precision)
    unit, scale = flops_unit(results)
    return f"{sig(peak['tflops'] * scale)} {unit} ({peak['n']}×{peak['n']})"


# --- from scratch -----------------------------------------------------------------------------


KWARG_ORDER = ("stride", "padding", "output_padding", "dilation", "groups")


def call_label(record: dict) -> str:
    kwargs = ", ".join(f"{k}={record['kwargs'][k]}" for k in KWARG_ORDER if k in record["kwargs"])
    return f"input {tuple(record['input_shape'])}, weight {tuple(record['weight_shape'])}, {kwargs}"


def scratch_table(results: dict) -> str:
    """One table per library op, one row per from-scratch function and size; the calls are listed after."""
    parts = []
    for reference in ("F.conv2d", "F.conv_transpose2d"):
        rows = []
        for r in (r for r in results["scratch"] if r["reference"] == reference):
            name = f"`{r['function']}`"
            if r["status"] == "missing":
                rows.append([name, r["size"], "—", "—", "missing", "—"])
                continue
            matches = "yes" if r["allclose"] else f"NO (max error {r['max_abs_err']:.1e})"
            shown = ratio(r["ratio"])
            rows.append(
                [
                    name,
                    r["size"],
                    ms(r["scratch"]["median_s"]),
                    ms(r["library"]["median_s"]),
                    f"**{shown}**" if r["function"] == "conv2d_unfold" else shown,
                    matches,
                ]
            )
        if rows:
            header = [
                f"from scratch, against {reference}",
                "size",
                "ours (ms)",
                f"{reference} (ms)",
                "ratio",
                "same output",
            ]
            parts.append(table(header, rows, "llrrrl"))
    calls = {(r["reference"], r["size"]): call_label(r) for r in results["scratch"]}
    legend = "\n".join(f"- {ref}, {size}: {label}." for (ref, size), label in calls.items())
    return "\n".join(parts) + "\nThe calls, all in fp32, forward:\n\n" + legend + "\n"


def unfold_verdict(results: dict) -> str:
    """The headline: conv2d_unfold's time over F.conv2d's at the medium size, against the goal of 3×."""
    medium = [r for r in results["scratch"] if r["function"] == "conv2d_unfold" and r["size"] == "medium"]
    title = DEVICE_TITLE[results["environment"]["device"]]
    if not medium:
        return f"unfold on the {title}: the medium size was not in this run's grid, so no headline ratio."
    if medium[0]["status"] != "ok":
        return f"unfold on the {title}: no headline ratio, the from-scratch function was {medium[0]['status']}."
    r = medium[0]
    met = "met" if r["ratio"] <= 3 else "NOT met"
    return (
        f"**unfold ÷ F.conv2d on the {title}: {ratio(r['ratio'])}** at {call_label(r)} "
        f"(goal ≤ 3×: {met}; {ms(r['scratch']['median_s'])} ms against {ms(r['library']['median_s'])} ms)."
    )


def scratch_ratios() -> str:
    """The from-scratch functions against the library, per device with results."""
    parts = []
    for device in DEVICES:
        results = load(device)
        if results is None:
            parts.append(f"**{DEVICE_TITLE[device]}:** pending (no saved results for this device).\n")
            continue
        env = results["environment"]
        parts.append(f"**{DEVICE_TITLE[device]}** ({env['device_name']}, {threads(env)}):\n")
        if warning := busy_warning(results):
            parts.append(warning)
        parts.append('!!! abstract "The headline ratio"\n' + indent(unfold_verdict(results)))
        parts.append(scratch_table(results))
    return "\n".join(parts)


# --- upsampling -------------------------------------------------------------------------------


def columns(results: dict) -> list[tuple[str, str | None]]:
    """(precision, memory format) per column; a precision the grid lacks (TF32 off CUDA) gets one
    column, format None, that says why."""
    formats = results["grid"]["memory_formats"]
    return [(p, f) for p in PRECISIONS for f in (formats if p in results["grid"]["precisions"] else [None])]


def header_label(precision: str, fmt: str | None) -> str:
    return column_label(precision, fmt) if fmt else PRECISION_LABEL[precision]


def flops_unit(results: dict) -> tuple[str, float]:
    """GFLOP/s where the fp32 peak is under 1 TFLOP/s (a CPU), else TFLOP/s: readable numbers."""
    if results["peaks"]["matmul_fp32"]["tflops"] < 1:
        return "GFLOP/s", 1e3
    return "TFLOP/s", 1.0


def grid_table(
    results: dict, corner: str, rows: list[tuple[str, Callable[[str, str], str | None]]], numbers: bool = True
) -> str:
    """A table with one column per precision × format; `rows` are (label, cell(precision, format))
    where a cell of None means the case is missing (failed or not in the grid)."""
    cols = columns(results)
    body = []
    for label, cell in rows:
        line = [label]
        for p, f in cols:
            text = cell(p, f) if f else None
            line.append(text if text is not None else cell_missing(results, p))
        body.append(line)
    align = "l" + ("r" if numbers else "l") * len(cols)
    return table([corner, *(header_label(p, f) for p, f in cols)], body, align)


def time_table(results: dict, size: tuple, pass_: str) -> str:
    cases = by_key(results["upsampling"])

    def cell(name: str) -> Callable[[str, str], str | None]:
        def text(p: str, f: str) -> str | None:
            case = cases.get((name, *size, p, f, pass_))
            return f"{ms(case['median_s'])} ± {sig(case['iqr_s'] * 1e3, 2)}" if case else None

        return text

    return grid_table(results, f"{pass_}: median ± IQR (ms)", [(v.label, cell(v.name)) for v in UPSAMPLERS])


def throughput_table(results: dict, size: tuple, pass_: str) -> str:
    cases = by_key(results["upsampling"])
    unit, scale = flops_unit(results)

    def cell(name: str) -> Callable[[str, str], str | None]:
        def text(p: str, f: str) -> str | None:
            case = cases.get((name, *size, p, f, pass_))
            return f"{sig(case['tflops'] * scale)} ({sig(case['pct_peak'], 2)} %)" if case else None

        return text

    corner = f"{pass_}: {unit} (% of matmul peak)"
    return grid_table(results, corner, [(v.label, cell(v.name)) for v in UPSAMPLERS])


def components_table(results: dict) -> str:
    cases = by_key(results["components"])

    def cell(name: str, size: tuple) -> Callable[[str, str], str | None]:
        def text(p: str, f: str) -> str | None:
            case = cases.get((name, *size, p, f, "forward"))
            if not case:
                return None
            return f"{ms(case['median_s'])} ms, {sig(case['gbps'])} GB/s ({sig(case['pct_peak'], 2)} %)"

        return text

    rows = [(f"{v.label}, {size_label(*size)}", cell(v.name, size)) for size in sizes(results) for v in COMPONENTS]
    return grid_table(results, "forward, alone: time, GB/s (% of copy peak)", rows)


def ratio_table(results: dict, numerator: str, denominator: str) -> str:
    """Time of `numerator` ÷ time of `denominator`, for every size, precision, format and pass."""
    cases = by_key(results["upsampling"])

    def cell(size: tuple, pass_: str) -> Callable[[str, str], str | None]:
        def text(p: str, f: str) -> str | None:
            a, b = cases.get((numerator, *size, p, f, pass_)), cases.get((denominator, *size, p, f, pass_))
            return ratio(a["median_s"] / b["median_s"]) if a and b else None

        return text

    rows = [
        (f"{size_label(*size)}, {pass_}", cell(size, pass_))
        for size in sizes(results)
        for pass_ in results["grid"]["passes"]
    ]
    return grid_table(results, f"{LABEL[numerator]} ÷ {LABEL[denominator]}", rows)


def winners_table(results: dict) -> str:
    """Which upsampler was fastest in each setting, and by how much over the runner-up."""
    cases = by_key(results["upsampling"])
    names = [v.name for v in UPSAMPLERS if v.upsamples]

    def cell(size: tuple, pass_: str) -> Callable[[str, str], str | None]:
        def text(p: str, f: str) -> str | None:
            timed = {n: cases[(n, *size, p, f, pass_)]["median_s"] for n in names if (n, *size, p, f, pass_) in cases}
            if len(timed) < 2:
                return None
            first, second = sorted(timed, key=timed.get)[:2]
            from snippets.benchmarks.figures import SHORT  # imported late: it reads the saved results

            return f"{SHORT[first]} ({ratio(timed[second] / timed[first])} ahead)"

        return text

    rows = [
        (f"{size_label(*size)}, {pass_}", cell(size, pass_))
        for size in sizes(results)
        for pass_ in results["grid"]["passes"]
    ]
    return grid_table(results, "fastest ×2 upsampler (lead over the next)", rows, numbers=False)


def findings(results: dict) -> list[str]:
    """Sentences that the data of one run supports, with the numbers in them."""
    cases = by_key(results["upsampling"])
    upsamplers = [v.name for v in UPSAMPLERS if v.upsamples]
    unit, scale = flops_unit(results)
    out = []
    measured = settings(results)
    wins = Counter()
    for size, p, f, pa in measured:
        timed = {v: cases[(v, *size, p, f, pa)]["median_s"] for v in upsamplers if (v, *size, p, f, pa) in cases}
        if timed:
            wins[min(timed, key=timed.get)] += 1
    total = sum(wins.values())
    out.append(
        f"**Fastest ×2 upsampler** over the {total} settings measured (size × precision × memory format × pass): "
        + "; ".join(f"{LABEL[v]} in {k}" for v, k in wins.most_common())
        + "."
    )

    def ratios(a: str, b: str, passes: Iterable[str] | None = None) -> list[float]:
        got = []
        for size, p, f, pa in settings(results, passes):
            x, y = cases.get((a, *size, p, f, pa)), cases.get((b, *size, p, f, pa))
            if x and y:
                got.append(x["median_s"] / y["median_s"])
        return got

    def spread(values: list[float]) -> str:
        return f"{ratio(min(values))} to {ratio(max(values))} (geometric mean {ratio(geomean(values))})"

    if r := ratios("nearest_conv", "convT_k4s2"):
        out.append(
            f"**nearest ×2 + Conv2d 3×3 against ConvTranspose2d k4 s2 p1:** {spread(r)} the time, "
            "for 2.25× the FLOPs (36 against 16 MACs per input pixel and channel pair)."
        )
    if r := ratios("pixel_shuffle", "nearest_conv"):
        out.append(f"**PixelShuffle against nearest ×2 + Conv2d 3×3** (the same FLOPs): {spread(r)} the time.")
    if r := ratios("bilinear_conv", "nearest_conv"):
        out.append(f"**bilinear against nearest resize**, each followed by the same Conv2d 3×3: {spread(r)} the time.")
    if r := ratios("convT_k2s2", "convT_k4s2"):
        out.append(f"**ConvTranspose2d k2 s2 against k4 s2 p1** (a quarter of the FLOPs): {spread(r)} the time.")

    # channels_last and bf16: one ratio per upsampler, size and pass, then their spread.
    def paired(first: tuple[str, str], second: tuple[str, str]) -> list[float]:
        """Time in setting `first` ÷ time in setting `second`, each a (precision, memory format)."""
        got = []
        for v in upsamplers:
            for size in sizes(results):
                for pa in results["grid"]["passes"]:
                    a, b = cases.get((v, *size, *first, pa)), cases.get((v, *size, *second, pa))
                    if a and b:
                        got.append(a["median_s"] / b["median_s"])
        return got

    for p in results["grid"]["precisions"]:
        if r := paired((p, "contiguous"), (p, "channels_last")):
            out.append(
                f"**channels_last in {PRECISION_LABEL[p]}:** contiguous time ÷ channels_last time is "
                f"{spread(r)} over the upsamplers, sizes and passes (above 1× means channels_last is faster)."
            )
    if "bf16" in results["grid"]["precisions"]:
        for f in results["grid"]["memory_formats"]:
            if r := paired(("fp32", f), ("bf16", f)):
                out.append(
                    f"**bf16 against fp32, {f}:** fp32 time ÷ bf16 time is {spread(r)} (above 1× means bf16 is faster)."
                )
    best = max((c for c in cases.values() if c["flops"]), key=lambda c: c["pct_peak"], default=None)
    if best:
        out.append(
            f"**Closest to the matmul peak:** {LABEL[best['variant']]} at "
            f"{size_label(best['n'], best['c'], best['h'], best['w'])}, "
            f"{column_label(best['precision'], best['memory_format'])}, {best['pass']}: "
            f"{sig(best['tflops'] * scale)} {unit}, "
            f"{sig(best['pct_peak'], 2)} % of the {PRECISION_LABEL[best['precision']]} matmul."
        )
    # Channels: the same tensor bytes, more FLOPs per byte. Follow one variant across the sizes.
    trend = []
    for size in sizes(results):
        case = cases.get(("nearest_conv", *size, "fp32", "contiguous", "forward"))
        if case:
            trend.append(f"C={size[1]}: {sig(case['tflops'] * scale)} {unit} ({sig(case['pct_peak'], 2)} %)")
    if len(trend) > 1:
        out.append(
            "**More channels, more FLOPs per byte:** nearest ×2 + Conv2d 3×3, fp32 contiguous forward, reached "
            + ", ".join(trend)
            + "."
        )
    comps = by_key(results["components"])
    for name in ("nearest_only", "shuffle_only"):
        got = [c for c in comps.values() if c["variant"] == name]
        if got:
            lo, hi = min(got, key=lambda c: c["gbps"]), max(got, key=lambda c: c["gbps"])
            out.append(
                f"**{LABEL[name]}:** {sig(lo['gbps'])} to {sig(hi['gbps'])} GB/s, "
                f"{sig(lo['pct_peak'], 2)} to {sig(hi['pct_peak'], 2)} % of the measured copy bandwidth."
            )
    return out


def busy_warning(results: dict) -> str:
    """A warning admonition when the machine was busy during the run (the rule: `experiment.busy_note`)."""
    note = busy_note(results["environment"])
    if note is None:
        return ""
    return (
        '!!! warning "A busy machine"\n'
        f"    {note} Time-sharing inflates the medians and widens the IQRs, and threads that wait for each "
        "other suffer most; read differences smaller than the IQRs as noise.\n"
    )


def figure_markdown(device: str, kind: str, results: dict) -> str:
    # Imported here, not at the top: importing figures registers them from the saved results,
    # and `python -m snippets.benchmarks` must run even when those are missing or out of date.
    from snippets.benchmarks import figures

    name, (width, height) = figures.figure_name(device, kind), figures.pixel_size(kind)
    alt = figures.alt_text(device, kind, results)
    return f'![{alt}](figures/benchmarks/{name}.png){{ width="{width}" height="{height}" loading=lazy }}\n'


def upsampling_section(device: str) -> str:
    """Findings, the times figure, and the tables, for one device (or a pending note)."""
    results = load(device)
    if results is None:
        return PENDING
    env = results["environment"]
    parts = [
        f"Measured on {env['device_name']}, {threads(env)}, torch {env['torch']}, {env['date']}.\n",
        busy_warning(results),
        "What this run shows, computed from its results:\n",
        "\n".join(f"- {line}" for line in findings(results)) + "\n",
        winners_table(results),
        figure_markdown(device, "times", results),
        f'??? note "nearest ×2 + Conv2d 3×3 ÷ ConvTranspose2d k4 s2 p1, every setting on the {DEVICE_TITLE[device]}"\n'
        + indent(ratio_table(results, "nearest_conv", "convT_k4s2")),
    ]
    for size in sizes(results):
        body = "\n".join(time_table(results, size, pa) for pa in results["grid"]["passes"])
        body += "\n" + "\n".join(throughput_table(results, size, pa) for pa in results["grid"]["passes"])
        parts.append(f'=== "{size_label(*size)}"\n\n' + indent(body))
    parts.append(
        f'??? note "The memory-bound parts alone, on the {DEVICE_TITLE[device]}"\n' + indent(components_table(results))
    )
    return "\n".join(parts)


def cpu_upsampling() -> str:
    return upsampling_section("cpu")


def cuda_upsampling() -> str:
    return upsampling_section("cuda")


def roofline_figures() -> str:
    """The FLOP/s-against-intensity plot of every device with results."""
    parts = []
    for device in DEVICES:
        results = load(device)
        if results is None:
            parts.append(f"The {DEVICE_TITLE[device]} plot appears here once a {DEVICE_TITLE[device]} run is saved.\n")
        else:
            parts.append(figure_markdown(device, "roofline", results))
    return "\n".join(parts)


def render(results: dict) -> str:
    """Everything one run measured, as Markdown (what `python -m snippets.benchmarks` prints)."""
    env = results["environment"]
    parts = [f"# {env['device_name']}: {threads(env)}, torch {env['torch']}, {env['date']}\n"]
    parts.append(busy_warning(results))
    parts.append(unfold_verdict(results) + "\n")
    parts.append(scratch_table(results))
    parts.append("\n".join(f"- {line}" for line in findings(results)) + "\n")
    for size in sizes(results):
        parts.append(f"## {size_label(*size)}\n")
        parts += [time_table(results, size, pa) for pa in results["grid"]["passes"]]
        parts += [throughput_table(results, size, pa) for pa in results["grid"]["passes"]]
    parts.append(components_table(results))
    return "\n".join(parts)
