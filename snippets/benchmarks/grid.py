"""What one run measures: the grid of sizes, precisions, memory formats and passes, per device.

The sizes keep N·C·H·W fixed and trade spatial size for channels: the tensors hold the same
number of elements, but a 3×3 conv does C² · H · W multiply-adds per image, so its FLOPs grow
with C. That moves each variant from memory-bound (few channels) towards compute-bound
(many channels), which is the main thing the page explains.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from snippets.benchmarks.harness import PASSES, TimerSettings
from snippets.benchmarks.variants import COMPONENTS, UPSAMPLERS

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
    scratch_sizes: list[str] = field(default_factory=lambda: ["tiny", "medium"])
    matmul_n: int = 2048
    copy_bytes: int = 512 * MiB
    timer: TimerSettings = field(default_factory=TimerSettings)

    def to_json(self) -> dict:
        return {**asdict(self), "sizes": [list(s) for s in self.sizes]}


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
            timer=TimerSettings(warmup=1, calls=3),
        )
    if cuda:
        # About 33.5 M input elements each; big enough to fill an H100/H200-class GPU.
        return Grid(
            name="full",
            sizes=[(32, 16, 256, 256), (32, 64, 128, 128), (32, 256, 64, 64)],
            precisions=precisions,
            matmul_n=8192,
            copy_bytes=2048 * MiB,
            timer=TimerSettings(warmup=3, threshold=0.02, min_run_time=0.1, max_run_time=1.0),
        )
    # 524 288 input elements each: the full CPU grid runs in a few minutes on 2 cores.
    return Grid(
        name="full",
        sizes=[(8, 16, 64, 64), (8, 64, 32, 32), (8, 256, 16, 16)],
        precisions=precisions,
        matmul_n=2048,
        copy_bytes=512 * MiB,  # larger than the last-level cache, so the copy measures DRAM
        timer=TimerSettings(warmup=2, threshold=0.05, min_run_time=0.2, max_run_time=1.0),
    )
