"""Pooling, checked against torch: the output size with ceil_mode, padding and dilation, the
padding rules the page states, and average pooling as a depthwise convolution."""

from __future__ import annotations

import itertools

import pytest
import torch
import torch.nn.functional as F

from snippets.convolution.checks import conv_output_size
from snippets.convolution.pooling import pool_output_size

# Tiny tensors: one thread is faster than two that wait for each other.
pytestmark = pytest.mark.usefixtures("one_thread")


def test_pool_output_size_matches_torch_on_a_grid() -> None:
    checked = 0
    sizes = (1, 2, 3, 5, 7, 8, 11)
    for size, k, s, d, ceil_mode in itertools.product(sizes, range(1, 5), range(1, 4), (1, 2), (False, True)):
        x = torch.zeros(1, 1, size, size)
        for p in range(k // 2 + 1):  # torch allows padding up to half the kernel
            if size + 2 * p < d * (k - 1) + 1:
                continue  # the window does not fit: torch refuses
            ours = pool_output_size(size, k, s, p, d, ceil_mode)
            assert F.max_pool2d(x, k, s, p, d, ceil_mode=ceil_mode).shape[-1] == ours, (size, k, s, p, d, ceil_mode)
            if d == 1:  # AvgPool2d has no dilation
                assert F.avg_pool2d(x, k, s, p, ceil_mode=ceil_mode).shape[-1] == ours
            if not ceil_mode:  # the convolution's formula
                assert ours == conv_output_size(size, k, s, p, d)
            checked += 1
    assert checked > 300


def test_ceil_mode_drops_a_window_that_starts_in_the_padding() -> None:
    assert pool_output_size(7, 2, ceil_mode=False) == 3
    assert pool_output_size(7, 2, ceil_mode=True) == 4
    # ⌈(5 + 2 − 2)/2⌉ + 1 = 4, but the 4th window would start at padded cell 6, in the right padding
    assert pool_output_size(5, 2, 2, padding=1, ceil_mode=True) == 3
    assert F.max_pool2d(torch.zeros(1, 1, 5, 5), 2, 2, padding=1, ceil_mode=True).shape[-1] == 3


def test_stride_defaults_to_the_kernel_size() -> None:
    assert pool_output_size(9, 3) == pool_output_size(9, 3, stride=3) == 3
    assert F.max_pool2d(torch.zeros(1, 1, 9, 9), 3).shape[-1] == 3


def test_padding_rules_the_page_states() -> None:
    x = -torch.rand(1, 1, 6, 6) - 1  # all negative: a zero in the padding would win every border max
    y = F.max_pool2d(x, 3, stride=1, padding=1)
    assert (y < 0).all()  # padded with −∞, not 0
    with pytest.raises(RuntimeError):
        F.max_pool2d(x, 2, padding=2)  # more than half the kernel


@pytest.mark.parametrize("k", [2, 3])
@pytest.mark.parametrize("padding", [0, 1])
def test_average_pooling_is_a_depthwise_convolution(k: int, padding: int) -> None:
    torch.manual_seed(0)
    x = torch.randn(2, 3, 9, 8, dtype=torch.float64)
    box = torch.full((3, 1, k, k), 1 / k**2, dtype=torch.float64)
    as_conv = F.conv2d(x, box, stride=k, padding=padding, groups=3)
    torch.testing.assert_close(as_conv, F.avg_pool2d(x, k, padding=padding))  # count_include_pad=True
    if padding:  # without the padding zeros in the count, the border windows differ
        other = F.avg_pool2d(x, k, padding=padding, count_include_pad=False)
        assert not torch.allclose(as_conv, other)
