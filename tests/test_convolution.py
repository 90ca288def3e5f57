"""snippets/convolution/ checked against torch: cross-correlation, the output size, Conv2d from
scratch (the short versions and the full ones), the bad-input checks (and that torch refuses the
same inputs), the im2col memory count, the kernels, the photo and its feature maps.

The other pages of the chapter have their own files: test_convolution_<topic>.py."""

from __future__ import annotations

import inspect
import itertools
import warnings

import matplotlib.cbook
import matplotlib.colors
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from snippets.convolution import checks, tables
from snippets.convolution.correlation import cross_correlation, true_convolution
from snippets.convolution.figures import PAD_FILL, READ, ZERO, draw_window
from snippets.convolution.image import grace_hopper
from snippets.convolution.kernels import CLASSIC_KERNELS, kernel_bank
from snippets.convolution.receptive import window
from snippets.convolution.scratch import conv2d_loops, conv2d_unfold, simple_conv2d, simple_conv2d_unfold
from snippets.plotting import new_figure

# Tiny tensors: one thread is faster than two that wait for each other.
pytestmark = pytest.mark.usefixtures("one_thread")

IMPLEMENTATIONS = [conv2d_loops, conv2d_unfold]
DOUBLE = torch.float64  # exact enough that a wrong index can never hide behind a tolerance


def conv2d_quiet(*args, **kwargs) -> torch.Tensor:
    """F.conv2d without its UserWarning about padding='same' with even kernels."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return F.conv2d(*args, **kwargs)


# ---------------------------------------------------------------- cross-correlation vs convolution


@st.composite
def image_and_kernel(draw: st.DrawFn) -> tuple[torch.Tensor, torch.Tensor]:
    h, w = draw(st.integers(1, 5)), draw(st.integers(1, 5))
    kh, kw = draw(st.integers(1, h)), draw(st.integers(1, w))
    g = torch.Generator().manual_seed(draw(st.integers(0, 2**31)))
    return torch.randn(h, w, generator=g, dtype=DOUBLE), torch.randn(kh, kw, generator=g, dtype=DOUBLE)


@settings(max_examples=30, deadline=None)
@given(image_and_kernel())
def test_f_conv2d_is_the_articles_formula_and_flipping_gives_true_convolution(xk) -> None:
    x, k = xk
    torch_out = F.conv2d(x[None, None], k[None, None])[0, 0]
    torch.testing.assert_close(torch_out, cross_correlation(x, k))
    flipped = F.conv2d(x[None, None], k.flip(0, 1)[None, None])[0, 0]
    torch.testing.assert_close(flipped, true_convolution(x, k))


def test_the_two_differ_for_the_pages_kernel() -> None:
    x, k = torch.arange(16.0).reshape(4, 4), torch.tensor([[1.0, 2.0], [3.0, 4.0]])
    assert cross_correlation(x, k)[0, 0] == 34  # 0·1 + 1·2 + 4·3 + 5·4
    assert true_convolution(x, k)[0, 0] == 16  # 5·1 + 4·2 + 1·3 + 0·4: the kernel is flipped
    assert not torch.equal(cross_correlation(x, k), true_convolution(x, k))


# ---------------------------------------------------------------- output size


@settings(max_examples=60, deadline=None)
@given(
    size=st.integers(1, 40),
    kernel_size=st.integers(1, 7),
    stride=st.integers(1, 4),
    padding=st.integers(0, 3),
    dilation=st.integers(1, 3),
)
def test_output_size_formula_matches_torch(size, kernel_size, stride, padding, dilation) -> None:
    if size + 2 * padding < dilation * (kernel_size - 1) + 1:
        return  # torch refuses these; the bad-input tests cover them
    assert checks.conv_output_size(size, kernel_size, stride, padding, dilation) == tables.torch_output_size(
        size, kernel_size, stride, padding, dilation
    )


def test_output_size_table_checks_every_row(monkeypatch: pytest.MonkeyPatch) -> None:
    table = tables.output_size_table()
    rows = [line for line in table.splitlines() if line.startswith("| ")][2:]  # after the header and rule
    assert len(rows) == len(tables.OUTPUT_SIZE_EXAMPLES)
    assert "| 28 | 3, 1, 1, 1 | ⌊27/1 + 1⌋ = **28** |" in table
    # The check can fail: an off-by-one formula must stop the table from being built.
    monkeypatch.setattr(tables, "conv_output_size", lambda *args: checks.conv_output_size(*args) + 1)
    with pytest.raises(AssertionError, match="torch gives"):
        tables.output_size_table()


# ---------------------------------------------------------------- conv from scratch


@st.composite
def conv_case(draw: st.DrawFn) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor | None, dict]:
    """Random valid F.conv2d arguments: shapes, stride, padding, dilation, groups, ints or (h, w) pairs."""
    groups = draw(st.integers(1, 3))
    in_channels = groups * draw(st.integers(1, 2))
    out_channels = groups * draw(st.integers(1, 2))
    kernel_size = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    dilation = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    use_string = draw(st.sampled_from([None, None, None, "valid", "same"]))
    stride = (1, 1) if use_string == "same" else (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    pads = (0, 0) if use_string else (draw(st.integers(0, 2)), draw(st.integers(0, 2)))
    spans = [d * (k - 1) + 1 for k, d in zip(kernel_size, dilation, strict=True)]
    height, width = (
        draw(st.integers(max(1, span - 2 * p), max(1, span - 2 * p) + 4)) for span, p in zip(spans, pads, strict=True)
    )
    batch = draw(st.sampled_from([None, 1, 2]))  # None: an unbatched (C_in, H_in, W_in) input
    g = torch.Generator().manual_seed(draw(st.integers(0, 2**31)))
    shape = (in_channels, height, width) if batch is None else (batch, in_channels, height, width)
    x = torch.randn(shape, generator=g, dtype=DOUBLE)
    w = torch.randn(out_channels, in_channels // groups, *kernel_size, generator=g, dtype=DOUBLE)
    b = torch.randn(out_channels, generator=g, dtype=DOUBLE) if draw(st.booleans()) else None

    def as_int_or_pair(pair: tuple[int, int]) -> int | tuple[int, int]:
        return pair[0] if pair[0] == pair[1] and draw(st.booleans()) else pair

    kwargs = {
        "stride": as_int_or_pair(stride),
        "padding": use_string or as_int_or_pair(pads),
        "dilation": as_int_or_pair(dilation),
        "groups": groups,
    }
    return x, w, b, kwargs


@settings(max_examples=60, deadline=None)
@given(conv_case())
def test_both_scratch_convolutions_equal_f_conv2d(case) -> None:
    x, w, b, kwargs = case
    expected = conv2d_quiet(x, w, b, **kwargs)
    for conv2d in IMPLEMENTATIONS:
        got = conv2d(x, w, b, **kwargs)
        assert got.shape == expected.shape, conv2d.__name__
        torch.testing.assert_close(got, expected, msg=lambda m, f=conv2d.__name__: f"{f}: {m}")


@settings(max_examples=20, deadline=None)
@given(
    c_in=st.integers(1, 3),
    c_out=st.integers(1, 3),
    kernel=st.tuples(st.integers(1, 3), st.integers(1, 3)),
    size=st.tuples(st.integers(3, 8), st.integers(3, 8)),
    stride=st.integers(1, 3),
    padding=st.integers(0, 2),
    seed=st.integers(0, 2**31),
)
def test_the_short_versions_equal_f_conv2d(c_in, c_out, kernel, size, stride, padding, seed) -> None:
    """The page's idea-first versions: one image, square stride and padding, no dilation or groups."""
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(c_in, *size, generator=g, dtype=DOUBLE)
    w = torch.randn(c_out, c_in, *kernel, generator=g, dtype=DOUBLE)
    b = torch.randn(c_out, generator=g, dtype=DOUBLE)
    expected = F.conv2d(x[None], w, b, stride=stride, padding=padding)[0]
    for conv2d in (simple_conv2d, simple_conv2d_unfold):
        torch.testing.assert_close(conv2d(x, w, b, stride, padding), expected)


@pytest.mark.parametrize("kernel_size", [1, 3, 5])
@pytest.mark.parametrize("stride", [1, 2, 3, 4])
def test_im2col_copies_each_value_about_k2_over_s2_times(kernel_size: int, stride: int) -> None:
    """The correction: kH·kW copies per input value only for stride 1; kH·kW/(sH·sW) in general,
    exactly when the stride divides the size (with the padding that keeps stride 1's size)."""
    padding = kernel_size // 2
    for size in (24, 25, 31):
        x = torch.zeros(1, 1, size, size)
        columns = F.unfold(x, kernel_size, padding=padding, stride=stride)
        copies = columns.numel() / x.numel()
        out = checks.conv_output_size(size, kernel_size, stride, padding)
        assert copies == pytest.approx(out * out * kernel_size**2 / size**2)  # the exact count
        if size % stride == 0:
            assert copies == pytest.approx(kernel_size**2 / stride**2)
        else:  # ⌈size/stride⌉ windows a side: a little more, by at most a factor (1 + stride/size)²
            assert kernel_size**2 / stride**2 < copies <= kernel_size**2 / stride**2 * (1 + stride / size) ** 2
    if stride > 1:  # the sentence the page corrects: kH·kW copies is wrong for stride > 1
        assert copies < 0.6 * kernel_size**2


def test_float32_and_the_articles_layer() -> None:
    torch.manual_seed(0)
    layer = torch.nn.Conv2d(1, 16, 3, 1, 1)
    with torch.no_grad():
        x = torch.randn(2, 1, 28, 28)
        torch.testing.assert_close(conv2d_unfold(x, layer.weight, layer.bias, 1, 1), layer(x), atol=1e-5, rtol=1e-4)
        x = x[:1, :, :8, :8]  # the loops are slow: a corner is enough
        torch.testing.assert_close(conv2d_loops(x, layer.weight, layer.bias, 1, 1), layer(x), atol=1e-5, rtol=1e-4)
    assert sum(p.numel() for p in layer.parameters()) == 160


def test_padding_same_puts_the_odd_zero_at_the_end() -> None:
    geo = checks.conv2d_geometry(torch.zeros(1, 1, 6, 6), torch.zeros(1, 1, 4, 2), padding="same", dilation=(1, 3))
    assert geo.padding == ((1, 2), (1, 2))  # totals 1·3 = 3 and 3·1 = 3
    assert geo.output_size == (6, 6)
    geo = checks.conv2d_geometry(torch.zeros(1, 1, 6, 6), torch.zeros(1, 1, 2, 2), padding="same", dilation=2)
    assert geo.padding == ((1, 1), (1, 1))  # an even kernel with an even dilation splits evenly


def test_signatures_mirror_f_conv2d() -> None:
    """The benchmark script calls these by F.conv2d's parameter names."""
    names = ["input", "weight", "bias", "stride", "padding", "dilation", "groups"]
    for conv2d in IMPLEMENTATIONS:
        params = inspect.signature(conv2d).parameters
        assert list(params) == names
        assert [params[n].default for n in names[2:]] == [None, 1, 0, 1, 1]


# ---------------------------------------------------------------- the sliding window


@settings(max_examples=25, deadline=None)
@given(
    size=st.integers(3, 7),
    kernel_size=st.integers(1, 3),
    stride=st.integers(1, 3),
    padding=st.integers(0, 2),
    dilation=st.integers(1, 2),
    data=st.data(),
)
def test_window_lists_exactly_the_cells_that_reach_an_output(size, kernel_size, stride, padding, dilation, data):
    """Independent of the index formula: autograd says which input cells an output depends on."""
    if size + 2 * padding < dilation * (kernel_size - 1) + 1:
        return
    x = torch.zeros(1, 1, size, size, requires_grad=True)
    w = torch.ones(1, 1, kernel_size, kernel_size)
    out = F.conv2d(x, w, stride=stride, padding=padding, dilation=dilation)
    i = data.draw(st.integers(0, out.shape[-2] - 1))
    j = data.draw(st.integers(0, out.shape[-1] - 1))
    out[0, 0, i, j].backward()
    reached = {tuple(rc) for rc in x.grad[0, 0].nonzero().tolist()}
    taps = window(i, j, (kernel_size,) * 2, (stride,) * 2, (padding,) * 2, (dilation,) * 2)
    assert {(row, col) for _, _, row, col in taps if 0 <= row < size and 0 <= col < size} == reached
    assert len(taps) == kernel_size**2


def test_window_figure_draws_the_taps_of_window() -> None:
    fig = new_figure(4, 2)
    ax_in, ax_out = fig.subplots(1, 2)
    draw_window(ax_in, ax_out, 4, 3, (0, 0), padding=1)
    colours = [matplotlib.colors.to_hex(p.get_facecolor()) for p in ax_in.patches]
    taps = window(0, 0, (3, 3), (1, 1), (1, 1), (1, 1))
    on_padding = sum(not (0 <= row < 4 and 0 <= col < 4) for _, _, row, col in taps)
    assert colours.count(READ.lower()) == len(taps) - on_padding == 4
    assert colours.count(ZERO.lower()) == on_padding == 5
    assert colours.count(PAD_FILL) == 6 * 6 - 4 * 4 - on_padding


# ---------------------------------------------------------------- bad input: refuse what torch refuses

X = torch.zeros(1, 4, 5, 5)
W = torch.zeros(4, 4, 3, 3)
BAD_INPUT = {
    # case: (F.conv2d arguments, the parameter our ValueError must name)
    "kernel larger than input": ({"input": X[..., :2, :2], "weight": W}, "kernel_size.*padding"),
    "dilated kernel larger than input": ({"input": X[..., :4, :4], "weight": W, "dilation": 2}, "kernel_size.*padding"),
    "kernel wider than padded input": ({"input": X[..., :1], "weight": W, "padding": (1, 0)}, "kernel_size.*width"),
    "groups not dividing in_channels": ({"input": X, "weight": torch.zeros(3, 1, 3, 3), "groups": 3}, "groups"),
    "groups not dividing out_channels": ({"input": X, "weight": torch.zeros(3, 2, 3, 3), "groups": 2}, "groups"),
    "groups=0": ({"input": X, "weight": W, "groups": 0}, "groups"),
    "stride=0": ({"input": X, "weight": W, "stride": 0}, "stride"),
    "negative stride": ({"input": X, "weight": W, "stride": -1}, "stride"),
    "stride=(1, 0)": ({"input": X, "weight": W, "stride": (1, 0)}, "stride"),
    "stride with 3 values": ({"input": X, "weight": W, "stride": (1, 1, 1)}, "stride"),
    "negative padding": ({"input": X, "weight": W, "padding": -1}, "padding"),
    "unknown padding string": ({"input": X, "weight": W, "padding": "full"}, "padding"),
    "padding='same' with stride 2": ({"input": X, "weight": W, "padding": "same", "stride": 2}, "padding='same'"),
    "dilation=0": ({"input": X, "weight": W, "dilation": 0}, "dilation"),
    "weight channels != in_channels/groups": ({"input": X, "weight": torch.zeros(4, 3, 3, 3)}, r"weight\.shape\[1\]"),
    "grouped weight with all channels": ({"input": X, "weight": W, "groups": 2}, r"weight\.shape\[1\]"),
    "2-D input": ({"input": X[0, 0], "weight": W}, "input"),
    "5-D input": ({"input": X[None], "weight": W}, "input"),
    "3-D weight": ({"input": X, "weight": W[0]}, "weight"),
    "bias of the wrong length": ({"input": X, "weight": W, "bias": torch.zeros(3)}, "bias"),
    "weight dtype != input dtype": ({"input": X, "weight": W.double()}, "dtype"),
}


@pytest.mark.parametrize("case", list(BAD_INPUT))
def test_torch_refuses_the_bad_input(case: str) -> None:
    arguments, _ = BAD_INPUT[case]
    with pytest.raises(RuntimeError):
        F.conv2d(**arguments)


@pytest.mark.parametrize("conv2d", IMPLEMENTATIONS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("case", list(BAD_INPUT))
def test_scratch_refuses_it_naming_the_parameter(case: str, conv2d) -> None:
    arguments, name = BAD_INPUT[case]
    with pytest.raises(ValueError, match=name):
        conv2d(**arguments)


def test_edge_cases_torch_accepts_are_accepted() -> None:
    """The checks must not be stricter than torch: a kernel exactly as large as the padded input is fine."""
    x, w = torch.randn(1, 2, 1, 3, dtype=DOUBLE), torch.randn(2, 2, 3, 3, dtype=DOUBLE)
    expected = F.conv2d(x, w, padding=(1, 0))
    assert expected.shape == (1, 2, 1, 1)
    for conv2d in IMPLEMENTATIONS:
        torch.testing.assert_close(conv2d(x, w, padding=(1, 0)), expected)
        torch.testing.assert_close(
            conv2d(x, w, padding=[1, 0], stride=[5, 5]), F.conv2d(x, w, padding=[1, 0], stride=[5, 5])
        )


# ---------------------------------------------------------------- kernels and photo


def test_classic_kernels_do_what_their_names_say() -> None:
    ramp = torch.arange(5.0).repeat(5, 1)[None, None]  # brighter to the right, one unit per column
    maps = F.conv2d(ramp, kernel_bank())[0]  # Sobel x, Sobel y, box blur, sharpen
    assert torch.all(maps[0] == 8)  # (1 + 2 + 1) · 2 columns apart
    assert torch.all(maps[1] == 0)  # no vertical change
    torch.testing.assert_close(maps[2], ramp[0, 0, 1:-1, 1:-1])  # the mean of a linear ramp is its centre
    torch.testing.assert_close(maps[3], ramp[0, 0, 1:-1, 1:-1])  # nothing to sharpen on a linear ramp
    assert kernel_bank().shape == (len(CLASSIC_KERNELS), 1, 3, 3)
    for kernel in [CLASSIC_KERNELS["Box blur"], CLASSIC_KERNELS["Sharpen"]]:
        assert kernel.sum().item() == pytest.approx(1.0)  # a flat image stays flat


def test_photo_ships_with_matplotlib_and_is_public_domain_source() -> None:
    from PIL import Image

    photo = grace_hopper()
    assert photo.shape == (1, 1, 150, 128)
    assert photo.min() >= 0 and photo.max() <= 1
    path = matplotlib.cbook.get_sample_data("grace_hopper.jpg", asfileobj=False)
    assert b"commons.wikimedia.org/wiki/File:Grace_Hopper.jpg" in Image.open(path).info["comment"]


def sharpness(image: torch.Tensor) -> float:
    """Mean absolute difference between neighbouring pixels, of the image scaled to unit spread."""
    z = (image - image.mean()) / image.std()
    return ((z[1:] - z[:-1]).abs().mean() + (z[:, 1:] - z[:, :-1]).abs().mean()).item()


def test_the_sum_of_the_weights_is_the_dc_gain_not_a_blur() -> None:
    """The correction of the feature-maps page: the sum of a filter's weights is its response to
    flat regions, so a large sum makes a map like the photo (or its negative); it does not make a blur."""
    torch.manual_seed(0)  # the page's seed, so the page's layer
    layer = torch.nn.Conv2d(1, 16, 3, 1, 1)
    photo = grace_hopper()
    with torch.no_grad():
        maps = layer(photo)[0]
        flat = layer(torch.full((1, 1, 5, 5), 0.5))[0, :, 2, 2] - layer.bias
    totals = layer.weight.sum(dim=(1, 2, 3))
    torch.testing.assert_close(flat, 0.5 * totals.detach())
    for k in range(16):
        r = torch.corrcoef(torch.stack([maps[k].flatten(), photo.flatten()]))[0, 1].item()
        if abs(totals[k]) > 0.4:  # a large sum: the photo, or its negative
            assert r * totals[k].item() > 0 and abs(r) > 0.8, (k, r)
    assert totals.abs().argmax() == 3 and totals.argmax() == 15  # the maps the page names
    # The same sum, opposite effects: the box blur and the sharpen kernel both sum to 1.
    inner = photo[0, 0, 1:-1, 1:-1]
    blurred = F.conv2d(photo, CLASSIC_KERNELS["Box blur"][None, None])[0, 0]
    sharpened = F.conv2d(photo, CLASSIC_KERNELS["Sharpen"][None, None])[0, 0]
    assert sharpness(blurred) < sharpness(inner) < sharpness(sharpened)


def test_gradient_descent_recovers_sobel_x_from_noise() -> None:
    """The feature-maps page's claim: twenty steps of plain gradient descent, from random weights,
    find the kernel that made an edge map (to two decimals); one step finds nothing like it."""
    torch.manual_seed(0)  # the page's seed
    sobel_x = CLASSIC_KERNELS["Sobel x"].reshape(1, 1, 3, 3)
    x = torch.randn(1, 1, 32, 32)
    y = F.conv2d(x, sobel_x)
    conv = torch.nn.Conv2d(1, 1, 3, bias=False)
    errors = []
    for _ in range(20):
        loss = ((conv(x) - y) ** 2).mean()
        conv.zero_grad()
        loss.backward()
        with torch.no_grad():
            conv.weight -= 0.2 * conv.weight.grad
        errors.append((conv.weight - sobel_x).norm().item())
    assert errors[0] > 0.5  # not there after one step
    assert errors[-1] < 1e-3  # there after twenty
    assert all(b < a for a, b in itertools.pairwise(errors))  # closer at every step
