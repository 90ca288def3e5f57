"""The Transposed convolution chapter's claims about shapes, weights and the four views, each checked against
torch (mirrors snippets/transposed/; the artifacts and the upsamplers are in test_transposed_artifacts.py)."""

from __future__ import annotations

import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from snippets.convolution.checks import pair
from snippets.transposed import tables
from snippets.transposed.checks import check_args
from snippets.transposed.shapes import conv_output_size, conv_transpose_output_size
from snippets.transposed.views import (
    conv_matrix,
    conv_transpose2d_grad,
    conv_transpose2d_matrix,
    conv_transpose2d_scatter,
    conv_transpose2d_zero_insert,
    scatter,
    unrolled_conv_matrix,
    zero_insert,
)
from snippets.transposed.weights import default_init_bound

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


@FAST
@given(size=st.integers(1, 30), kernel_size=st.integers(1, 5), padding=st.integers(0, 2), dilation=st.integers(1, 3))
def test_stride_1_grows_the_output_by_a_constant_not_a_factor(size, kernel_size, padding, dilation) -> None:
    """The stride-1 correction: H_out − H_in = dilation·(kernel_size − 1) − 2·padding, whatever H_in is."""
    growth = dilation * (kernel_size - 1) - 2 * padding
    assume(size + growth >= 1)
    x, w = torch.zeros(1, 1, size, size), torch.zeros(1, 1, kernel_size, kernel_size)
    out = F.conv_transpose2d(x, w, padding=padding, dilation=dilation)
    assert out.shape[-1] == size + growth == conv_transpose_output_size(size, kernel_size, 1, padding, dilation)


def test_stride_1_with_no_padding_is_the_full_convolution() -> None:
    """2 × 2 -> 4 × 4 at stride 1: the full convolution, conv2d with padding k − 1 and the kernel flipped."""
    torch.manual_seed(0)
    x, w = torch.randn(1, 1, 2, 2), torch.randn(1, 1, 3, 3)
    full = F.conv2d(x, w.flip(-2, -1), padding=2)
    torch.testing.assert_close(F.conv_transpose2d(x, w), full)
    assert full.shape[-1] == 4


@pytest.mark.parametrize(("stride", "dilation"), [(1, 1), (2, 1), (3, 1), (1, 2), (2, 3)])
def test_output_size_argument_allows_stride_sizes_from_the_smallest(stride, dilation) -> None:
    """forward(x, output_size=...) accepts H_min .. H_min + stride − 1 and picks output_padding = size − H_min."""
    up = nn.ConvTranspose2d(1, 1, 3, stride=stride, padding=1, dilation=dilation)
    x = torch.randn(1, 1, 4, 4)
    smallest = conv_transpose_output_size(4, 3, stride, 1, dilation)
    for size in range(smallest - 1, smallest + stride + 1):
        if smallest <= size < smallest + stride:
            out = up(x, output_size=[size, size])
            expected = F.conv_transpose2d(
                x, up.weight, up.bias, stride, 1, output_padding=size - smallest, dilation=dilation
            )
            torch.testing.assert_close(out, expected)
        else:
            with pytest.raises(ValueError, match="valid sizes range"):
                up(x, output_size=[size, size])


def test_output_padding_adds_computed_rows_not_zeros() -> None:
    torch.manual_seed(0)
    x, w = torch.randn(1, 1, 4, 4), torch.randn(1, 1, 3, 3)
    short = F.conv_transpose2d(x, w, stride=2, padding=1)
    longer = F.conv_transpose2d(x, w, stride=2, padding=1, output_padding=1)
    torch.testing.assert_close(longer[..., :7, :7], short)  # the same rows, plus one more
    assert longer[..., 7, :].abs().max() > 0.1  # computed from the stamps that reach it, not zero padding
    torch.testing.assert_close(longer, conv_transpose2d_scatter(x, w, stride=2, padding=1, output_padding=1))
    # With padding 0 no stamp reaches the extra row: it holds only the bias.
    b = torch.tensor([0.5])
    assert torch.equal(F.conv_transpose2d(x, w, b, stride=2, output_padding=1)[..., -1, :], torch.full((1, 1, 10), 0.5))


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


@FAST
@given(
    h=st.integers(1, 4),
    w=st.integers(1, 4),
    kh=st.integers(1, 3),
    kw=st.integers(1, 3),
    stride=st.integers(1, 3),
    dilation=st.integers(1, 3),
    seed=st.integers(0, 2**16),
)
def test_the_ideas_of_the_views_equal_torch(h, w, kh, kw, stride, dilation, seed) -> None:
    """The one-channel versions on the pages: scatter (with dilation), C of conv2d, zero insertion."""
    gen = torch.Generator().manual_seed(seed)
    x, kernel = f64(h, w, generator=gen), f64(kh, kw, generator=gen)
    expected = F.conv_transpose2d(x[None, None], kernel[None, None], stride=stride, dilation=dilation)[0, 0]
    torch.testing.assert_close(scatter(x, kernel, stride, dilation), expected, rtol=1e-12, atol=1e-12)
    if dilation == 1:
        torch.testing.assert_close(zero_insert(x, kernel, stride), expected, rtol=1e-12, atol=1e-12)
    if dilation == 1:
        # C maps a conv2d input of the transposed output's size to x's size; Cᵀ maps back.
        C = unrolled_conv_matrix(kernel, tuple(expected.shape), stride)
        y = f64(*expected.shape, generator=gen)
        conv_y = F.conv2d(y[None, None], kernel[None, None], stride=stride)
        torch.testing.assert_close(C @ y.flatten(), conv_y.flatten())
        torch.testing.assert_close((C.T @ x.flatten()).view_as(expected), expected)


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
# The weight: layout, tying, groups and dilation, the default initialisation


@pytest.mark.parametrize(("c_in", "c_out", "groups"), [(3, 8, 1), (8, 3, 1), (4, 6, 2), (6, 6, 3)])
def test_weight_is_in_channels_first_and_is_the_weight_of_the_conv2d_back(c_in, c_out, groups) -> None:
    up = nn.ConvTranspose2d(c_in, c_out, 3, stride=2, groups=groups, dilation=2)
    back = nn.Conv2d(c_out, c_in, 3, stride=2, groups=groups, dilation=2)
    assert up.weight.shape == (c_in, c_out // groups, 3, 3) == back.weight.shape
    assert nn.Conv2d(c_in, c_out, 3, groups=groups).weight.shape == (c_out, c_in // groups, 3, 3)
    y = up(torch.randn(1, c_in, 5, 5))
    assert y.shape == (1, c_out, 13, 13)  # (5 − 1)·2 + 2·(3 − 1) + 1
    assert back(y).shape == (1, c_in, 5, 5)


@pytest.mark.parametrize("groups", [1, 2])
def test_a_tied_decoder_is_the_gradient_the_encoder_sends_back(groups) -> None:
    torch.manual_seed(0)
    down = nn.Conv2d(4, 6, 4, stride=2, padding=1, groups=groups, bias=False).double()
    up = nn.ConvTranspose2d(6, 4, 4, stride=2, padding=1, groups=groups, bias=False).double()
    up.weight = down.weight  # the same Parameter, no transpose
    x = f64(2, 4, 16, 16).requires_grad_()
    y = f64(2, 6, 8, 8)
    down(x).backward(y)
    torch.testing.assert_close(up(y), x.grad, rtol=1e-12, atol=1e-12)
    lhs = (down(x) * y).sum()
    torch.testing.assert_close(lhs, (x * up(y)).sum(), rtol=1e-12, atol=1e-12)


def test_transposing_a_square_weight_runs_but_is_not_the_adjoint() -> None:
    torch.manual_seed(0)
    w, x, y = f64(8, 8, 3, 3), f64(1, 8, 6, 6), f64(1, 8, 6, 6)
    lhs = (F.conv2d(x, w, padding=1) * y).sum()
    torch.testing.assert_close(lhs, (x * F.conv_transpose2d(y, w, padding=1)).sum())
    wrong = (x * F.conv_transpose2d(y, w.transpose(0, 1), padding=1)).sum()
    assert not torch.allclose(lhs, wrong)


CONFIGS = [(16, 1, 3, 1), (1, 16, 3, 1), (8, 4, 4, 2), (3, 12, 5, 3), (6, 2, (3, 5), 2)]


@pytest.mark.parametrize(("c_in", "c_out", "k", "groups"), CONFIGS)
def test_default_init_bound_reads_its_fan_in_from_weight_size_1(c_in, c_out, k, groups) -> None:
    """ConvTranspose2d's default init: U(−b, b) with b = 1/√(out_channels/groups·kH·kW), bias too."""
    kh, kw = pair(k, "kernel_size")
    for layer, fan_in in [
        (nn.ConvTranspose2d(c_in, c_out, k, groups=groups), c_out // groups * kh * kw),
        (nn.Conv2d(c_in, c_out, k, groups=groups), c_in // groups * kh * kw),
    ]:
        bound = default_init_bound(layer.weight)
        assert bound == pytest.approx(1 / fan_in**0.5)
        assert nn.init._calculate_fan_in_and_fan_out(layer.weight)[0] == fan_in  # torch's own rule
        # The draws fill (−b, b): none outside, and over many seeds the largest comes close.
        largest = 0.0
        for seed in range(20):
            torch.manual_seed(seed)
            layer.reset_parameters()
            assert layer.weight.abs().max() <= bound and layer.bias.abs().max() <= bound
            largest = max(largest, layer.weight.abs().max().item())
        assert largest > 0.95 * bound


def test_the_articles_decoder_starts_4_times_larger_than_its_conv2d_twin() -> None:
    """The output std the page expects, sqrt(16·9·b²/3), is the mean over weight draws."""
    x = torch.randn(16, 16, 8, 8, generator=torch.Generator().manual_seed(0))
    for cls, expected in [(nn.Conv2d, (16 * 9 / (3 * 144)) ** 0.5), (nn.ConvTranspose2d, (16 * 9 / 27) ** 0.5)]:
        variances = []
        for seed in range(40):
            torch.manual_seed(seed)
            with torch.no_grad():
                variances.append(cls(16, 1, 3, padding=1, bias=False)(x).var().item())
        assert (sum(variances) / len(variances)) ** 0.5 == pytest.approx(expected, rel=0.1)
