"""Random Conv2d / ConvTranspose2d configurations, valid and invalid, for the agreement test.

Most values are ones a reader would type; a share are the edge values where torch refuses
(0, negative, output_padding too large, a kernel larger than the input, channels not
divisible by groups, 'same' with a stride, an empty batch). Sizes stay small so that torch
can run each configuration for real on the CPU in microseconds.
"""

from __future__ import annotations

import random
from typing import Any

Config = dict[str, Any]


def _pick(rng: random.Random, common: list[int], edge: list[int], p_edge: float) -> int:
    return rng.choice(edge) if rng.random() < p_edge else rng.choice(common)


def _pair(rng: random.Random, draw) -> list[int]:
    """A (height, width) pair: square most of the time, as in most networks."""
    first = draw()
    return [first, first] if rng.random() < 0.6 else [first, draw()]


def random_config(rng: random.Random) -> Config:
    """One configuration. Each parameter is an edge value with a small probability."""
    mode = rng.choice(["conv", "transposed"])
    groups = _pick(rng, [1, 1, 1, 1, 2, 3, 4], [0, -1, 5], 0.06)
    per_group = max(groups, 1)
    in_channels = per_group * rng.randint(1, 4) if rng.random() > 0.1 else _pick(rng, [1, 2, 3, 5, 6, 7], [0, -1], 0.4)
    out_channels = per_group * rng.randint(1, 4) if rng.random() > 0.1 else _pick(rng, [1, 2, 3, 5, 6, 7], [0, -1], 0.4)
    size = lambda: _pick(rng, list(range(1, 17)), [0, -1, 1, 2], 0.06)  # noqa: E731
    kernel = lambda: _pick(rng, [1, 2, 3, 3, 3, 4, 5, 7], [0, -1, 9], 0.05)  # noqa: E731
    stride = lambda: _pick(rng, [1, 1, 1, 2, 2, 3, 4], [0, -1], 0.04)  # noqa: E731
    dilation = lambda: _pick(rng, [1, 1, 1, 1, 2, 2, 3], [0, -1, 4], 0.05)  # noqa: E731
    height = size()
    width = height if rng.random() < 0.6 else size()
    config: Config = {
        "mode": mode,
        "batch": _pick(rng, [1, 1, 1, 2, 3], [0, -1], 0.05),
        "in_channels": in_channels,
        "out_channels": out_channels,
        "groups": groups,
        "height": height,
        "width": width,
        "kernel_size": _pair(rng, kernel),
        "stride": _pair(rng, stride),
        "dilation": _pair(rng, dilation),
        "bias": rng.random() < 0.7,
    }
    strings = ["same", "valid"] if mode == "conv" else ["same"]
    if rng.random() < (0.25 if mode == "conv" else 0.01):
        config["padding"] = rng.choice(strings)
        if config["padding"] == "same" and rng.random() < 0.7:
            config["stride"] = [1, 1]  # 'same' is only allowed with stride 1: test it mostly where it is
    else:
        config["padding"] = _pair(rng, lambda: _pick(rng, [0, 0, 1, 1, 2, 3], [-1, 4, 6, 9], 0.08))
    config["output_padding"] = (
        _pair(rng, lambda: _pick(rng, [0, 0, 0, 1, 1, 2], [-1, 3, 4], 0.08)) if mode == "transposed" else [0, 0]
    )
    return config


def random_configs(count: int, seed: int = 0) -> list[Config]:
    rng = random.Random(seed)
    return [random_config(rng) for _ in range(count)]
