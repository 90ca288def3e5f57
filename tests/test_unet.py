"""The U-Net chapter's claims, checked against torch (mirrors snippets/unet/; multi-class: test_unet_multiclass.py)."""

from __future__ import annotations

import json
import math
from dataclasses import replace

import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchinfo
from hypothesis import given, settings
from hypothesis import strategies as st
from torch.utils.data import DataLoader, TensorDataset
from torch.utils.flop_counter import FlopCounterMode

from snippets.unet import demo, tables
from snippets.unet.article import ArticleUNet, MinimalUNet
from snippets.unet.data import ShapesDataset, make_shapes
from snippets.unet.layer_table import LayerRow, conv_macs, layer_summary, markdown_table
from snippets.unet.model import UNet
from snippets.unet.parts import DoubleConv, Down, OutConv, Up
from snippets.unet.receptive_field import linearised, receptive_field, receptive_field_recurrence
from snippets.unet.sizes import valid_unet_sizes
from snippets.unet.tiling import predict_tiled
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
    assert isinstance(Up(8, 4, "bilinear").up.resize, nn.Upsample)  # named, for the layer table


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
    rows = [LayerRow("a", "Conv2d", (1, 1, 4, 4), (1, 2, 4, 4), "3×3", "1×2", "1×1", 20, 288)]
    text = markdown_table(rows * 3)
    assert text.count("| `a`<br>Conv2d | (1, 4, 4) | (2, 4, 4) | 3×3 / 1×2 / 1 | 20 |") == 3
    assert "**60**" in text


def test_valid_unet_sizes_match_the_paper_and_torch() -> None:
    encoder, decoder = valid_unet_sizes(572)
    assert encoder == [568, 280, 136, 64, 28] and decoder == [52, 100, 196, 388]  # Ronneberger et al., Fig. 1
    for size in (188, 572):
        assert valid_unet_sizes(size) == tables.valid_unet_sizes_by_torch(size)
    with pytest.raises(ValueError, match="size: side 279 at level 1 is odd"):
        valid_unet_sizes(570)
    with pytest.raises(ValueError, match="too small"):
        valid_unet_sizes(60)
    assert "572 → 568" in tables.original_unet_table() and "388×388" in tables.original_unet_table()


def test_generated_tables_render() -> None:
    assert "**total**" in tables.layer_table()
    assert "held-out IoU" in tables.demo_table()
    assert "the article's model" in tables.ablation_table()
    assert "1024" in tables.paper_table() and "31.0 M parameters" in tables.paper_table()
    assert "| 3 | 64 × 8 × 8 |" in tables.macs_table()


# ---------------------------------------------------------------------------------------------
# demo.py and its saved results


def test_demo_run_records_what_the_page_reports() -> None:
    config = replace(demo.QUICK, n_train=16, n_val=8, epochs=1, threads=1)
    result = demo.run(config, progress=False, keep=3)
    assert {"config", "seconds", "val_iou", "history", "parameters", "predictions"} <= result.keys()
    assert len(result["history"]["val_iou"]) == 1
    assert demo.unpack_masks(result["predictions"]).shape == (3, 1, 32, 32)
    assert "predictions" not in demo.run(config, progress=False)


def test_build_model_gives_each_arm_its_network() -> None:
    assert isinstance(demo.build_model(replace(demo.DemoConfig(), **demo.ARMS["the article's model"])), ArticleUNet)
    no_skip = demo.build_model(replace(demo.DemoConfig(), **demo.ARMS["no skip connections"]))
    assert isinstance(no_skip, UNet) and not no_skip.ups[0].skip
    with pytest.raises(ValueError, match="model"):
        demo.build_model(replace(demo.DemoConfig(), model="fcn"))


@FAST
@given(n=st.integers(1, 3), h=st.integers(1, 9), w=st.integers(1, 9), seed=st.integers(0, 2**16))
def test_pack_masks_round_trips(n: int, h: int, w: int, seed: int) -> None:
    masks = torch.rand(n, 1, h, w, generator=torch.Generator().manual_seed(seed)) > 0.5
    packed = demo.pack_masks(masks)
    assert json.loads(json.dumps(packed)) == packed  # JSON-safe
    assert torch.equal(demo.unpack_masks(packed), masks)


def saved(name: str) -> dict:
    return json.loads((demo.RESULTS / name).read_text())


def test_saved_demo_met_the_iou_target() -> None:
    """The committed run of `python -m snippets.unet.demo` (its time is reported, not asserted)."""
    result = saved("demo.json")
    today = json.loads(json.dumps(demo.asdict(demo.DemoConfig())))
    assert {k: v for k, v in result["config"].items() if k != "threads"} == {
        k: v for k, v in today.items() if k != "threads"
    }  # today's settings; the threads are the run's own
    assert result["val_iou"] >= demo.TARGET_IOU


def test_saved_ablation_has_every_arm_and_the_figures_data() -> None:
    result = saved("ablation.json")
    assert [row["arm"] for row in result["summary"]] == list(demo.ARMS)
    for run in result["runs"]:
        expected = replace(
            demo.DemoConfig(), seed=run["seed"], threads=run["config"]["threads"], **demo.ARMS[run["arm"]]
        )
        assert run["config"] == json.loads(json.dumps(demo.asdict(expected)))
    first = [run for run in result["runs"] if run["seed"] == result["seeds"][0]]
    assert {run["arm"] for run in first if "predictions" in run} == set(demo.ARMS)
    for run in first:
        assert demo.unpack_masks(run["predictions"]).shape == (demo.KEEP, 1, 64, 64)
    assert result["total_seconds"] == pytest.approx(sum(run["seconds"] for run in result["runs"]), abs=0.1)


def test_saved_ablation_supports_what_the_page_says() -> None:
    """The ablation page's reading of the numbers: each sentence is one assert here."""
    result = saved("ablation.json")
    mean = {row["arm"]: row["mean"] for row in result["summary"]}
    spread = {row["arm"]: row["max"] - row["min"] for row in result["summary"]}
    unet, no_skip = mean["U-Net (skips, ConvTranspose2d)"], mean["no skip connections"]
    bilinear = mean["U-Net (skips, bilinear + conv)"]
    assert 0.05 < unet - no_skip < 0.09 and 0.88 < no_skip < 0.92 and 0.96 < unet < 0.98  # about 7 points
    params = {run["arm"]: run["parameters"] for run in result["runs"]}
    assert round(params["U-Net (skips, ConvTranspose2d)"] / params["no skip connections"] - 1, 2) == 0.11
    assert abs(unet - bilinear) < max(
        spread["U-Net (skips, ConvTranspose2d)"], spread["U-Net (skips, bilinear + conv)"]
    )
    article = {run["seed"]: run for run in result["runs"] if run["arm"] == "the article's model"}
    dead = [seed for seed, run in article.items() if max(run["history"]["val_iou"]) == 0]
    assert len(dead) == 2  # two seeds of three never learn...
    for seed in dead:  # ...and their loss does not move
        assert max(article[seed]["history"]["loss"]) - min(article[seed]["history"]["loss"]) < 1e-3
    (alive,) = set(article) - set(dead)
    assert 0.75 < article[alive]["val_iou"] < no_skip  # the one that learns: about 0.8, below every other arm
    ratio = tables.forward_macs(ArticleUNet(), (1, 1, 64, 64)) / tables.forward_macs(
        UNet(depth=3, base_channels=8), (1, 1, 64, 64)
    )
    assert 4.5 < ratio < 5  # "nearly five times the computation"


def test_saved_predictions_show_what_the_page_says() -> None:
    """The predictions figure (seed 0): the article's model marks background far from any shape; the U-Nets never do."""
    result = saved("ablation.json")
    config = demo.DemoConfig(**result["runs"][0]["config"])
    masks = demo.held_out(config)[1][: demo.KEEP]
    near = F.max_pool2d(masks, 7, stride=1, padding=3) > 0  # within 3 pixels of a shape
    first = {run["arm"]: demo.unpack_masks(run["predictions"]) for run in result["runs"] if "predictions" in run}
    stray = {arm: int((pred & ~near).sum()) for arm, pred in first.items()}
    missed = {arm: int((~pred & (masks > 0)).sum()) for arm, pred in first.items()}
    assert stray["the article's model"] > 20 and stray["U-Net (skips, ConvTranspose2d)"] == 0
    assert missed["the article's model"] > 3 * missed["U-Net (skips, ConvTranspose2d)"]


def test_a_final_relu_can_stop_training_in_one_step() -> None:
    """The mechanism behind the two dead seeds: after two Adam steps every logit is clamped, every gradient is 0."""
    torch.set_num_threads(1)
    images, masks = make_shapes(8, size=32, seed=1)
    alive_at_start = {}
    for seed in (0, 1):
        torch.manual_seed(seed)
        model = ArticleUNet()
        optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
        alive_at_start[seed] = (model(images) > 0).float().mean().item()
        for _ in range(2):
            loss = bce_dice_loss(model(images), masks)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        if seed == 1:
            assert (model(images) == 0).all()
            optimizer.zero_grad()
            bce_dice_loss(model(images), masks).backward()
            assert all(p.grad.abs().sum() == 0 for p in model.parameters())
    assert alive_at_start[1] == 1.0 and alive_at_start[0] < 0.01  # seed 1 starts all positive; seed 0 near 0


# ---------------------------------------------------------------------------------------------
# article.py: the article's model and the minimal correction


def test_article_model_has_no_skip_one_level_and_a_final_relu() -> None:
    torch.manual_seed(0)
    model = ArticleUNet()
    x = torch.randn(1, 1, 32, 32)
    assert isinstance(model.decoder[-1], nn.ReLU) and (model(x) >= 0).all()
    assert sum(isinstance(m, nn.MaxPool2d) for m in model.modules()) == 1
    assert model.encoder(x).shape == (1, 64, 16, 16)  # all the decoder sees
    assert sum(p.numel() for p in model.parameters()) == 54_593


def test_minimal_unet_concatenates_the_skip_and_returns_logits() -> None:
    torch.manual_seed(0)
    model = MinimalUNet(w=8)
    x = torch.randn(2, 1, 16, 16)
    assert model(x).shape == (2, 1, 16, 16) and isinstance(list(model.modules())[-1], nn.Conv2d)
    with torch.no_grad():
        model.decoder[-1].bias -= 1  # nothing after the last layer clamps: logits go negative
    assert (model(x) < 0).any()
    assert model.decoder[0].in_channels == 16  # 8 from the skip + 8 upsampled
    assert sum(p.numel() for p in MinimalUNet().parameters()) == 218_113
    x.requires_grad_()
    grad = torch.autograd.grad(model(x)[0, 0, 5, 5], x)[0]
    assert grad[0, 0, 5, 5] != 0


# ---------------------------------------------------------------------------------------------
# the output layer: what a final ReLU does


@FAST
@given(z=st.floats(0, 50))
def test_bce_on_a_background_pixel_is_at_least_log_2_when_the_logit_is_not_negative(z: float) -> None:
    loss = F.binary_cross_entropy_with_logits(torch.tensor([z]), torch.zeros(1)).item()
    assert loss >= math.log(2) - 1e-6
    assert torch.sigmoid(torch.tensor(z)) >= 0.5


def test_relu_logits_can_still_give_a_perfect_mask() -> None:
    """The output-layer page's counterexample: IoU 1, a high loss, and no calibration."""
    target = torch.zeros(1, 1, 16, 16)
    target[..., 4:10, 3:9] = 1
    relu_logits, free_logits = 10 * target, 20 * target - 10
    assert iou_score(relu_logits, target) == iou_score(free_logits, target) == 1.0
    assert bce_dice_loss(relu_logits, target) > 0.5 > 0.01 > bce_dice_loss(free_logits, target)
    assert torch.sigmoid(relu_logits)[target == 0].eq(0.5).all()


def test_relu_blocks_the_gradient_where_it_clamps() -> None:
    torch.manual_seed(0)
    model = ArticleUNet()
    x = torch.randn(1, 1, 32, 32)
    features = model.decoder[:-1](model.encoder(x))
    logits = model.decoder[-1](features)
    (grad,) = torch.autograd.grad(F.binary_cross_entropy_with_logits(logits, torch.zeros_like(logits)), features)
    assert torch.equal(grad == 0, features <= 0)


def test_bce_loss_clamps_where_bce_with_logits_stays_exact() -> None:
    z, y = torch.tensor([200.0, 2.0]), torch.tensor([0.0, 1.0])
    fused = F.binary_cross_entropy_with_logits(z, y, reduction="none")
    split = F.binary_cross_entropy(torch.sigmoid(z), y, reduction="none")
    assert fused[0].item() == pytest.approx(200.0) and split[0].item() == pytest.approx(100.0)
    torch.testing.assert_close(fused[1], split[1])


# ---------------------------------------------------------------------------------------------
# receptive_field.py


@pytest.mark.parametrize(
    ("make", "field", "size"),
    [
        (ArticleUNet, 8, 32),
        (lambda: MinimalUNet(w=4), 12, 32),
        (lambda: UNet(depth=2, base_channels=2), 44, 64),
        (lambda: UNet(depth=3, base_channels=2, upsample="bilinear"), 124, 256),
    ],
)
def test_the_recurrence_equals_the_probe_at_every_pixel_when_the_field_is_the_same_everywhere(
    make, field, size
) -> None:
    torch.manual_seed(0)
    model = make()
    assert receptive_field_recurrence(model) == field
    # Pixels far enough from the border that the image does not cut their field:
    assert {receptive_field(model, size=size, pixel=p) for p in range(size // 2 - 2, size // 2 + 2)} == {field}


def test_with_transposed_convolutions_the_recurrence_is_the_probes_mean_over_the_bottom_grid() -> None:
    """The receptive-field page: probe 92 or 100 by the pixel's place in the 8-pixel grid; mean 96, the recurrence."""
    torch.manual_seed(0)
    model = UNet(depth=3, base_channels=2)
    fields = [receptive_field(model, size=128, pixel=p) for p in range(56, 64)]
    assert sorted(set(fields)) == [92, 100]
    assert sum(fields) / 8 == receptive_field_recurrence(model) == 96
    assert receptive_field(model, size=128) == 92


def test_linearised_copy_leaves_the_model_alone() -> None:
    model = UNet(depth=1, base_channels=2)
    probe = linearised(model)
    assert not any(isinstance(m, nn.ReLU | nn.MaxPool2d) for m in probe.modules())
    assert sum(isinstance(m, nn.ReLU) for m in model.modules()) == 6 and model.training


def test_the_recurrence_names_what_it_cannot_follow() -> None:
    with pytest.raises(ValueError, match="model: cannot follow the field through Upsample"):
        receptive_field_recurrence(nn.Sequential(nn.Upsample(scale_factor=3)))
    with pytest.raises(ValueError, match="model: Conv2d has a non-square kernel_size"):
        receptive_field_recurrence(nn.Conv2d(1, 1, (3, 1)))
    with pytest.raises(ValueError, match="Sigmoid"):
        receptive_field_recurrence(nn.Sequential(nn.Conv2d(1, 1, 3), nn.Sigmoid()))


# ---------------------------------------------------------------------------------------------
# tiling.py


def test_overlap_tiles_equal_the_whole_image_once_the_margin_covers_the_field() -> None:
    torch.manual_seed(0)
    model = UNet(depth=3, base_channels=4)
    image = torch.rand(1, 1, 128, 128)

    def whole(margin: int) -> torch.Tensor:
        with torch.no_grad():
            return model(F.pad(image, [margin] * 4, mode="reflect"))[..., margin:-margin, margin:-margin]

    tiled = predict_tiled(model, image, tile=64, margin=48)
    assert tiled.shape == (1, 1, 128, 128) and not model.training
    torch.testing.assert_close(tiled, whole(48), atol=1e-6, rtol=0)
    assert not torch.allclose(predict_tiled(model, image, tile=64, margin=8), whole(8), atol=1e-6)


@pytest.mark.parametrize(
    ("shape", "tile", "margin", "name"),
    [((1, 64, 64), 32, 8, "image"), ((1, 1, 64, 64), 48, 8, "tile"), ((1, 1, 64, 64), 32, 64, "margin")],
)
def test_predict_tiled_names_the_bad_argument(shape, tile: int, margin: int, name: str) -> None:
    with pytest.raises(ValueError, match=name):
        predict_tiled(UNet(depth=1, base_channels=2), torch.zeros(shape), tile, margin)


# ---------------------------------------------------------------------------------------------
# MACs and the paper's comparison


def test_conv_macs_are_half_of_torchs_flop_count() -> None:
    for module, shape in (
        (nn.Conv2d(4, 6, 3, padding=1, groups=2), (1, 4, 9, 7)),
        (nn.ConvTranspose2d(6, 4, 2, stride=2), (2, 6, 5, 5)),
        (nn.Conv2d(3, 5, (1, 3), stride=2), (1, 3, 8, 8)),
    ):
        x = torch.randn(shape)
        with FlopCounterMode(display=False) as counter:
            y = module(x)
        assert 2 * conv_macs(module, tuple(x.shape), tuple(y.shape)) == counter.get_total_flops()
    assert conv_macs(nn.ReLU(), (1, 1, 2, 2), (1, 1, 2, 2)) == 0


def test_doubling_channels_while_halving_the_side_keeps_the_levels_equal() -> None:
    """The layer-table page's point: every encoder level below the first costs the same."""
    model, input_shape = tables.demo_model()
    per_level: dict[tuple[int, str], int] = {}
    for row in layer_summary(model, input_shape):
        key = tables.level_of(row.name, model.depth)
        per_level[key] = per_level.get(key, 0) + row.macs
    encoder = [per_level[(level, "encoder")] for level in range(1, model.depth + 1)]
    decoder = [per_level[(level, "decoder")] for level in range(1, model.depth)]
    assert len(set(encoder)) == 1 and len(set(decoder)) == 1
    assert per_level[(0, "encoder")] < encoder[0]  # the first convolution reads 1 channel, not 8
    with pytest.raises(ValueError, match="name"):
        tables.level_of("head.conv", 3)


def test_init_scales_the_paper_table_cites() -> None:
    torch.manual_seed(0)
    conv = nn.Conv2d(64, 64, 3)
    n = 9 * 64
    assert conv.weight.std().item() == pytest.approx(1 / math.sqrt(3 * n), rel=0.02)
    nn.init.kaiming_normal_(conv.weight, nonlinearity="relu")
    assert conv.weight.std().item() == pytest.approx(math.sqrt(2 / n), rel=0.02)


def test_the_paper_sized_unet_has_23_convolutional_layers() -> None:
    with torch.device("meta"):
        model = UNet(depth=4, base_channels=64)
    assert sum(isinstance(m, nn.Conv2d | nn.ConvTranspose2d) for m in model.modules()) == 23  # Ronneberger et al., §2
    assert model.ups[0].up.in_channels == 1024
