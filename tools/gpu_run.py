"""The GPU half of the benchmarks, in one command: `python -m tools.gpu_run`.

It runs, each as its own process, exactly what a person would type:

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
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUDGET_S = 180.0
# Assumed wall time of steps 2 and 3 on the GPU machine: Python and torch start-up, the hashes of
# every figure's code, two plots drawn, the page's tables generated.
STEP_ALLOWANCE_S = {"figures": 40.0, "sync": 25.0}


def estimate_seconds() -> float:
    """The whole GPU half on an H200-class GPU, by estimate (see the module docstring)."""
    from snippets.benchmarks.grid import H200, estimate_seconds, grid_for

    return estimate_seconds(grid_for("cuda"), H200) + sum(STEP_ALLOWANCE_S.values())


def steps(device: str, quick: bool) -> list[tuple[str, list[str]]]:
    """(name, command) of the three steps."""
    results = ROOT / "snippets" / "benchmarks" / "results" / f"{device}.json"
    benchmark = ["-m", "snippets.benchmarks", "--device", device, "--out", str(results)]
    return [
        ("benchmark", benchmark + (["--quick"] if quick else [])),
        ("figures", ["-m", "tools.figures", "--device", device]),
        ("sync", ["-m", "tools.sync", "--only", "benchmarks"]),
    ]


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
    for name, command in steps(args.device, args.quick):
        start = time.perf_counter()
        print(f"== {name}: python {' '.join(command)}", flush=True)
        result = subprocess.run([sys.executable, *command], cwd=ROOT)
        print(f"== {name}: {time.perf_counter() - start:.0f} s", flush=True)
        if result.returncode != 0:
            print(f"{name} failed (exit status {result.returncode})", file=sys.stderr)
            return result.returncode
    took = time.perf_counter() - total
    print(f"== done in {took:.0f} s" + (f", over the {BUDGET_S:.0f} s budget" if took > BUDGET_S else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
