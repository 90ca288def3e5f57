"""snippets.augmentation, the data side: seeded scenes, a Dataset and DataLoader safe with workers, what
spawn and forkserver need, and the ablation's plumbing (its saved results, its binary target, its time)."""

from __future__ import annotations

import json
import multiprocessing
import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import torch
from torch.utils.data import DataLoader, Dataset
from torchvision import tv_tensors
from torchvision.transforms import v2
from torchvision.transforms.v2 import InterpolationMode

from snippets.augmentation import ablation, tables
from snippets.augmentation.dataset import SegmentationDataset, first_epoch, make_scene, make_scenes
from snippets.augmentation.pitfalls import KeepsItsGenerator
from snippets.augmentation.shift import shift_test_set
from snippets.augmentation.transforms import JointTransform, coordinate_labels

# Small tensors: with several threads, waking them costs more than the work.
pytestmark = pytest.mark.usefixtures("one_thread")

NEAREST = InterpolationMode.NEAREST
ROOT = Path(__file__).resolve().parent.parent


# --- scenes and the dataset ---------------------------------------------------------------------


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
    with pytest.raises(ValueError, match="objects must be >= 0, got -1"):
        make_scene(32, objects=-1)
    with pytest.raises(ValueError, match="noise must be >= 0"):
        make_scene(32, noise=-0.1)
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


def test_scene_objects_and_noise_do_what_they_say() -> None:
    empty_image, empty_mask = make_scene(32, seed=0, objects=0, noise=0.0)
    assert not empty_mask.any() and empty_image.shape == (3, 32, 32)  # no objects: all background
    clean, _ = make_scene(32, seed=1, noise=0.0)
    noisy, _ = make_scene(32, seed=1, noise=0.05)
    assert 0.02 < (noisy - clean).std() < 0.06  # the noise, less what clamping to [0, 1] cuts off


# --- DataLoader with workers ------------------------------------------------------------------


def epoch_images(dataset: Dataset, seed: int, num_workers: int = 2, batch_size: int = 4) -> torch.Tensor:
    """One unshuffled epoch's images, from a loader seeded with `seed`."""
    generator = torch.Generator().manual_seed(seed)
    loader = DataLoader(dataset, batch_size=batch_size, num_workers=num_workers, generator=generator)
    return torch.cat([images for images, _ in loader])


@pytest.fixture(scope="module")
def copies() -> SegmentationDataset:
    """Eight copies of one scene, augmented: any two equal outputs are repeated random draws."""
    images, masks = make_scenes(1, size=32)
    chain = v2.Compose([v2.RandomAffine(30, translate=(0.1, 0.1)), v2.ColorJitter(0.4, 0.4)])
    return SegmentationDataset(images.repeat(8, 1, 1, 1), masks.repeat(8, 1, 1), JointTransform(chain))


def test_loader_with_two_workers_is_seeded_and_workers_differ(copies: SegmentationDataset) -> None:
    first, again, other = epoch_images(copies, seed=0), epoch_images(copies, seed=0), epoch_images(copies, seed=1)
    assert torch.equal(first, again)  # the generator fixes every worker's draws
    assert not torch.equal(first, other)
    assert torch.unique(first.flatten(1), dim=0).shape[0] == 8  # no two samples share a draw


@pytest.mark.filterwarnings("ignore:This DataLoader will create 4 worker processes")
def test_the_same_seed_with_another_number_of_workers_gives_other_augmentations(copies: SegmentationDataset) -> None:
    """The page's advice to fix num_workers along with the seed. Batches go to the workers in turn, and
    worker i draws from base_seed + i: four batches of two with 2 workers give workers 0 and 1 two batches
    each, with 4 workers each gets one, so batch 2 comes from another worker's random stream."""
    two = epoch_images(copies, seed=0, num_workers=2, batch_size=2)
    four = epoch_images(copies, seed=0, num_workers=4, batch_size=2)
    assert torch.equal(two[:4], four[:4])  # batches 0 and 1: workers 0 and 1 either way
    assert not torch.equal(two[4:], four[4:])


def test_first_epoch_is_seeded_shuffled_and_checks_num_workers(copies: SegmentationDataset) -> None:
    run_1, run_2 = first_epoch(copies, seed=0, num_workers=2), first_epoch(copies, seed=0, num_workers=2)
    assert len(run_1) == 2 and [tuple(t.shape) for t in run_1[0]] == [(4, 3, 32, 32), (4, 32, 32)]
    assert all(torch.equal(a, b) for (a, _), (b, _) in zip(run_1, run_2, strict=True))
    other = first_epoch(copies, seed=1, num_workers=2)
    assert not all(torch.equal(a, b) for (a, _), (b, _) in zip(run_1, other, strict=True))
    with pytest.raises(ValueError, match="num_workers must be >= 0, got -1"):
        first_epoch(copies, seed=0, num_workers=-1)


def test_loader_batches_aligned_pairs_with_workers() -> None:
    """With two workers, every batch still holds masks that match their images."""
    labels = coordinate_labels(32)
    images = labels[None, None].float().repeat(8, 1, 1, 1)  # image channel = the label map
    chain = v2.Compose([v2.RandomAffine(40, translate=(0.2, 0.2), interpolation=NEAREST), v2.RandomHorizontalFlip()])
    dataset = SegmentationDataset(images, labels[None].repeat(8, 1, 1), JointTransform(chain))
    loader = DataLoader(dataset, batch_size=4, num_workers=2, generator=torch.Generator().manual_seed(0))
    for batch_images, batch_masks in loader:
        assert torch.equal(batch_images[:, 0].long(), batch_masks)


def test_a_stored_generator_repeats_across_workers() -> None:
    loader = DataLoader(KeepsItsGenerator(n=8), batch_size=4, num_workers=2)
    first_worker, second_worker = list(loader)  # worker 0: samples 0-3, worker 1: samples 4-7
    assert torch.equal(first_worker, second_worker)
    in_process = torch.cat(list(DataLoader(KeepsItsGenerator(n=8), batch_size=4)))  # one generator: no repeats
    assert not torch.equal(in_process[:4], in_process[4:])


# --- start methods: what spawn and forkserver need (fresh Pythons, so marked slow) ---------------

# Each case is a fresh Python that imports torch but not torchvision, to stay cheap. The dataset class
# is in a module that a worker can import (written beside the scripts), except in the notebook case.
MODULE = """
import torch
from torch.utils.data import Dataset


class Pairs(Dataset):
    def __len__(self):
        return 4

    def __getitem__(self, index):
        return torch.zeros(2)
"""
LOAD = (
    "loader = DataLoader(Pairs(), batch_size=2, num_workers=1, multiprocessing_context={ctx!r})\n"
    "print('batches:', len(list(loader)))\n"
)
TOP = (
    "from torch.utils.data import DataLoader\n"
    "from pairs import Pairs\n"
    "print('top level runs as', __name__, flush=True)\n"
)
UNGUARDED = TOP + LOAD
GUARDED = TOP + "if __name__ == '__main__':\n" + textwrap.indent(LOAD, "    ")
# The notebook case: the class is defined in a __main__ that no worker can import (here `python -c`).
IN_MAIN = MODULE + "from torch.utils.data import DataLoader\n" + LOAD


def run_python(args: list[str], cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "OMP_NUM_THREADS": "1"}
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=300, cwd=cwd, env=env)


@pytest.mark.slow
def test_spawn_and_forkserver_need_a_guarded_script_and_an_importable_class(tmp_path: Path) -> None:
    """Issue 16: with spawn (macOS, Windows) and forkserver (Linux from Python 3.14), each worker imports
    the script again as __mp_main__. An unguarded script runs its top level again there and fails; a
    class defined in an unimportable __main__ (a notebook; here `python -c`) cannot be found."""
    (tmp_path / "pairs.py").write_text(MODULE)
    cases = {
        ("unguarded", "spawn"): UNGUARDED,
        ("unguarded", "forkserver"): UNGUARDED,
        ("guarded", "forkserver"): GUARDED,
        ("in_main", "spawn"): IN_MAIN,
    }
    args = []
    for (name, ctx), source in cases.items():
        script = tmp_path / f"{name}_{ctx}.py"
        script.write_text(source.format(ctx=ctx))
        args.append(["-c", script.read_text()] if name == "in_main" else [script.name])
    with ThreadPoolExecutor(max_workers=2) as pool:  # two at a time: each is a Python with a worker
        results = dict(zip(cases, pool.map(lambda a: run_python(a, cwd=tmp_path), args), strict=True))
    for ctx in ("spawn", "forkserver"):
        unguarded = results[("unguarded", ctx)]
        assert unguarded.returncode != 0, (ctx, unguarded.stdout)
        assert "top level runs as __mp_main__" in unguarded.stdout, (ctx, unguarded.stdout)  # it ran again
        stderr = " ".join(unguarded.stderr.split())  # Python wraps its message over indented lines
        assert "start a new process before the current process has finished its bootstrapping phase" in stderr
        assert "exited unexpectedly" in stderr
    guarded = results[("guarded", "forkserver")]
    assert guarded.returncode == 0, guarded.stderr[-2000:]
    assert guarded.stdout.splitlines() == ["top level runs as __main__", "top level runs as __mp_main__", "batches: 2"]
    in_main = results[("in_main", "spawn")]
    assert in_main.returncode != 0
    assert "Can't get attribute 'Pairs' on <module '__main__' (built-in)>" in in_main.stderr


def expected_default_start_method(platform: str, version: tuple[int, int]) -> str:
    """What the page says: spawn on macOS and Windows; on Linux fork up to 3.13, forkserver from 3.14."""
    if platform in ("darwin", "win32"):
        return "spawn"
    return "forkserver" if version >= (3, 14) else "fork"


def test_default_start_method_is_what_the_page_says() -> None:
    fresh = run_python(["-c", "import multiprocessing; print(multiprocessing.get_start_method())"])
    assert fresh.stdout.strip() == expected_default_start_method(sys.platform, sys.version_info[:2])
    assert {"spawn", "forkserver"} <= set(multiprocessing.get_all_start_methods())  # the page's choices exist here
    assert expected_default_start_method("linux", (3, 14)) == "forkserver"
    assert expected_default_start_method("linux", (3, 13)) == "fork"


# --- the ablation -----------------------------------------------------------------------------


def test_shifted_test_set_moves_and_relights_consistently() -> None:
    images, masks = make_scenes(4, size=32, seed=2)
    moved_images, moved_masks = shift_test_set(images, masks, seed=3, relight=False)
    relit_images, relit_masks = shift_test_set(images, masks, seed=3, move=False)
    both_images, both_masks = shift_test_set(images, masks, seed=3)
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


def test_train_augmentation_can_label_the_fill_for_ignore_index() -> None:
    image, mask = make_scene(48, seed=0)
    outs = {}
    for fill in (0, 255):
        torch.manual_seed(3)
        outs[fill] = ablation.train_augmentation(mask_fill=fill)(tv_tensors.Image(image), tv_tensors.Mask(mask))
    assert 255 in outs[255][1].unique().tolist() and 255 not in outs[0][1].unique().tolist()
    assert torch.equal(outs[0][0], outs[255][0])  # the image and the draw are the same; only the mask's fill
    assert torch.equal(outs[255][1] == 255, (outs[0][1] == 0) & (outs[255][1] != outs[0][1]))
    assert repr(ablation.train_augmentation()) == json.loads(ablation.RESULTS.read_text())["train_augmentation"]
    with pytest.raises(ValueError, match="mask_fill must be a label in"):
        ablation.train_augmentation(mask_fill=256)


def test_ablation_trains_on_the_binary_foreground_of_both_classes() -> None:
    """Issue 16: the ablation's target is mask > 0, so discs (1) and squares (2) are one class."""
    labels = torch.tensor([[0, 1], [2, 0]])
    image, target = ablation.Foreground([(torch.zeros(3, 2, 2), labels)])[0]
    assert torch.equal(target, torch.tensor([[[0.0, 1.0], [1.0, 0.0]]])) and image.shape == (3, 2, 2)
    assert "binary" in (ROOT / "docs/augmentation/ablation.md").read_text().split("## The test sets")[0]


def test_ablation_text_reads_the_recorded_time() -> None:
    """Issue 16: the page's re-run sentence takes its time from the results file, as the table does."""
    result = json.loads(ablation.RESULTS.read_text())
    note, table = tables.ablation_rerun(), tables.ablation_table()
    seconds = f"{result['total_seconds']:.0f} s"
    assert seconds in note and seconds in table
    page = (ROOT / "docs/augmentation/ablation.md").read_text()
    assert note in page and "minutes" not in page


def test_the_pages_reading_of_the_ablation_holds_for_the_saved_run() -> None:
    """Each sentence under the ablation's table, checked against the saved runs: a re-run that
    breaks one fails here, and the prose must change with the numbers."""
    result = json.loads(ablation.RESULTS.read_text())
    plain, augmented = ({r["seed"]: r for r in result["runs"] if r["augment"] == a} for a in (False, True))
    mean = {row["arm"]: {k: row[k]["mean"] for k in ablation.TEST_SETS} for row in result["summary"]}
    without, with_ = mean["no augmentation"], mean["with augmentation"]
    # Clean: both close to perfect; augmentation costs a little.
    assert min(r["iou_clean"] for r in [*plain.values(), *augmented.values()]) > 0.99
    assert with_["clean"] < without["clean"]
    # Rotated and shifted: a few points lost without augmentation; augmentation narrows the gap a little.
    assert 0.9 < without["moved"] < without["clean"] - 0.03
    assert without["moved"] < with_["moved"] < without["moved"] + 0.05
    # Re-lit: the seed decides how badly the plain models fail; augmented ones do better on average,
    # two of three stay within a few points of clean, and the third falls into the plain range.
    plain_relit = [r["iou_relit"] for r in plain.values()]
    assert max(plain_relit) - min(plain_relit) > 0.2 and with_["relit"] > without["relit"]
    close = [r["iou_clean"] - r["iou_relit"] < 0.05 for r in augmented.values()]
    assert len(close) == 3 and sum(close) == 2
    worst = min(r["iou_relit"] for r in augmented.values())
    assert min(plain_relit) <= worst <= max(plain_relit)
    # Both at once: the hardest set for both arms, and the largest average gain.
    for arm in (without, with_):
        assert arm["shifted"] == min(arm.values())
    gains = {k: with_[k] - without[k] for k in ablation.TEST_SETS}
    assert max(gains, key=gains.get) == "shifted"
