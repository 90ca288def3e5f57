"""snippets.augmentation: joint transforms keep image and mask aligned, the table holds, bad input is refused."""

from __future__ import annotations

import json

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch.utils.data import DataLoader, Dataset
from torchvision import tv_tensors
from torchvision.transforms import v2
from torchvision.transforms.v2 import InterpolationMode
from torchvision.transforms.v2 import functional as F

from snippets.augmentation import ablation, tables
from snippets.augmentation.dataset import SegmentationDataset, make_scene, make_scenes
from snippets.augmentation.transforms import (
    CATALOG,
    Augmentation,
    JointTransform,
    check_pair,
    coordinate_labels,
    mask_handling,
)

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
    # Every pixel has its own label (1..H*W), as the mask and as a one-channel image resampled
    # with nearest. After one joint call the two must agree everywhere: each mask pixel came from
    # the same input pixel as the image pixel at that place, under one random draw.
    labels = coordinate_labels(SIZE)
    torch.manual_seed(seed)
    out_image, out_mask = v2.Compose(chain)(tv_tensors.Image(labels[None].float()), tv_tensors.Mask(labels))
    assert isinstance(out_mask, tv_tensors.Mask) and out_mask.dtype == torch.int64
    assert out_image.shape[-2:] == out_mask.shape[-2:]
    assert torch.equal(out_image[0].long(), out_mask.as_subclass(torch.Tensor))


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
    """The pitfall the page measures: two calls draw two angles."""
    image, mask = make_scene(64, seed=0)
    rotate = v2.RandomRotation(30)
    torch.manual_seed(1)
    image_a, mask_a = rotate(tv_tensors.Image(image)), rotate(tv_tensors.Mask(mask))
    torch.manual_seed(1)
    image_b, mask_b = rotate(tv_tensors.Image(image), tv_tensors.Mask(mask))
    assert torch.equal(image_a, image_b)
    assert (mask_a != mask_b).float().mean() > 0.05


def test_plain_tensors_leave_the_mask_untouched() -> None:
    """v2's rule for plain tensors: the first is the image, the rest pass through. JointTransform avoids it."""
    image, mask = make_scene(32, seed=0)
    rotate = v2.RandomRotation((20, 30))
    torch.manual_seed(0)
    _, plain_mask = rotate(image, mask)
    assert torch.equal(plain_mask, mask)
    torch.manual_seed(0)
    _, joint_mask = JointTransform(rotate)(image, mask)
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
        return self.rotate(image), self.rotate(mask)


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


def test_good_pairs_pass_and_come_back_as_plain_tensors() -> None:
    image = torch.rand(3, 32, 32)
    for mask in (torch.zeros(32, 32, dtype=torch.uint8), torch.zeros(1, 32, 32, dtype=torch.int64)):
        check_pair(image, mask)
        out_image, out_mask = JointTransform(v2.RandomRotation(20))(image, mask)
        assert type(out_image) is torch.Tensor and type(out_mask) is torch.Tensor
        assert out_mask.shape == mask.shape and out_mask.dtype == mask.dtype


def test_dataset_refuses_bad_pairs_when_built() -> None:
    images, masks = make_scenes(3, size=32)
    with pytest.raises(ValueError, match="image and mask sizes differ"):
        SegmentationDataset(images, masks[:, :, :16])
    with pytest.raises(ValueError, match="mask must hold integer"):
        SegmentationDataset(images, masks.float())
    with pytest.raises(ValueError, match="images and masks must be as many, got 3 and 2"):
        SegmentationDataset(images, masks[:2])
    with pytest.raises(ValueError, match="size must be >= 16"):
        make_scene(8)
    with pytest.raises(ValueError, match="n must be >= 1"):
        make_scenes(0)


def test_scene_is_seeded_and_labelled() -> None:
    image, mask = make_scene(48, seed=3)
    again_image, again_mask = make_scene(48, seed=3)
    assert torch.equal(image, again_image) and torch.equal(mask, again_mask)
    assert image.shape == (3, 48, 48) and image.dtype == torch.float32
    assert image.min() >= 0 and image.max() <= 1
    assert mask.dtype == torch.int64 and set(mask.unique().tolist()) <= {0, 1, 2}
    assert not torch.equal(make_scene(48, seed=4)[1], mask)


# --- DataLoader with workers ------------------------------------------------------------------


def epoch(dataset: Dataset, seed: int, num_workers: int = 2) -> torch.Tensor:
    loader = DataLoader(dataset, batch_size=4, num_workers=num_workers, generator=torch.Generator().manual_seed(seed))
    return torch.cat([images for images, _ in loader])


@pytest.fixture(scope="module")
def copies() -> SegmentationDataset:
    """Eight copies of one scene, augmented: any two equal outputs are repeated random draws."""
    images, masks = make_scenes(1, size=32)
    chain = v2.Compose([v2.RandomAffine(30, translate=(0.1, 0.1)), v2.ColorJitter(0.4, 0.4)])
    return SegmentationDataset(images.repeat(8, 1, 1, 1), masks.repeat(8, 1, 1), JointTransform(chain))


def test_loader_with_two_workers_is_seeded_and_workers_differ(copies: SegmentationDataset) -> None:
    first, again, other = epoch(copies, seed=0), epoch(copies, seed=0), epoch(copies, seed=1)
    assert torch.equal(first, again)  # the generator fixes every worker's draws
    assert not torch.equal(first, other)
    assert torch.unique(first.flatten(1), dim=0).shape[0] == 8  # no two samples share a draw


def test_loader_batches_aligned_pairs_with_workers() -> None:
    """With two workers, every batch still holds masks that match their images."""
    labels = coordinate_labels(32)
    images = labels[None, None].float().repeat(8, 1, 1, 1)  # image channel = the label map
    chain = v2.Compose([v2.RandomAffine(40, translate=(0.2, 0.2), interpolation=NEAREST), v2.RandomHorizontalFlip()])
    dataset = SegmentationDataset(images, labels[None].repeat(8, 1, 1), JointTransform(chain))
    loader = DataLoader(dataset, batch_size=4, num_workers=2, generator=torch.Generator().manual_seed(0))
    for batch_images, batch_masks in loader:
        assert torch.equal(batch_images[:, 0].long(), batch_masks)


class StoredGenerator(Dataset):
    """The pitfall the page warns about: a generator kept on the dataset is copied into each worker."""

    def __init__(self) -> None:
        self.gen = torch.Generator().manual_seed(0)

    def __len__(self) -> int:
        return 8

    def __getitem__(self, index: int) -> tuple[torch.Tensor, torch.Tensor]:
        return torch.rand(4, generator=self.gen), torch.zeros(())


def test_a_stored_generator_repeats_across_workers() -> None:
    draws = epoch(StoredGenerator(), seed=0)
    # Worker 0 loads samples 0-3, worker 1 samples 4-7, from identical copies of the generator.
    assert torch.equal(draws[:4], draws[4:])
    single = epoch(StoredGenerator(), seed=0, num_workers=0)  # one process: one generator, no repeats
    assert not torch.equal(single[:4], single[4:])


# --- the ablation -----------------------------------------------------------------------------


def test_shifted_test_set_moves_and_relights_consistently() -> None:
    images, masks = make_scenes(4, size=32, seed=2)
    moved_images, moved_masks = ablation.shift_test_set(images, masks, seed=3, relight=False)
    relit_images, relit_masks = ablation.shift_test_set(images, masks, seed=3, move=False)
    both_images, both_masks = ablation.shift_test_set(images, masks, seed=3)
    assert torch.equal(relit_masks, masks) and not torch.equal(relit_images, images)
    assert torch.equal(both_masks, moved_masks) and not torch.equal(moved_masks, masks)
    assert both_images.shape == images.shape and both_masks.dtype == torch.int64
    assert set(both_masks.unique().tolist()) <= {0, 1, 2}
    assert (moved_images.sum(dim=1) > 0).all()  # extended by reflection: no black fill anywhere


def test_ablation_runs_end_to_end_and_is_seeded() -> None:
    tiny = ablation.Settings(
        size=16, n_train=4, n_test=4, epochs=1, batch_size=4, base_channels=4, seeds=(0,), num_workers=0
    )
    threads = torch.get_num_threads()
    first, second = ablation.run(tiny), ablation.run(tiny)
    assert torch.get_num_threads() == threads

    def untimed(result: dict) -> list[dict]:
        return [{k: v for k, v in run.items() if k != "train_seconds"} for run in result["runs"]]

    assert untimed(first) == untimed(second)
    assert [row["arm"] for row in first["summary"]] == ["no augmentation", "with augmentation"]
    assert all(0 <= row[name]["mean"] <= 1 for row in first["summary"] for name in ablation.TEST_SETS)


def test_saved_ablation_has_what_the_page_reports() -> None:
    result = json.loads(ablation.RESULTS.read_text())
    assert {"summary", "runs", "total_seconds", "settings", "environment"} <= result.keys()
    assert {"torch", "torchvision", "load_average_start"} <= result["environment"].keys()
    assert result["settings"] == {**ablation.asdict(ablation.Settings()), "seeds": list(ablation.Settings().seeds)}
    assert len(result["runs"]) == 2 * len(result["settings"]["seeds"])
    table = tables.ablation_table()
    for row in result["summary"]:
        assert f"| {row['arm']} | {row['clean']['mean']:.3f}" in table
    assert f"{result['total_seconds']:.0f} s" in table
