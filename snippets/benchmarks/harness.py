"""Timing: one case, one matmul peak, one copy peak, with reruns of noisy cases.

`measure` times blocks of calls itself: a few warm-up calls, then a fixed number of blocks,
each repeating the call until it lasts about `block_s`, with CUDA synchronised around each
block (as `torch.utils.benchmark` does). A fixed number of blocks keeps the length of a run
predictable, which the GPU run's time budget needs. We keep the median and the interquartile
range (IQR) of the per-call times: the median shrugs off the odd slow block on a busy machine,
and IQR / median (the *spread*) says how noisy the machine was. A case whose spread is above
`spread_limit` is timed again, while the run's rerun budget lasts, and the attempt with the
smallest spread is kept; a case still above the limit is recorded as noisy.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from time import perf_counter

import numpy as np
import torch

from snippets.benchmarks.variants import Variant

# The three numeric modes. TF32 keeps float32 tensors but lets cuBLAS/cuDNN round the
# multiplicands to a 10-bit mantissa on tensor cores; it exists only on CUDA (Ampere and later).
DTYPES = {"fp32": torch.float32, "tf32": torch.float32, "bf16": torch.bfloat16}
MEMORY_FORMATS = {"contiguous": torch.contiguous_format, "channels_last": torch.channels_last}
PASSES = ("forward", "forward+backward")


@dataclass(frozen=True)
class TimerSettings:
    """How each case is timed: `warmup` untimed calls, then `blocks` timed blocks, each repeating
    the call until it lasts about `block_s` (0: one call per block). An attempt whose IQR / median
    is above `spread_limit` is repeated, up to `max_attempts` in all, while the rerun budget lasts."""

    warmup: int = 2
    blocks: int = 12
    block_s: float = 0.02
    spread_limit: float = 0.10
    max_attempts: int = 3


@dataclass
class Budget:
    """Seconds left for reruns of noisy cases, shared by a whole run."""

    seconds: float
    spent: float = 0.0
    reruns: int = 0

    def allows(self, seconds: float) -> bool:
        return self.spent + seconds <= self.seconds

    def spend(self, seconds: float) -> None:
        self.spent += seconds
        self.reruns += 1


def synchronize(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


@contextlib.contextmanager
def precision(mode: str, device: torch.device) -> Iterator[torch.dtype]:
    """Set the TF32 switches for `mode` on CUDA (on for "tf32", off otherwise) and yield the dtype.

    Plain "fp32" must turn TF32 off explicitly: cuDNN convolutions allow it by default.
    """
    if mode not in DTYPES:
        raise ValueError(f"precision must be one of {sorted(DTYPES)}, got {mode!r}")
    if mode == "tf32" and device.type != "cuda":
        raise ValueError("precision 'tf32' exists only on CUDA devices")
    if device.type != "cuda":
        yield DTYPES[mode]
        return
    # Only the per-op fp32_precision API (torch >= 2.9): mixing it with the legacy allow_tf32
    # flags is an error. cuDNN convolutions read the "conv" flag, cuBLAS matmuls the "matmul" one.
    switches = [torch.backends.cuda.matmul, torch.backends.cudnn.conv]
    before = [s.fp32_precision for s in switches]
    for switch in switches:
        switch.fp32_precision = "tf32" if mode == "tf32" else "ieee"
    try:
        yield DTYPES[mode]
    finally:
        for switch, value in zip(switches, before, strict=True):
            switch.fp32_precision = value


def summary(times: list[float]) -> dict:
    """Median, IQR and spread (IQR / median) of per-call times, and the fastest."""
    q1, median, q3 = np.percentile(times, [25, 50, 75]).tolist()
    return {"median_s": median, "iqr_s": q3 - q1, "spread": (q3 - q1) / median, "min_s": min(times)}


def measure(
    fn: Callable[[], object], device: torch.device, settings: TimerSettings, budget: Budget | None = None
) -> dict:
    """Median and IQR of one call of `fn`, in seconds, with the blocks, attempts and the noise flag.

    Without a `budget`, a noisy attempt is not repeated (the peaks: judged by their fastest block).
    """
    for _ in range(settings.warmup):  # first calls build oneDNN primitives / run cuDNN autotuning
        fn()

    def block(number: int) -> float:
        synchronize(device)
        start = perf_counter()
        for _ in range(number):
            fn()
        synchronize(device)
        return (perf_counter() - start) / number

    one = block(1)
    number = max(1, round(settings.block_s / one)) if settings.block_s else 1
    best, attempts = None, 0
    while True:
        start = perf_counter()
        stats = summary([block(number) for _ in range(settings.blocks)])
        took = perf_counter() - start
        if attempts and budget is not None:
            budget.spend(took)  # a rerun is paid from the run's budget
        attempts += 1
        if best is None or stats["spread"] < best["spread"]:
            best = stats
        if best["spread"] <= settings.spread_limit or attempts >= settings.max_attempts:
            break
        if budget is None or not budget.allows(took):  # the next attempt would take about as long
            break
    return {
        **best,
        "blocks": settings.blocks,
        "calls_per_block": number,
        "attempts": attempts,
        "noisy": best["spread"] > settings.spread_limit,
    }


def matmul_peak(mode: str, n: int, device: torch.device, settings: TimerSettings) -> dict:
    """The device's compute peak for `mode`, as measured: an n×n by n×n matmul (2n³ FLOPs).

    Like STREAM, a peak is judged by its fastest block: the peak is what the device can do,
    and a busy machine can only make it look slower."""
    with precision(mode, device) as dtype:
        a = torch.randn(n, n, device=device, dtype=dtype)
        b = torch.randn(n, n, device=device, dtype=dtype)
        timing = measure(lambda: torch.mm(a, b), device, settings)
    flops = 2 * n**3
    return {
        "kind": "matmul",
        "precision": mode,
        "n": n,
        "flops": flops,
        **timing,
        "tflops": flops / timing["min_s"] / 1e12,
    }


def copy_peak(nbytes: int, device: torch.device, settings: TimerSettings) -> dict:
    """The device's memory bandwidth, as measured: copy one `nbytes` buffer into another
    (2 · nbytes of traffic), judged by the fastest block like `matmul_peak`. The buffer is
    chosen larger than the last-level cache."""
    src = torch.empty(nbytes // 4, device=device, dtype=torch.float32).fill_(1.0)
    dst = torch.empty_like(src)
    timing = measure(lambda: dst.copy_(src), device, settings)
    return {"kind": "copy", "bytes": 2 * nbytes, **timing, "gbps": 2 * nbytes / timing["min_s"] / 1e9}


def time_variant(
    variant: Variant,
    shape: tuple[int, int, int, int],
    mode: str,
    memory_format: str,
    pass_: str,
    device: torch.device,
    settings: TimerSettings,
    budget: Budget | None = None,
) -> dict:
    """Build `variant` for (N, C, H, W) = `shape`, check its output shape, and time it.

    "forward" runs under `torch.no_grad()`. "forward+backward" computes the gradients of the
    input and of every parameter with `torch.autograd.grad` (nothing accumulates between calls).
    """
    if pass_ not in PASSES:
        raise ValueError(f"pass_ must be one of {PASSES}, got {pass_!r}")
    if memory_format not in MEMORY_FORMATS:
        raise ValueError(f"memory_format must be one of {sorted(MEMORY_FORMATS)}, got {memory_format!r}")
    n, c, h, w = shape
    fmt = MEMORY_FORMATS[memory_format]
    backward = pass_ == "forward+backward"
    case = {
        "variant": variant.name,
        "n": n,
        "c": c,
        "h": h,
        "w": w,
        "precision": mode,
        "memory_format": memory_format,
        "pass": pass_,
    }
    with precision(mode, device) as dtype:
        torch.manual_seed(0)
        model = variant.build(c).to(device=device, dtype=dtype, memory_format=fmt)
        x = torch.randn(variant.input_shape(*shape), device=device, dtype=dtype).contiguous(memory_format=fmt)
        x.requires_grad_(backward)
        with torch.no_grad():
            out = model(x)
        expected = variant.output_shape(*shape)
        if tuple(out.shape) != expected:
            raise AssertionError(f"{variant.name}: output shape {tuple(out.shape)}, expected {expected}")
        case["input_shape"] = list(variant.input_shape(*shape))
        case["output_shape"] = list(out.shape)
        case["output_channels_last"] = bool(out.is_contiguous(memory_format=torch.channels_last))
        if backward:
            grad_out = torch.randn_like(out)
            wrt = [x, *model.parameters()]

            def step() -> object:
                return torch.autograd.grad(model(x), wrt, grad_out)

        else:

            def step() -> object:
                with torch.no_grad():
                    return model(x)

        del out
        case.update(measure(step, device, settings, budget))
    itemsize = torch.empty((), dtype=DTYPES[mode]).element_size()
    case["flops"] = variant.flops(n, c, h, w, backward=backward)
    case["bytes"] = variant.bytes(n, c, h, w, itemsize) if not backward else None
    case["tflops"] = case["flops"] / case["median_s"] / 1e12
    case["gbps"] = case["bytes"] / case["median_s"] / 1e9 if case["bytes"] is not None else None
    return case
