"""Run the explorer's JS module under Node, on many inputs in one process."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[3]
MODULE = ROOT / "docs" / "javascripts" / "explorer" / "conv-shapes.js"
RUNNER = Path(__file__).with_name("run_module.mjs")


def node_executable() -> str | None:
    """Node from $NODE, else from PATH (Debian's /usr/bin/node)."""
    return os.environ.get("NODE") or shutil.which("node")


def run_module(
    analyze: list[dict[str, Any]] = (),
    taps: list[tuple[dict[str, Any], int, int]] = (),
    find: list[dict[str, Any]] = (),
    node: str | None = None,
) -> dict[str, list[Any]]:
    """{"analyze": [...], "taps": [...], "find": [...]}: the module's answers, in order.

    analyze: `analyze(config)` and `toPyTorch(config)` for each configuration.
    taps: `taps(config, 0, row)` and `taps(config, 1, col)` for each (config, row, col).
    find: `findSettings(query)` for each query.
    """
    exe = node or node_executable()
    if exe is None:
        raise FileNotFoundError("node is not installed (apt-get install nodejs)")
    request = {"analyze": list(analyze), "taps": [list(t) for t in taps], "find": list(find)}
    result = subprocess.run(
        [exe, str(RUNNER), str(MODULE)],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    if result.returncode != 0:
        raise RuntimeError(f"node failed ({result.returncode}):\n{result.stderr[-4000:]}")
    return json.loads(result.stdout)
