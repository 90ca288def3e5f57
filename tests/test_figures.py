"""Figures: generated from code, fresh, deterministic, and each shown on a page with its alt text."""

from __future__ import annotations

import re

import pytest

from snippets import figures, sync

REGISTRY = figures.registry()
MANIFEST = figures.load_manifest()


@pytest.mark.parametrize("key", list(REGISTRY))
def test_figure_is_built_from_current_code(key: str) -> None:
    entry = MANIFEST.get(key)
    path = figures.OUT / f"{key}.png"
    fix = f"python -m snippets.figures --only {key}"
    assert entry is not None and path.is_file(), f"{key} was never built; run: {fix}"
    assert entry["source"] == figures.source_hash(key.split("/")[0]), f"{key} is stale; run: {fix}"
    assert entry["sha256"] == figures.sha256(path.read_bytes()), f"{path} was changed by hand; run: {fix}"


@pytest.mark.parametrize("key", list(REGISTRY))
def test_figure_is_on_a_page_with_its_alt_text(key: str) -> None:
    alt = REGISTRY[key].alt
    pattern = re.compile(r"!\[" + re.escape(alt) + r"\]\(figures/" + re.escape(key) + r"\.png\)")
    pages = [p.name for p in sync.pages() if pattern.search(p.read_text())]
    assert pages, f"no page embeds figures/{key}.png with alt text {alt!r}"


def test_every_figure_on_a_page_is_registered() -> None:
    for page in sync.pages():
        for key in re.findall(r"\]\(figures/([\w/-]+)\.png\)", page.read_text()):
            assert key in REGISTRY, f"{page.name} shows figures/{key}.png, which no code builds"


def test_two_cpu_runs_give_identical_bytes() -> None:
    if not REGISTRY:
        pytest.skip("no figures registered yet")
    # The cheapest registered figure is rendered twice; the bytes must not differ.
    built = [k for k in REGISTRY if (figures.OUT / f"{k}.png").is_file()]
    assert built, "no figure has been built; run: python -m snippets.figures"
    key = min(built, key=lambda k: (figures.OUT / f"{k}.png").stat().st_size)
    device = figures.pick_device("cpu")
    first = figures.render(key, device)
    assert first == figures.render(key, device)
    if MANIFEST[key]["device"] == "cpu":  # and equal to the committed bytes built on a CPU
        assert figures.sha256(first) == MANIFEST[key]["sha256"]
