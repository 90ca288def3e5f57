"""Why convolution and the receptive field, checked against torch: translation equivariance and
where it breaks, the receptive-field recurrence against a gradient probe, and the effective
receptive field."""

from __future__ import annotations

import math

import matplotlib.colors
import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from snippets.convolution.equivariance import shift
from snippets.convolution.figures import READ, _draw_stack
from snippets.convolution.image import grace_hopper
from snippets.convolution.kernels import CLASSIC_KERNELS
from snippets.convolution.receptive import input_gradient, probe_receptive_field, reading_cells, receptive_field
from snippets.plotting import new_figure

# Tiny tensors: one thread is faster than two that wait for each other.
pytestmark = pytest.mark.usefixtures("one_thread")

# ---------------------------------------------------------------- translation equivariance


def test_shift_moves_and_fills_with_zeros() -> None:
    x = torch.arange(1.0, 10.0).reshape(1, 1, 3, 3)
    assert shift(x, 1, 2)[0, 0].tolist() == [[0, 0, 0], [0, 0, 1], [0, 0, 4]]
    assert torch.equal(shift(x, 0, 0), x)


def test_convolution_commutes_with_a_shift_away_from_the_borders() -> None:
    photo = grace_hopper()
    sobel = CLASSIC_KERNELS["Sobel x"].reshape(1, 1, 3, 3)
    for down, right in [(3, 5), (12, 16), (0, 7)]:
        moved_then_conv = F.conv2d(shift(photo, down, right), sobel, padding=1)
        conv_then_moved = shift(F.conv2d(photo, sobel, padding=1), down, right)
        inner = (..., slice(down, -1), slice(right, -1))  # the rows and columns the page names
        torch.testing.assert_close(moved_then_conv[inner], conv_then_moved[inner])
        assert not torch.allclose(moved_then_conv, conv_then_moved)  # the borders differ


def test_circular_padding_makes_it_exact_for_circular_shifts() -> None:
    torch.manual_seed(0)
    conv = nn.Conv2d(2, 3, 3, padding=1, padding_mode="circular").double()
    x = torch.rand(1, 2, 10, 12, dtype=torch.float64)
    with torch.no_grad():
        for shifts in [(3, 5), (1, -4), (9, 11)]:
            rolled = conv(torch.roll(x, shifts, dims=(2, 3)))
            torch.testing.assert_close(rolled, torch.roll(conv(x), shifts, dims=(2, 3)))


def test_stride_two_is_equivariant_only_to_even_shifts() -> None:
    torch.manual_seed(0)
    strided = nn.Conv2d(1, 1, 3, stride=2, padding=1).double()
    x = torch.rand(1, 1, 16, 16, dtype=torch.float64)
    inner = (..., slice(1, None), slice(1, None))
    with torch.no_grad():
        y = strided(x)
        torch.testing.assert_close(strided(shift(x, 2, 2))[inner], shift(y, 1, 1)[inner])
        torch.testing.assert_close(strided(shift(x, 4, 2))[..., 2:, 1:], shift(y, 2, 1)[..., 2:, 1:])
        moved_1 = strided(shift(x, 1, 1))
        for candidate in (y, shift(y, 1, 1)):  # no whole-cell move of the output matches
            assert not torch.allclose(moved_1[inner], candidate[inner])


def test_a_convolution_is_a_sparse_matrix_with_shared_weights() -> None:
    torch.manual_seed(0)
    conv = nn.Conv2d(1, 1, 3, padding=1, bias=False)
    pixels = torch.eye(100).reshape(-1, 1, 10, 10)
    with torch.no_grad():
        matrix = conv(pixels).reshape(100, 100).T
        x = torch.rand(1, 1, 10, 10)
        torch.testing.assert_close(conv(x).flatten(), matrix @ x.flatten())
    assert (matrix != 0).sum(dim=1).max() == 9  # locality
    assert set(matrix[matrix != 0].tolist()) == set(conv.weight.flatten().tolist())  # weight sharing


# ---------------------------------------------------------------- the receptive field


@st.composite
def stacks(draw: st.DrawFn) -> list[tuple[int, int, int]]:
    depth = draw(st.integers(1, 4))
    return [(draw(st.integers(1, 5)), draw(st.integers(1, 3)), draw(st.integers(1, 3))) for _ in range(depth)]


@settings(max_examples=25, deadline=None)
@given(stacks())
def test_recurrence_matches_the_gradient_probe(layers) -> None:
    r, j = receptive_field(layers)
    assert j == math.prod(s for _, s, _ in layers)
    # big enough that the middle output's window is inside the input
    size = r + 2 * j + 2
    torch.manual_seed(0)
    model = nn.Sequential(*[nn.Conv2d(1, 1, k, stride=s, dilation=d) for k, s, d in layers])
    assert probe_receptive_field(model, size) == r
    reads = reading_cells(layers)  # the same walk, cell by cell, as the figure draws it
    assert max(reads[0]) - min(reads[0]) + 1 == r


def test_the_pages_stacks() -> None:
    assert receptive_field([(3, 1, 1), (3, 1, 1)]) == (5, 1)
    assert receptive_field([(3, 2, 1), (3, 1, 1)]) == (7, 2)
    assert receptive_field([(3, 1, 1), (3, 1, 2), (3, 1, 4)]) == (15, 1)
    assert receptive_field([(7, 2, 1), (3, 2, 1)]) == (11, 4)


def test_two_3x3_layers_see_5x5_with_18_weights_instead_of_25() -> None:
    torch.manual_seed(0)
    c = 4
    two = nn.Sequential(nn.Conv2d(c, c, 3), nn.ReLU(), nn.Conv2d(c, c, 3))
    one = nn.Conv2d(c, c, 5)
    assert probe_receptive_field(two, 12, in_channels=c) == probe_receptive_field(one, 12, in_channels=c) == 5
    weights = [sum(p.numel() for p in m.parameters() if p.dim() == 4) // (c * c) for m in (two, one)]
    assert weights == [18, 25]


def test_effective_receptive_field_is_narrow_and_gaussian() -> None:
    """With all weights 1, the gradient along one axis is the distribution of a sum of n steps of
    −1, 0 or +1: spread √(2n/3), close to a Gaussian, while the receptive field is 2n + 1 wide."""
    for n in (4, 10):
        model = nn.Sequential(*[nn.Conv2d(1, 1, 3, bias=False) for _ in range(n)])
        with torch.no_grad():
            for layer in model:
                layer.weight.fill_(1.0)
        grad = input_gradient(model, 2 * n + 1)
        share = grad / grad.sum()
        columns = share.sum(dim=0)
        x = torch.arange(2 * n + 1.0) - n
        spread = ((x**2) * columns).sum().sqrt().item()
        assert math.isclose(spread, math.sqrt(2 * n / 3), rel_tol=1e-5)
        gauss = torch.exp(-(x**2) / (2 * spread**2))
        assert (columns - gauss / gauss.sum()).abs().max() < 0.05 * columns.max()
    middle = share[5:16, 5:16].sum().item()  # n = 10: the middle 11×11 of 21×21
    assert 0.93 < middle < 0.95  # the page prints 94%


def test_stack_figure_colours_the_cells_the_top_cell_reads() -> None:
    fig = new_figure(4, 2)
    ax = fig.subplots()
    layers = [(3, 2, 1), (3, 1, 1)]
    _draw_stack(ax, layers, width=9)
    coloured = sum(matplotlib.colors.to_hex(p.get_facecolor()) == READ.lower() for p in ax.patches)
    assert coloured == sum(len(cells) for cells in reading_cells(layers)) == 7 + 3 + 1
