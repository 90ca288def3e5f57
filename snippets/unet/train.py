"""Loss, metric and training loop for binary segmentation with logits."""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F
from tqdm import tqdm


# --8<-- [start:loss]
def dice_loss(logits: torch.Tensor, target: torch.Tensor, eps: float = 1.0) -> torch.Tensor:
    """1 - soft Dice of sigmoid(logits) and target, pooled over the batch."""
    prob = torch.sigmoid(logits)
    overlap = 2 * (prob * target).sum() + eps
    return 1 - overlap / (prob.sum() + target.sum() + eps)


def bce_dice_loss(logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """BCEWithLogits (per pixel) + Dice (overlap, whatever the shapes' size).

    logits, target: (N, 1, H, W); target in {0, 1}.
    """
    check_same_shape(logits, target)
    return F.binary_cross_entropy_with_logits(logits, target) + dice_loss(logits, target)


# --8<-- [end:loss]


# --8<-- [start:metric]
def iou_score(logits: torch.Tensor, target: torch.Tensor) -> float:
    """Intersection over union of (logits > 0) and target, over the batch.

    logits > 0 is sigmoid(logits) > 0.5. Two empty masks agree: IoU 1.0.
    """
    check_same_shape(logits, target)
    pred, truth = logits > 0, target > 0.5
    union = (pred | truth).sum().item()
    return 1.0 if union == 0 else (pred & truth).sum().item() / union


def check_same_shape(logits: torch.Tensor, target: torch.Tensor) -> None:
    if logits.shape != target.shape:
        shapes = f"{tuple(logits.shape)} and {tuple(target.shape)}"
        raise ValueError(f"logits and target must have one shape, got {shapes}")


# --8<-- [end:metric]


def train_epoch(model, loader, optimizer, device, scheduler=None, loss_fn=bce_dice_loss) -> float:
    """One pass over `loader`; returns the mean loss per sample.

    The scheduler, if any, steps after every batch.
    """
    model.train()
    total, count = 0.0, 0
    for images, masks in loader:
        images, masks = images.to(device), masks.to(device)
        loss = loss_fn(model(images), masks)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        if scheduler is not None:
            scheduler.step()
        total += loss.item() * len(images)
        count += len(images)
    return total / count


@torch.no_grad()
def evaluate(model: nn.Module, val, device: torch.device) -> float:
    """IoU of the model, in eval mode, on (images, masks) or on batches of them."""
    model.eval()
    if isinstance(val, tuple):  # one pair of tensors: in batches, to bound memory
        val = zip(val[0].split(64), val[1].split(64), strict=True)
    logits, targets = [], []
    for images, masks in val:
        logits.append(model(images.to(device)).cpu())
        targets.append(masks)
    return iou_score(torch.cat(logits), torch.cat(targets))


def fit(
    model, loader, *, epochs, lr, device, val=None, progress=True, schedule="constant", loss_fn=bce_dice_loss
) -> dict[str, list[float]]:
    """Train with Adam; returns {"loss": [...], "val_iou": [...]}, a value per epoch.

    schedule="cosine" decays the learning rate to 0 over the run: the last steps
    are small, so the weights settle. val: held-out (images, masks), or None.
    """
    check_fit(epochs, schedule)
    model.to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    scheduler = None
    if schedule == "cosine":  # a step per batch: the loader must have a length
        steps = epochs * len(loader)
        scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, steps)
    history = {"loss": [], "val_iou": []}
    bar = tqdm(range(epochs), desc="epochs", disable=not progress)
    for _ in bar:
        loss = train_epoch(model, loader, optimizer, device, scheduler, loss_fn)
        history["loss"].append(loss)
        if val is not None:
            history["val_iou"].append(evaluate(model, val, device))
        bar.set_postfix({k: f"{v[-1]:.3f}" for k, v in history.items() if v})
    return history


# --8<-- [start:checks]
def check_fit(epochs: int, schedule: str) -> None:
    """Raise a ValueError naming the bad argument of fit(...)."""
    if not isinstance(epochs, int) or epochs < 1:
        raise ValueError(f"epochs must be an int >= 1, got {epochs!r}")
    if schedule not in ("constant", "cosine"):
        raise ValueError(f"schedule must be 'constant' or 'cosine', got {schedule!r}")


# --8<-- [end:checks]
