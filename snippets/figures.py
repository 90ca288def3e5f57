"""Build every figure on the site from code: `python -m snippets.figures`.

Each page package may have a `figures.py` whose functions are registered with
`@figure(...)` from `snippets.plotting`. A figure function takes a `torch.device`, seeds
itself, and returns a matplotlib Figure. This command saves it as
`docs/figures/<package>/<name>.png` and records the hash of the code it came from and of
the PNG bytes, in `docs/figures/<package>/manifest.json`
(one manifest per page package, so pages never contend for one file).

A figure is rebuilt only when its code changed (its package's modules, the plotting
style, this file, or the torch/matplotlib/numpy versions); `--force` rebuilds anyway.

Usage:
    python -m snippets.figures [--device auto|cpu|cuda] [--only NAME] [--force]
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import io
import json
import os
import pkgutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "snippets"
OUT = ROOT / "docs" / "figures"


def pick_device(name: str):
    """`auto` is CUDA when available, else CPU; asking for CUDA without one is an error."""
    import torch

    if name == "auto":
        name = "cuda" if torch.cuda.is_available() else "cpu"
    if name == "cuda" and not torch.cuda.is_available():
        raise SystemExit("--device cuda: no CUDA device is available here (use --device cpu or auto)")
    if name not in {"cpu", "cuda"}:
        raise SystemExit(f"--device must be auto, cpu or cuda, not {name!r}")
    return torch.device(name)


def figure_modules() -> list[str]:
    """`snippets.<package>.figures` for every page package that has one."""
    names = []
    for info in pkgutil.iter_modules([str(PACKAGE)]):
        if info.ispkg and (PACKAGE / info.name / "figures.py").is_file():
            names.append(f"snippets.{info.name}.figures")
    return sorted(names)


def registry() -> dict:
    """Every registered figure, by key `package/name`."""
    from snippets.plotting import REGISTRY

    for module in figure_modules():
        importlib.import_module(module)
    return dict(sorted(REGISTRY.items()))


def versions() -> str:
    import matplotlib
    import numpy
    import torch

    return f"torch {torch.__version__}; matplotlib {matplotlib.__version__}; numpy {numpy.__version__}"


def source_hash(package: str) -> str:
    """Hash of everything a figure of `package` can depend on: its package's files (code,
    and saved results such as benchmark JSON), the shared style, this builder, versions."""
    own = [p for p in sorted((PACKAGE / package).rglob("*")) if p.is_file() and "__pycache__" not in p.parts]
    files = [*own, PACKAGE / "plotting.py", Path(__file__)]
    h = hashlib.sha256(versions().encode())
    for path in files:
        h.update(path.relative_to(ROOT).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def png_bytes(fig) -> bytes:
    """The figure as PNG bytes, with no timestamp or software tag, so runs are identical."""
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=fig.dpi, metadata={"Software": None}, pil_kwargs={"optimize": True})
    plt.close(fig)
    return buf.getvalue()


def render(key: str, device) -> bytes:
    """Run one figure function on `device` and return its PNG bytes."""
    import torch

    torch.manual_seed(0)
    return png_bytes(registry()[key].func(device))


def manifest_path(package: str) -> Path:
    return OUT / package / "manifest.json"


def load_manifest() -> dict:
    """Every package's manifest merged: key `package/name` -> entry."""
    merged = {}
    for path in sorted(OUT.glob("*/manifest.json")):
        merged.update({f"{path.parent.name}/{k}": v for k, v in json.loads(path.read_text()).items()})
    return merged


def save_manifest(package: str, entries: dict) -> None:
    path = manifest_path(package)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(dict(sorted(entries.items())), indent=1) + "\n")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def selected(keys: list[str], only: list[str] | None) -> list[str]:
    if not only:
        return keys
    chosen = [k for k in keys if any(o in (k, k.split("/")[0], k.split("/")[1]) for o in only)]
    if not chosen:
        raise SystemExit(f"--only {only}: no such figure; known: {', '.join(keys)}")
    return chosen


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--device", default="auto", help="auto, cpu or cuda (default auto)")
    parser.add_argument("--only", action="append", help="a figure key, name or package; repeatable")
    parser.add_argument("--force", action="store_true", help="rebuild even if the code is unchanged")
    args = parser.parse_args(argv)
    os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")  # deterministic cuBLAS
    device = pick_device(args.device)
    figures = registry()
    total = time.perf_counter()
    for key in selected(list(figures), args.only):
        package, name = key.split("/")
        manifest = json.loads(manifest_path(package).read_text()) if manifest_path(package).is_file() else {}
        src = source_hash(package)
        path = OUT / f"{key}.png"
        entry = manifest.get(name, {})
        fresh = entry.get("source") == src and path.is_file() and sha256(path.read_bytes()) == entry.get("sha256")
        if fresh and not args.force:
            print(f"skip   {key} (code unchanged)")
            continue
        start = time.perf_counter()
        data = render(key, device)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        manifest[name] = {"source": src, "sha256": sha256(data), "device": device.type}
        # Keep entries only for figures that still exist in code.
        save_manifest(package, {k: v for k, v in manifest.items() if f"{package}/{k}" in figures})
        print(f"built  {key} on {device.type} in {time.perf_counter() - start:.1f} s ({len(data) / 1024:.0f} KB)")
    print(f"done in {time.perf_counter() - total:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
