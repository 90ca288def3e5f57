"""The multi-class page's claims: K logits, cross-entropy with ignore_index=255, IoU per class, and learning."""

from __future__ import annotations

import json
import math
from dataclasses import asdict

import pytest
import torch
import torch.nn.functional as F
from torch import nn
from torchvision import tv_tensors
from torchvision.transforms import v2

from snippets.augmentation.ablation import train_augmentation
from snippets.augmentation.transforms import JointTransform
from snippets.unet import multiclass, tables
from snippets.unet.demo import unpack_masks
from snippets.unet.multiclass import IGNORE_INDEX, class_iou, scene_augmentation

pytestmark = pytest.mark.usefixtures("one_thread")


def one_hot_logits(labels: torch.Tensor, k: int = 3) -> torch.Tensor:
    """Logits whose argmax is `labels` (N, H, W)."""
    return F.one_hot(labels, k).permute(0, 3, 1, 2).float()


def test_class_iou_by_hand() -> None:
    labels = torch.tensor([[[0, 0, 1, 1, 2, 2]]])
    pred = torch.tensor([[[0, 1, 1, 1, 2, 0]]])  # background: 1/3; disc: 2/3; square: 1/2
    ious = class_iou(one_hot_logits(pred), labels)
    assert ious == pytest.approx([1 / 3, 2 / 3, 1 / 2])


def test_class_iou_leaves_ignored_pixels_out_and_marks_absent_classes() -> None:
    labels = torch.tensor([[[0, 0, 255, 255]]])
    pred = torch.tensor([[[0, 0, 1, 1]]])  # predicted disc only where the label is 255: no disc at all
    ious = class_iou(one_hot_logits(pred), labels)
    assert ious[0] == 1.0 and math.isnan(ious[1]) and math.isnan(ious[2])


@pytest.mark.parametrize(
    ("logits", "labels", "match"),
    [
        (torch.zeros(1, 3, 4, 4), torch.zeros(1, 4, 5, dtype=torch.int64), r"\(1, 3, 4, 4\) and \(1, 4, 5\)"),
        (torch.zeros(3, 4, 4), torch.zeros(1, 4, 4, dtype=torch.int64), "logits"),
        (torch.zeros(1, 3, 4, 4), torch.zeros(1, 4, 4), "int64"),
    ],
)
def test_class_iou_names_the_problem(logits, labels, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        class_iou(logits, labels)


def test_scene_augmentation_is_the_chapters_chain_with_the_mask_filled_with_255() -> None:
    """Kept in step with snippets/augmentation/ablation.py: the same transforms and parameters, but the fill."""
    ours, chapter = scene_augmentation().transforms, train_augmentation().transforms
    assert [type(t) for t in ours] == [type(t) for t in chapter]
    skip = {"fill", "_fill"}
    for a, b in zip(ours, chapter, strict=True):
        assert {k: v for k, v in vars(a).items() if k not in skip} == {
            k: v for k, v in vars(b).items() if k not in skip
        }
    affine = ours[1]
    assert isinstance(affine, v2.RandomAffine) and affine.fill == {tv_tensors.Mask: 255, "others": 0}


def test_the_fill_is_255_in_the_mask_and_0_in_the_image() -> None:
    torch.manual_seed(0)
    image, mask = torch.ones(3, 32, 32), torch.ones(32, 32, dtype=torch.int64)
    rotate = JointTransform(v2.RandomAffine(degrees=(45, 45), fill={tv_tensors.Mask: IGNORE_INDEX, "others": 0}))
    out_image, out_mask = rotate(image, mask)
    filled = out_mask == IGNORE_INDEX
    assert filled.float().mean() > 0.1 and set(out_mask.unique().tolist()) == {1, IGNORE_INDEX}
    assert (out_image[:, filled] == 0).all()


def test_cross_entropy_ignores_the_filled_pixels() -> None:
    torch.manual_seed(0)
    logits = torch.randn(2, 3, 8, 8)
    labels = torch.randint(0, 3, (2, 8, 8))
    labels[:, :3] = IGNORE_INDEX
    loss = nn.CrossEntropyLoss(ignore_index=IGNORE_INDEX)(logits, labels)
    kept = labels != IGNORE_INDEX
    torch.testing.assert_close(loss, F.cross_entropy(logits.permute(0, 2, 3, 1)[kept], labels[kept]))
    changed = logits.clone()
    changed[:, :, :3] = 100.0  # whatever the model says where no class is claimed
    torch.testing.assert_close(nn.CrossEntropyLoss(ignore_index=IGNORE_INDEX)(changed, labels), loss)


def test_a_short_run_of_the_benchmark_learns_and_records_what_the_page_reports() -> None:
    """The benchmark's own code, smaller: the loss falls by more than half, and IoU is far above chance."""
    short = multiclass.Config(
        size=32, n_train=16, n_test=16, depth=2, base_channels=8, epochs=25, lr=5e-3, num_workers=0
    )
    result = multiclass.run(short)
    assert result["loss"][-1] < result["loss"][0] / 2
    assert result["mean_object_iou"]["clean"] > 0.6  # an untrained model scores near 0 on the objects
    assert {"seconds", "iou", "predictions", "environment", "parameters"} <= result.keys()
    assert set(result["iou"]) == {"clean", "shifted"} and len(result["iou"]["clean"]) == 3
    assert torch.get_num_threads() == 1  # the run restores the caller's threads


def test_saved_benchmark_met_its_bar() -> None:
    """The committed run of `python -m snippets.unet.multiclass` (its time is reported, not asserted)."""
    result = json.loads(multiclass.RESULTS.read_text())
    assert result["config"] == json.loads(json.dumps(asdict(multiclass.Config())))
    assert result["classes"] == list(multiclass.CLASSES)
    assert result["mean_object_iou"]["shifted"] >= multiclass.TARGET_MEAN_IOU
    assert result["mean_object_iou"]["clean"] >= result["mean_object_iou"]["shifted"]
    assert unpack_masks(result["predictions"]).shape == (3, multiclass.KEEP, 48, 48)
    assert "disc" in tables.multiclass_table()
