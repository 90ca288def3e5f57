"""The machine a run happened on: device, CPU model, GPU name, threads, versions, date, load."""

from __future__ import annotations

import datetime
import os
import platform
from pathlib import Path

import numpy
import torch


def cpu_model() -> str:
    """The CPU's model name, from /proc/cpuinfo on Linux, else what `platform` knows."""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text(errors="ignore").splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine() or "unknown CPU"


# CPU features that decide how fast fp32 and bf16 convolutions can be (x86 names from /proc/cpuinfo).
FEATURES = ("avx2", "avx512f", "avx512_bf16", "amx_bf16", "amx_tile")


def cpu_features() -> list[str]:
    """Which of FEATURES the CPU reports (empty where /proc/cpuinfo is not available)."""
    cpuinfo = Path("/proc/cpuinfo")
    if not cpuinfo.is_file():
        return []
    for line in cpuinfo.read_text(errors="ignore").splitlines():
        if line.lower().startswith("flags"):
            flags = set(line.split(":", 1)[1].split())
            return [f for f in FEATURES if f in flags]
    return []


def load_average() -> list[float] | None:
    """1-, 5- and 15-minute load averages: how busy the machine was (None where unknown)."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except (AttributeError, OSError):
        return None


def describe(device: torch.device) -> dict:
    """Everything needed to read the numbers of a run on `device`, and to reproduce it."""
    env = {
        "device": device.type,
        "cpu_model": cpu_model(),
        "logical_cpus": os.cpu_count(),
        "threads": torch.get_num_threads(),
        "cpu_capability": torch.backends.cpu.get_cpu_capability(),
        "cpu_features": cpu_features(),
        "gpu_name": None,
        "torch": torch.__version__,
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
