"""The home page's formula cheat sheet (snippets/cheatsheet.py): its functions against torch, and its guard."""

from __future__ import annotations

import itertools

import pytest
import torch
from torch import nn

from snippets import cheatsheet

pytestmark = pytest.mark.usefixtures("one_thread")


@pytest.mark.parametrize(("cin", "cout", "k", "groups"), [(3, 8, 3, 1), (16, 32, 5, 4), (6, 6, 1, 6), (4, 2, 2, 2)])
def test_weight_shapes_and_parameter_counts_match_torch(cin: int, cout: int, k: int, groups: int) -> None:
    for bias in (True, False):
        conv = nn.Conv2d(cin, cout, k, groups=groups, bias=bias)
        up = nn.ConvTranspose2d(cin, cout, k, groups=groups, bias=bias)
        assert cheatsheet.conv2d_weight_shape(cin, cout, k, groups) == tuple(conv.weight.shape)
        assert cheatsheet.conv_transpose2d_weight_shape(cin, cout, k, groups) == tuple(up.weight.shape)
        shape = cheatsheet.conv2d_weight_shape(cin, cout, k, groups)
        assert cheatsheet.parameter_count(shape, cout, bias) == sum(p.numel() for p in conv.parameters())
        shape = cheatsheet.conv_transpose2d_weight_shape(cin, cout, k, groups)
        assert cheatsheet.parameter_count(shape, cout, bias) == sum(p.numel() for p in up.parameters())


def test_torch_macs_is_half_the_flop_counters_flops() -> None:
    conv = nn.Conv2d(4, 8, 3, padding=1)
    assert cheatsheet.torch_macs(conv, torch.zeros(2, 4, 5, 5)) == 2 * 8 * 25 * 4 * 9


def test_the_table_shows_each_value_that_torch_confirmed() -> None:
    text = cheatsheet.formula_table()
    formulas, values = text.split("\nThe same formulas")
    assert formulas.count("\n| ") == 1 + len(cheatsheet.rows())  # header rule + one row per quantity
    for value in ("| 16 |", "| 32 |", "(32, 8, 3, 3)", "2,336", "2,320", "589,824"):
        assert value in values, value


def test_the_table_refuses_a_formula_that_torch_contradicts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cheatsheet, "conv_output_size", lambda *args, **kwargs: 17)
    with pytest.raises(ValueError, match=r"Output size .* the formula gives 17, torch 16"):
        cheatsheet.formula_table()


def test_the_output_size_formulas_agree_with_torch_over_a_sweep() -> None:
    """The two functions the cheat sheet calls, on every small setting."""
    for size, k, s, p, d in itertools.product([5, 8], [1, 2, 3], [1, 2, 3], [0, 1], [1, 2]):
        if size + 2 * p < d * (k - 1) + 1:
            continue
        x = torch.zeros(1, 1, size, size)
        conv = nn.Conv2d(1, 1, k, stride=s, padding=p, dilation=d)
        assert cheatsheet.conv_output_size(size, k, s, p, d) == conv(x).shape[-1]
        for op in range(min(s, d)):
            up = nn.ConvTranspose2d(1, 1, k, stride=s, padding=p, dilation=d, output_padding=op)
            assert cheatsheet.conv_transpose_output_size(size, k, s, p, d, op) == up(x).shape[-1]
