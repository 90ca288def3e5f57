"""What the three experiment scripts share: the device, the machine record, saved results, and the busy check.

The scripts are `python -m snippets.benchmarks`, `python -m snippets.unet.demo` and
`python -m snippets.augmentation.ablation`. Each saves one JSON file of results, with an
`"environment"` record made here, under the same key names, so that every page reads the
machine, the versions and the load the same way:

    env = environment(device)          # before the run: machine, versions, load_average_start
    ...                                # the run
    finish(env)                        # after it: load_average_end
    save_results({"environment": env, ...}, path)
"""

from __future__ import annotations

import datetime
import json
import os
import platform
from pathlib import Path
from typing import Any

import numpy
import torch

# CPU features that decide how fast fp32 and bf16 convolutions can be (x86 names from /proc/cpuinfo).
FEATURES = ("avx2", "avx512f", "avx512_bf16", "amx_bf16", "amx_tile")


def pick_device(name: str) -> torch.device:
    """`auto` is CUDA when available, else the CPU; asking for CUDA without one is an error."""
    if name == "auto":
        name = "cuda" if torch.cuda.is_available() else "cpu"
    if name not in {"cpu", "cuda"}:
        raise SystemExit(f"--device must be auto, cpu or cuda, not {name!r}")
    if name == "cuda" and not torch.cuda.is_available():
        raise SystemExit("--device cuda: no CUDA device is available here (use --device cpu or auto)")
    return torch.device(name)


def _cpuinfo_field(prefix: str) -> str | None:
    cpuinfo = Path("/proc/cpuinfo")
    if not cpuinfo.is_file():
        return None
    for line in cpuinfo.read_text(errors="ignore").splitlines():
        if line.lower().startswith(prefix):
            return line.split(":", 1)[1].strip()
    return None


def cpu_model() -> str:
    """The CPU's model name, from /proc/cpuinfo on Linux, else what `platform` knows."""
    return _cpuinfo_field("model name") or platform.processor() or platform.machine() or "unknown CPU"


def cpu_features() -> list[str]:
    """Which of FEATURES the CPU reports (empty where /proc/cpuinfo is not available)."""
    flags = set((_cpuinfo_field("flags") or "").split())
    return [f for f in FEATURES if f in flags]


def load_average() -> list[float] | None:
    """1-, 5- and 15-minute load averages: how busy the machine was (None where unknown)."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except (AttributeError, OSError):
        return None


def usable_cpus() -> int:
    """CPUs this process may run on: fewer than os.cpu_count() when pinned (taskset, containers)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def environment(device: torch.device) -> dict[str, Any]:
    """Everything needed to read the numbers of a run on `device`, and to reproduce it."""
    try:
        import torchvision

        vision = torchvision.__version__
    except ImportError:
        vision = None
    env: dict[str, Any] = {
        "device": device.type,
        "cpu_model": cpu_model(),
        "logical_cpus": os.cpu_count(),
        "usable_cpus": usable_cpus(),
        "threads": torch.get_num_threads(),
        "cpu_capability": torch.backends.cpu.get_cpu_capability(),
        "cpu_features": cpu_features(),
        "gpu_name": None,
        "torch": torch.__version__,
        "torchvision": vision,
        "numpy": numpy.__version__,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cuda": torch.version.cuda,
        "cudnn": None,
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "load_average_start": load_average(),
    }
    if device.type == "cuda":
        props = torch.cuda.get_device_properties(device)
        env["gpu_name"] = torch.cuda.get_device_name(device)
        env["gpu_memory_gib"] = round(props.total_memory / 2**30, 1)
        env["gpu_capability"] = f"{props.major}.{props.minor}"
        env["cudnn"] = torch.backends.cudnn.version()
    env["device_name"] = env["gpu_name"] if device.type == "cuda" else env["cpu_model"]
    return env


def finish(env: dict[str, Any]) -> dict[str, Any]:
    """Record the load at the end of the run in `env` (and return it)."""
    env["load_average_end"] = load_average()
    return env


def busy_note(env: dict[str, Any]) -> str | None:
    """A sentence for the page when other work shared the machine, else None.

    The rule: the 1-minute load average before the run was above half the CPUs the run
    could use. The load *at the end* includes the run's own threads, so it is reported
    but not judged.
    """
    start = env.get("load_average_start")
    cpus = env.get("usable_cpus") or env.get("logical_cpus") or 1
    if not start or start[0] <= cpus / 2:
        return None
    end = env.get("load_average_end")
    during = f", {end[0]:.1f} at the end" if end else ""
    return (
        f"The machine was busy: the load average was {start[0]:.1f} when the run started{during}, "
        f"on {cpus} CPUs, so these times may be slower and noisier than on a quiet machine."
    )


def save_results(results: dict[str, Any], path: Path) -> None:
    """Write `results` as stable, readable JSON (keys sorted, floats as measured)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=1, sort_keys=True) + "\n")


def load_results(path: Path) -> dict[str, Any] | None:
    """The saved results at `path`, or None when that run has not been made."""
    return json.loads(path.read_text()) if path.is_file() else None
