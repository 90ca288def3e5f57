"""One benchmark run: peaks, upsampling cases, memory-bound components, from-scratch ratios,
and the check that the folded variant equals nearest ×2 + Conv2d 3×3.

The result is one JSON-ready dict, saved as `results/<device>.json`. The page's tables and
figures are drawn from these files only (`report.py`, `figures.py`), never from a live run.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

import torch

from snippets.benchmarks.from_scratch import SCRATCH, time_scratch
from snippets.benchmarks.grid import Grid, grid_for
from snippets.benchmarks.harness import Budget, copy_peak, matmul_peak, time_variant
from snippets.benchmarks.variants import ALL_VARIANTS, check_folded_equals_unfolded
from snippets.experiment import environment, finish, load_results, save_results

RESULTS = Path(__file__).resolve().parent / "results"
SCHEMA = 2
# The folded variant must equal nearest ×2 + Conv2d 3×3 (float64, outputs and gradients) to be timed as it.
FOLD_TOLERANCE = 1e-10

# The keys every saved result must have, at each level (checked by `validate` and the tests).
TOP_KEYS = {
    "schema",
    "environment",
    "grid",
    "peaks",
    "peaks_measured",
    "upsampling",
    "components",
    "scratch",
    "folded_check",
    "reruns",
    "duration_s",
}
ENVIRONMENT_KEYS = {
    "device",
    "device_name",
    "cpu_model",
    "gpu_name",
    "threads",
    "torch",
    "numpy",
    "date",
    "load_average_start",
    "load_average_end",
}
CASE_KEYS = {
    "variant",
    "n",
    "c",
    "h",
    "w",
    "precision",
    "memory_format",
    "pass",
    "output_shape",
    "median_s",
    "iqr_s",
    "spread",
    "noisy",
    "attempts",
    "blocks",
    "flops",
    "tflops",
    "pct_peak",
    "peak",
}
SCRATCH_KEYS = {"function", "reference", "size", "status"}
MEASUREMENT_KEYS = {"median_s", "iqr_s", "spread", "noisy", "attempts"}


def results_path(device_type: str) -> Path:
    return RESULTS / f"{device_type}.json"


def log_to_stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def describe_case(case: dict) -> str:
    return (
        f"{case['variant']:<20} N={case['n']} C={case['c']} {case['h']}×{case['w']} "
        f"{case['precision']} {case['memory_format']} {case['pass']}"
    )


def with_peak(case: dict, peaks: dict) -> dict:
    """Add the percentage of the measured peak: matmul FLOP/s of the same precision for cases
    with conv FLOPs, copy bandwidth for the memory-bound components."""
    if case["flops"]:
        peak = peaks[f"matmul_{case['precision']}"]
        return {**case, "peak": f"matmul_{case['precision']}", "pct_peak": 100 * case["tflops"] / peak["tflops"]}
    peak = peaks["copy"]
    return {**case, "peak": "copy", "pct_peak": 100 * case["gbps"] / peak["gbps"]}


def run(device: torch.device, quick: bool = False, log: Callable[[str], None] = log_to_stderr) -> dict:
    """Measure everything in the grid for `device` and return the results (nothing is saved)."""
    start = time.perf_counter()
    grid: Grid = grid_for(device.type, quick)
    env = environment(device)
    log(f"{env['device_name']} ({env['threads']} threads), torch {env['torch']}, grid {grid.name}")
    folded = check_folded_equals_unfolded()
    if max(folded.values()) > FOLD_TOLERANCE:
        raise AssertionError(f"the folded variant differs from nearest ×2 + Conv2d 3×3: {folded}")
    if device.type == "cuda":
        torch.backends.cudnn.benchmark = True  # let cuDNN pick its fastest algorithm per shape (during warm-up)

    def measure_peaks(when: str) -> dict:
        peaks = {f"matmul_{mode}": matmul_peak(mode, grid.matmul_n, device, grid.timer) for mode in grid.precisions}
        peaks["copy"] = copy_peak(grid.copy_bytes, device, grid.timer)
        rates = [f"matmul {k[7:]} {v['tflops']:.3f} TFLOP/s" for k, v in peaks.items() if k != "copy"]
        log(f"peaks at the {when}: {', '.join(rates)}, copy {peaks['copy']['gbps']:.1f} GB/s")
        return peaks

    first = measure_peaks("start")
    budget = Budget(grid.rerun_budget_s)
    upsampling, components = [], []
    todo = grid.cases()
    for i, (name, size, mode, fmt, pass_) in enumerate(todo, 1):
        try:
            case = time_variant(ALL_VARIANTS[name], size, mode, fmt, pass_, device, grid.timer, budget)
            timing = f"{case['median_s'] * 1e3:.3f} ms, IQR {100 * case['spread']:.0f} %"
            flag = f" after {case['attempts']} attempts" if case["attempts"] > 1 else ""
            log(f"[{i:>3}/{len(todo)}] {describe_case(case)}: {timing}{flag}{' NOISY' if case['noisy'] else ''}")
        except Exception as error:  # an unsupported case is a result too: record it, go on
            n, c, h, w = size
            case = {"variant": name, "n": n, "c": c, "h": h, "w": w, "precision": mode}
            case |= {"memory_format": fmt, "pass": pass_, "error": f"{type(error).__name__}: {error}"}
            log(f"[{i:>3}/{len(todo)}] {describe_case(case)}: FAILED {case['error']}")
        (upsampling if name in grid.variants else components).append(case)
        if device.type == "cuda":
            torch.cuda.empty_cache()
    scratch = []
    for function in SCRATCH:
        for size in function.sizes:
            if size not in grid.scratch_sizes:
                continue
            record = time_scratch(function, size, device, grid.timer, budget)
            scratch.append(record)
            if record["status"] == "missing":
                log(f"scratch {function.name} ({size}): missing, {record['error']}")
            else:
                log(
                    f"scratch {function.name} ({size}): {record['ratio']:.2f}× {function.reference}, {record['status']}"
                )
    # The peaks again at the end: on a busy machine one measurement may have caught a bad moment.
    # The better of the two is the peak; both are kept.
    last = measure_peaks("end")
    rate = {"copy": "gbps"}
    peaks = {k: max(first[k], last[k], key=lambda p, k=k: p[rate.get(k, "tflops")]) for k in first}
    upsampling = [c if "error" in c else with_peak(c, peaks) for c in upsampling]
    components = [c if "error" in c else with_peak(c, peaks) for c in components]
    finish(env)
    return {
        "schema": SCHEMA,
        "environment": env,
        "grid": grid.to_json(),
        "peaks": peaks,
        "peaks_measured": {"start": first, "end": last},
        "upsampling": upsampling,
        "components": components,
        "scratch": scratch,
        "folded_check": folded,
        "reruns": {"budget_s": budget.seconds, "spent_s": budget.spent, "attempts": budget.reruns},
        "duration_s": time.perf_counter() - start,
    }


def validate(results: dict) -> list[str]:
    """What is missing from `results` (an empty list when the schema is complete)."""
    problems = [f"missing top-level key {k!r}" for k in sorted(TOP_KEYS - results.keys())]
    if problems:
        return problems
    if results["schema"] != SCHEMA:
        problems.append(f"schema {results['schema']!r}, expected {SCHEMA}")
    problems += [f"environment lacks {k!r}" for k in sorted(ENVIRONMENT_KEYS - results["environment"].keys())]
    for mode in results["grid"]["precisions"]:
        if f"matmul_{mode}" not in results["peaks"]:
            problems.append(f"no matmul peak for {mode}")
    if "copy" not in results["peaks"]:
        problems.append("no copy peak")
    for group in ("upsampling", "components"):
        for case in results[group]:
            if "error" not in case and (missing := CASE_KEYS - case.keys()):
                problems.append(f"{group} case {case.get('variant')} lacks {sorted(missing)}")
    for record in results["scratch"]:
        if missing := SCRATCH_KEYS - record.keys():
            problems.append(f"scratch record {record.get('function')} lacks {sorted(missing)}")
        for side in ("scratch", "library"):
            if record.get("status") != "missing" and (missing := MEASUREMENT_KEYS - record.get(side, {}).keys()):
                problems.append(f"scratch record {record.get('function')} {side} lacks {sorted(missing)}")
    return problems


def save(results: dict, path: Path) -> None:
    save_results(results, path)


def load(device_type: str) -> dict | None:
    """The saved results for `device_type`, or None when that run has not been made."""
    path = results_path(device_type)
    results = load_results(path)
    if results is None:
        return None
    if problems := validate(results):
        raise ValueError(f"{path} is incomplete: {'; '.join(problems)}")
    return results
