"""Channels and groups, checked against torch: parameter and MAC counts (against numel() and
torch.utils.flop_counter), which channels a grouped filter reads, 1×1 convolutions as a Linear,
and the depthwise-separable convolution."""

from __future__ import annotations

import matplotlib.colors
import pytest
import torch
import torch.nn as nn
from torch.utils.flop_counter import FlopCounterMode

from snippets.convolution.channels import connections, conv2d_macs, conv2d_parameters
from snippets.convolution.checks import conv_output_size
from snippets.convolution.figures import groups as groups_figure

# Tiny tensors: one thread is faster than two that wait for each other.
pytestmark = pytest.mark.usefixtures("one_thread")

DOUBLE = torch.float64

LAYERS = [
    # (in_channels, out_channels, kernel_size, groups, bias, stride, padding, size)
    (3, 8, 3, 1, True, 1, 1, 12),
    (6, 4, 5, 2, False, 2, 0, 11),
    (8, 8, 3, 8, True, 1, 1, 9),  # depthwise
    (4, 12, 1, 1, True, 1, 0, 7),  # 1×1
    (6, 9, 2, 3, True, 3, 1, 10),
]


def torch_macs(model: nn.Module, x: torch.Tensor) -> int:
    with FlopCounterMode(display=False) as counter:
        model(x)
    return counter.get_total_flops() // 2  # a multiply–accumulate is 2 FLOPs to torch


@pytest.mark.parametrize("layer", LAYERS, ids=str)
def test_parameter_and_mac_formulas_match_torch(layer) -> None:
    c_in, c_out, k, g, bias, stride, padding, size = layer
    conv = nn.Conv2d(c_in, c_out, k, stride=stride, padding=padding, groups=g, bias=bias)
    assert conv2d_parameters(c_in, c_out, k, groups=g, bias=bias) == sum(p.numel() for p in conv.parameters())
    out = conv_output_size(size, k, stride, padding)
    assert conv2d_macs(c_in, c_out, k, (out, out), groups=g) == torch_macs(conv, torch.zeros(1, c_in, size, size))


@pytest.mark.parametrize("c_in, c_out, groups", [(4, 4, 1), (4, 4, 2), (4, 4, 4), (6, 4, 2), (6, 9, 3)])
def test_connections_follow_the_group_formula(c_in: int, c_out: int, groups: int) -> None:
    """Output channel c is in group g = c // (C_out/groups), which reads inputs g·C_in/groups onwards."""
    reads = connections(c_in, c_out, groups)
    for c in range(c_out):
        g = c // (c_out // groups)
        expected = {g * (c_in // groups) + r for r in range(c_in // groups)}
        assert set(reads[c].nonzero().flatten().tolist()) == expected
    assert reads.sum() == c_out * c_in // groups


def test_groups_figure_draws_the_measured_connections() -> None:
    fig = groups_figure(torch.device("cpu"))
    lines = [len(ax.get_lines()) for ax in fig.axes]
    assert lines == [16, 8, 4]
    # one colour per group
    for ax, g in zip(fig.axes, (1, 2, 4), strict=True):
        colours = {matplotlib.colors.to_hex(line.get_color()) for line in ax.get_lines()}
        assert len(colours) == g


def test_one_by_one_convolution_is_a_linear_layer_per_pixel() -> None:
    torch.manual_seed(0)
    conv = nn.Conv2d(16, 4, 1).double()
    x = torch.randn(2, 16, 5, 7, dtype=DOUBLE)
    linear = nn.Linear(16, 4).double()
    with torch.no_grad():
        linear.weight.copy_(conv.weight[:, :, 0, 0])
        linear.bias.copy_(conv.bias)
        y = conv(x)
        torch.testing.assert_close(y, linear(x.permute(0, 2, 3, 1)).permute(0, 3, 1, 2))
        by_einsum = torch.einsum("oc,nchw->nohw", conv.weight[:, :, 0, 0], x) + conv.bias[:, None, None]
        torch.testing.assert_close(y, by_einsum)


@pytest.mark.parametrize("c_in, c_out, k", [(32, 64, 3), (16, 16, 5), (3, 24, 3)])
def test_depthwise_separable_shapes_and_costs(c_in: int, c_out: int, k: int) -> None:
    full = nn.Conv2d(c_in, c_out, k, padding=k // 2)
    separable = nn.Sequential(nn.Conv2d(c_in, c_in, k, padding=k // 2, groups=c_in), nn.Conv2d(c_in, c_out, 1))
    x = torch.zeros(1, c_in, 20, 20)
    assert full(x).shape == separable(x).shape == (1, c_out, 20, 20)
    full_macs, separable_macs = torch_macs(full, x), torch_macs(separable, x)
    assert separable_macs == conv2d_macs(c_in, c_in, k, (20, 20), groups=c_in) + conv2d_macs(c_in, c_out, 1, (20, 20))
    # the page's ratio, exact without biases
    assert separable_macs / full_macs == pytest.approx(1 / c_out + 1 / k**2)
    separable_params = sum(p.numel() for p in separable.parameters())
    assert separable_params == conv2d_parameters(c_in, c_in, k, groups=c_in) + conv2d_parameters(c_in, c_out, 1)
