"""The torch and torchvision versions the site is tested with, read from the two requirements files.

`requirements.txt` pins the newest pair and `requirements-oldest.txt` the oldest; CI tests both
(`nox -s tests`, `nox -s oldest`). The home page shows `tested_with()` through a generated marker,
and a test checks that the README says the same, so the stated range cannot drift from the pins.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("torch", "torchvision")


def pins(path: Path) -> dict[str, str]:
    """`name==version` lines of a requirements file, by name (lower case)."""
    found = {}
    for line in path.read_text().splitlines():
        if m := re.match(r"^([A-Za-z0-9_.-]+)==([^\s;#]+)", line.strip()):
            found[m[1].lower()] = m[2]
    return found


def tested_with(root: Path = ROOT) -> str:
    """One sentence: the oldest and the newest torch and torchvision that CI tests."""
    oldest, newest = pins(root / "requirements-oldest.txt"), pins(root / "requirements.txt")
    missing = [
        f"{p} in {f}" for p in PACKAGES for f, pinned in (("oldest", oldest), ("newest", newest)) if p not in pinned
    ]
    if missing:
        raise ValueError(f"no exact pin for {', '.join(missing)}")
    ranges = [f"{name} {oldest[name]}–{newest[name]}" for name in PACKAGES]
    return f"Tested with {ranges[0]} and {ranges[1]}, on Python 3.11."
