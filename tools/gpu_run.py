"""The GPU half of the benchmarks, in one command: `python -m tools.gpu_run`.

It runs, in one process (one start-up of torch), the `main` of what a person would type:

1. `python -m snippets.benchmarks --device cuda --out snippets/benchmarks/results/cuda.json`;
2. `python -m tools.figures --device cuda`: every stale figure, the new GPU plots among them;
3. `python -m tools.sync --only benchmarks`: the Benchmarks page, rewritten from the results.

It fits in 3 minutes on one H200-class GPU. That is an estimate, not a measurement: the
benchmark's own estimate from its FLOP and byte counts (`snippets.benchmarks.grid.estimate_seconds`)
plus allowances for the two other steps (`STEP_ALLOWANCE_S`). Each step's wall time is printed.
Then commit `snippets/benchmarks/results/cuda.json`, `docs/figures/` and `docs/benchmarks.md`.

`--device cpu --quick` is the dry run: the same three steps through the same code, with the
benchmark's quick grid on the CPU. It overwrites `results/cpu.json` with that tiny grid, so run
it in a copy of the repository (as `tests/test_benchmarks.py` does), never in a checkout you
mean to commit.

Usage:
    python -m tools.gpu_run [--device cuda|cpu] [--quick]
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUDGET_S = 180.0
# Assumed wall time of steps 2 and 3 on the GPU machine: imports, the hashes of every figure's
# code, two plots drawn, the page's tables generated.
STEP_ALLOWANCE_S = {"figures": 30.0, "sync": 20.0}


def estimate_seconds() -> float:
    """The whole GPU half on an H200-class GPU, by estimate (see the module docstring)."""
    from snippets.benchmarks.grid import H200, estimate_seconds, grid_for

    return estimate_seconds(grid_for("cuda"), H200) + sum(STEP_ALLOWANCE_S.values())


def steps(device: str, quick: bool) -> list[tuple[str, str, list[str]]]:
    """(name, module, arguments) of the three steps: `python -m <module> <arguments>`."""
    results = ROOT / "snippets" / "benchmarks" / "results" / f"{device}.json"
    benchmark = ["--device", device, "--out", str(results), *(["--quick"] if quick else [])]
    return [
        ("benchmark", "snippets.benchmarks.__main__", benchmark),
        ("figures", "tools.figures", ["--device", device]),
        ("sync", "tools.sync", ["--only", "benchmarks"]),
    ]


def run_step(module: str, arguments: list[str]) -> int:
    """`python -m module arguments`, in this process: its `main`'s exit status."""
    try:
        return importlib.import_module(module).main(arguments) or 0
    except SystemExit as stop:
        return stop.code if isinstance(stop.code, int) else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--device", default="cuda", choices=["cuda", "cpu"], help="cuda (default), or cpu for the dry run"
    )
    parser.add_argument("--quick", action="store_true", help="the benchmark's tiny grid: a dry run in seconds")
    args = parser.parse_args(argv)
    if args.device == "cuda" and not args.quick:
        print(f"estimated wall time on an H200-class GPU: {estimate_seconds():.0f} s (budget {BUDGET_S:.0f} s)")
    total = time.perf_counter()
    for name, module, arguments in steps(args.device, args.quick):
        start = time.perf_counter()
        print(f"== {name}: python -m {module.removesuffix('.__main__')} {' '.join(arguments)}", flush=True)
        status = run_step(module, arguments)
        print(f"== {name}: {time.perf_counter() - start:.0f} s", flush=True)
        if status != 0:
            print(f"{name} failed (exit status {status})", file=sys.stderr)
            return status
    took = time.perf_counter() - total
    print(f"== done in {took:.0f} s" + (f", over the {BUDGET_S:.0f} s budget" if took > BUDGET_S else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
