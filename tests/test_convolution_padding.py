"""Padding, checked against torch: padding='same' and its split, padding modes, and TensorFlow's
strided 'same' (snippets/convolution/same.py)."""

from __future__ import annotations

import itertools
import math
import warnings
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F

from snippets.convolution.checks import resolve_padding
from snippets.convolution.same import conv2d_tf_same, same_padding, tf_same_padding

# Tiny tensors: one thread is faster than two that wait for each other.
pytestmark = pytest.mark.usefixtures("one_thread")

DOUBLE = torch.float64
MODES = {"zeros": "constant", "reflect": "reflect", "replicate": "replicate", "circular": "circular"}


def conv2d_same(x: torch.Tensor, w: torch.Tensor, dilation: int) -> torch.Tensor:
    """F.conv2d with padding='same', without its warning about making a padded copy."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return F.conv2d(x, w, padding="same", dilation=dilation)


# ---------------------------------------------------------------- padding='same': the split


@pytest.mark.parametrize("kernel_size", [1, 2, 3, 4, 5])
@pytest.mark.parametrize("dilation", [1, 2, 3])
def test_same_split_matches_torch(kernel_size: int, dilation: int) -> None:
    """torch's padding='same' equals F.pad with `same_padding`'s (before, after), then no padding."""
    g = torch.Generator().manual_seed(kernel_size * 10 + dilation)
    x = torch.randn(1, 2, 11, 12, generator=g, dtype=DOUBLE)
    w = torch.randn(3, 2, kernel_size, kernel_size, generator=g, dtype=DOUBLE)
    before, after = same_padding(kernel_size, dilation)
    expected = conv2d_same(x, w, dilation)
    assert expected.shape[-2:] == x.shape[-2:]
    torch.testing.assert_close(F.conv2d(F.pad(x, (before, after, before, after)), w, dilation=dilation), expected)
    if before != after:  # the other split is wrong: this test can tell the two apart
        swapped = F.conv2d(F.pad(x, (after, before, after, before)), w, dilation=dilation)
        assert not torch.allclose(swapped, expected)


@pytest.mark.parametrize("kernel_size", [2, 4, 6])
def test_even_kernels_split_unevenly_only_with_odd_dilation(kernel_size: int) -> None:
    """The explorer page's correction: an even kernel pads one more row after than before only
    when the dilation is odd; with an even dilation the total is even and splits evenly."""
    for dilation in (1, 3, 5):
        before, after = same_padding(kernel_size, dilation)
        assert after == before + 1
    for dilation in (2, 4):
        before, after = same_padding(kernel_size, dilation)
        assert after == before
    assert same_padding(2, 2) == (1, 1)  # the example the pages give


def test_same_padding_agrees_with_the_full_versions_checks() -> None:
    for kh, kw, dh, dw in itertools.product(range(1, 6), range(1, 6), range(1, 4), range(1, 4)):
        assert resolve_padding("same", (kh, kw), (1, 1), (dh, dw)) == (same_padding(kh, dh), same_padding(kw, dw))


def test_explorer_page_states_the_split_with_its_condition() -> None:
    page = Path(__file__).resolve().parent.parent / "docs" / "explorer.md"
    text = " ".join(page.read_text().split())
    assert "an even kernel pads one more row after than before" not in text
    assert "an even kernel with an odd dilation pads one more row after than before" in text


# ---------------------------------------------------------------- padding modes


def test_f_pad_modes_on_one_row() -> None:
    row = torch.arange(1.0, 5.0).reshape(1, 1, 1, 4)
    expected = {
        "constant": [0, 0, 1, 2, 3, 4, 0, 0],
        "reflect": [3, 2, 1, 2, 3, 4, 3, 2],
        "replicate": [1, 1, 1, 2, 3, 4, 4, 4],
        "circular": [3, 4, 1, 2, 3, 4, 1, 2],
    }
    for mode, values in expected.items():
        assert F.pad(row, (2, 2, 0, 0), mode=mode)[0, 0, 0].tolist() == values


@pytest.mark.parametrize("padding_mode", list(MODES))
@pytest.mark.parametrize("padding", [1, 2, (1, 2)])
def test_conv2d_padding_mode_is_f_pad_then_no_padding(padding_mode: str, padding) -> None:
    torch.manual_seed(0)
    conv = torch.nn.Conv2d(2, 3, (3, 5), padding=padding, padding_mode=padding_mode).double()
    x = torch.randn(1, 2, 9, 10, dtype=DOUBLE)
    ph, pw = (padding, padding) if isinstance(padding, int) else padding
    with torch.no_grad():
        y = conv(x)
        by_hand = F.conv2d(F.pad(x, (pw, pw, ph, ph), mode=MODES[padding_mode]), conv.weight, conv.bias)
        zeros = F.conv2d(x, conv.weight, conv.bias, padding=padding)
    torch.testing.assert_close(y, by_hand)
    assert y.shape == zeros.shape  # every mode: the same output size
    inside = (..., slice(ph, -ph), slice(pw, -pw))  # outputs whose window lies on the input
    torch.testing.assert_close(y[inside], zeros[inside])
    assert torch.allclose(y, zeros) == (padding_mode == "zeros")  # the borders differ


def test_reflect_needs_a_pad_smaller_than_the_input() -> None:
    row = torch.arange(4.0).reshape(1, 1, 1, 4)
    assert F.pad(row, (3, 3, 0, 0), mode="reflect").shape[-1] == 10
    with pytest.raises(RuntimeError):
        F.pad(row, (4, 4, 0, 0), mode="reflect")


# ---------------------------------------------------------------- TensorFlow's strided 'same'


def test_tf_same_gives_ceil_of_size_over_stride_and_puts_the_extra_zero_after() -> None:
    for size, k, s, d in itertools.product(range(1, 40), range(1, 8), range(1, 5), range(1, 4)):
        before, after = tf_same_padding(size, k, s, d)
        out = math.ceil(size / s)
        span = d * (k - 1) + 1
        assert (size + before + after - span) // s + 1 == out, (size, k, s, d)
        assert after - before in (0, 1) and before >= 0
        # no more zeros than the last window needs
        assert before + after == max((out - 1) * s + span - size, 0)


@pytest.mark.parametrize("stride", [1, 2, 3, (2, 1)])
@pytest.mark.parametrize("dilation", [1, 2])
def test_conv2d_tf_same_shapes_and_values(stride, dilation) -> None:
    torch.manual_seed(0)
    for h, w in [(15, 16), (7, 9), (1, 2)]:
        x = torch.randn(2, 3, h, w, dtype=DOUBLE)
        weight = torch.randn(4, 3, 3, 2, dtype=DOUBLE)
        y = conv2d_tf_same(x, weight, stride=stride, dilation=dilation)
        sh, sw = (stride, stride) if isinstance(stride, int) else stride
        assert y.shape == (2, 4, math.ceil(h / sh), math.ceil(w / sw))
        # the values: the same as an explicit asymmetric F.pad, then F.conv2d
        top, bottom = tf_same_padding(h, 3, sh, dilation)
        left, right = tf_same_padding(w, 2, sw, dilation)
        padded = F.pad(x, (left, right, top, bottom))
        torch.testing.assert_close(y, F.conv2d(padded, weight, stride=stride, dilation=dilation))
        if stride == 1:  # torch's own 'same' agrees where torch accepts it
            torch.testing.assert_close(y, conv2d_same(x, weight, dilation))


def test_torch_refuses_strided_same_and_tf_same_checks_its_arguments() -> None:
    with pytest.raises(ValueError):
        torch.nn.Conv2d(3, 8, 3, stride=2, padding="same")
    with pytest.raises(ValueError, match="stride"):
        tf_same_padding(10, 3, stride=0)
    with pytest.raises(ValueError, match="dilation"):
        tf_same_padding(10, 3, stride=1, dilation=0)
