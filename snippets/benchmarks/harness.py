"""Timing with `torch.utils.benchmark`: one case, one matmul peak, one copy peak.

`torch.utils.benchmark.Timer` warms up, picks how many calls make one timed block (so the
timer's own overhead is negligible), synchronises CUDA around each block, and returns every
block's time. We keep the median and the interquartile range (IQR) of those per-call times:
the median is robust to the odd slow block on a busy machine, and the IQR says how noisy the
machine was. We pass `num_threads` explicitly because the Timer defaults to ONE thread.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import torch
from torch.utils import benchmark

from snippets.benchmarks.variants import Variant

# The three numeric modes. TF32 keeps float32 tensors but lets cuBLAS/cuDNN round the
# multiplicands to a 10-bit mantissa on tensor cores; it exists only on CUDA (Ampere and later).
DTYPES = {"fp32": torch.float32, "tf32": torch.float32, "bf16": torch.bfloat16}
MEMORY_FORMATS = {"contiguous": torch.contiguous_format, "channels_last": torch.channels_last}
PASSES = ("forward", "forward+backward")


@dataclass(frozen=True)
class TimerSettings:
    """How long to time each case: `Timer.adaptive_autorange` stops once IQR/median is below
    `threshold` (with at least 4 blocks and `min_run_time` seconds), or after `max_run_time`."""

    warmup: int = 2
    threshold: float = 0.05
    min_run_time: float = 0.2
    max_run_time: float = 1.0
    calls: int | None = None  # when set (the --quick smoke test): just this many single timed calls


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


def measure(fn: Callable[[], object], device: torch.device, settings: TimerSettings) -> dict:
    """Median and IQR of one call of `fn`, in seconds, and how many blocks were timed."""
    for _ in range(settings.warmup):  # first calls build oneDNN primitives / run cuDNN autotuning
        fn()
    synchronize(device)
    timer = benchmark.Timer(stmt="fn()", globals={"fn": fn}, num_threads=torch.get_num_threads())
    if settings.calls:
        # A smoke test checks that everything runs, not how fast: skip the block-size search.
        m = benchmark.Measurement.merge([timer.timeit(number=1) for _ in range(settings.calls)])[0]
    else:
        m = timer.adaptive_autorange(
            threshold=settings.threshold, min_run_time=settings.min_run_time, max_run_time=settings.max_run_time
        )
    return {
        "median_s": m.median,
        "iqr_s": m.iqr,
        "min_s": min(m.times),  # the fastest block, per call: what a peak is judged by
        "blocks": len(m.times),
        "calls_per_block": m.number_per_run,
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
        case.update(measure(step, device, settings))
    itemsize = torch.empty((), dtype=DTYPES[mode]).element_size()
    case["flops"] = variant.flops(n, c, h, w, backward=backward)
    case["bytes"] = variant.bytes(n, c, h, w, itemsize) if not backward else None
    case["tflops"] = case["flops"] / case["median_s"] / 1e12
    case["gbps"] = case["bytes"] / case["median_s"] / 1e9 if case["bytes"] is not None else None
    return case
