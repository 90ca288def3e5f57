"""Multi-class segmentation on the augmentation chapter's scenes: K logits a pixel, cross-entropy, IoU per class.

    python -m snippets.unet.multiclass          # the benchmark: time and IoU -> results/multiclass.json
    python -m snippets.unet.multiclass --quick  # a smoke test of the same code; saves nothing

The scenes come from `snippets.augmentation.dataset.make_scenes`: label 0 is background, 1 a
disc, 2 a square. The U-Net has out_channels=3, is trained with nn.CrossEntropyLoss on int64
label maps, through the augmentation chapter's joint augmentation (with the mask's fill set to
255, which the loss ignores), and is scored by the IoU of each class of the argmax prediction.
The bar: on 2 CPU cores, within 60 s (data, training and evaluation included), a mean IoU of
at least 0.85 over the two object classes, on held-out scenes that are moved and re-lit.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
from torch import nn
from torch.nn import functional as F
from torch.utils.data import DataLoader
from torchvision import tv_tensors
from torchvision.transforms import v2

from snippets.augmentation.ablation import shift_test_set
from snippets.augmentation.dataset import SegmentationDataset, make_scenes
from snippets.augmentation.transforms import JointTransform
from snippets.experiment import environment, finish, save_results
from snippets.unet.demo import pack_masks
from snippets.unet.model import UNet
from snippets.unet.train import fit

RESULTS = Path(__file__).resolve().parent / "results" / "multiclass.json"
CLASSES = ("background", "disc", "square")  # the labels of make_scene
TARGET_MEAN_IOU = 0.85  # over the object classes
TIME_BUDGET_S = 60.0
KEEP = 6  # test scenes whose predicted label maps are saved, for the figure


# --8<-- [start:augmentation]
IGNORE_INDEX = 255  # the label of pixels that no class is claimed for


def scene_augmentation() -> v2.Transform:
    """The augmentation chapter's chain, with the mask's fill set to 255.

    Where a rotation or a shift brings in pixels from outside the image,
    the image is filled with 0 and the mask with 255: no class is claimed
    there, and CrossEntropyLoss(ignore_index=255) leaves those pixels out.
    """
    fill = {tv_tensors.Mask: IGNORE_INDEX, "others": 0}
    bilinear = v2.InterpolationMode.BILINEAR  # for the image; a Mask is always nearest
    # RandomAffine(degrees, translate, scale): up to 45 degrees, 20% shifts, 0.9 to 1.1
    return v2.Compose(
        [
            v2.RandomHorizontalFlip(p=0.5),
            v2.RandomAffine(45, (0.2, 0.2), (0.9, 1.1), interpolation=bilinear, fill=fill),
            v2.ColorJitter(brightness=0.5, contrast=0.5, saturation=0.5),
        ]
    )


# --8<-- [end:augmentation]


# --8<-- [start:metric]
def class_iou(logits, labels, ignore_index=IGNORE_INDEX) -> list[float]:
    """IoU of each class of the argmax prediction, pooled over the batch.

    logits (N, K, H, W), labels (N, H, W) int64 -> K values; a class that
    is neither predicted nor present gets nan. Pixels labelled
    ignore_index count for no class.
    """
    check_labels(logits, labels)
    pred, valid = logits.argmax(dim=1), labels != ignore_index
    ious = []
    for k in range(logits.shape[1]):
        hit, truth = (pred == k) & valid, labels == k
        union = (hit | truth).sum().item()
        ious.append((hit & truth).sum().item() / union if union else float("nan"))
    return ious


def check_labels(logits: torch.Tensor, labels: torch.Tensor) -> None:
    """Raise a ValueError unless logits (N, K, H, W) and labels (N, H, W) fit."""
    if logits.ndim != 4 or labels.shape != logits.shape[:1] + logits.shape[2:]:
        shapes = f"{tuple(logits.shape)} and {tuple(labels.shape)}"
        raise ValueError(f"logits (N, K, H, W) and labels (N, H, W) must agree: {shapes}")
    if labels.dtype != torch.int64:
        raise ValueError(f"labels must be int64 class indices, got {labels.dtype}")


# --8<-- [end:metric]


@dataclass(frozen=True)
class Config:
    size: int = 48  # pixels per side, divisible by 2**depth
    n_train: int = 64
    n_test: int = 128
    depth: int = 3
    base_channels: int = 16
    epochs: int = 20
    batch_size: int = 8
    lr: float = 3e-3
    seed: int = 0  # the shuffle, the augmentation draws and the initial weights
    threads: int = 1  # torch threads for training; one DataLoader worker augments on the other core
    num_workers: int = 1


QUICK = Config(size=32, n_train=16, n_test=16, depth=2, base_channels=8, epochs=6, num_workers=0)


def test_sets(config: Config) -> dict[str, tuple[torch.Tensor, torch.Tensor]]:
    """Held-out scenes: drawn like the training ones ("clean"), and moved and re-lit ("shifted")."""
    clean = make_scenes(config.n_test, size=config.size, seed=2)
    return {"clean": clean, "shifted": shift_test_set(*clean, seed=3)}


def train(config: Config, progress: bool = False) -> tuple[UNet, dict[str, list[float]]]:
    """A 3-class U-Net trained on augmented scenes, as `config` says."""
    images, labels = make_scenes(config.n_train, size=config.size, seed=1)
    pairs = SegmentationDataset(images, labels, JointTransform(scene_augmentation()))
    loader = DataLoader(
        pairs,
        batch_size=config.batch_size,
        shuffle=True,
        num_workers=config.num_workers,
        persistent_workers=config.num_workers > 0,
        generator=torch.Generator().manual_seed(config.seed),
    )
    torch.manual_seed(config.seed)  # the initial weights
    model = UNet(in_channels=3, out_channels=len(CLASSES), depth=config.depth, base_channels=config.base_channels)
    loss_fn = nn.CrossEntropyLoss(ignore_index=IGNORE_INDEX)
    history = fit(
        model, loader, epochs=config.epochs, lr=config.lr, device=torch.device("cpu"), schedule="cosine",
        loss_fn=loss_fn, progress=progress,
    )  # fmt: skip
    return model, history


@torch.no_grad()
def scores(model: nn.Module, tests: dict[str, tuple[torch.Tensor, torch.Tensor]]) -> dict[str, list[float]]:
    """IoU of each class on each test set."""
    model.eval()
    return {name: class_iou(model(images), labels) for name, (images, labels) in tests.items()}


def run(config: Config, progress: bool = False) -> dict:
    """Train and score, timed from data generation to the last score, on `config.threads` threads."""
    threads = torch.get_num_threads()
    torch.set_num_threads(config.threads)
    try:
        env = environment(torch.device("cpu"))
        start = time.perf_counter()
        model, history = train(config, progress=progress)
        tests = test_sets(config)
        ious = scores(model, tests)
        seconds = time.perf_counter() - start
        with torch.no_grad():
            pred = model(tests["shifted"][0][:KEEP]).argmax(dim=1)
    finally:
        torch.set_num_threads(threads)
    return {
        "config": asdict(config),
        "classes": list(CLASSES),
        "seconds": round(seconds, 1),
        "iou": {name: [round(v, 4) for v in values] for name, values in ious.items()},
        "mean_object_iou": {name: round(sum(values[1:]) / (len(values) - 1), 4) for name, values in ious.items()},
        "loss": [round(v, 4) for v in history["loss"]],
        "parameters": sum(p.numel() for p in model.parameters()),
        # One bit-packed mask per class (K, KEEP, H, W): the figure's predicted label maps.
        "predictions": pack_masks(F.one_hot(pred, len(CLASSES)).permute(3, 0, 1, 2)),
        "environment": finish(env),
    }


def met(result: dict) -> bool:
    """The bar: mean object IoU on the shifted scenes >= 0.85, within 60 s."""
    return result["mean_object_iou"]["shifted"] >= TARGET_MEAN_IOU and result["seconds"] <= TIME_BUDGET_S


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="a tiny run of the same code; saves nothing")
    parser.add_argument("--no-progress", action="store_true", help="no tqdm bar")
    args = parser.parse_args(argv)
    config = QUICK if args.quick else Config()
    result = run(config, progress=not args.no_progress)
    for name, values in result["iou"].items():
        per_class = ", ".join(f"{c} {v:.3f}" for c, v in zip(CLASSES, values, strict=True))
        print(f"{name:8} IoU: {per_class}; mean over objects {result['mean_object_iou'][name]:.3f}")
    load = result["environment"]["load_average_start"]
    print(
        f"{result['seconds']:.1f} s on {config.threads} thread(s) + {config.num_workers} worker(s) "
        f"(load average at start {load[0] if load else 'unknown'}); "
        f"mean object IoU >= {TARGET_MEAN_IOU} (shifted) within {TIME_BUDGET_S:.0f} s: {met(result)}"
    )
    if not args.quick:
        save_results(result, RESULTS)
        print(f"saved {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
