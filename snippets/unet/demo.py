"""The CPU training demo and the skip-connection ablation; both save their results as JSON.

    python -m snippets.unet.demo               # the full run: time and held-out IoU -> results/demo.json
    python -m snippets.unet.demo --ablation    # with / without skips, 3 seeds -> results/ablation.json
    python -m snippets.unet.demo --quick       # a smoke test of the same code, saves nothing

The requirement: on 2 CPU cores the U-Net reaches IoU >= 0.9 on held-out images within 60 s,
data generation included. The time is wall-clock time on whatever machine runs this, so run it
on a quiet one; the load average at the start is recorded beside it.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import torch
from torch.utils.data import DataLoader, TensorDataset

from snippets.experiment import environment, finish, save_results
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
    epochs: int = 4
    batch_size: int = 8
    lr: float = 3e-3
    schedule: str = "cosine"
    seed: int = 0
    threads: int = 2  # the requirement's 2 CPU cores


QUICK = DemoConfig(size=32, n_train=128, n_val=64, depth=2, epochs=2, batch_size=8, lr=5e-3)


def train_model(
    config: DemoConfig, progress: bool = True, device: torch.device = CPU
) -> tuple[UNet, dict[str, list[float]], tuple]:
    """Generate the data and train a U-Net as `config` says; returns (model, history, (val_images, val_masks))."""
    train_images, train_masks = make_shapes(config.n_train, size=config.size, seed=config.seed)
    val = make_shapes(config.n_val, size=config.size, seed=1000 + config.seed)
    loader = DataLoader(
        TensorDataset(train_images, train_masks),
        batch_size=config.batch_size,
        shuffle=True,
        generator=torch.Generator().manual_seed(config.seed),
    )
    torch.manual_seed(config.seed)  # the initial weights
    model = UNet(depth=config.depth, base_channels=config.base_channels, upsample=config.upsample, skip=config.skip)
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


def run(config: DemoConfig, progress: bool = True) -> dict:
    """Generate the data, train, and measure held-out IoU, on `config.threads` threads; all of it timed."""
    torch.set_num_threads(config.threads)
    start = time.perf_counter()
    model, history, _ = train_model(config, progress=progress)
    seconds = time.perf_counter() - start
    return {
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
}


def ablation(config: DemoConfig, seeds: tuple[int, ...] = (0, 1, 2), progress: bool = True) -> dict:
    """Each arm trained with the same budget, data and seeds; only the architecture differs."""
    env = environment(CPU)
    runs = []
    for seed in seeds:
        for arm, change in ARMS.items():
            result = run(replace(config, seed=seed, **change), progress=progress)
            runs.append({"arm": arm, "seed": seed, **result})
            print(f"{arm:32} seed {seed}: IoU {result['val_iou']:.4f} in {result['seconds']:.1f} s", flush=True)
    summary = []
    for arm in ARMS:
        ious = [r["val_iou"] for r in runs if r["arm"] == arm]
        summary.append({"arm": arm, "mean": round(sum(ious) / len(ious), 4), "min": min(ious), "max": max(ious)})
    return {"summary": summary, "runs": runs, "seeds": list(seeds), "environment": finish(env)}


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
