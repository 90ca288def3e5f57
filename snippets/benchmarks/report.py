"""The Benchmarks page's tables and readings, drawn from the saved results only.

Every public function without arguments is a `<!-- generated: benchmarks.report:NAME -->`
target of docs/benchmarks.md. They read `results/<device>.json`; a device without results
gets one short note, and no number. Every sentence that reads the data comes from
`readings`. `render(results)` is what `python -m snippets.benchmarks` prints after a run.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch.utils.flop_counter import FlopCounterMode

from snippets.benchmarks import readings as rd
from snippets.benchmarks.grid import H200, estimate_seconds, grid_for
from snippets.benchmarks.readings import PRECISION_LABEL, percent, ratio, sig, size_label
from snippets.benchmarks.run import load
from snippets.benchmarks.variants import (
    ALL_VARIANTS,
    COMPONENTS,
    UPSAMPLERS,
    Variant,
    check_folded_equals_unfolded,
    check_nearest_conv_equivalence,
    fold_flops,
    free_weights,
)
from snippets.experiment import busy_note
from snippets.markdown import table

DEVICES = ("cpu", "cuda")
DEVICE_TITLE = {"cpu": "CPU", "cuda": "GPU"}
NOISY = "†"
NOISY_NOTE = f"{NOISY} noisy: IQR above {{limit}} of the median after every attempt; left out of every reading."


def ms(seconds: float) -> str:
    return sig(seconds * 1e3)


def threads(env: dict) -> str:
    return f"{env['threads']} thread{'s' if env['threads'] != 1 else ''}"


def indent(text: str, spaces: int = 4) -> str:
    return "\n".join((" " * spaces + line) if line else "" for line in text.splitlines()) + "\n"


def collapsed(title: str, body: str) -> str:
    return f'??? note "{title}"\n\n' + indent(body)


def runs() -> dict[str, dict]:
    return {d: r for d in DEVICES if (r := load(d)) is not None}


def pending_note() -> str:
    minutes = estimate_seconds(grid_for("cuda"), H200) / 60
    return (
        '!!! note "No GPU results yet"\n'
        "    No number on this page comes from a GPU. On a machine with one, `python -m tools.gpu_run` runs the\n"
        "    GPU half of the benchmark, draws its figures and rewrites this page: the benchmark itself takes about\n"
        f"    {sig(minutes, 2)} minutes on an H200-class GPU, by an estimate from its FLOP and byte counts.\n"
    )


def flop_check(variant: Variant, shape: tuple[int, int, int, int]) -> int:
    """The variant's forward FLOPs, checked against torch.utils.flop_counter: equal for the
    convolutions, and any other op (the fold) under 1 % of them."""
    torch.manual_seed(0)
    model = variant.build(shape[1])
    with FlopCounterMode(display=False) as counter, torch.no_grad():
        model(torch.randn(variant.input_shape(*shape)))
    counts = counter.get_flop_counts().get("Global", {})
    conv = sum(n for op, n in counts.items() if "convolution" in str(op))
    other = sum(counts.values()) - conv
    if conv != variant.flops(*shape) or other > 0.01 * conv:
        raise AssertionError(f"{variant.name}: {variant.flops(*shape)} FLOPs by our rule; torch counts {counts}")
    return conv


# --- what is compared -------------------------------------------------------------------------

SHAPE = (8, 64, 32, 32)  # the size at which the work table gives FLOPs


def variants_table() -> str:
    """Each variant: how it is built and what shape it maps to."""
    rows = []
    for v in [*UPSAMPLERS, *COMPONENTS]:
        source = "(N, 4C, H, W)" if v.in_channels_factor == 4 else "(N, C, H, W)"
        rows.append([v.label, f"`{v.definition}`", f"{source} → {'(N, C, 2H, 2W)' if v.upsamples else '(N, C, H, W)'}"])
    return table(["variant", "built as", "shape"], rows, "lll")


def work_table() -> str:
    """What each upsampler computes with: MACs, the input patch each output sees, the free weights,
    and the FLOPs, each checked against torch as the table is built."""
    tied = check_nearest_conv_equivalence()
    folded = check_folded_equals_unfolded()
    if tied > 1e-12 or max(folded.values()) > 1e-10:
        raise AssertionError(f"nearest ×2 + Conv2d 3×3 is not its folded form: {tied}, {folded}")
    rows = []
    for v in UPSAMPLERS:
        rows.append(
            [
                v.label,
                str(v.macs(1, 1, 1, 1)),
                rd.support_text(v),
                str(free_weights(v)),
                sig(flop_check(v, SHAPE) / 1e9),
            ]
        )
    header = [
        "variant",
        "conv MACs per input pixel, per C²",
        "input patch of one output",
        "free weights per C²",
        f"GFLOP, forward, {size_label(*SHAPE)}",
    ]
    c = SHAPE[1]
    folded_conv = ALL_VARIANTS["nearest_conv_folded"].flops(*SHAPE)
    note = (
        "\nEvery row was checked against torch when this table was built: the FLOPs against "
        "`torch.utils.flop_counter`, the input patch by autograd (the input pixels an output's gradient "
        "reaches, away from the borders), and the folded variant against nearest ×2 + Conv2d 3×3: the same "
        f"outputs and gradients, to {max(folded.values()):.0e} in float64. The folded variant folds its kernel "
        f"on every call, as training it must: {sig(fold_flops(c) / 1e6, 2)} MFLOP at C={c}, "
        f"{percent(fold_flops(c) / folded_conv)} of its convolution, not counted.\n"
    )
    return table(header, rows, "lrlrr") + note


def capacity() -> str:
    """The PixelShuffle capacity reading: what the same MACs buy (no timing)."""
    folded, nearest = ALL_VARIANTS["nearest_conv_folded"], ALL_VARIANTS["nearest_conv"]
    return (
        f"Per input pixel (one 2×2 block of outputs) and channel pair, {rd.capacity_phrase()}. "
        f"Folded, {nearest.label} computes the same function with {folded.macs(1, 1, 1, 1)} MACs "
        f"instead of {nearest.macs(1, 1, 1, 1)}.\n"
    )


# --- the machines -----------------------------------------------------------------------------


def load_line(results: dict) -> str:
    env = results["environment"]
    start, end = env.get("load_average_start"), env.get("load_average_end")
    if not start or not end:
        return "unknown"
    return (
        f"{start[0]:.1f} at the start, {end[0]:.1f} at the end, on {env.get('usable_cpus') or env['logical_cpus']} CPUs"
    )


def flops_unit(results: dict) -> tuple[str, float]:
    """GFLOP/s where the fp32 peak is under 1 TFLOP/s (a CPU), else TFLOP/s: readable numbers."""
    if results["peaks"]["matmul_fp32"]["tflops"] < 1:
        return "GFLOP/s", 1e3
    return "TFLOP/s", 1.0


def peak_cell(results: dict, precision: str) -> str | None:
    peak = results["peaks"].get(f"matmul_{precision}")
    if peak is None:
        return None
    unit, scale = flops_unit(results)
    return f"{sig(peak['tflops'] * scale)} {unit} ({peak['n']}×{peak['n']})"


def ridge_cell(results: dict) -> str:
    """FLOPs per byte where the measured compute peak meets the measured bandwidth, per precision."""
    bandwidth = results["peaks"]["copy"]["gbps"] * 1e9
    parts = [
        f"{PRECISION_LABEL[p]} {sig(results['peaks'][f'matmul_{p}']['tflops'] * 1e12 / bandwidth, 2)}"
        for p in PRECISION_LABEL
        if f"matmul_{p}" in results["peaks"]
    ]
    return ", ".join(parts) + " FLOPs per byte"


def reruns_cell(results: dict) -> str:
    reruns = results["reruns"]
    return f"{reruns['attempts']}, {sig(reruns['spent_s'], 2)} s of a {sig(reruns['budget_s'], 2)} s budget"


def machines() -> str:
    """The machines of the saved runs: device, threads, versions, date, load, measured peaks, run time."""
    saved = runs()
    if not saved:
        return "No benchmark results are saved yet: run `python -m snippets.benchmarks`.\n"

    def env(field: str) -> Callable[[dict], str]:
        return lambda r: str(r["environment"][field])

    fields: list[tuple[str, Callable[[dict], str | None]]] = [
        ("device", env("device_name")),
        (
            "threads used",
            lambda r: f"{r['environment']['threads']} (of {r['environment']['logical_cpus']} logical CPUs)",
        ),
        ("CPU features", lambda r: ", ".join(r["environment"].get("cpu_features") or []) or "—"),
        ("torch", env("torch")),
        (
            "CUDA / cuDNN",
            lambda r: (
                f"{r['environment']['cuda']} / {r['environment']['cudnn']}" if r["environment"]["gpu_name"] else None
            ),
        ),
        ("date", env("date")),
        ("load average (1 min)", load_line),
        ("full run time", lambda r: f"{sig(r['duration_s'] / 60, 2)} min"),
        ("noisy cases", lambda r: "{} of {}".format(*rd.noise(r))),
        ("reruns", reruns_cell),
    ]
    for precision in PRECISION_LABEL:
        fields.append((f"peak: matmul {PRECISION_LABEL[precision]}", lambda r, p=precision: peak_cell(r, p)))
    fields.append(
        (
            "peak: copy",
            lambda r: f"{sig(r['peaks']['copy']['gbps'])} GB/s ({r['peaks']['copy']['bytes'] >> 20} MiB moved)",
        )
    )
    fields.append(("ridge point: matmul peak ÷ copy bandwidth", ridge_cell))
    rows = []
    for name, get in fields:
        cells = [get(r) for r in saved.values()]
        if any(c is not None for c in cells):  # no row that says "n/a" everywhere
            rows.append([name, *(c if c is not None else "—" for c in cells)])
    return table(["run", *(DEVICE_TITLE[d] for d in saved)], rows, "l" + "l" * len(saved))


def busy_warning(results: dict) -> str:
    """A warning admonition when the machine was busy during the run (the rule: `experiment.busy_note`)."""
    note = busy_note(results["environment"])
    if note is None:
        return ""
    return '!!! warning "A busy machine"\n' + indent(
        f"{note} The cases whose spread stayed above the limit are marked {NOISY} and left out of every reading."
    )


# --- takeaways --------------------------------------------------------------------------------


def takeaways() -> str:
    """The opening sentences of the page, per device with results; a short note for a device without."""
    saved = runs()
    parts = []
    for device, results in saved.items():
        env = results["environment"]
        if len(saved) > 1:
            parts.append(f"On the {DEVICE_TITLE[device]} ({env['device_name']}):\n")
        parts.append("\n".join(f"- {line}" for line in rd.takeaways(results)) + "\n")
    return "\n".join(parts) or "No results saved yet.\n"


# --- from scratch -----------------------------------------------------------------------------


KWARG_ORDER = ("stride", "padding", "output_padding", "dilation", "groups")


def call_label(record: dict) -> str:
    kwargs = ", ".join(f"{k}={record['kwargs'][k]}" for k in KWARG_ORDER if k in record["kwargs"])
    return f"input {tuple(record['input_shape'])}, weight {tuple(record['weight_shape'])}, {kwargs}"


def timed(measurement: dict) -> str:
    """'3.19 (4 %)': the median in ms and the spread, marked when noisy."""
    text = f"{ms(measurement['median_s'])} ({percent(measurement['spread'])})"
    return text + (f" {NOISY}" if measurement["noisy"] else "")


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
            shown = ratio(r["ratio"]) + (f" {NOISY}" if r["noisy"] else "")
            rows.append([name, r["size"], timed(r["scratch"]), timed(r["library"]), shown, matches])
        if rows:
            header = ["function", "size", "ours, ms", "library, ms", "time ratio", "same output"]
            parts.append(f"Against `{reference}`:\n\n" + table(header, rows, "llrrrl"))
    calls = {(r["reference"], r["size"]): call_label(r) for r in results["scratch"]}
    legend = "\n".join(f"- {ref}, {size}: {label}." for (ref, size), label in calls.items())
    limit = percent(results["grid"]["timer"]["spread_limit"])
    note = f"Each time is the median per call, in ms, with IQR ÷ median in brackets. {NOISY_NOTE.format(limit=limit)}"
    return "\n".join(parts) + "\n" + note + "\n\nThe calls, all in fp32, forward:\n\n" + legend + "\n"


def scratch_ratios() -> str:
    """The from-scratch functions against the library, per device with results."""
    parts = []
    for device, results in runs().items():
        env = results["environment"]
        parts.append(f"On the {DEVICE_TITLE[device]} ({env['device_name']}, {threads(env)}):\n")
        parts.append(scratch_table(results))
    return "\n".join(parts) or "No results saved yet.\n"


# --- upsampling -------------------------------------------------------------------------------


def columns(results: dict) -> list[tuple[str, str]]:
    """(precision, memory format) of every column: only what the grid measured."""
    return [(p, f) for p in results["grid"]["precisions"] for f in results["grid"]["memory_formats"]]


def grid_table(results: dict, corner: str, rows: list[tuple[str, Callable[[str, str], str]]]) -> str:
    """One column per precision × memory format; `rows` are (label, cell(precision, format))."""
    cols = columns(results)
    body = [[name, *(cell(p, f) for p, f in cols)] for name, cell in rows]
    header = [corner, *(f"{PRECISION_LABEL[p]} · {f}" for p, f in cols)]
    return table(header, body, "l" + "r" * len(cols))


def case_cell(results: dict, group: str, name: str, size: tuple, pass_: str, show: Callable[[dict], str]):
    cases = rd.index(results[group])

    def cell(p: str, f: str) -> str:
        case = cases.get((name, *size, p, f, pass_))
        if case is None:
            return "failed"
        return show(case) + (f" {NOISY}" if case["noisy"] else "")

    return cell


def time_table(results: dict, size: tuple, pass_: str) -> str:
    def show(case: dict) -> str:
        return f"{ms(case['median_s'])} ({percent(case['spread'])})"

    rows = [(v.label, case_cell(results, "upsampling", v.name, size, pass_, show)) for v in UPSAMPLERS]
    return grid_table(results, f"{pass_}: median in ms (IQR ÷ median)", rows)


def throughput_table(results: dict, size: tuple, pass_: str) -> str:
    """Achieved FLOP/s of the forward cases, with the share of their lower roof."""
    unit, scale = flops_unit(results)

    def show(case: dict) -> str:
        b = rd.bound(case, results["peaks"])
        return f"{sig(case['tflops'] * scale)} ({percent(1 / b.below)} of {b.roof})"

    rows = [(v.label, case_cell(results, "upsampling", v.name, size, pass_, show)) for v in UPSAMPLERS]
    return grid_table(results, f"{pass_}: {unit} (share of the lower roof)", rows)


def components_table(results: dict) -> str:
    def show(case: dict) -> str:
        return f"{ms(case['median_s'])} ms, {sig(case['gbps'])} GB/s ({sig(case['pct_peak'], 2)} % of copy)"

    rows = [
        (f"{v.label}, {size_label(*size)}", case_cell(results, "components", v.name, size, "forward", show))
        for size in rd.sizes(results)
        for v in COMPONENTS
    ]
    precisions = results["grid"].get("component_precisions", results["grid"]["precisions"])
    cols = [(p, f) for p in precisions for f in results["grid"]["memory_formats"]]
    body = [[name, *(cell(p, f) for p, f in cols)] for name, cell in rows]
    header = ["forward, alone", *(f"{PRECISION_LABEL[p]} · {f}" for p, f in cols)]
    return table(header, body, "l" + "r" * len(cols))


def winners_table(results: dict) -> str:
    """The fastest upsampler of every setting, and its lead over the next (or a tie)."""
    rows = []
    for setting in rd.settings(results):
        size, p, f, pa = setting
        name = f"C={size[1]}, {pa}, {PRECISION_LABEL[p]} · {f}"
        if (r := rd.race(results, setting)) is None:
            rows.append([name, "no reading (noisy)", "—", "—"])
            continue
        lead = ratio(r.lead) if r.ahead else f"tied ({ratio(r.lead)})"
        rows.append([name, rd.label(r.winner), rd.label(r.runner_up), lead])
    return table(["setting", "fastest", "next", "lead"], rows, "llll")


def figure_markdown(device: str, kind: str, results: dict) -> str:
    # Imported here, not at the top: importing figures registers them from the saved results,
    # and `python -m snippets.benchmarks` must run even when those are missing or out of date.
    from snippets.benchmarks import figures

    name, (width, height) = figures.figure_name(device, kind), figures.pixel_size(kind)
    alt = figures.alt_text(device, kind, results)
    return f'![{alt}](figures/benchmarks/{name}.png){{ width="{width}" height="{height}" loading=lazy }}\n'


def upsampling_body(results: dict, device: str | None = None) -> str:
    """A run's readings, figure and tables (the figure only when `device` names a saved run)."""
    env = results["environment"]
    limit = percent(results["grid"]["timer"]["spread_limit"])
    noisy, total = rd.noise(results)
    parts = [
        f"Measured on {env['device_name']}, {threads(env)}, torch {env['torch']}, {env['date']}. "
        f"{noisy} of {total} cases stayed noisy after their reruns: they are marked {NOISY} and left out "
        "of every reading.\n",
        busy_warning(results),
        "Each time ratio below (the first choice's time ÷ the second's) is over the settings "
        "(size × precision × memory format × pass) where both sides are clean:\n",
        "\n".join(f"- {line}" for line in rd.comparisons(results)) + "\n",
    ]
    if device:
        parts.append(figure_markdown(device, "times", results))
    parts.append(
        collapsed(
            f"The fastest ×2 upsampler in each setting, on the {DEVICE_TITLE[env['device']]}", winners_table(results)
        )
    )
    for size in rd.sizes(results):
        body = "\n".join(time_table(results, size, pa) for pa in results["grid"]["passes"])
        body += "\n" + throughput_table(results, size, "forward")
        body += "\n" + NOISY_NOTE.format(limit=limit) + "\n"
        parts.append(collapsed(f"Every case at {size_label(*size)}", body))
    parts.append(collapsed("The memory-bound parts alone", components_table(results)))
    return "\n".join(p for p in parts if p)


def cpu_upsampling() -> str:
    results = load("cpu")
    return upsampling_body(results, "cpu") if results else "No CPU results saved yet.\n"


def cuda_upsampling() -> str:
    results = load("cuda")
    return upsampling_body(results, "cuda") if results else pending_note()


def method_table() -> str:
    """How each device's full run times its cases (the grids of `grid.py`)."""
    grids = {DEVICE_TITLE[d]: grid_for(d) for d in DEVICES}
    fields: list[tuple[str, Callable]] = [
        ("sizes (N, C, H, W)", lambda g: ", ".join(f"({n}, {c}, {h}, {w})" for n, c, h, w in g.sizes)),
        ("precisions", lambda g: ", ".join(PRECISION_LABEL[p] for p in g.precisions)),
        ("warm-up calls", lambda g: str(g.timer.warmup)),
        ("timed blocks", lambda g: f"{g.timer.blocks}, each at least {sig(g.timer.block_s * 1e3, 2)} ms long"),
        ("noise limit", lambda g: f"IQR above {percent(g.timer.spread_limit)} of the median"),
        ("attempts per case", lambda g: f"at most {g.timer.max_attempts}"),
        ("rerun budget", lambda g: f"{sig(g.rerun_budget_s, 2)} s per run"),
        ("matmul peak", lambda g: f"{g.matmul_n}×{g.matmul_n}"),
        ("copy peak", lambda g: f"{g.copy_bytes >> 20} MiB"),
    ]
    rows = [[name, *(get(g) for g in grids.values())] for name, get in fields]
    return table(["full run", *grids], rows, "l" + "l" * len(grids))


def roofline_rule() -> str:
    return (
        f"A forward case that reaches at least 1/{sig(rd.ROOF_FACTOR, 1)} of its lower roof is called "
        "memory-bound or compute-bound, after that roof; one that stays further below is efficiency-bound, "
        "and the factor says how far below its lower roof it ran.\n"
    )


def roofline() -> str:
    """The roofline plot and the reading of every channel count and precision, per device with results."""
    parts = [roofline_rule()]
    for device, results in runs().items():
        parts.append(figure_markdown(device, "roofline", results))
        parts.append(f"On the {DEVICE_TITLE[device]}, the forward cases by channels and precision:\n")
        parts.append("\n".join(f"- {rd.group_sentence(g)}" for g in rd.groups(results)) + "\n")
    return "\n".join(parts)


def render(results: dict) -> str:
    """Everything one run measured, as Markdown (what `python -m snippets.benchmarks` prints)."""
    env = results["environment"]
    parts = [f"# {env['device_name']}: {threads(env)}, torch {env['torch']}, {env['date']}\n"]
    parts.append("\n".join(f"- {line}" for line in rd.takeaways(results)) + "\n")
    parts.append(upsampling_body(results))
    parts.append("\n".join(f"- {rd.group_sentence(g)}" for g in rd.groups(results)) + "\n")
    parts.append(scratch_table(results))
    return "\n".join(parts)
