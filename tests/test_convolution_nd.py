"""Conv1d and Conv3d: the output-size formula on every axis, checked against torch, and Conv1d as
a Conv2d of height 1."""

from __future__ import annotations

import itertools

import pytest
import torch
import torch.nn.functional as F

from snippets.convolution.checks import conv_output_size

# Tiny tensors: one thread is faster than two that wait for each other.
pytestmark = pytest.mark.usefixtures("one_thread")


def test_conv1d_output_size_matches_the_formula() -> None:
    sizes = (1, 2, 3, 5, 8, 13)
    for n, k, s, p, d in itertools.product(sizes, (1, 2, 3, 5), range(1, 4), range(3), range(1, 3)):
        if n + 2 * p < d * (k - 1) + 1:
            continue
        y = F.conv1d(torch.zeros(1, 1, n), torch.zeros(1, 1, k), stride=s, padding=p, dilation=d)
        assert y.shape[-1] == conv_output_size(n, k, s, p, d), (n, k, s, p, d)


def test_conv3d_output_size_matches_the_formula_on_each_axis() -> None:
    settings = [  # (sizes, kernel_size, stride, padding, dilation), a different value on each axis
        ((8, 32, 32), (3, 5, 5), (1, 2, 2), (1, 2, 2), (1, 1, 1)),
        ((5, 9, 11), (2, 3, 4), (2, 1, 3), (0, 1, 2), (1, 2, 1)),
        ((3, 7, 6), (3, 3, 1), (1, 3, 2), (1, 0, 0), (1, 1, 3)),
        ((16, 12, 10), (1, 7, 3), (4, 2, 1), (0, 3, 1), (1, 1, 2)),
    ]
    for sizes, k, s, p, d in settings:
        y = F.conv3d(torch.zeros(1, 1, *sizes), torch.zeros(1, 1, *k), stride=s, padding=p, dilation=d)
        expected = [conv_output_size(*axis) for axis in zip(sizes, k, s, p, d, strict=True)]
        assert list(y.shape[2:]) == expected


def test_conv1d_is_a_conv2d_of_height_one() -> None:
    torch.manual_seed(0)
    conv = torch.nn.Conv1d(2, 4, 5, stride=2, padding=2, dilation=2).double()
    x = torch.randn(3, 2, 40, dtype=torch.float64)
    with torch.no_grad():
        as_2d = F.conv2d(
            x[:, :, None], conv.weight[:, :, None], conv.bias, stride=(1, 2), padding=(0, 2), dilation=(1, 2)
        )
        torch.testing.assert_close(as_2d[:, :, 0], conv(x))
