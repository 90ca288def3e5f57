"""The site's from-scratch convolutions, timed as a ratio to the library op they imitate.

Each from-scratch function has the signature of its library op (F.conv2d or
F.conv_transpose2d), so both are called with the same arguments; the output is checked
against the library's before anything is timed. The functions are imported only when
timed: a missing module is recorded as such and the rest of the run goes on.

The slow views (Python loops over every output cell, or a dense matrix of the whole
convolution) are timed only at the tiny size: their point is to be read, not to be fast.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from snippets.benchmarks.harness import Budget, TimerSettings, measure, precision

# Tolerances of the fp32 comparison with the library op (sums of ~300 products).
RTOL, ATOL = 1e-4, 1e-4


@dataclass(frozen=True)
class Problem:
    """Arguments of one call: input (N, in_channels, H, W), weight, bias, and keyword arguments."""

    size: str
    input_shape: tuple[int, int, int, int]
    weight_shape: tuple[int, int, int, int]
    kwargs: dict

    def arguments(self, device: torch.device) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        torch.manual_seed(0)
        x = torch.randn(self.input_shape, device=device)
        weight = torch.randn(self.weight_shape, device=device) / self.weight_shape[1] ** 0.5
        # Bias length: Conv2d weight is (out, in/groups, kH, kW); ConvTranspose2d weight is (in, out/groups, kH, kW).
        out_channels = self.weight_shape[1] if "output_padding" in self.kwargs else self.weight_shape[0]
        return x, weight, torch.randn(out_channels, device=device)


# Conv2d weight: (out_channels, in_channels / groups, kH, kW).
CONV = {
    "tiny": Problem("tiny", (1, 3, 8, 8), (4, 3, 3, 3), {"stride": 1, "padding": 1}),
    "medium": Problem("medium", (8, 32, 32, 32), (64, 32, 3, 3), {"stride": 1, "padding": 1}),
}
# ConvTranspose2d weight: (in_channels, out_channels / groups, kH, kW).
TRANSPOSED = {
    "tiny": Problem("tiny", (1, 4, 6, 6), (4, 3, 3, 3), {"stride": 2, "padding": 1, "output_padding": 1}),
    "medium": Problem("medium", (8, 32, 32, 32), (32, 32, 4, 4), {"stride": 2, "padding": 1, "output_padding": 0}),
}


@dataclass(frozen=True)
class ScratchFunction:
    """A from-scratch function by module and name, the library op it imitates, and its sizes."""

    name: str
    module: str
    reference: str  # "F.conv2d" or "F.conv_transpose2d"
    sizes: tuple[str, ...]

    @property
    def problems(self) -> dict[str, Problem]:
        return CONV if self.reference == "F.conv2d" else TRANSPOSED


SCRATCH: list[ScratchFunction] = [
    ScratchFunction("conv2d_loops", "snippets.convolution.scratch", "F.conv2d", ("tiny",)),
    ScratchFunction("conv2d_unfold", "snippets.convolution.scratch", "F.conv2d", ("tiny", "medium")),
    ScratchFunction("conv_transpose2d_scatter", "snippets.transposed.views", "F.conv_transpose2d", ("tiny", "medium")),
    ScratchFunction("conv_transpose2d_matrix", "snippets.transposed.views", "F.conv_transpose2d", ("tiny",)),
    ScratchFunction("conv_transpose2d_grad", "snippets.transposed.views", "F.conv_transpose2d", ("tiny", "medium")),
    ScratchFunction(
        "conv_transpose2d_zero_insert", "snippets.transposed.views", "F.conv_transpose2d", ("tiny", "medium")
    ),
]
LIBRARY = {"F.conv2d": F.conv2d, "F.conv_transpose2d": F.conv_transpose2d}


def load(function: ScratchFunction):
    """The function itself, imported now (its module may be written while the benchmark exists)."""
    return getattr(importlib.import_module(function.module), function.name)


def time_scratch(
    function: ScratchFunction, size: str, device: torch.device, settings: TimerSettings, budget: Budget | None = None
) -> dict:
    """Check `function` against its library op on one problem, then time both (fp32, forward)."""
    problem = function.problems[size]
    record = {
        "function": function.name,
        "module": function.module,
        "reference": function.reference,
        "size": size,
        "input_shape": list(problem.input_shape),
        "weight_shape": list(problem.weight_shape),
        "kwargs": problem.kwargs,
    }
    try:
        scratch = load(function)
    except (ImportError, AttributeError) as error:
        return {**record, "status": "missing", "error": f"{type(error).__name__}: {error}"}
    library = LIBRARY[function.reference]
    x, weight, bias = problem.arguments(device)
    # Plain fp32 on both sides: on CUDA, cuDNN would otherwise use TF32 for F.conv2d by default.
    with torch.no_grad(), precision("fp32", device):
        ours, theirs = scratch(x, weight, bias, **problem.kwargs), library(x, weight, bias, **problem.kwargs)
        record["output_shape"] = list(ours.shape)
        same_shape = ours.shape == theirs.shape
        record["max_abs_err"] = (ours - theirs).abs().max().item() if same_shape else None
        record["allclose"] = bool(same_shape and torch.allclose(ours, theirs, rtol=RTOL, atol=ATOL))
        record["scratch"] = measure(lambda: scratch(x, weight, bias, **problem.kwargs), device, settings, budget)
        record["library"] = measure(lambda: library(x, weight, bias, **problem.kwargs), device, settings, budget)
    record["ratio"] = record["scratch"]["median_s"] / record["library"]["median_s"]
    record["status"] = "ok" if record["allclose"] else "mismatch"
    record["noisy"] = record["scratch"]["noisy"] or record["library"]["noisy"]
    return record
