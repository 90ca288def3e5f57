"""The Transposed convolution chapter's claims about checkerboard artifacts, artifacts in gradients,
sub-pixel convolution and the fixes, each checked against torch (mirrors snippets/transposed/)."""

from __future__ import annotations

import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from snippets.convolution.image import grace_hopper_square
from snippets.transposed import tables
from snippets.transposed.checkerboard import overlap_counts, overlap_counts_1d, periodic_share, phase_sums
from snippets.transposed.fixes import (
    bilinear_conv_transpose2d,
    bilinear_kernel,
    icnr_,
    nearest_conv_as_transposed,
    nearest_conv_transpose2d,
    resize_conv,
)
from snippets.transposed.gradients import critic
from snippets.transposed.shapes import conv_transpose_output_size
from snippets.transposed.subpixel import subpixel_as_transposed

FAST = settings(max_examples=50, deadline=None)

# Small tensors: with several threads, waking them costs more than the work.
pytestmark = pytest.mark.usefixtures("one_thread")


def f64(*shape: int, generator: torch.Generator | None = None) -> torch.Tensor:
    return torch.randn(*shape, dtype=torch.float64, generator=generator)


# ---------------------------------------------------------------------------------------------
# Overlap and phase sums


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


@FAST
@given(
    kernel_size=st.integers(1, 6),
    stride=st.integers(1, 3),
    padding=st.integers(0, 2),
    seed=st.integers(0, 2**16),
)
def test_phase_sums_are_what_a_constant_input_gives(kernel_size, stride, padding, seed) -> None:
    """Away from the border, output row m of a constant input sums the taps ≡ m + padding (mod stride)."""
    assume(padding < kernel_size)
    gen = torch.Generator().manual_seed(seed)
    w, b = f64(1, 1, kernel_size, kernel_size, generator=gen), f64(1, generator=gen)
    out = F.conv_transpose2d(torch.ones(1, 1, 12, 12, dtype=torch.float64), w, b, stride=stride, padding=padding)
    sums = phase_sums(w[0, 0], stride)
    for m in range(kernel_size, kernel_size + stride):  # one period, away from the border
        for n in range(kernel_size, kernel_size + stride):
            expected = sums[(m + padding) % stride, (n + padding) % stride] + b[0]
            torch.testing.assert_close(out[0, 0, m, n], expected)


def test_phase_sums_count_the_taps_of_an_all_ones_kernel() -> None:
    """With a kernel of ones, the phase sums are the overlap counts: uneven for kernel 3, even for 4."""
    assert phase_sums(torch.ones(3, 3), 2).tolist() == [[4, 2], [2, 1]]
    assert phase_sums(torch.ones(4, 4), 2).tolist() == [[4, 4], [4, 4]]
    assert phase_sums(torch.ones(2, 3, 4, 4), 2).shape == (2, 3, 2, 2)  # leading dimensions kept


# ---------------------------------------------------------------------------------------------
# Artifacts in gradients


@pytest.mark.parametrize(("kernel_size", "padding"), [(4, 1), (3, 1)])
def test_a_strided_convolution_sends_back_a_transposed_convolution_of_the_gradient(kernel_size, padding) -> None:
    torch.manual_seed(0)
    down = nn.Conv2d(1, 1, kernel_size, stride=2, padding=padding, bias=False).double()
    x = f64(1, 1, 16, 16).requires_grad_()
    down(x).sum().backward()
    upstream = torch.ones(1, 1, 8, 8, dtype=torch.float64)
    output_padding = 16 - conv_transpose_output_size(8, kernel_size, 2, padding)
    expected = F.conv_transpose2d(upstream, down.weight, stride=2, padding=padding, output_padding=output_padding)
    torch.testing.assert_close(x.grad, expected)
    inner = x.grad[0, 0, 4:-4, 4:-4]
    torch.testing.assert_close(inner[2:], inner[:-2])  # it repeats every 2 pixels ...
    torch.testing.assert_close(inner[:, 2:], inner[:, :-2])
    assert inner.max() - inner.min() > 0.05  # ... and is not flat
    # Its values are the kernel's phase sums (as on the checkerboard page).
    sums = phase_sums(down.weight[0, 0].detach(), 2)
    torch.testing.assert_close(inner[:2, :2].flatten().sort().values, sums.flatten().sort().values)


@pytest.mark.parametrize("source", ["random", "photo"])
def test_a_stride_2_critic_sends_back_a_gradient_that_repeats_every_4_pixels(source) -> None:
    """The claim of the gradient page, for ten seeds: share > 0.4 with stride 2, < 0.05 with stride 1."""
    shares = {1: [], 2: []}
    for seed in range(10):
        for stride in (1, 2):
            torch.manual_seed(seed)
            model = critic(stride)
            image = torch.rand(1, 1, 64, 64) if source == "random" else grace_hopper_square(64)
            x = image.clone().requires_grad_()
            model(x).mean().backward()
            shares[stride].append(periodic_share(x.grad[0, 0, 4:-4, 4:-4], period=4))
    assert min(shares[2]) > 0.4, shares
    assert max(shares[1]) < 0.05, shares


def test_periodic_share_is_0_without_a_pattern_and_1_for_a_pure_one() -> None:
    tile = torch.tensor([[1.0, -2.0], [0.5, 3.0]])
    assert periodic_share(tile.repeat(10, 10), 2) == pytest.approx(1.0)
    noise = torch.randn(200, 200, generator=torch.Generator().manual_seed(0))
    assert periodic_share(noise, 4) < 0.01  # 16 phase means of 2500 pixels each: chance level
    mixed = noise + 2 * tile.repeat(100, 100)
    assert 0.5 < periodic_share(mixed, 2) < 1.0


# ---------------------------------------------------------------------------------------------
# Sub-pixel convolution


@FAST
@given(
    factor=st.integers(2, 3),
    kernel_size=st.sampled_from([1, 3, 5]),
    c_in=st.integers(1, 3),
    c_out=st.integers(1, 3),
    h=st.integers(1, 5),
    w=st.integers(1, 5),
    seed=st.integers(0, 2**16),
)
def test_subpixel_convolution_is_a_transposed_convolution(factor, kernel_size, c_in, c_out, h, w, seed) -> None:
    """Conv2d(k, padding=k // 2) → PixelShuffle(f) == ConvTranspose2d(f·k, stride=f, padding=f·(k − 1)/2)."""
    gen = torch.Generator().manual_seed(seed)
    weight = f64(c_out * factor**2, c_in, kernel_size, kernel_size, generator=gen)
    x = f64(2, c_in, h, w, generator=gen)
    by_shuffle = F.pixel_shuffle(F.conv2d(x, weight, padding=kernel_size // 2), factor)
    k6 = subpixel_as_transposed(weight, factor)
    assert k6.shape == (c_in, c_out, factor * kernel_size, factor * kernel_size)
    by_conv_t = F.conv_transpose2d(x, k6, stride=factor, padding=factor * (kernel_size - 1) // 2)
    assert by_conv_t.shape == (2, c_out, factor * h, factor * w)
    torch.testing.assert_close(by_shuffle, by_conv_t, rtol=0, atol=1e-12)


def test_subpixel_k6_kernel_uses_each_weight_once() -> None:
    """Every tap of the 6 × 6 kernel is one Conv2d weight: a permutation, so the 36 taps are all free."""
    weight = torch.arange(4 * 2 * 3 * 3, dtype=torch.float64).view(4, 2, 3, 3)  # all different
    k6 = subpixel_as_transposed(weight)
    assert k6.shape == (2, 1, 6, 6)
    assert torch.equal(k6.flatten().sort().values, weight.flatten().sort().values)


@pytest.mark.parametrize("shape", [(4, 2, 3, 4), (4, 2, 2, 2), (6, 2, 3, 3)])
def test_subpixel_as_transposed_refuses_what_it_cannot_fold(shape) -> None:
    with pytest.raises(ValueError, match="weight"):
        subpixel_as_transposed(torch.zeros(shape))


def test_upsampler_costs_table_is_measured_and_can_fail(monkeypatch: pytest.MonkeyPatch) -> None:
    table = tables.upsampler_costs()
    rows = {line.split(" | ")[0].lstrip("| "): line.split(" | ")[1:] for line in table.splitlines()[2:]}
    assert rows["nearest ×2, then `Conv2d` 3×3"] == ["k4 s2 p1, tied", "9 of 16", "2 × 2", "36", "9 |"]
    assert rows["`Conv2d` 3×3 to 4·C, then `PixelShuffle(2)`"] == ["k6 s2 p2", "36 of 36", "3 × 3", "36", "9 |"]
    assert rows["`ConvTranspose2d`, kernel 4"] == ["k4 s2 p1", "16 of 16", "2 × 2", "16", "4 |"]
    assert rows["`ConvTranspose2d`, kernel 2"] == ["k2 s2", "4 of 4", "1 × 1", "4", "1 |"]
    # The table must fail when a layer is not the ConvTranspose2d it claims to be.
    monkeypatch.setattr(tables, "subpixel_as_transposed", lambda w: w.new_zeros(w.shape[1], w.shape[0] // 4, 6, 6))
    with pytest.raises(AssertionError, match="is not the ConvTranspose2d"):
        tables.upsampler_costs()


# ---------------------------------------------------------------------------------------------
# The fixes: equal phase sums by construction


@FAST
@given(
    c_in=st.integers(1, 3),
    c_out=st.integers(1, 3),
    h=st.integers(1, 5),
    w=st.integers(1, 5),
    seed=st.integers(0, 2**16),
)
def test_nearest_conv_is_a_tied_k4_transposed_conv_with_equal_phase_sums(c_in, c_out, h, w, seed) -> None:
    gen = torch.Generator().manual_seed(seed)
    weight, bias = f64(c_out, c_in, 3, 3, generator=gen), f64(c_out, generator=gen)
    x = f64(2, c_in, h, w, generator=gen)
    resized = F.conv2d(F.interpolate(x, scale_factor=2, mode="nearest"), weight, bias, padding=1)
    tied = nearest_conv_as_transposed(weight)
    assert tied.shape == (c_in, c_out, 4, 4)
    torch.testing.assert_close(F.conv_transpose2d(x, tied, bias, stride=2, padding=1), resized, rtol=0, atol=1e-12)
    # Each phase sums all nine 3 × 3 weights, for any weights.
    sums = phase_sums(tied, 2)  # (c_in, c_out, 2, 2)
    torch.testing.assert_close(sums, weight.sum((-2, -1)).T[..., None, None].expand_as(sums))


def test_nearest_conv_as_transposed_refuses_a_weight_that_is_not_3x3() -> None:
    with pytest.raises(ValueError, match="weight"):
        nearest_conv_as_transposed(torch.zeros(5, 2, 4, 4))


@pytest.mark.parametrize(("factor", "c_in", "c_out"), [(2, 3, 5), (2, 1, 1), (3, 2, 2)])
def test_icnr_starts_as_a_convolution_then_nearest_resize(factor, c_in, c_out) -> None:
    torch.manual_seed(0)
    conv = icnr_(nn.Conv2d(c_in, c_out * factor**2, 3, padding=1), factor)
    x = torch.randn(2, c_in, 5, 6)
    with torch.no_grad():
        by_shuffle = F.pixel_shuffle(conv(x), factor)
        base = F.conv2d(x, conv.weight[:: factor**2], conv.bias[:: factor**2], padding=1)
    torch.testing.assert_close(by_shuffle, F.interpolate(base, scale_factor=factor, mode="nearest"))
    # All its phase sums are equal (per channel pair), and the weights keep Conv2d's default bound.
    sums = phase_sums(subpixel_as_transposed(conv.weight.detach(), factor), factor)
    torch.testing.assert_close(sums, sums[..., :1, :1].expand_as(sums))
    bound = 1 / (c_in * 9) ** 0.5
    assert conv.weight.abs().max() <= bound and conv.bias.abs().max() <= bound


def test_icnr_refuses_channels_that_pixel_shuffle_cannot_split() -> None:
    with pytest.raises(ValueError, match="out_channels"):
        icnr_(nn.Conv2d(2, 6, 3), factor=2)


def test_random_subpixel_prints_the_pattern_and_icnr_does_not() -> None:
    flat = torch.ones(1, 1, 16, 16)
    for seed in range(5):
        torch.manual_seed(seed)
        random = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.PixelShuffle(2))
        icnr = nn.Sequential(icnr_(nn.Conv2d(1, 4, 3, padding=1)), nn.PixelShuffle(2))
        with torch.no_grad():
            inner_random, inner_icnr = random(flat)[0, 0, 2:-2, 2:-2], icnr(flat)[0, 0, 2:-2, 2:-2]
        assert inner_random.max() - inner_random.min() > 0.05
        torch.testing.assert_close(inner_icnr, inner_icnr[:1, :1].expand_as(inner_icnr))
