"""Build every figure on the site from code: `python -m tools.figures`.

Each page package may have a `figures.py` whose functions are registered with
`@figure(...)` from `snippets.plotting`. A figure function takes a `torch.device`, seeds
itself, and returns a matplotlib Figure. This command saves it as
`docs/figures/<package>/<name>.png` and records, in `docs/figures/<package>/manifest.json`
(one manifest per page package, so pages never contend for one file), the hash of what
the figure depends on and the hash of the PNG bytes.

What a figure depends on (`dependencies`): the module that defines it and every project
module it imports, transitively (found with `ast`), plus the data files it names
(`@figure(..., data=("results/x.json",))`). Code is hashed as its syntax tree without
docstrings, so a comment, a docstring or a reformat changes no hash; an edit to
`examples.py`, which no figure imports, marks no figure stale.

A stale figure is rendered again. If the new render is within `TOLERANCE` of the committed
PNG (another CPU's rounding, a library's anti-aliasing), the committed file is kept and
only its manifest entry is updated: a rebuild on another machine changes no picture unless
the picture really changed. `--force` renders every selected figure, under the same rule.

Usage:
    python -m tools.figures [--device auto|cpu|cuda] [--only NAME] [--force]
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import importlib
import io
import json
import os
import pkgutil
import sys
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from snippets.experiment import pick_device

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "snippets"
OUT = ROOT / "docs" / "figures"


@dataclass(frozen=True)
class Tolerance:
    """How far a new render may be from the committed PNG and still count as the same picture."""

    max_level_difference: int = 2  # in 0-255 intensity levels, per channel
    max_pixel_fraction: float = 0.001  # of all pixels, that may differ at all


TOLERANCE = Tolerance()


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
    """Recorded in the manifest for information; not part of the hash (see `same_picture`)."""
    import matplotlib
    import numpy
    import torch

    return f"torch {torch.__version__}; matplotlib {matplotlib.__version__}; numpy {numpy.__version__}"


def module_file(name: str) -> Path | None:
    """The file of project module `name` (`snippets.x.y`), or None if it is not ours."""
    if name != "snippets" and not name.startswith("snippets."):
        return None
    base = ROOT.joinpath(*name.split("."))
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return path
    return None


def imported_modules(path: Path) -> set[str]:
    """Project modules that the file at `path` imports, anywhere in it (late imports included)."""
    return {m for m in _imported_names(path.read_text()) if module_file(m) is not None}


@cache  # keyed on the text: a file that changes is parsed again, an unchanged one only once
def _imported_names(source: str) -> frozenset[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # `from snippets.x import y`: y is a module or a name in snippets.x; keep what exists.
            names = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
        else:
            continue
        for name in names:
            parts = name.split(".")
            # importing snippets.a.b runs snippets/__init__.py and snippets/a/__init__.py too
            found.update(".".join(parts[:i]) for i in range(1, len(parts) + 1))
    return frozenset(found)


@cache
def module_closure(module: str) -> tuple[Path, ...]:
    """The files of `module` and of every project module it imports, transitively, sorted."""
    seen: set[str] = set()
    todo = [module]
    while todo:
        name = todo.pop()
        if name in seen or (path := module_file(name)) is None:
            continue
        seen.add(name)
        todo.extend(imported_modules(path))
    return tuple(sorted(module_file(m) for m in seen))


def code_fingerprint(path: Path) -> str:
    """The file's syntax tree without docstrings: blind to comments, docstrings and formatting."""
    return _fingerprint(path.read_text())


@cache  # keyed on the text, as _imported_names
def _fingerprint(source: str) -> str:
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if (
                isinstance(first, ast.Expr)
                and isinstance(first.value, ast.Constant)
                and isinstance(first.value.value, str)
            ):
                node.body = node.body[1:] or [ast.Pass()]
    return ast.dump(tree, include_attributes=False)


def dependencies(key: str) -> list[Path]:
    """Every file that figure `key` depends on: its code, transitively, and its data files."""
    spec = registry()[key]
    package = key.split("/")[0]
    data = [PACKAGE / package / name for name in spec.data]
    missing = [p for p in data if not p.is_file()]
    if missing:
        raise FileNotFoundError(f"figure {key} reads {', '.join(map(str, missing))}, which does not exist")
    return [*module_closure(spec.func.__module__), *data]


def source_hash(key: str) -> str:
    """Hash of what figure `key` depends on: its code's syntax trees and its data files' bytes."""
    h = hashlib.sha256()
    for path in dependencies(key):
        h.update(path.relative_to(ROOT).as_posix().encode())
        h.update(code_fingerprint(path).encode() if path.suffix == ".py" else path.read_bytes())
    return h.hexdigest()


def pixels(png: bytes):
    """The PNG's pixels as an (H, W, C) uint8 array."""
    import numpy as np
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"))


def same_picture(old: bytes, new: bytes, tolerance: Tolerance = TOLERANCE) -> bool:
    """True when `new` differs from `old` by no more than `tolerance` (same size, tiny local changes)."""
    if old == new:
        return True
    a, b = pixels(old), pixels(new)
    if a.shape != b.shape:
        return False
    diff = abs(a.astype(int) - b.astype(int)).max(axis=-1)
    changed = int((diff > 0).sum())
    return int(diff.max()) <= tolerance.max_level_difference and changed <= tolerance.max_pixel_fraction * diff.size


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
    # Keys sorted at every level: a figure kept or rebuilt writes the same bytes.
    path.write_text(json.dumps(entries, indent=1, sort_keys=True) + "\n")


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
        src = source_hash(key)
        path = OUT / f"{key}.png"
        entry = manifest.get(name, {})
        committed = path.read_bytes() if path.is_file() else None
        fresh = entry.get("source") == src and committed is not None and sha256(committed) == entry.get("sha256")
        if fresh and not args.force:
            print(f"skip   {key} (code and data unchanged)")
            continue
        start = time.perf_counter()
        data = render(key, device)
        kept = committed is not None and same_picture(committed, data)
        if kept:
            data = committed  # the same picture: keep the committed bytes
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        if kept:  # the committed bytes stay, and so does the record of where they were made
            manifest[name] = {
                "device": device.type,
                "versions": versions(),
                **entry,
                "source": src,
                "sha256": sha256(data),
            }
        else:
            manifest[name] = {"source": src, "sha256": sha256(data), "device": device.type, "versions": versions()}
        # Keep entries only for figures that still exist in code.
        save_manifest(package, {k: v for k, v in manifest.items() if f"{package}/{k}" in figures})
        verb = "kept  " if kept else "built "
        print(f"{verb} {key} on {device.type} in {time.perf_counter() - start:.1f} s ({len(data) / 1024:.0f} KB)")
    print(f"done in {time.perf_counter() - total:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
