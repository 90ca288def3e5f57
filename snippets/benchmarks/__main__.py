"""Benchmark the ×2 upsampling choices and the site's from-scratch convolutions: `python -m snippets.benchmarks`.

It times every upsampling variant of `snippets.benchmarks.variants` over the grid of
`snippets.benchmarks.grid` (sizes, fp32/TF32/bf16, contiguous/channels_last, forward and
forward+backward), reruns the noisy cases within a time budget, measures a matmul and a copy as
the device's peaks, and times the from-scratch convolutions as ratios to F.conv2d /
F.conv_transpose2d.

A full run saves `snippets/benchmarks/results/<device>.json` and prints its tables. The page
is then rebuilt from the saved file:

    python -m snippets.benchmarks --device cpu
    python -m tools.figures --only benchmarks
    python -m tools.sync --only benchmarks

On a GPU, `python -m tools.gpu_run` runs all three with `--device cuda`.

Usage:
    python -m snippets.benchmarks [--device auto|cpu|cuda] [--quick] [--threads N] [--out PATH]

`--quick` runs a tiny grid in seconds (a smoke test of every case, not a measurement): on one
CPU thread unless `--threads` says otherwise, so that a busy machine cannot stall it, and it
saves nothing unless `--out` is given.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from snippets.experiment import pick_device


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--device", default="auto", help="auto, cpu or cuda (default auto: cuda if available)")
    parser.add_argument("--quick", action="store_true", help="a tiny grid in seconds; saves nothing unless --out")
    parser.add_argument("--threads", type=int, help="CPU threads for torch (default: torch's choice; 1 with --quick)")
    parser.add_argument("--out", type=Path, help="where to save the JSON (default results/<device>.json)")
    args = parser.parse_args(argv)
    device = pick_device(args.device)
    if args.threads is not None and args.threads < 1:
        raise SystemExit(f"--threads must be at least 1, got {args.threads}")
    threads = args.threads or (1 if args.quick else None)
    if threads is not None:
        import torch

        torch.set_num_threads(threads)

    from snippets.benchmarks import report, run

    results = run.run(device, quick=args.quick)
    if problems := run.validate(results):
        raise SystemExit("incomplete results: " + "; ".join(problems))
    out = args.out or (None if args.quick else run.results_path(device.type))
    print(report.render(results))
    if out is not None:
        run.save(results, out)
        print(f"\nsaved {out} (run took {results['duration_s']:.0f} s)", file=sys.stderr)
    failed = [c for c in results["upsampling"] + results["components"] if "error" in c]
    missing = [r for r in results["scratch"] if r["status"] != "ok"]
    for item in failed:
        print(
            f"failed case: {item['variant']} {item['precision']} {item['memory_format']}: {item['error']}",
            file=sys.stderr,
        )
    for item in missing:
        print(f"from-scratch {item['function']} ({item['size']}): {item['status']}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
