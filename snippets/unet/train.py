"""Loss, metric and training loop for binary segmentation with logits."""

from __future__ import annotations

from collections.abc import Iterable

import torch
from torch import nn
from torch.nn import functional as F
from tqdm import tqdm

Tensor = torch.Tensor

# --8<-- [start:loss]
Batches = Iterable[tuple[Tensor, Tensor]]  # e.g. a DataLoader of (images, masks)


def check_same_shape(logits: Tensor, target: Tensor) -> None:
    if logits.shape != target.shape:
        shapes = f"{tuple(logits.shape)} and {tuple(target.shape)}"
        raise ValueError(f"logits and target must have one shape, got {shapes}")


def dice_loss(logits: Tensor, target: Tensor, eps: float = 1.0) -> Tensor:
    """1 - soft Dice of sigmoid(logits) and target, pooled over the batch."""
    prob = torch.sigmoid(logits)
    overlap = 2 * (prob * target).sum() + eps
    return 1 - overlap / (prob.sum() + target.sum() + eps)


def bce_dice_loss(logits: Tensor, target: Tensor) -> Tensor:
    """BCEWithLogits (per pixel) + Dice (overlap, whatever the shapes' size).

    logits, target: (N, 1, H, W); target in {0, 1}.
    """
    check_same_shape(logits, target)
    bce = F.binary_cross_entropy_with_logits(logits, target)
    return bce + dice_loss(logits, target)


def iou_score(logits: Tensor, target: Tensor) -> float:
    """Intersection over union of (logits > 0) and target, over the batch.

    logits > 0 is sigmoid(logits) > 0.5. Two empty masks agree: IoU 1.0.
    """
    check_same_shape(logits, target)
    pred, truth = logits > 0, target > 0.5
    union = (pred | truth).sum().item()
    return 1.0 if union == 0 else (pred & truth).sum().item() / union


# --8<-- [end:loss]


# --8<-- [start:loop]
def train_epoch(
    model: nn.Module,
    loader: Batches,
    optimizer: torch.optim.Optimizer,
    device: torch.device,
    scheduler: torch.optim.lr_scheduler.LRScheduler | None = None,
) -> float:
    """One pass over `loader`; returns the mean loss per sample.

    The scheduler, if any, steps after every batch.
    """
    model.train()
    total, count = 0.0, 0
    for images, masks in loader:
        images, masks = images.to(device), masks.to(device)
        loss = bce_dice_loss(model(images), masks)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        if scheduler is not None:
            scheduler.step()
        total += loss.item() * len(images)
        count += len(images)
    return total / count


@torch.no_grad()
def evaluate(
    model: nn.Module,
    val: Batches | tuple[Tensor, Tensor],
    device: torch.device,
) -> float:
    """IoU of the model, in eval mode, on a pair (images, masks) or batches."""
    model.eval()
    if isinstance(val, tuple):  # one pair of tensors: in batches, to bound memory
        val = zip(val[0].split(64), val[1].split(64), strict=True)
    logits, targets = [], []
    for images, masks in val:
        logits.append(model(images.to(device)).cpu())
        targets.append(masks)
    return iou_score(torch.cat(logits), torch.cat(targets))


def fit(
    model: nn.Module,
    train_loader: Batches,
    *,
    epochs: int,
    lr: float,
    device: torch.device,
    val: Batches | tuple[Tensor, Tensor] | None = None,
    progress: bool = True,
    schedule: str = "constant",
) -> dict[str, list[float]]:
    """Train with Adam; returns {"loss": [...], "val_iou": [...]} per epoch.

    schedule="cosine" decays the learning rate from lr to 0 along a cosine,
    over all the steps: the last steps are small, so the weights (and the
    BatchNorm running statistics) settle. Seed before calling
    (torch.manual_seed) for a reproducible run; val_iou stays empty if
    val is None.
    """
    if epochs < 1:
        raise ValueError(f"epochs must be >= 1, got {epochs}")
    if schedule not in ("constant", "cosine"):
        raise ValueError(f"schedule must be 'constant' or 'cosine', got {schedule!r}")
    model.to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    scheduler = None
    if schedule == "cosine":
        steps = epochs * len(train_loader)  # the loader must have a length
        scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, steps)
    history: dict[str, list[float]] = {"loss": [], "val_iou": []}
    bar = tqdm(range(epochs), desc="epochs", disable=not progress)
    for _ in bar:
        loss = train_epoch(model, train_loader, optimizer, device, scheduler)
        history["loss"].append(loss)
        shown = {"loss": f"{loss:.3f}"}
        if val is not None:
            history["val_iou"].append(evaluate(model, val, device))
            shown["val_iou"] = f"{history['val_iou'][-1]:.3f}"
        bar.set_postfix(shown)
    return history


# --8<-- [end:loop]
