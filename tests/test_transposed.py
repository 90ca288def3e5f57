"""The Transposed Convolution page's claims, each checked against torch (mirrors snippets/transposed/)."""

from __future__ import annotations

import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from snippets.convolution.checks import pair
from snippets.transposed import tables
from snippets.transposed.checkerboard import (
    bilinear_conv_transpose2d,
    bilinear_kernel,
    nearest_conv_transpose2d,
    overlap_counts,
    overlap_counts_1d,
    resize_conv,
)
from snippets.transposed.checks import check_args
from snippets.transposed.shapes import conv_output_size, conv_transpose_output_size
from snippets.transposed.views import (
    conv_matrix,
    conv_transpose2d_grad,
    conv_transpose2d_matrix,
    conv_transpose2d_scatter,
    conv_transpose2d_zero_insert,
)

VIEWS = [conv_transpose2d_scatter, conv_transpose2d_matrix, conv_transpose2d_grad, conv_transpose2d_zero_insert]
FAST = settings(max_examples=50, deadline=None)


# Small tensors: with several threads, waking them costs more than the work.
pytestmark = pytest.mark.usefixtures("one_thread")


def f64(*shape: int, generator: torch.Generator | None = None) -> torch.Tensor:
    return torch.randn(*shape, dtype=torch.float64, generator=generator)


def torch_refuses(call) -> bool:
    try:
        call()
    except RuntimeError:
        return True
    return False


# ---------------------------------------------------------------------------------------------
# A valid configuration of conv_transpose2d, per dimension (h, w), small enough to be fast.


@st.composite
def configs(draw, max_groups: int = 1) -> dict:
    groups = draw(st.integers(1, max_groups))
    dims = []
    for _ in range(2):
        stride, dilation = draw(st.integers(1, 3)), draw(st.integers(1, 2))
        kernel_size, size = draw(st.integers(1, 3)), draw(st.integers(1, 4))
        padding = draw(st.integers(0, 2))
        output_padding = draw(st.integers(0, max(stride, dilation) - 1))
        assume(conv_transpose_output_size(size, kernel_size, stride, padding, dilation, output_padding) >= 1)
        dims.append((size, kernel_size, stride, padding, dilation, output_padding))
    (h, kh, *hs), (w, kw, *ws) = dims
    in_channels = groups * draw(st.integers(1, 2))
    out_per_group = draw(st.integers(1, 2))
    gen = torch.Generator().manual_seed(draw(st.integers(0, 2**16)))  # hypothesis replays a failure exactly
    kwargs = {
        name: (a, b) for name, a, b in zip(["stride", "padding", "dilation", "output_padding"], hs, ws, strict=True)
    }
    return {
        "input": f64(draw(st.integers(1, 2)), in_channels, h, w, generator=gen),
        "weight": f64(in_channels, out_per_group, kh, kw, generator=gen),
        "bias": f64(groups * out_per_group, generator=gen) if draw(st.booleans()) else None,
        "groups": groups,
        **kwargs,
    }


# ---------------------------------------------------------------------------------------------
# Shapes


@FAST
@given(
    size=st.integers(1, 9),
    kernel_size=st.integers(1, 4),
    stride=st.integers(1, 4),
    padding=st.integers(0, 3),
    dilation=st.integers(1, 3),
    data=st.data(),
)
def test_output_size_formula_is_torchs(size, kernel_size, stride, padding, dilation, data) -> None:
    output_padding = data.draw(st.integers(0, max(stride, dilation) - 1))
    expected = conv_transpose_output_size(size, kernel_size, stride, padding, dilation, output_padding)
    assume(expected >= 1)
    x, w = torch.zeros(1, 1, size, size), torch.zeros(1, 1, kernel_size, kernel_size)
    out = F.conv_transpose2d(x, w, stride=stride, padding=padding, output_padding=output_padding, dilation=dilation)
    assert out.shape[-1] == expected


@FAST
@given(size=st.integers(1, 12), kernel_size=st.integers(1, 4), stride=st.integers(1, 4), padding=st.integers(0, 2))
def test_conv_output_size_is_torchs(size, kernel_size, stride, padding) -> None:
    assume(size + 2 * padding >= kernel_size)
    out = F.conv2d(torch.zeros(1, 1, size, size), torch.zeros(1, 1, kernel_size, kernel_size), None, stride, padding)
    assert out.shape[-1] == conv_output_size(size, kernel_size, stride, padding)


def test_output_padding_picks_between_sizes_that_conv_maps_together() -> None:
    # 7 and 8 both give 4 with k=3, s=2, p=1; output_padding 0 / 1 returns 7 / 8.
    assert conv_output_size(7, 3, 2, 1) == conv_output_size(8, 3, 2, 1) == 4
    for output_padding, size in [(0, 7), (1, 8)]:
        layer = nn.ConvTranspose2d(1, 1, 3, stride=2, padding=1, output_padding=output_padding)
        assert layer(torch.randn(1, 1, 4, 4)).shape[-2:] == (size, size)
        assert conv_transpose_output_size(4, 3, 2, 1, output_padding=output_padding) == size


def test_output_padding_adds_computed_rows_not_zeros() -> None:
    torch.manual_seed(0)
    x, w = torch.randn(1, 1, 4, 4), torch.randn(1, 1, 3, 3)
    short = F.conv_transpose2d(x, w, stride=2, padding=1)
    longer = F.conv_transpose2d(x, w, stride=2, padding=1, output_padding=1)
    torch.testing.assert_close(longer[..., :7, :7], short)  # the same rows, plus one more
    assert longer[..., 7, :].abs().max() > 0.1  # computed from the stamps that reach it, not zero padding
    torch.testing.assert_close(longer, conv_transpose2d_scatter(x, w, stride=2, padding=1, output_padding=1))


def test_torchs_output_padding_error_says_what_the_page_shows() -> None:
    with pytest.raises(RuntimeError, match=r"^output padding must be smaller than either stride or dilation,"):
        F.conv_transpose2d(torch.randn(1, 1, 4, 4), torch.randn(1, 1, 3, 3), stride=2, padding=1, output_padding=2)
    # ... and max(stride, dilation) is the limit: dilation 2 allows output_padding 1 at stride 1.
    out = F.conv_transpose2d(torch.randn(1, 1, 4, 4), torch.randn(1, 1, 3, 3), dilation=2, output_padding=1)
    assert out.shape[-1] == 9


def test_worked_shapes_table_is_checked_against_torch(monkeypatch: pytest.MonkeyPatch) -> None:
    table = tables.worked_shapes()
    assert table.count("\n") == len(tables.WORKED) + 2  # header, rule, one line per configuration
    assert "| 28 | `kernel_size=3, stride=1, padding=1` | 27 − 2 + 2 + 0 + 1 = **28** | 28 |" in table
    # The table must fail when the formula disagrees with torch.
    monkeypatch.setattr(tables, "conv_transpose_output_size", lambda *args: 3)
    with pytest.raises(AssertionError, match="torch gives"):
        tables.worked_shapes()


# ---------------------------------------------------------------------------------------------
# Bad input: a ValueError that names the parameter, exactly where torch refuses.

BAD = [
    ("output_padding", (1, 4, 5, 5), (4, 2, 3, 3), {"stride": 2, "output_padding": 2}),
    ("output_padding", (1, 4, 5, 5), (4, 2, 3, 3), {"output_padding": 1}),  # stride 1, dilation 1
    ("output_padding", (1, 4, 5, 5), (4, 2, 3, 3), {"stride": (2, 1), "output_padding": (1, 1)}),
    ("output_padding", (1, 4, 5, 5), (4, 2, 3, 3), {"stride": 2, "output_padding": -1}),
    ("stride", (1, 4, 5, 5), (4, 2, 3, 3), {"stride": 0}),
    ("stride", (1, 4, 5, 5), (4, 2, 3, 3), {"stride": (1, -2)}),
    ("dilation", (1, 4, 5, 5), (4, 2, 3, 3), {"dilation": 0}),
    ("padding", (1, 4, 5, 5), (4, 2, 3, 3), {"padding": -1}),
    ("groups", (1, 4, 5, 5), (4, 2, 3, 3), {"groups": 3}),
    ("groups", (1, 4, 5, 5), (4, 2, 3, 3), {"groups": 0}),
    ("in_channels", (1, 3, 5, 5), (4, 2, 3, 3), {}),
    ("in_channels", (1, 4, 5, 5), (6, 2, 3, 3), {"groups": 2}),
    ("padding", (1, 4, 5, 5), (4, 2, 3, 3), {"padding": 4}),  # output size -1
    ("padding", (1, 4, 4, 4), (4, 2, 3, 3), {"padding": 3}),  # output size 0
    ("kernel_size", (1, 4, 5, 5), (4, 2, 0, 3), {}),
    ("bias", (1, 4, 5, 5), (4, 2, 3, 3), {"bias": (4,)}),  # out_channels is 2
    ("input", (4, 5, 5), (4, 2, 3, 3), {}),  # unbatched input: torch accepts it, the views ask for 4-D
]


@pytest.mark.parametrize(("name", "input_shape", "weight_shape", "kwargs"), BAD, ids=[f"{b[0]}-{b[3]}" for b in BAD])
@pytest.mark.parametrize("view", VIEWS, ids=lambda v: v.__name__)
def test_bad_input_names_the_parameter(view, name, input_shape, weight_shape, kwargs) -> None:
    kwargs = dict(kwargs)
    if "bias" in kwargs:
        kwargs["bias"] = torch.randn(kwargs["bias"])
    x, w = torch.randn(input_shape), torch.randn(weight_shape)
    with pytest.raises(ValueError, match=name):
        view(x, w, **kwargs)
    if name != "input":  # the one condition where we are stricter than torch, on purpose
        assert torch_refuses(lambda: F.conv_transpose2d(x, w, **kwargs))


def test_pair_accepts_what_torch_accepts_and_refuses_what_it_refuses() -> None:
    assert pair(2, "stride") == (2, 2)
    assert pair((1, 3), "stride") == pair([1, 3], "stride") == (1, 3)
    x, w = torch.randn(1, 1, 5, 5), torch.randn(1, 1, 3, 3)
    for bad in [(1, 2, 3), True, (True, 2), 2.0]:
        with pytest.raises(ValueError, match="stride"):
            pair(bad, "stride")
        if not isinstance(bad, tuple) or len(bad) == 2:  # torch's argument parser: a TypeError
            with pytest.raises(TypeError):
                F.conv2d(x, w, stride=bad)
            with pytest.raises(TypeError):
                F.conv_transpose2d(x, w, stride=bad)


@settings(max_examples=100, deadline=None)
@given(
    in_channels=st.integers(1, 4),
    weight_in=st.integers(1, 4),
    out_per_group=st.integers(1, 2),
    kernel_size=st.integers(0, 3),
    size=st.integers(1, 4),
    stride=st.integers(-1, 3),
    padding=st.integers(-1, 3),
    dilation=st.integers(-1, 3),
    output_padding=st.integers(-1, 3),
    groups=st.integers(0, 3),
)
def test_refuses_exactly_when_torch_refuses(
    in_channels, weight_in, out_per_group, kernel_size, size, stride, padding, dilation, output_padding, groups
) -> None:
    # float64: in float32 with groups > 1, torch 2.14 on CPU skips its dilation check and leaves
    # dilation=0 to oneDNN, which accepts it for a 1 × 1 kernel. We refuse dilation < 1 always.
    x = torch.zeros(1, in_channels, size, size, dtype=torch.float64)
    w = torch.zeros(weight_in, out_per_group, kernel_size, kernel_size, dtype=torch.float64)
    kwargs = dict(stride=stride, padding=padding, output_padding=output_padding, groups=groups, dilation=dilation)
    try:
        check_args(x, w, **kwargs)
        ours = False
    except ValueError:
        ours = True
    assert ours == torch_refuses(lambda: F.conv_transpose2d(x, w, **kwargs)), kwargs


# ---------------------------------------------------------------------------------------------
# The four views equal F.conv_transpose2d.


@pytest.mark.parametrize("view", VIEWS, ids=lambda v: v.__name__)
@FAST
@given(config=configs())
def test_view_equals_torch(view, config) -> None:
    expected = F.conv_transpose2d(**config)
    got = view(**config)
    assert got.shape == expected.shape
    torch.testing.assert_close(got, expected, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("view", VIEWS, ids=lambda v: v.__name__)
@settings(max_examples=20, deadline=None)
@given(config=configs(max_groups=3))
def test_view_equals_torch_with_groups(view, config) -> None:
    torch.testing.assert_close(view(**config), F.conv_transpose2d(**config), rtol=1e-10, atol=1e-10)


def test_grad_view_works_without_autograd_and_does_not_track_input() -> None:
    x, w = torch.randn(1, 2, 3, 3, requires_grad=True), torch.randn(2, 3, 3, 3)
    with torch.no_grad():
        out = conv_transpose2d_grad(x, w, stride=2)
    torch.testing.assert_close(out, F.conv_transpose2d(x.detach(), w, stride=2))


# ---------------------------------------------------------------------------------------------
# The matrix, the adjoint, and "not an inverse"


@FAST
@given(config=configs())
def test_conv_matrix_is_conv2d(config) -> None:
    # Read as a Conv2d weight, `weight` maps out_channels -> in_channels; C applies that Conv2d.
    weight = config["weight"].transpose(0, 1).contiguous()  # (out, in, kH, kW) for a Conv2d in -> out
    size = config["input"].shape[2:]
    args = {k: config[k] for k in ("stride", "padding", "dilation")}
    h_out = conv_output_size(size[0], weight.shape[2], args["stride"][0], args["padding"][0], args["dilation"][0])
    w_out = conv_output_size(size[1], weight.shape[3], args["stride"][1], args["padding"][1], args["dilation"][1])
    assume(h_out >= 1 and w_out >= 1)
    x = config["input"]
    C = conv_matrix(weight, tuple(size), **args)
    expected = F.conv2d(x, weight, None, args["stride"], args["padding"], args["dilation"])
    torch.testing.assert_close((C @ x.reshape(x.shape[0], -1).T).T, expected.reshape(x.shape[0], -1))


def test_the_4x16_matrix_of_the_page() -> None:
    kernel = torch.arange(1.0, 10.0).view(1, 1, 3, 3)
    C = conv_matrix(kernel, input_size=(4, 4))
    assert C.shape == (4, 16) and C.T.shape == (16, 4)
    assert C[0].tolist() == [1, 2, 3, 0, 4, 5, 6, 0, 7, 8, 9, 0, 0, 0, 0, 0]
    assert C[3].tolist() == [0, 0, 0, 0, 0, 1, 2, 3, 0, 4, 5, 6, 0, 7, 8, 9]
    y = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
    assert torch.equal((C.T @ y.flatten()).view(1, 1, 4, 4), F.conv_transpose2d(y.view(1, 1, 2, 2), kernel))


@FAST
@given(config=configs(max_groups=2))
def test_transposed_convolution_is_the_adjoint(config) -> None:
    """<conv2d(x), y> = <x, conv_transpose2d(y)> in float64, for torch's op and the scatter view."""
    y, weight = config["input"], config["weight"]
    stride, padding, dilation = config["stride"], config["padding"], config["dilation"]
    # Pair sizes exactly: conv2d of the transposed output must give y's size (true when output_padding < stride).
    assume(all(op < s for op, s in zip(config["output_padding"], stride, strict=True)))
    kwargs = {k: config[k] for k in ("stride", "padding", "output_padding", "groups", "dilation")}
    conv_t_y = F.conv_transpose2d(y, weight, **kwargs)
    x = f64(*conv_t_y.shape)
    conv_x = F.conv2d(x, weight, None, stride, padding, dilation, config["groups"])
    assert conv_x.shape == y.shape
    lhs = (conv_x * y).sum()
    torch.testing.assert_close(lhs, (x * conv_t_y).sum(), rtol=1e-12, atol=1e-12)
    torch.testing.assert_close(lhs, (x * conv_transpose2d_scatter(y, weight, **kwargs)).sum(), rtol=1e-12, atol=1e-12)


def test_not_an_inverse_but_c_transpose_c() -> None:
    torch.manual_seed(0)
    w = f64(1, 1, 3, 3)
    for _ in range(5):
        x = f64(1, 1, 6, 6)
        back = F.conv_transpose2d(F.conv2d(x, w, padding=1), w, padding=1)
        assert back.shape == x.shape
        assert not torch.allclose(back, x, atol=1e-3)
        C = conv_matrix(w, (6, 6), padding=1)
        torch.testing.assert_close(back.flatten(), C.T @ C @ x.flatten())  # what it is instead


# ---------------------------------------------------------------------------------------------
# The article's layer, and real upsampling


def test_the_articles_layer_does_not_upsample() -> None:
    feature_map = nn.Conv2d(1, 16, 3, 1, 1)(torch.randn(1, 1, 28, 28))
    assert feature_map.shape == (1, 16, 28, 28)
    assert nn.ConvTranspose2d(16, 1, 3, 1, 1)(feature_map).shape == (1, 1, 28, 28)


@pytest.mark.parametrize(("kernel_size", "padding"), [(4, 1), (2, 0)])
@pytest.mark.parametrize("size", [1, 7, 14])
def test_x2_upsampling(kernel_size, padding, size) -> None:
    up = nn.ConvTranspose2d(3, 5, kernel_size, stride=2, padding=padding)
    assert up(torch.randn(2, 3, size, size)).shape == (2, 5, 2 * size, 2 * size)


# ---------------------------------------------------------------------------------------------
# Checkerboard artifacts


@FAST
@given(size=st.integers(1, 6), kernel_size=st.integers(1, 5), stride=st.integers(1, 3), padding=st.integers(0, 2))
def test_overlap_counts_are_a_transposed_convolution_of_ones(size, kernel_size, stride, padding) -> None:
    assume(conv_transpose_output_size(size, kernel_size, stride, padding) >= 1)
    ones = F.conv_transpose2d(
        torch.ones(1, 1, size, size), torch.ones(1, 1, kernel_size, kernel_size), stride=stride, padding=padding
    )
    assert torch.equal(overlap_counts(size, kernel_size, stride, padding), ones[0, 0].long())


def test_kernel_3_stride_2_overlaps_unevenly_kernel_4_evenly() -> None:
    assert overlap_counts_1d(6, 3, 2) == [1, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 1]
    assert overlap_counts_1d(6, 4, 2) == [1, 1] + [2] * 10 + [1, 1]
    uneven = overlap_counts(6, 3, 2)[2:-2, 2:-2]
    assert sorted(set(uneven.flatten().tolist())) == [1, 2, 4]
    assert torch.equal(uneven[0::2, 0::2], torch.full_like(uneven[0::2, 0::2], 4))  # the checkerboard's phases
    assert torch.equal(uneven[1::2, 1::2], torch.full_like(uneven[1::2, 1::2], 1))
    assert set(overlap_counts(6, 4, 2)[2:-2, 2:-2].flatten().tolist()) == {4}


@given(kernel_size=st.integers(1, 8), stride=st.integers(1, 4))
@FAST
def test_overlap_is_even_inside_exactly_when_stride_divides_kernel_size(kernel_size, stride) -> None:
    counts = overlap_counts_1d(8, kernel_size, stride)
    inside = counts[kernel_size : len(counts) - kernel_size]  # away from both ends
    assume(len(inside) >= stride)
    assert (len(set(inside)) == 1) == (kernel_size % stride == 0)


def test_kernel_2_stride_2_never_overlaps_and_can_be_nearest_neighbour() -> None:
    assert set(overlap_counts(5, 2, 2).flatten().tolist()) == {1}
    x = torch.randn(2, 3, 5, 6)
    with torch.no_grad():
        out = nearest_conv_transpose2d(3, factor=2)(x)
    torch.testing.assert_close(out, F.interpolate(x, scale_factor=2, mode="nearest"))


def test_random_transposed_convolutions_print_a_period_2_pattern_on_a_constant_image() -> None:
    torch.manual_seed(0)
    flat = torch.ones(1, 1, 16, 16)
    for k, output_padding in [(3, 1), (4, 0)]:
        with torch.no_grad():
            inner = nn.ConvTranspose2d(1, 1, k, stride=2, padding=1, output_padding=output_padding)(flat)
        inner = inner[0, 0, 2:-2, 2:-2]
        torch.testing.assert_close(inner[2:], inner[:-2])
        torch.testing.assert_close(inner[:, 2:], inner[:, :-2])
        assert inner.max() - inner.min() > 0.01


def test_the_fixes_give_a_flat_output_on_a_constant_image() -> None:
    torch.manual_seed(0)
    flat = torch.ones(1, 2, 16, 16)
    with torch.no_grad():
        resized = resize_conv(2, 3)(flat)
        bilinear = bilinear_conv_transpose2d(2, factor=2)(flat)
    assert resized.shape == (1, 3, 32, 32) and bilinear.shape == (1, 2, 32, 32)
    inner = resized[..., 1:-1, 1:-1]  # the 3×3 conv's zero padding touches only the outer pixel
    torch.testing.assert_close(inner, inner[..., :1, :1].expand_as(inner))
    torch.testing.assert_close(bilinear[..., 1:-1, 1:-1], torch.ones(1, 2, 30, 30))


@pytest.mark.parametrize("factor", [1, 2, 3, 4])
def test_bilinear_kernel_phases_sum_to_one(factor) -> None:
    kernel = bilinear_kernel(factor)
    assert kernel.shape == (2 * factor - factor % 2,) * 2
    # Each output phase collects the taps `factor` apart; bilinear weights sum to 1 in each.
    for r in range(factor):
        for c in range(factor):
            torch.testing.assert_close(kernel[r::factor, c::factor].sum(), torch.tensor(1.0))


@pytest.mark.parametrize("factor", [2, 3, 4])
def test_bilinear_layer_is_interpolate_except_a_border_of_factor_over_2(factor) -> None:
    """Equal to F.interpolate(bilinear, align_corners=False) on every pixel at least factor // 2 from
    the edge; different on every pixel of that border (for a positive input, where the zeros that
    the transposed convolution sees beyond the edge always change the value)."""
    torch.manual_seed(factor)
    x = torch.rand(2, 3, 6, 7) + 1
    with torch.no_grad():
        ours = bilinear_conv_transpose2d(3, factor)(x)
    ref = F.interpolate(x, scale_factor=factor, mode="bilinear", align_corners=False)
    assert ours.shape == ref.shape == (2, 3, 6 * factor, 7 * factor)
    b = factor // 2
    torch.testing.assert_close(ours[..., b:-b, b:-b], ref[..., b:-b, b:-b], rtol=0, atol=1e-5)
    border = torch.ones(ref.shape[-2:], dtype=torch.bool)
    border[b:-b, b:-b] = False
    assert ((ours - ref).abs()[..., border] > 1e-3).all()


def test_bilinear_layer_is_per_channel() -> None:
    layer = bilinear_conv_transpose2d(3, 2)
    x = torch.zeros(1, 3, 4, 4)
    x[0, 1] = 1.0
    with torch.no_grad():
        out = layer(x)
    assert out[0, 0].abs().max() == 0 and out[0, 2].abs().max() == 0 and out[0, 1].abs().max() > 0
