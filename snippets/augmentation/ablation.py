"""Does augmentation help? Train the site's U-Net with and without it, and
test it on shifted scenes.

    python -m snippets.augmentation.ablation          # the full run, saved
    python -m snippets.augmentation.ablation --quick  # a smoke test, not saved

Both arms train the same `snippets.unet.model.UNet`, from the same initial
weights, on the same small set of upright, evenly lit scenes, for the same
number of steps. One arm sees each scene as it is; the other sees it through
`train_augmentation()`. The target is binary: the foreground, `mask > 0`.
Both are tested (IoU of the foreground) on:

- `clean`: new scenes drawn like the training ones;
- `moved`: the same new scenes, each rotated by 15-45 degrees and shifted by
  10-20 % of the image (extended by reflection: no black corners appear);
- `relit`: the same new scenes with brightness, contrast and saturation
  changed by 30-50 %;
- `shifted`: moved and relit.

The augmentations are chosen to cover that shift, which is the point:
augmentation teaches what you expect to vary at test time, and only that. The
run is seeded; the result goes to `results/ablation.json`, from which the
page's table is generated.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import torch
from torch.utils.data import DataLoader, Dataset
from torchvision import tv_tensors
from torchvision.transforms import v2

from snippets.augmentation.dataset import SegmentationDataset, make_scenes
from snippets.augmentation.shift import shift_test_set
from snippets.augmentation.transforms import JointTransform
from snippets.experiment import environment, finish, save_results
from snippets.unet.model import UNet
from snippets.unet.train import evaluate, fit

RESULTS = Path(__file__).resolve().parent / "results" / "ablation.json"


@dataclass(frozen=True)
class Settings:
    size: int = 48  # pixels per side; divisible by 2**depth
    n_train: int = 32  # a SMALL training set: where augmentation matters most
    n_test: int = 128
    epochs: int = 40
    batch_size: int = 8
    lr: float = 3e-3
    depth: int = 3
    base_channels: int = 16
    seeds: tuple[int, ...] = (0, 1, 2)  # each arm is trained once per seed
    # Torch threads to train; one DataLoader worker augments on another core.
    threads: int = 1
    num_workers: int = 1


def train_augmentation(mask_fill: int = 0) -> v2.Transform:
    """The augmented arm's chain: one geometric and one photometric draw.

    `mask_fill` labels the mask pixels that come from outside the image: 0 is
    background; 255, with `ignore_index=255` in the loss, is "unknown".
    """
    if not 0 <= mask_fill <= 255:
        raise ValueError(
            f"mask_fill must be a label in [0, 255], got {mask_fill}"
        )
    fill = 0 if mask_fill == 0 else {tv_tensors.Mask: mask_fill, "others": 0}
    flip = v2.RandomHorizontalFlip(p=0.5)
    affine = v2.RandomAffine(
        degrees=45,
        translate=(0.2, 0.2),
        scale=(0.9, 1.1),
        interpolation=v2.InterpolationMode.BILINEAR,
        fill=fill,
    )
    jitter = v2.ColorJitter(brightness=0.5, contrast=0.5, saturation=0.5)
    return v2.Compose([flip, affine, jitter])


TEST_SETS = ("clean", "moved", "relit", "shifted")  # shifted = moved and relit


class Foreground(Dataset):
    """Pairs (image, labels (H, W)) as (image, foreground (1, H, W) float).

    Every object class becomes 1: the ablation trains a one-channel U-Net
    (binary cross-entropy plus Dice), so discs and squares are one class.
    """

    def __init__(self, pairs: Dataset) -> None:
        self.pairs = pairs

    def __len__(self) -> int:
        return len(self.pairs)

    def __getitem__(self, index: int) -> tuple[torch.Tensor, torch.Tensor]:
        image, mask = self.pairs[index]
        return image, (mask > 0).float()[None]


@torch.no_grad()
def foreground_iou(
    model: torch.nn.Module, images: torch.Tensor, labels: torch.Tensor
) -> float:
    """IoU of the foreground (every label > 0), pooled over the test set."""
    foreground = (labels > 0).float()[:, None]
    return evaluate(model, (images, foreground), torch.device("cpu"))


def run_arm(
    augment: bool,
    seed: int,
    data: dict[str, tuple[torch.Tensor, torch.Tensor]],
    s: Settings,
) -> dict:
    """Train one U-Net (seeded) with or without augmentation; its IoU on each
    test set, and its time."""
    images, masks = data["train"]
    transform = JointTransform(train_augmentation()) if augment else None
    pairs = SegmentationDataset(images, masks, transform)
    loader = DataLoader(
        Foreground(pairs),
        batch_size=s.batch_size,
        shuffle=True,
        num_workers=s.num_workers,
        persistent_workers=s.num_workers > 0,
        # The shuffle and the workers' augmentation draws.
        generator=torch.Generator().manual_seed(seed),
    )
    # The initial weights: the same for both arms of a seed.
    torch.manual_seed(seed)
    model = UNet(
        in_channels=3,
        out_channels=1,
        depth=s.depth,
        base_channels=s.base_channels,
    )
    start = time.perf_counter()
    history = fit(
        model,
        loader,
        epochs=s.epochs,
        lr=s.lr,
        device=torch.device("cpu"),
        progress=False,
    )
    seconds = time.perf_counter() - start
    return {
        "augment": augment,
        "seed": seed,
        "train_seconds": round(seconds, 1),
        "final_train_loss": round(history["loss"][-1], 4),
        **{
            f"iou_{name}": round(foreground_iou(model, *data[name]), 4)
            for name in TEST_SETS
        },
    }


def summarize(runs: list[dict]) -> list[dict]:
    """Per arm: mean, min and max IoU over seeds, on each test set."""
    rows = []
    for augment in (False, True):
        arm = [r for r in runs if r["augment"] == augment]
        row: dict = {
            "arm": "with augmentation" if augment else "no augmentation",
            "runs": len(arm),
        }
        for name in TEST_SETS:
            values = [r[f"iou_{name}"] for r in arm]
            row[name] = {
                "mean": round(sum(values) / len(values), 4),
                "min": min(values),
                "max": max(values),
            }
        rows.append(row)
    return rows


def run(s: Settings) -> dict:
    """Train every arm for every seed; the results, the settings, the time
    and the versions."""
    threads = torch.get_num_threads()
    torch.set_num_threads(s.threads)
    try:
        return _run(s)
    finally:
        torch.set_num_threads(threads)  # leave the caller's process as it was


def _run(s: Settings) -> dict:
    # The machine may be shared: the record says how busy it was.
    env = environment(torch.device("cpu"))
    start, cpu_start = time.perf_counter(), time.process_time()
    train = make_scenes(s.n_train, size=s.size, seed=1)
    clean = make_scenes(s.n_test, size=s.size, seed=2)
    data = {
        "train": train,
        "clean": clean,
        "moved": shift_test_set(*clean, seed=3, relight=False),
        "relit": shift_test_set(*clean, seed=3, move=False),
        "shifted": shift_test_set(*clean, seed=3),
    }
    runs = [
        run_arm(augment, seed, data, s)
        for seed in s.seeds
        for augment in (False, True)
    ]
    return {
        "summary": summarize(runs),
        "runs": runs,
        "total_seconds": round(time.perf_counter() - start, 1),
        # CPU time of the training process alone (the DataLoader worker
        # augments in parallel): about what the run takes on free cores,
        # whatever else the machine was doing.
        "main_process_cpu_seconds": round(time.process_time() - cpu_start, 1),
        "settings": asdict(s),
        "train_augmentation": repr(train_augmentation()),
        "environment": finish(env),
    }


def format_table(result: dict) -> str:
    """The summary as plain text: mean IoU (min-max over seeds) per arm and
    test set."""
    lines = [f"{'arm':<18}" + "".join(f"{name:>20}" for name in TEST_SETS)]
    for row in result["summary"]:
        cells = [
            f"{row[k]['mean']:.3f} ({row[k]['min']:.2f}-{row[k]['max']:.2f})"
            for k in TEST_SETS
        ]
        lines.append(
            f"{row['arm']:<18}" + "".join(f"{cell:>20}" for cell in cells)
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="2 epochs, 1 seed, nothing saved (a smoke test)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=RESULTS,
        help=f"where to save the JSON (default {RESULTS.name})",
    )
    args = parser.parse_args(argv)
    settings = (
        replace(Settings(), epochs=2, seeds=(0,), n_test=16)
        if args.quick
        else Settings()
    )
    result = run(settings)
    print(format_table(result))
    seeds, seconds = list(settings.seeds), result["total_seconds"]
    print(f"mean (min-max) over seeds {seeds}; run time {seconds:.1f} s")
    if not args.quick:
        save_results(result, args.out)
        print(f"saved {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
