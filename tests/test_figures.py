"""Figures: generated from code, fresh, deterministic, and each shown on a page with its alt text."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tools import figures, sync

REGISTRY = figures.registry()
MANIFEST = figures.load_manifest()


@pytest.mark.parametrize("key", list(REGISTRY))
def test_figure_is_built_from_current_code(key: str) -> None:
    entry = MANIFEST.get(key)
    path = figures.OUT / f"{key}.png"
    fix = f"python -m tools.figures --only {key}"
    assert entry is not None and path.is_file(), f"{key} was never built; run: {fix}"
    assert entry["source"] == figures.source_hash(key), f"{key} is stale; run: {fix}"
    assert entry["sha256"] == figures.sha256(path.read_bytes()), f"{path} was changed by hand; run: {fix}"


@pytest.mark.parametrize("key", list(REGISTRY))
def test_figure_is_on_a_page_with_its_alt_text(key: str) -> None:
    alt = REGISTRY[key].alt
    pattern = re.compile(r"!\[" + re.escape(alt) + r"\]\((?:\.\./)*figures/" + re.escape(key) + r"\.png\)")
    pages = [p.name for p in sync.pages() if pattern.search(p.read_text())]
    assert pages, f"no page embeds figures/{key}.png with alt text {alt!r}"


def test_every_figure_on_a_page_is_registered() -> None:
    for page in sync.pages():
        for key in re.findall(r"\]\((?:\.\./)*figures/([\w/-]+)\.png\)", page.read_text()):
            assert key in REGISTRY, f"{page.name} shows figures/{key}.png, which no code builds"


@pytest.fixture
def snippets_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of `snippets/` that the hashing reads instead of the real one."""
    shutil.copytree(figures.PACKAGE, tmp_path / "snippets", ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(figures, "ROOT", tmp_path)
    monkeypatch.setattr(figures, "PACKAGE", tmp_path / "snippets")
    figures.module_closure.cache_clear()
    yield tmp_path / "snippets"
    figures.module_closure.cache_clear()


def hashes() -> dict[str, str]:
    figures.module_closure.cache_clear()
    return {key: figures.source_hash(key) for key in REGISTRY}


def test_comments_docstrings_and_examples_mark_no_figure_stale(snippets_copy: Path) -> None:
    before = hashes()
    examples = sorted([*snippets_copy.rglob("examples.py"), *snippets_copy.glob("*/examples/*.py")])
    assert examples, "no examples.py found"
    for path in examples:  # any edit at all: no figure imports a page's examples
        path.write_text(path.read_text() + "\nprint('a new block')\n")
    checks = snippets_copy / "convolution" / "checks.py"
    text = checks.read_text()
    # A comment, a docstring and a line break: the syntax tree stays the same.
    text = text.replace('"""', '"""Edited. ', 1).replace("\ndef ", "\n# a comment\n\ndef ", 1)
    checks.write_text(text)
    assert hashes() == before


def test_a_change_in_checks_marks_stale_every_figure_that_uses_it(snippets_copy: Path) -> None:
    checks = snippets_copy / "convolution" / "checks.py"
    users = {key for key in REGISTRY if checks in figures.dependencies(key)}
    # convolution.checks is imported by the transposed package too: those figures depend on it.
    assert any(k.startswith("convolution/") for k in users) and any(k.startswith("transposed/") for k in users)
    before = hashes()
    checks.write_text(checks.read_text() + "\n\ndef probe() -> int:\n    return 1\n")
    after = hashes()
    assert {key for key in REGISTRY if after[key] != before[key]} == users


def test_a_changed_results_file_marks_its_figures_stale(snippets_copy: Path) -> None:
    readers = {key: spec.data for key, spec in REGISTRY.items() if spec.data}
    assert readers, "no figure declares the results it reads"
    key, data = next(iter(readers.items()))
    before = hashes()
    path = snippets_copy / key.split("/")[0] / data[0]
    path.write_text(path.read_text() + " ")
    after = hashes()
    assert after[key] != before[key]
    assert all(after[k] == before[k] for k in REGISTRY if not set(REGISTRY[k].data) & set(data))


def png(array: np.ndarray) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(array.astype(np.uint8)).save(buf, format="PNG")
    return buf.getvalue()


def test_renders_within_the_tolerance_count_as_the_same_picture() -> None:
    rng = np.random.default_rng(0)
    base = rng.integers(3, 252, size=(100, 100, 3))
    tol = figures.TOLERANCE
    allowed = int(tol.max_pixel_fraction * 100 * 100)  # 10 pixels of 10,000
    nudged = base.copy()
    nudged.reshape(-1, 3)[:allowed] += tol.max_level_difference
    assert figures.same_picture(png(base), png(nudged))
    too_far = base.copy()
    too_far[0, 0, 0] += tol.max_level_difference + 1
    assert not figures.same_picture(png(base), png(too_far))
    too_many = base.copy()
    too_many.reshape(-1, 3)[: allowed + 1] += 1
    assert not figures.same_picture(png(base), png(too_many))
    assert not figures.same_picture(png(base), png(base[:, :99]))


@pytest.mark.slow
def test_two_cpu_runs_give_identical_bytes() -> None:
    # The cheapest registered figure is rendered twice; the bytes must not differ.
    built = [k for k in REGISTRY if (figures.OUT / f"{k}.png").is_file()]
    assert built, "no figure has been built; run: python -m tools.figures"
    key = min(built, key=lambda k: (figures.OUT / f"{k}.png").stat().st_size)
    device = figures.pick_device("cpu")
    first = figures.render(key, device)
    assert first == figures.render(key, device)
    # and the same picture as the committed one, within the stated tolerance
    assert figures.same_picture((figures.OUT / f"{key}.png").read_bytes(), first)
