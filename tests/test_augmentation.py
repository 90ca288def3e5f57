"""snippets.augmentation, the transforms: joint calls keep image and mask aligned, the pitfalls are what the
pages say, the table holds, the default interpolations are the installed torchvision's, bad input is refused.

The data side (scenes, Dataset, DataLoader workers, start methods, the ablation) is in test_augmentation_data.py.
"""

from __future__ import annotations

from functools import cache

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torchvision import tv_tensors
from torchvision.transforms import v2
from torchvision.transforms.v2 import InterpolationMode
from torchvision.transforms.v2 import functional as F

from snippets.augmentation import tables
from snippets.augmentation.dataset import make_scene
from snippets.augmentation.interpolation import RESAMPLING, default_interpolation, rings, rotation_error
from snippets.augmentation.pitfalls import disagreement
from snippets.augmentation.properties import follows_label_map
from snippets.augmentation.transforms import (
    CATALOG,
    Augmentation,
    JointTransform,
    check_pair,
    coordinate_labels,
    mask_handling,
)

# Small tensors: with several threads, waking them costs more than the work.
pytestmark = pytest.mark.usefixtures("one_thread")

SIZE = 24  # small images keep the property tests fast
NEAREST, BILINEAR = InterpolationMode.NEAREST, InterpolationMode.BILINEAR


# --- strategies: random transform chains ------------------------------------------------------


def geometric(interpolation: InterpolationMode) -> st.SearchStrategy[v2.Transform]:
    """One geometric v2 transform with drawn parameters; `interpolation` is the image's."""
    unit = st.floats(0.0, 1.0)
    return st.one_of(
        st.builds(v2.RandomHorizontalFlip, p=unit),
        st.builds(v2.RandomVerticalFlip, p=unit),
        st.builds(lambda d: v2.RandomRotation(d, interpolation=interpolation), st.floats(0, 180)),
        st.builds(
            lambda d, t, s, sh: v2.RandomAffine(
                d, translate=(t, t), scale=(s, 1 / s), shear=sh, interpolation=interpolation
            ),
            st.floats(0, 90),
            st.floats(0, 0.3),
            st.floats(0.6, 1.0),
            st.floats(0, 30),
        ),
        st.builds(
            lambda a, s: v2.ElasticTransform(alpha=a, sigma=s, interpolation=interpolation),
            st.floats(0, 60),
            st.floats(0.5, 2.5),  # its smoothing kernel, about 8 sigma wide, must fit in SIZE pixels
        ),
        st.builds(
            lambda low: v2.RandomResizedCrop(SIZE, scale=(low, 1.0), interpolation=interpolation), st.floats(0.2, 1.0)
        ),
        st.builds(
            lambda d: v2.RandomPerspective(distortion_scale=d, p=1.0, interpolation=interpolation), st.floats(0, 0.6)
        ),
        st.builds(lambda pad: v2.RandomCrop(SIZE, padding=pad), st.integers(0, 6)),
    )


def photometric() -> st.SearchStrategy[v2.Transform]:
    """One photometric v2 transform with drawn parameters (float images in [0, 1])."""
    amount = st.floats(0.0, 0.9)
    return st.one_of(
        st.builds(
            lambda b, c, s, h: v2.ColorJitter(brightness=b, contrast=c, saturation=s, hue=h),
            amount,
            amount,
            amount,
            st.floats(0, 0.5),
        ),
        st.builds(lambda k, s: v2.GaussianBlur(k, sigma=s), st.sampled_from([3, 5, 7]), st.floats(0.1, 3.0)),
        st.builds(lambda s: v2.GaussianNoise(sigma=s), st.floats(0, 0.3)),
        st.builds(v2.RandomGrayscale, p=st.floats(0, 1)),
        st.builds(v2.RandomInvert, p=st.floats(0, 1)),
        st.builds(v2.RandomAutocontrast, p=st.floats(0, 1)),
        st.builds(lambda f: v2.RandomAdjustSharpness(f, p=1.0), st.floats(0, 3)),
    )


seeds = st.integers(0, 2**31 - 1)


# --- property tests ---------------------------------------------------------------------------


@settings(max_examples=50, deadline=None)
@given(seed=seeds, chain=st.lists(geometric(NEAREST), min_size=1, max_size=3))
def test_mask_is_the_geometric_transform_of_the_label_map(seed: int, chain: list[v2.Transform]) -> None:
    # The page's property: every pixel has its own label, as the mask and as a NEAREST image;
    # after one joint call the two agree everywhere.
    assert follows_label_map(JointTransform(v2.Compose(chain)), size=SIZE, seed=seed)


@settings(max_examples=50, deadline=None)
@given(
    seed=seeds,
    classes=st.integers(2, 6),
    dtype=st.sampled_from([torch.uint8, torch.int64]),
    chain=st.lists(st.one_of(geometric(BILINEAR), photometric()), min_size=1, max_size=4),
)
def test_mask_values_stay_within_the_label_set(
    seed: int, classes: int, dtype: torch.dtype, chain: list[v2.Transform]
) -> None:
    gen = torch.Generator().manual_seed(seed)
    # Blocks of 4x4 pixels, so that labels meet along edges, where bilinear would blend them.
    blocks = torch.randint(0, classes, (SIZE // 4, SIZE // 4), generator=gen, dtype=dtype)
    mask = blocks.repeat_interleave(4, 0).repeat_interleave(4, 1)
    image = torch.rand(3, SIZE, SIZE, generator=gen)
    torch.manual_seed(seed)
    _, out_mask = JointTransform(v2.Compose(chain))(image, mask)
    allowed = {0, *mask.unique().tolist()}  # the input's labels and the fill value 0
    assert set(out_mask.unique().tolist()) <= allowed
    assert out_mask.dtype == dtype and type(out_mask) is torch.Tensor


@settings(max_examples=50, deadline=None)
@given(seed=seeds, chain=st.lists(photometric(), min_size=1, max_size=4))
def test_photometric_transforms_leave_the_mask_unchanged(seed: int, chain: list[v2.Transform]) -> None:
    image, mask = make_scene(32, seed=seed % 1000)
    torch.manual_seed(seed)
    out_image, out_mask = JointTransform(v2.Compose(chain))(image, mask)
    assert torch.equal(out_mask, mask)
    assert out_image.shape == image.shape


def test_separate_calls_misalign_and_one_call_does_not() -> None:
    """The pitfall the page measures: two calls draw two angles; `disagreement` measures it."""
    image, mask = make_scene(64, seed=0)
    rotate = v2.RandomRotation(30, interpolation=BILINEAR)
    everywhere, on_objects = disagreement(rotate, image, mask, seed=0)
    assert 0 < everywhere < on_objects <= 1  # the errors sit on the objects' edges and insides
    mean = sum(disagreement(rotate, image, mask, seed)[1] for seed in range(20)) / 20
    assert mean > 0.25  # the page's "mean over 20 seeds", far from a rare accident
    # One call for both is what `disagreement` compares against: it must agree with itself.
    assert disagreement(v2.RandomRotation((0, 0)), image, mask, seed=0) == (0.0, 0.0)


def test_disagreement_refuses_a_transform_that_torch_does_not_seed() -> None:
    image, mask = make_scene(32, seed=0)
    draws = iter(range(100))

    def unseeded(*inputs):
        angle = float(next(draws))  # not from torch's RNG: the same seed gives another angle
        out = tuple(F.rotate(x, angle) for x in inputs)
        return out if len(out) > 1 else out[0]

    with pytest.raises(RuntimeError, match="is the transform seeded by torch"):
        disagreement(unseeded, image, mask, seed=0)


@pytest.mark.parametrize(
    ("wrap_image", "wrap_mask", "mask_moves"),
    [(False, False, False), (True, False, False), (True, True, True), (False, True, True)],
    ids=["plain-plain", "image-wrapped-mask-plain", "image-mask", "plain-image-mask-wrapped"],
)
def test_only_a_wrapped_mask_is_transformed(wrap_image: bool, wrap_mask: bool, mask_moves: bool) -> None:
    """v2's rule: with no Image among the inputs the first plain tensor is the image; once an Image is
    there, every plain tensor passes through. The half-wrapped pair loses its mask like the all-plain one."""
    image, mask = make_scene(32, seed=0)
    rotate = v2.RandomRotation((20, 30))
    torch.manual_seed(0)
    out_image, out_mask = rotate(
        tv_tensors.Image(image) if wrap_image else image, tv_tensors.Mask(mask) if wrap_mask else mask
    )
    assert not torch.equal(out_image, image)  # the image is rotated in every case
    assert (not torch.equal(out_mask, mask)) == mask_moves
    torch.manual_seed(0)
    _, joint_mask = JointTransform(rotate)(image, mask)  # the wrapper wraps both
    assert not torch.equal(joint_mask, mask)


def test_bilinear_mask_invents_labels_and_nearest_does_not() -> None:
    _, mask = make_scene(64, seed=0)
    bilinear = F.rotate(mask[None].float(), angle=30.0, interpolation=BILINEAR)[0]
    nearest = F.rotate(tv_tensors.Mask(mask), angle=30.0, interpolation=BILINEAR)  # a Mask ignores it
    assert (bilinear != bilinear.round()).any()
    assert set(nearest.unique().tolist()) <= {0, 1, 2}


# --- the table's claims -----------------------------------------------------------------------


@pytest.mark.parametrize("aug", CATALOG, ids=[a.name for a in CATALOG])
def test_table_rows_hold_for_torchvision(aug: Augmentation) -> None:
    words = mask_handling(aug, size=24, seeds=range(3))
    assert words.startswith("Yes, same draw; nearest" if aug.kind == "geometric" else "No: passed through unchanged")


class SeparateDraws:
    """A broken joint transform: image and mask get one call each."""

    def __init__(self, size: int, interpolation: InterpolationMode) -> None:
        self.rotate = v2.RandomRotation(40, interpolation=interpolation)

    def __call__(self, image: torch.Tensor, mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return self.rotate(tv_tensors.Image(image)), self.rotate(tv_tensors.Mask(mask))


class BilinearMask:
    """A broken joint transform: the mask is resampled bilinearly (and rounded back to labels)."""

    def __init__(self, size: int, interpolation: InterpolationMode) -> None:
        self.interpolation = interpolation

    def __call__(self, image: torch.Tensor, mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        angle = float(torch.empty(()).uniform_(-40, 40))
        out_mask = F.rotate(mask[None].float(), angle, interpolation=BILINEAR)[0].round().long()
        return F.rotate(image, angle, interpolation=self.interpolation), tv_tensors.Mask(out_mask)


@pytest.mark.parametrize(
    ("make", "kind", "message"),
    [
        (lambda size, interp: v2.RandomRotation(30), "photometric", "changed the mask"),
        (lambda size, interp: v2.ColorJitter(brightness=0.5), "geometric", "not the nearest-resampled"),
        (lambda size, interp: v2.RandomGrayscale(p=1.0), "geometric", "never moved"),
        (SeparateDraws, "geometric", "not the nearest-resampled image under one draw"),
        (BilinearMask, "geometric", "not the nearest-resampled image under one draw"),
        (lambda size, interp: v2.RandomHorizontalFlip(p=0.0), "geometric", "image never changed"),
    ],
    ids=["rotation-as-photometric", "jitter-as-geometric", "grey-as-geometric", "separate", "bilinear", "no-op"],
)
def test_table_check_catches_false_claims(make, kind: str, message: str) -> None:
    aug = Augmentation("broken", make, kind, "", "", "")
    with pytest.raises(RuntimeError, match=message):
        mask_handling(aug, size=16, seeds=range(4))


# --- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("image", "mask", "message"),
    [
        (torch.rand(3, 32, 32), torch.zeros(32, 24, dtype=torch.int64), r"image and mask sizes differ.*\(32, 24\)"),
        (torch.rand(3, 32, 32), torch.zeros(1, 16, 32, dtype=torch.uint8), "image and mask sizes differ"),
        (torch.rand(3, 32, 32), torch.zeros(32, 32), "mask must hold integer class labels.*torch.float32"),
        (torch.rand(3, 32, 32), torch.zeros(32, 32, dtype=torch.float64), "mask must hold integer.*float64"),
        (torch.rand(3, 32, 32), torch.zeros(32, 32, dtype=torch.bool), "mask must hold integer.*torch.bool"),
        (torch.rand(32, 32), torch.zeros(32, 32, dtype=torch.int64), r"image must have shape \(C, H, W\)"),
        (torch.rand(3, 32, 32), torch.zeros(2, 32, 32, dtype=torch.int64), r"mask must have shape \(H, W\)"),
        (torch.zeros(3, 32, 32, dtype=torch.int32), torch.zeros(32, 32, dtype=torch.int64), "image must be float"),
        ([[0.0]], torch.zeros(32, 32, dtype=torch.int64), "image must be a torch.Tensor, got list"),
    ],
    ids=[
        "width",
        "height",
        "float32-mask",
        "float64-mask",
        "bool-mask",
        "2d-image",
        "2-channel-mask",
        "int-image",
        "list",
    ],
)
def test_bad_pairs_are_refused_with_a_clear_error(image, mask, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        check_pair(image, mask)
    with pytest.raises(ValueError, match=message):
        JointTransform(v2.RandomHorizontalFlip())(image, mask)


@pytest.mark.parametrize(
    ("transform", "notices"),
    [
        (v2.RandomCrop(16), True),
        (v2.RandomResizedCrop(16), True),
        (v2.RandomAffine(20), True),
        (v2.ElasticTransform(), True),
        (v2.RandomHorizontalFlip(p=1.0), False),
        (v2.RandomRotation(20), False),
        (v2.ColorJitter(brightness=0.5), False),
        (v2.GaussianBlur(5), False),
        (v2.GaussianNoise(), False),
    ],
    ids=lambda x: type(x).__name__ if isinstance(x, v2.Transform) else str(x),
)
def test_v2_alone_notices_a_mask_of_another_size_only_where_it_needs_sizes(
    transform: v2.Transform, notices: bool
) -> None:
    """The joint page's reason for check_pair: v2 lets flips, rotations and
    photometric transforms go ahead with mismatched sizes, and float masks."""
    image = tv_tensors.Image(torch.rand(3, 32, 32))
    narrow = tv_tensors.Mask(torch.zeros(32, 24, dtype=torch.int64))
    if notices:
        with pytest.raises(ValueError, match="Found multiple HxW dimensions"):
            transform(image, narrow)
    else:
        transform(image, narrow)
    transform(image, tv_tensors.Mask(torch.zeros(32, 32)))  # a float mask: no error


def test_good_pairs_pass_and_come_back_as_plain_tensors() -> None:
    image = torch.rand(3, 32, 32)
    for mask in (torch.zeros(32, 32, dtype=torch.uint8), torch.zeros(1, 32, 32, dtype=torch.int64)):
        check_pair(image, mask)
        out_image, out_mask = JointTransform(v2.RandomRotation(20))(image, mask)
        assert type(out_image) is torch.Tensor and type(out_mask) is torch.Tensor
        assert out_mask.shape == mask.shape and out_mask.dtype == mask.dtype


# --- the property the page states ---------------------------------------------------------------


def test_the_label_map_property_holds_for_a_joint_call_and_fails_for_each_pitfall() -> None:
    chain = v2.Compose([v2.RandomAffine(40, translate=(0.2, 0.2), interpolation=NEAREST), v2.RandomHorizontalFlip()])
    assert all(follows_label_map(JointTransform(chain), seed=seed) for seed in range(10))
    assert not all(follows_label_map(chain, seed=seed) for seed in range(10))  # plain tensors
    for broken in (SeparateDraws(SIZE, NEAREST), BilinearMask(SIZE, NEAREST)):
        assert not all(follows_label_map(broken, seed=seed) for seed in range(10)), type(broken).__name__


# --- the table's Benefit column -----------------------------------------------------------------


@cache
def table_rows() -> list[dict[str, str]]:
    """The generated table's rows, by column (built once: it runs every transform)."""
    lines = tables.augmentation_table().splitlines()
    header = [cell.strip() for cell in lines[0].strip("|").split(" | ")]
    return [dict(zip(header, (c.strip() for c in line.strip("|").split(" | ")), strict=True)) for line in lines[2:]]


def test_benefit_says_equivariance_where_the_mask_moves_and_invariance_where_it_stays() -> None:
    """Issue 16: for segmentation, geometric rows teach equivariance, photometric ones invariance.

    The word follows the mask column, which `mask_handling` checks against torchvision."""
    rows = table_rows()
    assert len(rows) == len(CATALOG)
    for row in rows:
        moves = row["Applied to the mask?"].startswith("Yes")
        assert row["Benefit"].startswith("Equivariance to " if moves else "Invariance to "), row
        assert "invariance" not in row["Benefit"].lower() or not moves, row
    kinds = {row["Kind"] for row in rows}
    assert kinds == {"geometric", "photometric"}


def test_table_says_where_a_row_overrides_a_nearest_default() -> None:
    rows = {row["Transform"].split("<br>")[0]: row for row in table_rows()}
    for name in ("Rotation", "Affine"):  # the rows set BILINEAR; torchvision's default is NEAREST
        assert "(image: bilinear; [default: nearest](interpolation.md))" in rows[name]["Applied to the mask?"]
    for name in ("Random resized crop", "Elastic"):  # BILINEAR is their default: nothing to say
        assert rows[name]["Applied to the mask?"] == "Yes, same draw; nearest (image: bilinear)"


# --- torchvision's default interpolations ------------------------------------------------------

# What the interpolation page says, checked against the installed torchvision (not its docs).
PAGE_DEFAULTS = {
    v2.RandomRotation: NEAREST,
    v2.RandomAffine: NEAREST,
    v2.RandomPerspective: BILINEAR,
    v2.RandomResizedCrop: BILINEAR,
    v2.ElasticTransform: BILINEAR,
}


def make_default(transform_class: type) -> v2.Transform:
    arguments = {v2.RandomRotation: (30,), v2.RandomAffine: (30,), v2.RandomResizedCrop: (SIZE,)}
    return transform_class(*arguments.get(transform_class, ()))


@pytest.mark.parametrize("transform_class", RESAMPLING, ids=[c.__name__ for c in RESAMPLING])
def test_default_interpolations_of_the_installed_torchvision(transform_class: type) -> None:
    """Issue 16: RandomRotation and RandomAffine default to NEAREST for images, the others to BILINEAR.

    Read three ways: the signature, the instance, and the output (the default draws the same
    image as an explicit NEAREST or BILINEAR, and not the other one)."""
    expected = PAGE_DEFAULTS[transform_class]
    assert default_interpolation(transform_class) == expected
    assert InterpolationMode(make_default(transform_class).interpolation) == expected  # a str in newer torchvision
    image = rings(SIZE)
    outputs = {}
    for mode in (None, NEAREST, BILINEAR):
        transform = make_default(transform_class)
        if mode is not None:
            transform.interpolation = mode
        torch.manual_seed(0)
        outputs[mode] = transform(tv_tensors.Image(image)) if transform_class is not v2.RandomPerspective else None
        if transform_class is v2.RandomPerspective:  # it fires with p=0.5: make it always fire
            transform.p = 1.0
            torch.manual_seed(0)
            outputs[mode] = transform(tv_tensors.Image(image))
    other = BILINEAR if expected == NEAREST else NEAREST
    assert torch.equal(outputs[None], outputs[expected])
    assert not torch.equal(outputs[None], outputs[other])


def test_nearest_rotation_is_jagged_and_bilinear_is_closer_to_exact() -> None:
    """The interpolation page's measurement: rings are unchanged by an exact rotation about their centre."""
    pattern = rings(64)
    assert torch.allclose(pattern, pattern.flip(-1)) and torch.allclose(pattern, pattern.transpose(-1, -2))
    for mode in (NEAREST, BILINEAR):
        assert rotation_error(pattern, 0.0, mode) == 0
        assert rotation_error(pattern, 90.0, mode) == 0  # whole pixels move: the measure has no error of its own
    nearest, bilinear = rotation_error(pattern, 30.0, NEAREST), rotation_error(pattern, 30.0, BILINEAR)
    assert nearest > 3 * bilinear > 0  # the page's claim: more than 3 times closer
    # NEAREST only copies input values (the staircase); BILINEAR makes values between them.
    rotated = F.rotate(pattern, 30.0, interpolation=NEAREST)
    assert bool(torch.isin(rotated, torch.cat([pattern.flatten(), torch.zeros(1)])).all())


def test_a_mask_is_resampled_with_nearest_whatever_interpolation_says() -> None:
    labels = (rings(32)[0] > 0.5).long()
    for mode in (NEAREST, BILINEAR):
        rotate = v2.RandomRotation((30, 30), interpolation=mode)
        _, out_mask = rotate(tv_tensors.Image(rings(32)), tv_tensors.Mask(labels))
        assert torch.equal(out_mask, F.rotate(labels[None], 30.0, interpolation=NEAREST)[0])


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: rings(4), "size must be >= 8"),
        (lambda: rings(32, period=2.0), "period must be > 2"),
        (
            lambda: rotation_error(torch.rand(3, 16, 24), 30.0, NEAREST),
            r"image must have shape \(C, H, W\), H == W",
        ),
        (lambda: rotation_error(torch.rand(16, 16), 30.0, NEAREST), "image must have shape"),
        (lambda: default_interpolation(v2.ColorJitter), "transform_class ColorJitter takes no interpolation"),
    ],
    ids=["rings-size", "rings-period", "error-not-square", "error-2d", "no-interpolation"],
)
def test_interpolation_helpers_refuse_bad_input(call, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()


def test_coordinate_labels_give_each_pixel_its_own_label() -> None:
    labels = coordinate_labels(5)
    assert labels.shape == (5, 5) and labels.dtype == torch.int64
    assert labels.flatten().tolist() == list(range(1, 26))  # row by row; 0 is left for the fill
