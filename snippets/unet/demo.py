"""The CPU training demo and the ablation; both save their results as JSON.

    python -m snippets.unet.demo               # the full run: time and held-out IoU -> results/demo.json
    python -m snippets.unet.demo --ablation    # 4 arms x 3 seeds -> results/ablation.json
    python -m snippets.unet.demo --quick       # a smoke test of the same code, saves nothing

The ablation trains four networks on the same data, seeds and budget: the U-Net, the same
network without its skips, the U-Net with bilinear upsampling, and the article's model. It
also records the held-out predictions of seed 0 for each arm (bit-packed), from which the
page's prediction figure is drawn: the figure never trains.

The requirement: on 2 CPU cores the U-Net reaches IoU >= 0.9 on held-out images within 60 s,
data generation included. The time is wall-clock time on whatever machine runs this, so run it
on a quiet one; the load average at the start is recorded beside it.
"""

from __future__ import annotations

import argparse
import base64
import sys
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from snippets.experiment import environment, finish, save_results
from snippets.unet.article import ArticleUNet
from snippets.unet.data import make_shapes
from snippets.unet.model import UNet
from snippets.unet.train import fit

RESULTS = Path(__file__).resolve().parent / "results"
TARGET_IOU = 0.9
TIME_BUDGET_S = 60.0
CPU = torch.device("cpu")


@dataclass(frozen=True)
class DemoConfig:
    size: int = 64  # pixels per side, divisible by 2**depth
    n_train: int = 512
    n_val: int = 256  # held out: generated from another seed
    depth: int = 3
    base_channels: int = 8
    upsample: str = "transpose"
    skip: bool = True
    model: str = "unet"  # or "article": the article's model (one level, no skips, a final ReLU)
    epochs: int = 4
    batch_size: int = 8
    lr: float = 3e-3
    schedule: str = "cosine"
    seed: int = 0
    threads: int = 2  # the requirement's 2 CPU cores


QUICK = DemoConfig(size=32, n_train=128, n_val=64, depth=2, epochs=2, batch_size=8, lr=5e-3)


def build_model(config: DemoConfig) -> nn.Module:
    """The arm's network, with its initial weights drawn from torch's global RNG."""
    if config.model == "article":
        return ArticleUNet()
    if config.model != "unet":
        raise ValueError(f"model must be 'unet' or 'article', got {config.model!r}")
    return UNet(depth=config.depth, base_channels=config.base_channels, upsample=config.upsample, skip=config.skip)


def pack_masks(masks: torch.Tensor) -> dict:
    """Boolean masks as {"shape": [...], "bits": base64 text}: 8 pixels a byte, for a JSON file."""
    bits = np.packbits(masks.bool().numpy().ravel())
    return {"shape": list(masks.shape), "bits": base64.b64encode(bits.tobytes()).decode("ascii")}


def unpack_masks(packed: dict) -> torch.Tensor:
    """The boolean masks that pack_masks packed."""
    shape = packed["shape"]
    bits = np.frombuffer(base64.b64decode(packed["bits"]), dtype=np.uint8)
    flat = np.unpackbits(bits)[: int(np.prod(shape))].astype(bool)
    return torch.from_numpy(flat.reshape(shape))


def held_out(config: DemoConfig) -> tuple[torch.Tensor, torch.Tensor]:
    """The held-out images and masks of a run: generated from another seed than its training set."""
    return make_shapes(config.n_val, size=config.size, seed=1000 + config.seed)


def train_model(
    config: DemoConfig, progress: bool = True, device: torch.device = CPU
) -> tuple[nn.Module, dict[str, list[float]], tuple]:
    """Generate the data and train a U-Net as `config` says; returns (model, history, (val_images, val_masks))."""
    train_images, train_masks = make_shapes(config.n_train, size=config.size, seed=config.seed)
    val = held_out(config)
    loader = DataLoader(
        TensorDataset(train_images, train_masks),
        batch_size=config.batch_size,
        shuffle=True,
        generator=torch.Generator().manual_seed(config.seed),
    )
    torch.manual_seed(config.seed)  # the initial weights
    model = build_model(config)
    history = fit(
        model,
        loader,
        epochs=config.epochs,
        lr=config.lr,
        device=device,
        val=val,
        progress=progress,
        schedule=config.schedule,
    )
    return model, history, val


def run(config: DemoConfig, progress: bool = True, keep: int = 0) -> dict:
    """Generate the data, train, and measure held-out IoU, on `config.threads` threads; all of it timed.

    keep > 0 also records the predicted masks (logits > 0) of the first `keep` held-out images.
    """
    torch.set_num_threads(config.threads)
    start = time.perf_counter()
    model, history, val = train_model(config, progress=progress)
    seconds = time.perf_counter() - start
    extra = {}
    if keep:
        with torch.no_grad():
            extra["predictions"] = pack_masks(model.eval()(val[0][:keep]) > 0)
    return {
        **extra,
        "config": asdict(config),
        "seconds": round(seconds, 1),
        "val_iou": round(history["val_iou"][-1], 4),
        "history": {k: [round(v, 4) for v in values] for k, values in history.items()},
        "parameters": sum(p.numel() for p in model.parameters()),
    }


ARMS = {
    "U-Net (skips, ConvTranspose2d)": {},
    "no skip connections": {"skip": False},
    "U-Net (skips, bilinear + conv)": {"upsample": "bilinear"},
    "the article's model": {"model": "article"},
}
KEEP = 6  # held-out images whose predictions (seed 0) the ablation records, for the figure


def ablation(config: DemoConfig, seeds: tuple[int, ...] = (0, 1, 2), progress: bool = True) -> dict:
    """Each arm trained with the same budget, data and seeds; only the architecture differs."""
    torch.set_num_threads(config.threads)
    env = environment(CPU)
    runs = []
    for seed in seeds:
        for arm, change in ARMS.items():
            keep = KEEP if seed == seeds[0] else 0
            result = run(replace(config, seed=seed, **change), progress=progress, keep=keep)
            runs.append({"arm": arm, "seed": seed, **result})
            print(f"{arm:32} seed {seed}: IoU {result['val_iou']:.4f} in {result['seconds']:.1f} s", flush=True)
    summary = []
    for arm in ARMS:
        ious = [r["val_iou"] for r in runs if r["arm"] == arm]
        summary.append({"arm": arm, "mean": round(sum(ious) / len(ious), 4), "min": min(ious), "max": max(ious)})
    total = round(sum(r["seconds"] for r in runs), 1)
    return {"summary": summary, "runs": runs, "seeds": list(seeds), "total_seconds": total, "environment": finish(env)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--ablation", action="store_true", help="train each arm for 3 seeds; save ablation.json")
    parser.add_argument("--quick", action="store_true", help="a tiny run of the same code; saves nothing")
    parser.add_argument("--threads", type=int, default=DemoConfig.threads, help="torch threads (default 2)")
    parser.add_argument("--no-progress", action="store_true", help="no tqdm bar")
    args = parser.parse_args(argv)
    config = replace(QUICK if args.quick else DemoConfig(), threads=args.threads)
    progress = not args.no_progress
    if args.ablation:
        result = ablation(config, seeds=(0,) if args.quick else (0, 1, 2), progress=progress)
        name = "ablation.json"
    else:
        torch.set_num_threads(config.threads)
        env = environment(CPU)
        result = {**run(config, progress=progress), "environment": finish(env)}
        met = result["val_iou"] >= TARGET_IOU and result["seconds"] <= TIME_BUDGET_S
        print(
            f"held-out IoU {result['val_iou']:.4f} in {result['seconds']:.1f} s on {env['threads']} threads "
            f"(load average at start {env['load_average_start'][0]}); "
            f"IoU >= {TARGET_IOU} within {TIME_BUDGET_S:.0f} s: {met}"
        )
        name = "demo.json"
    if not args.quick:
        save_results(result, RESULTS / name)
        print(f"saved {RESULTS / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
