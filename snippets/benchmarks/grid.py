"""What one run measures: the grid of sizes, precisions, memory formats and passes, per device,
and an estimate of how long it takes.

The sizes keep N·C·H·W fixed and trade spatial size for channels: the tensors hold the same
number of elements, but a 3×3 conv does C² · H · W multiply-adds per image, so its FLOPs grow
with C. That moves each variant from few FLOPs per byte (few channels) to many (many channels),
which is what the roofline reading of the page follows.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from snippets.benchmarks.harness import PASSES, TimerSettings
from snippets.benchmarks.variants import ALL_VARIANTS, COMPONENTS, UPSAMPLERS

MiB = 1 << 20


@dataclass(frozen=True)
class Grid:
    """Everything a run times. `sizes` are (N, C, H, W) inputs of the upsamplers."""

    name: str
    sizes: list[tuple[int, int, int, int]]
    precisions: list[str]
    memory_formats: list[str] = field(default_factory=lambda: ["contiguous", "channels_last"])
    passes: list[str] = field(default_factory=lambda: list(PASSES))
    variants: list[str] = field(default_factory=lambda: [v.name for v in UPSAMPLERS])
    components: list[str] = field(default_factory=lambda: [v.name for v in COMPONENTS])
    component_passes: list[str] = field(default_factory=lambda: ["forward"])
    # A resize or a shuffle does no arithmetic: TF32 changes nothing for it, so it is not timed in TF32.
    component_precisions: list[str] = field(default_factory=lambda: ["fp32", "bf16"])
    scratch_sizes: list[str] = field(default_factory=lambda: ["tiny", "medium"])
    matmul_n: int = 2048
    copy_bytes: int = 512 * MiB
    timer: TimerSettings = field(default_factory=TimerSettings)
    rerun_budget_s: float = 60.0  # for the whole run: reruns of noisy cases stop when it is spent

    def to_json(self) -> dict:
        return {**asdict(self), "sizes": [list(s) for s in self.sizes]}

    def cases(self) -> list[tuple[str, tuple[int, int, int, int], str, str, str]]:
        """(variant, size, precision, memory format, pass) of every upsampling and component case."""
        return [
            (name, size, mode, fmt, pass_)
            for names, modes, passes in (
                (self.variants, self.precisions, self.passes),
                (self.components, self.component_precisions, self.component_passes),
            )
            for size in self.sizes
            for name in names
            for mode in modes
            for fmt in self.memory_formats
            for pass_ in passes
        ]


def grid_for(device_type: str, quick: bool = False) -> Grid:
    """The grid for `device_type` ("cpu" or "cuda"); `quick` is a tiny smoke-test grid (seconds)."""
    if device_type not in {"cpu", "cuda"}:
        raise ValueError(f"device_type must be 'cpu' or 'cuda', got {device_type!r}")
    cuda = device_type == "cuda"
    # TF32 is a CUDA tensor-core mode: there is nothing to measure for it on a CPU.
    precisions = ["fp32", "tf32", "bf16"] if cuda else ["fp32", "bf16"]
    if quick:
        return Grid(
            name="quick",
            sizes=[(2, 8, 8, 8)],
            precisions=precisions,
            scratch_sizes=["tiny"],
            matmul_n=256,
            copy_bytes=16 * MiB,
            timer=TimerSettings(warmup=1, blocks=3, block_s=0, max_attempts=2),
            rerun_budget_s=1.0,
        )
    if cuda:
        # 16.8 M input elements each: enough to fill an H100/H200-class GPU, small enough that
        # the whole GPU half (this grid, the figures, the page) fits in 3 minutes: see `estimate_seconds`.
        return Grid(
            name="full",
            sizes=[(16, 16, 256, 256), (16, 64, 128, 128), (16, 256, 64, 64)],
            precisions=precisions,
            matmul_n=8192,
            copy_bytes=2048 * MiB,
            timer=TimerSettings(warmup=3, blocks=10, block_s=0.005),
            rerun_budget_s=15.0,
        )
    # 524 288 input elements each: the full CPU grid runs in a few minutes on 2 quiet cores.
    return Grid(
        name="full",
        sizes=[(8, 16, 64, 64), (8, 64, 32, 32), (8, 256, 16, 16)],
        precisions=precisions,
        matmul_n=2048,
        copy_bytes=512 * MiB,  # larger than the last-level cache, so the copy measures DRAM
        timer=TimerSettings(warmup=2, blocks=12, block_s=0.02),
        rerun_budget_s=90.0,
    )


# --- how long a run takes: an estimate from FLOP and byte counts ------------------------------


@dataclass(frozen=True)
class DeviceSpec:
    """What an estimate assumes of a device: datasheet peaks, and how far below them real work runs."""

    name: str
    tflops: dict[str, float]  # dense peak per precision
    gbps: float  # memory bandwidth
    efficiency: float = 0.25  # share of the peak FLOP/s a convolution reaches (assumed, pessimistic)
    bandwidth_efficiency: float = 0.5  # share of the bandwidth a memory-bound op reaches (assumed)
    call_overhead_s: float = 100e-6  # per call: Python, autograd, kernel launches (assumed)
    autotune_calls: int = 10  # cuDNN's benchmark mode runs each new conv several times first (assumed)
    startup_s: float = 20.0  # imports and CUDA start-up, per process (assumed)
    scratch_s: float = 20.0  # the from-scratch functions: Python loops over tiny inputs (assumed)


# NVIDIA's H200 SXM datasheet: 67 TFLOP/s fp32; 989 TF32 and 1979 bf16 with sparsity, half that dense;
# 4.8 TB/s of HBM3e.
H200 = DeviceSpec("NVIDIA H200 SXM (datasheet)", {"fp32": 67.0, "tf32": 494.0, "bf16": 989.0}, 4800.0)
BYTES_PER_ELEMENT = {"fp32": 4, "tf32": 4, "bf16": 2}


def call_seconds(name: str, size: tuple[int, int, int, int], precision: str, pass_: str, spec: DeviceSpec) -> float:
    """One call of a case on `spec`: the slower of its FLOPs and its bytes, plus a fixed overhead.
    A backward pass is taken as 3× the forward's FLOPs and bytes."""
    variant = ALL_VARIANTS[name]
    backward = pass_ == "forward+backward"
    flops = variant.flops(*size, backward=backward)
    traffic = variant.bytes(*size, BYTES_PER_ELEMENT[precision]) * (3 if backward else 1)
    compute = flops / (spec.tflops[precision] * 1e12 * spec.efficiency)
    memory = traffic / (spec.gbps * 1e9 * spec.bandwidth_efficiency)
    return max(compute, memory) + spec.call_overhead_s * (3 if backward else 1)


def case_seconds(call: float, timer: TimerSettings, autotune: int = 0) -> float:
    """The wall time `measure` spends on a case whose call takes `call` seconds (first attempt)."""
    return (timer.warmup + autotune + 1) * call + timer.blocks * max(timer.block_s, call)


def estimate_seconds(grid: Grid, spec: DeviceSpec) -> float:
    """An estimate of a run's wall time on `spec`: every case, the peaks (measured twice), the
    from-scratch functions, the start-up, and the whole rerun budget. It is a model, not a measurement."""
    total = spec.startup_s + spec.scratch_s + grid.rerun_budget_s
    for name, size, precision, _, pass_ in grid.cases():
        autotune = spec.autotune_calls if ALL_VARIANTS[name].flops(*size) else 0
        total += case_seconds(call_seconds(name, size, precision, pass_, spec), grid.timer, autotune)
    for precision in grid.precisions:
        matmul = 2 * grid.matmul_n**3 / (spec.tflops[precision] * 1e12 * spec.efficiency)
        total += 2 * case_seconds(matmul, grid.timer)
    copy = 2 * grid.copy_bytes / (spec.gbps * 1e9 * spec.bandwidth_efficiency)
    return total + 2 * case_seconds(copy, grid.timer)
