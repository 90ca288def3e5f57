"""The U-Net page's claims, each checked against torch (mirrors snippets/unet/)."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchinfo
from hypothesis import given, settings
from hypothesis import strategies as st
from torch.utils.data import DataLoader, TensorDataset

from snippets.unet import demo, tables
from snippets.unet.data import ShapesDataset, make_shapes
from snippets.unet.layer_table import LayerRow, layer_summary, markdown_table
from snippets.unet.model import UNet
from snippets.unet.parts import DoubleConv, Down, OutConv, Up
from snippets.unet.train import bce_dice_loss, dice_loss, evaluate, fit, iou_score, train_epoch

FAST = settings(max_examples=40, deadline=None)


# Small tensors: with several threads, waking them costs more than the work.
pytestmark = pytest.mark.usefixtures("one_thread")


# ---------------------------------------------------------------------------------------------
# parts.py


def test_double_conv_keeps_height_and_width() -> None:
    block = DoubleConv(3, 5)
    assert block(torch.randn(2, 3, 9, 7)).shape == (2, 5, 9, 7)
    convs = [m for m in block if isinstance(m, nn.Conv2d)]
    assert [(c.kernel_size, c.padding, c.bias) for c in convs] == [((3, 3), (1, 1), None)] * 2


def test_down_halves_and_up_doubles() -> None:
    assert Down(4, 8)(torch.randn(1, 4, 16, 12)).shape == (1, 8, 8, 6)
    for mode in ("transpose", "bilinear"):
        up = Up(8, 4, upsample=mode)
        assert up(torch.randn(1, 8, 5, 6), torch.randn(1, 4, 10, 12)).shape == (1, 4, 10, 12)
        assert up.conv.conv1.in_channels == 8  # skip (4) + upsampled (4), concatenated
    assert isinstance(Up(8, 4, "transpose").up, nn.ConvTranspose2d)
    assert isinstance(Up(8, 4, "bilinear").up.resize, nn.Upsample)


def test_up_without_skip_ignores_the_skip() -> None:
    up = Up(8, 4, skip=False)
    x = torch.randn(1, 8, 4, 4)
    assert up.conv.conv1.in_channels == 4
    torch.testing.assert_close(up.eval()(x, torch.randn(1, 4, 8, 8)), up(x, None))


def test_up_refuses_a_skip_of_the_wrong_size() -> None:
    with pytest.raises(ValueError, match=r"skip must have the upsampled size \(8, 8\)"):
        Up(8, 4)(torch.randn(1, 8, 4, 4), torch.randn(1, 4, 9, 9))
    with pytest.raises(ValueError, match="skip must have"):
        Up(8, 4)(torch.randn(1, 8, 4, 4))


def test_out_conv_is_a_1x1_conv_with_no_activation() -> None:
    head = OutConv(8, 2)
    x = torch.randn(1, 8, 4, 4)
    torch.testing.assert_close(head(x), F.conv2d(x, head.weight, head.bias))
    assert (head(x) < 0).any()  # logits: negative values pass


@pytest.mark.parametrize(
    ("make", "name"),
    [
        (lambda: DoubleConv(0, 4), "in_channels"),
        (lambda: DoubleConv(4, -1), "out_channels"),
        (lambda: Up(7, 4), "in_channels"),
        (lambda: Up(8, 4, upsample="nearest"), "upsample"),
        (lambda: OutConv(4, 0), "out_channels"),
    ],
)
def test_parts_name_the_bad_argument(make, name: str) -> None:
    with pytest.raises(ValueError, match=name):
        make()


# ---------------------------------------------------------------------------------------------
# model.py


@FAST
@given(
    depth=st.integers(1, 3),
    base=st.integers(1, 4),
    in_channels=st.integers(1, 3),
    out_channels=st.integers(1, 3),
    upsample=st.sampled_from(["transpose", "bilinear"]),
    skip=st.booleans(),
    h=st.integers(1, 3),
    w=st.integers(1, 3),
    n=st.integers(1, 2),
)
def test_unet_gives_logits_of_the_input_size(depth, base, in_channels, out_channels, upsample, skip, h, w, n) -> None:
    model = UNet(in_channels, out_channels, depth=depth, base_channels=base, upsample=upsample, skip=skip)
    factor = 2**depth
    x = torch.randn(n, in_channels, h * factor, w * factor)
    assert model.eval()(x).shape == (n, out_channels, h * factor, w * factor)


def test_unet_widths_double_per_level_and_skips_concatenate() -> None:
    model = UNet(depth=3, base_channels=8)
    assert [d.conv.conv2.out_channels for d in model.downs] == [16, 32, 64]
    assert [u.conv.conv1.in_channels for u in model.ups] == [64, 32, 16]  # concatenated: 2 x the upsampled
    no_skip = UNet(depth=3, base_channels=8, skip=False)
    assert [u.conv.conv1.in_channels for u in no_skip.ups] == [32, 16, 8]


def test_without_skips_the_output_sees_the_input_only_through_the_bottleneck() -> None:
    """Without skips, fine detail must pass the 8x coarser bottleneck; with skips it need not."""
    torch.manual_seed(0)
    x = torch.randn(1, 1, 32, 32, requires_grad=True)
    for skip, bottleneck_only in ((False, True), (True, False)):
        model = UNet(depth=3, base_channels=4, skip=skip).eval()
        features = {}
        model.downs[-1].register_forward_hook(lambda m, i, o, f=features: f.setdefault("bottom", o))
        out = model(x).sum()
        (through_bottom,) = torch.autograd.grad(out, features["bottom"], retain_graph=True)
        (total,) = torch.autograd.grad(out, x, retain_graph=True)
        # The part of the gradient to x that flows through the bottleneck:
        (via_bottom,) = torch.autograd.grad(features["bottom"], x, grad_outputs=through_bottom)
        assert torch.allclose(total, via_bottom, atol=1e-6) == bottleneck_only


def test_unet_gradients_reach_every_parameter() -> None:
    torch.manual_seed(0)
    model = UNet(depth=2, base_channels=4, upsample="bilinear")
    x, target = torch.randn(2, 1, 16, 16), (torch.rand(2, 1, 16, 16) > 0.5).float()
    bce_dice_loss(model(x), target).backward()
    assert all(
        p.grad is not None and torch.isfinite(p.grad).all() and p.grad.abs().sum() > 0 for p in model.parameters()
    )


def test_unet_refuses_a_size_not_divisible_by_2_to_the_depth() -> None:
    model = UNet(depth=3)
    with pytest.raises(ValueError, match=r"\(H, W\) = \(60, 64\) must be divisible by 2\*\*depth = 8"):
        model(torch.randn(1, 1, 60, 64))
    with pytest.raises(ValueError, match=r"2\*\*depth = 4"):
        UNet(depth=2)(torch.randn(1, 1, 16, 18))
    UNet(depth=2).eval()(torch.randn(1, 1, 16, 20))  # 20 = 5 * 4: fine


def test_unet_refuses_the_wrong_channel_count_or_rank() -> None:
    with pytest.raises(ValueError, match="in_channels=3"):
        UNet(in_channels=3)(torch.randn(1, 1, 32, 32))
    with pytest.raises(ValueError, match=r"\(N, in_channels, H, W\)"):
        UNet()(torch.randn(1, 32, 32))


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"in_channels": 0}, "in_channels"),
        ({"depth": 0}, "depth"),
        ({"base_channels": 2.5}, "base_channels"),
        ({"out_channels": True}, "out_channels"),
        ({"upsample": "nearest"}, "upsample"),
    ],
)
def test_unet_names_the_bad_argument(kwargs: dict, name: str) -> None:
    with pytest.raises(ValueError, match=name):
        UNet(**kwargs)


# ---------------------------------------------------------------------------------------------
# data.py


def test_make_shapes_gives_noisy_images_and_binary_masks() -> None:
    images, masks = make_shapes(64, size=32, seed=0, channels=2)
    assert images.shape == (64, 2, 32, 32) and masks.shape == (64, 1, 32, 32)
    assert images.dtype == masks.dtype == torch.float32
    assert set(masks.unique().tolist()) == {0.0, 1.0}
    fraction = masks.mean(dim=(1, 2, 3))
    assert (fraction > 0).all() and 0.05 < fraction.mean() < 0.3  # every image has a shape; background dominates
    fg = (images * masks).sum() / (masks.sum() * 2)
    bg = (images * (1 - masks)).sum() / ((1 - masks).sum() * 2)
    assert fg - bg > 0.3  # the shapes are brighter, on average
    assert images[masks.expand_as(images) == 0].std() > 0.1  # and there is noise


def test_make_shapes_is_seeded() -> None:
    a, b, c = make_shapes(4, seed=3), make_shapes(4, seed=3), make_shapes(4, seed=4)
    assert torch.equal(a[0], b[0]) and torch.equal(a[1], b[1])
    assert not torch.equal(a[1], c[1])


def test_make_shapes_draws_sizes_and_places_that_vary() -> None:
    _, masks = make_shapes(200, size=64, seed=0)
    area = masks.sum(dim=(1, 2, 3))
    centre_x = (masks.sum(dim=(1, 2)) * torch.arange(64)).sum(-1) / area.unsqueeze(-1)[..., 0]
    assert area.max() > 4 * area.min()
    assert centre_x.min() < 24 and centre_x.max() > 40


@pytest.mark.parametrize(("kwargs", "name"), [({"n": 0}, "n"), ({"size": 8}, "size"), ({"channels": 0}, "channels")])
def test_make_shapes_names_the_bad_argument(kwargs: dict, name: str) -> None:
    with pytest.raises(ValueError, match=name):
        make_shapes(**{"n": 2, **kwargs})


def test_shapes_dataset_items() -> None:
    data = ShapesDataset(5, size=16, seed=1)
    image, mask = data[2]
    assert len(data) == 5 and image.shape == (1, 16, 16) and mask.shape == (1, 16, 16)
    torch.testing.assert_close(image, make_shapes(5, size=16, seed=1)[0][2])


# ---------------------------------------------------------------------------------------------
# train.py


def test_bce_dice_loss_is_torch_bce_with_logits_plus_dice() -> None:
    torch.manual_seed(0)
    logits, target = torch.randn(2, 1, 8, 8), (torch.rand(2, 1, 8, 8) > 0.5).float()
    prob = torch.sigmoid(logits)
    dice = 1 - (2 * (prob * target).sum() + 1) / (prob.sum() + target.sum() + 1)
    torch.testing.assert_close(bce_dice_loss(logits, target), nn.BCEWithLogitsLoss()(logits, target) + dice)
    assert dice_loss(20 * target - 10, target) < 1e-3


def test_iou_score_by_hand() -> None:
    target = torch.tensor([[1.0, 1.0, 0.0, 0.0]]).view(1, 1, 1, 4)
    logits = torch.tensor([[2.0, -1.0, 3.0, -2.0]]).view(1, 1, 1, 4)  # 1 hit, 1 miss, 1 extra
    assert iou_score(logits, target) == pytest.approx(1 / 3)
    assert iou_score(torch.zeros(1, 1, 2, 2), torch.zeros(1, 1, 2, 2)) == 1.0  # logit 0 is background
    with pytest.raises(ValueError, match="one shape"):
        iou_score(torch.zeros(1, 1, 2, 2), torch.zeros(1, 1, 2, 3))


@FAST
@given(seed=st.integers(0, 2**16))
def test_iou_is_a_fraction_and_perfect_on_the_truth(seed: int) -> None:
    gen = torch.Generator().manual_seed(seed)
    logits, target = torch.randn(1, 1, 6, 6, generator=gen), (torch.rand(1, 1, 6, 6, generator=gen) > 0.5).float()
    assert 0.0 <= iou_score(logits, target) <= 1.0
    assert iou_score(2 * target - 1, target) == 1.0


def test_short_training_learns() -> None:
    """The tests' short run: the loss falls and held-out IoU clears 0.6 (the full demo is a script)."""
    torch.manual_seed(0)
    images, masks = make_shapes(192, size=32, seed=0)
    val = make_shapes(64, size=32, seed=1)
    loader = DataLoader(TensorDataset(images, masks), batch_size=8, shuffle=True)
    model = UNet(depth=2, base_channels=8)
    before = evaluate(model, val, torch.device("cpu"))
    history = fit(model, loader, epochs=3, lr=5e-3, device=torch.device("cpu"), val=val, progress=False)
    assert len(history["loss"]) == len(history["val_iou"]) == 3
    assert history["loss"][-1] < 0.7 * history["loss"][0]
    assert history["val_iou"][-1] > 0.6 > before


def test_train_epoch_returns_the_mean_loss_and_steps_the_scheduler() -> None:
    torch.manual_seed(0)
    model = UNet(depth=1, base_channels=2)
    images, masks = make_shapes(6, size=16, seed=0)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.0)  # lr 0: nothing moves, so the mean is exact
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=1)
    loss = train_epoch(
        model, DataLoader(TensorDataset(images, masks), batch_size=4), optimizer, torch.device("cpu"), scheduler
    )
    model.train()
    expected = (bce_dice_loss(model(images[:4]), masks[:4]) * 4 + bce_dice_loss(model(images[4:]), masks[4:]) * 2) / 6
    assert loss == pytest.approx(expected.item(), rel=1e-4)
    assert scheduler.last_epoch == 2  # two batches


def test_fit_names_bad_arguments() -> None:
    loader = [make_shapes(2, size=16)]
    with pytest.raises(ValueError, match="epochs"):
        fit(UNet(depth=1), loader, epochs=0, lr=1e-3, device=torch.device("cpu"))
    with pytest.raises(ValueError, match="schedule"):
        fit(UNet(depth=1), loader, epochs=1, lr=1e-3, device=torch.device("cpu"), schedule="step")


# ---------------------------------------------------------------------------------------------
# layer_table.py and tables.py


def test_layer_summary_matches_a_forward_pass_and_torchinfo() -> None:
    model, input_shape = tables.demo_model()
    rows = layer_summary(model, input_shape)
    tables.check_layer_rows(model, rows, input_shape)
    assert sum(r.parameters for r in rows) == sum(p.numel() for p in model.parameters())
    info = torchinfo.summary(model, input_size=input_shape, verbose=0)
    leaves = [layer for layer in info.summary_list if layer.is_leaf_layer]
    assert [r.kind for r in rows] == [layer.class_name for layer in leaves]
    assert [list(r.output_shape) for r in rows] == [layer.output_size for layer in leaves]
    assert [r.parameters for r in rows] == [layer.num_params for layer in leaves]
    assert info.total_params == sum(r.parameters for r in rows)
    convs = [r for r in rows if r.kind == "Conv2d"]
    assert {(r.kernel, r.stride, r.padding) for r in convs} == {("3×3", "1×1", "1×1")}


def test_the_layer_check_catches_a_wrong_row() -> None:
    model, input_shape = tables.demo_model()
    rows = layer_summary(model, input_shape)
    bad = [*rows[:5], replace(rows[5], input_shape=(1, 9, 64, 64)), *rows[6:]]
    with pytest.raises(AssertionError, match=r"inc\.relu2"):
        tables.check_layer_rows(model, bad, input_shape)
    with pytest.raises(AssertionError, match="parameters"):
        tables.check_layer_rows(model, [*rows[:-1], replace(rows[-1], parameters=0)], input_shape)


def test_layer_summary_leaves_the_model_as_it_was() -> None:
    model = UNet(depth=1, base_channels=2).train()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    layer_summary(model, (2, 1, 8, 8))
    assert model.training and not model.inc.conv1._forward_hooks
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())


def test_markdown_table_has_one_row_per_layer_and_the_total() -> None:
    rows = [LayerRow("a", "Conv2d", (1, 1, 4, 4), (1, 2, 4, 4), "3×3", "1×2", "1×1", 20)]
    text = markdown_table(rows * 3)
    assert text.count("| `a`<br>Conv2d | (1, 4, 4) | (2, 4, 4) | 3×3 / 1×2 / 1 | 20 |") == 3
    assert "**60**" in text


def test_valid_unet_sizes_match_the_paper_and_torch() -> None:
    encoder, decoder = tables.valid_unet_sizes(572)
    assert encoder == [568, 280, 136, 64, 28] and decoder == [52, 100, 196, 388]  # Ronneberger et al., Fig. 1
    for size in (188, 572):
        assert tables.valid_unet_sizes(size) == tables.valid_unet_sizes_by_torch(size)
    with pytest.raises(ValueError, match="odd"):
        tables.valid_unet_sizes(570)
    assert "572 → 568" in tables.original_unet_table() and "388×388" in tables.original_unet_table()


def test_generated_tables_render() -> None:
    assert "**total**" in tables.layer_table()
    assert "held-out IoU" in tables.demo_table()
    assert "no skip connections" in tables.ablation_table()


# ---------------------------------------------------------------------------------------------
# demo.py and its saved results


def test_demo_run_records_what_the_page_reports() -> None:
    result = demo.run(replace(demo.QUICK, n_train=16, n_val=8, epochs=1, threads=1), progress=False)
    assert {"config", "seconds", "val_iou", "history", "parameters"} <= result.keys()
    assert len(result["history"]["val_iou"]) == 1


def test_saved_demo_met_the_iou_target() -> None:
    """The committed run of `python -m snippets.unet.demo` (its time is reported, not asserted)."""
    result = json.loads((demo.RESULTS / "demo.json").read_text())
    assert result["config"] == json.loads(json.dumps(demo.asdict(demo.DemoConfig())))  # from today's settings
    assert result["val_iou"] >= demo.TARGET_IOU


def test_saved_ablation_shows_what_skips_buy() -> None:
    result = json.loads((demo.RESULTS / "ablation.json").read_text())
    mean = {row["arm"]: row["mean"] for row in result["summary"]}
    assert set(mean) == set(demo.ARMS)
    assert mean["U-Net (skips, ConvTranspose2d)"] > mean["no skip connections"] + 0.03
    for run in result["runs"]:
        assert run["config"] == json.loads(
            json.dumps(demo.asdict(replace(demo.DemoConfig(), seed=run["seed"], **demo.ARMS[run["arm"]])))
        )
