"""The benchmark: correct cases, complete results, and a page whose every reading follows the data.

Timings are never asserted. What is asserted: the cases compute what they claim (shapes, FLOPs,
the folded variant's equality), the harness reruns and flags noise, every sentence that reads
the results agrees with the results (recomputed here by independent code) and changes when they
change, and the GPU script's dry run works.
"""

from __future__ import annotations

import copy
import itertools
import json
import math
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from snippets.benchmarks import __main__ as cli
from snippets.benchmarks import figures, from_scratch, grid, harness, readings, report, run, variants
from tools import gpu_run

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "benchmarks.md"
CPU = torch.device("cpu")


@pytest.fixture(scope="module")
def quick() -> dict:
    """One in-process `--quick` run on the CPU. One thread: this checks correctness, not speed,
    and a single thread does not wait on a busy machine's other core."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        return run.run(CPU, quick=True, log=lambda _: None)
    finally:
        torch.set_num_threads(threads)


@pytest.fixture()
def saved() -> dict:
    """The committed CPU results (a fresh copy: tests may change it)."""
    results = run.load("cpu")
    assert results is not None, "no CPU results: run python -m snippets.benchmarks --device cpu"
    return copy.deepcopy(results)


# --- the variants and their counts --------------------------------------------------------------


def test_every_upsampler_maps_to_the_same_shape(quick: dict) -> None:
    n, c, h, w = quick["grid"]["sizes"][0]
    shapes = {tuple(case["output_shape"]) for case in quick["upsampling"] if case["variant"] != "conv3x3"}
    assert shapes == {(n, c, 2 * h, 2 * w)}
    baseline = {tuple(case["output_shape"]) for case in quick["upsampling"] if case["variant"] == "conv3x3"}
    assert baseline == {(n, c, h, w)}
    components = {tuple(case["output_shape"]) for case in quick["components"]}
    assert components == {(n, c, 2 * h, 2 * w)}


def test_the_quick_run_covers_its_whole_grid_without_errors(quick: dict) -> None:
    g = grid.grid_for("cpu", quick=True)
    assert len(quick["upsampling"]) + len(quick["components"]) == len(g.cases())
    assert {c["variant"] for c in quick["upsampling"]} == {v.name for v in variants.UPSAMPLERS}
    assert [c for c in quick["upsampling"] + quick["components"] if "error" in c] == []
    assert quick["grid"]["precisions"] == ["fp32", "bf16"]  # TF32 is a CUDA mode: never claimed for a CPU
    channels_last = [c for c in quick["upsampling"] if c["memory_format"] == "channels_last" and c["pass"] == "forward"]
    assert channels_last and all(c["median_s"] > 0 for c in channels_last)
    assert all(c["output_channels_last"] for c in channels_last)


def conv_flops(counter) -> tuple[int, int]:
    """(FLOPs of convolutions, FLOPs of every other op) that torch.utils.flop_counter saw."""
    counts = counter.get_flop_counts().get("Global", {})
    conv = sum(n for op, n in counts.items() if "convolution" in str(op))
    return conv, sum(counts.values()) - conv


@settings(max_examples=20, deadline=None)
@given(
    name=st.sampled_from(list(variants.ALL_VARIANTS)),
    n=st.integers(1, 2),
    c=st.integers(1, 4),
    h=st.integers(1, 5),
    w=st.integers(1, 5),
)
def test_flops_and_shapes_match_torch(name: str, n: int, c: int, h: int, w: int) -> None:
    """Our analytic FLOPs equal torch.utils.flop_counter's convolution FLOPs, forward and
    forward+backward (3×). Only the folded variant runs any other counted op: the fold of its
    kernel, whose FLOPs depend on C alone."""
    from torch.utils.flop_counter import FlopCounterMode

    v = variants.ALL_VARIANTS[name]
    model = v.build(c)
    x = torch.randn(v.input_shape(n, c, h, w), requires_grad=True)
    with FlopCounterMode(display=False) as forward:
        out = model(x)
    assert tuple(out.shape) == v.output_shape(n, c, h, w)
    conv, other = conv_flops(forward)
    assert conv == v.flops(n, c, h, w)
    assert other == (variants.fold_flops(c) if name == "nearest_conv_folded" else 0)
    with FlopCounterMode(display=False) as both:
        model(x).backward(torch.ones(v.output_shape(n, c, h, w)))  # the gradients of x and of every weight
    conv, _ = conv_flops(both)
    assert conv == v.flops(n, c, h, w, backward=True)


def test_bytes_count_the_intermediate_of_resize_then_conv() -> None:
    n, c, h, w = 2, 8, 4, 4
    conv = variants.ALL_VARIANTS["conv3x3"].bytes(n, c, 2 * h, 2 * w, 4)  # the same conv, on the resized grid
    resize = variants.ALL_VARIANTS["nearest_only"].bytes(n, c, h, w, 4)
    assert variants.ALL_VARIANTS["nearest_conv"].bytes(n, c, h, w, 4) == conv + resize


@pytest.mark.parametrize("shape", [(1, 1, 1, 1), (2, 3, 5, 7), (1, 4, 6, 2)])
def test_nearest_conv_is_a_tied_transposed_conv(shape: tuple[int, int, int, int]) -> None:
    torch.manual_seed(0)
    n, c, h, w = shape
    x = torch.randn(n, c, h, w, dtype=torch.float64)
    weight = torch.randn(5, c, 3, 3, dtype=torch.float64)
    resized = F.conv2d(F.interpolate(x, scale_factor=2), weight, padding=1)
    tied = variants.nearest_conv_as_transposed(weight)
    assert tied.shape == (c, 5, 4, 4)
    transposed = F.conv_transpose2d(x, tied, stride=2, padding=1)
    torch.testing.assert_close(transposed, resized)
    assert variants.check_nearest_conv_equivalence() < 1e-12
    with pytest.raises(ValueError, match="weight"):
        variants.nearest_conv_as_transposed(torch.zeros(5, c, 4, 4))


@pytest.mark.parametrize("shape", [(1, 1, 3, 3), (2, 3, 5, 7), (2, 4, 6, 2)])
def test_the_folded_variant_computes_and_trains_like_the_unfolded_pair(shape: tuple[int, int, int, int]) -> None:
    errors = variants.check_folded_equals_unfolded(shape)
    assert set(errors) == {"output", "input_grad", "weight_grad"}
    assert max(errors.values()) < 1e-10
    folded = variants.ALL_VARIANTS["nearest_conv_folded"].build(shape[1])
    assert [p.shape[-2:] for p in folded.parameters() if p.dim() == 4] == [(3, 3)]  # the 9 tied weights
    with pytest.raises(ValueError, match="conv"):
        variants.FoldedNearestConv(nn.Conv2d(3, 3, 3, padding=0))


def test_the_tie_gives_every_output_phase_the_same_kernel_sum() -> None:
    """Why resize + conv cannot make checkerboards: a flat input gives a flat output (away from the borders)."""
    torch.manual_seed(0)
    tied = variants.nearest_conv_as_transposed(torch.randn(2, 3, 3, 3, dtype=torch.float64))
    phases = torch.stack([tied[..., i::2, j::2].sum(dim=(-2, -1)) for i in (0, 1) for j in (0, 1)])
    torch.testing.assert_close(phases, phases[:1].expand_as(phases))
    free = torch.randn(3, 2, 4, 4, dtype=torch.float64)  # a free k4 kernel has no such tie
    free_phases = torch.stack([free[..., i::2, j::2].sum(dim=(-2, -1)) for i in (0, 1) for j in (0, 1)])
    assert not torch.allclose(free_phases, free_phases[:1].expand_as(free_phases))


def test_the_numbers_the_page_states_in_prose() -> None:
    """The page's 'Why each choice costs what it does' and the folding paragraph state these counts."""
    v = variants.ALL_VARIANTS
    macs = {name: v[name].macs(1, 1, 1, 1) for name in v}
    assert [macs[k] for k in ("convT_k2s2", "convT_k3s2", "convT_k4s2", "nearest_conv_folded")] == [4, 9, 16, 16]
    assert macs["nearest_conv"] == macs["bilinear_conv"] == macs["pixel_shuffle"] == 36
    weights = {name: variants.free_weights(v[name]) for name in ("convT_k4s2", "nearest_conv", "pixel_shuffle")}
    assert weights == {"convT_k4s2": 16, "nearest_conv": 9, "pixel_shuffle": 36}
    assert variants.input_support(v["convT_k2s2"]) == ((1, 1),)
    assert variants.input_support(v["convT_k3s2"]) == ((1, 1), (1, 2), (2, 1), (2, 2))  # one, two or four pixels
    for name in ("convT_k4s2", "nearest_conv", "nearest_conv_folded"):
        assert variants.input_support(v[name]) == ((2, 2),)
    for name in ("bilinear_conv", "pixel_shuffle"):
        assert variants.input_support(v[name]) == ((3, 3),)
    text = " ".join(PAGE.read_text().split())
    for claim in (
        "4, 9 and 16 for the transposed convolutions with kernel 2, 3 and 4, 16 for the folded variant, and 36",
        "9 free weights per channel pair, where a free k4 kernel has 16, and sub-pixel convolution 36",
        "some output pixels see one input pixel, some two, some four",
    ):
        assert claim in text


def test_one_label_per_variant_everywhere() -> None:
    """The labels live in variants.py only: the tables and the plots read them from there."""
    labels = [v.label for v in variants.ALL_VARIANTS.values()]
    assert len(set(labels)) == len(labels)
    for module in (figures, report, readings):
        source = Path(module.__file__).read_text()
        assert not re.search(r"^(SHORT|LABEL)\s*=", source, re.M)


# --- the harness ----------------------------------------------------------------------------------


def test_bad_arguments_name_the_parameter() -> None:
    with pytest.raises(ValueError, match="tf32"), harness.precision("tf32", CPU):
        pass
    with pytest.raises(ValueError, match="precision"), harness.precision("fp16", CPU):
        pass
    v = variants.ALL_VARIANTS["conv3x3"]
    one = harness.TimerSettings(blocks=1, block_s=0)
    with pytest.raises(ValueError, match="memory_format"):
        harness.time_variant(v, (1, 1, 2, 2), "fp32", "nhwc", "forward", CPU, one)
    with pytest.raises(ValueError, match="pass_"):
        harness.time_variant(v, (1, 1, 2, 2), "fp32", "contiguous", "backward", CPU, one)
    with pytest.raises(ValueError, match="device_type"):
        grid.grid_for("tpu")
    with pytest.raises(SystemExit, match="--threads"):
        cli.main(["--device", "cpu", "--quick", "--threads", "0"])


class FakeClock:
    """A clock that only the timed function moves: the harness's decisions, without real time."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def calls(self, durations):
        """A function whose successive calls take `durations` (an iterable of seconds)."""
        it = iter(durations)

        def fn() -> None:
            self.now += next(it)

        return fn


def test_a_noisy_case_is_rerun_within_the_budget_and_flagged(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = FakeClock()
    monkeypatch.setattr(harness, "perf_counter", clock)
    settings = harness.TimerSettings(warmup=0, blocks=4, block_s=0, spread_limit=0.10, max_attempts=3)
    noisy_calls = itertools.cycle([1.0, 4.0])  # as noisy as it gets
    budget = harness.Budget(seconds=100.0)
    noisy = harness.measure(clock.calls(noisy_calls), CPU, settings, budget)
    assert (noisy["attempts"], noisy["noisy"], budget.reruns, budget.spent) == (3, True, 2, 20.0)
    spent = harness.Budget(seconds=5.0)  # not enough for another 10 s attempt: measured once, flagged
    once = harness.measure(clock.calls(noisy_calls), CPU, settings, spent)
    assert (once["attempts"], once["noisy"], spent.reruns) == (1, True, 0)
    calmer = itertools.chain([1.0, 4.0, 1.0, 4.0, 1.0], itertools.repeat(2.0))  # noisy, then quiet
    kept = harness.measure(clock.calls(calmer), CPU, settings, harness.Budget(seconds=100.0))
    assert (kept["attempts"], kept["noisy"], kept["median_s"], kept["spread"]) == (2, False, 2.0, 0.0)
    steady = harness.measure(clock.calls(itertools.repeat(2.0)), CPU, settings, harness.Budget(seconds=100.0))
    assert (steady["attempts"], steady["noisy"], steady["iqr_s"]) == (1, False, 0.0)


def test_the_cpu_grids_never_measure_tf32() -> None:
    for quick in (True, False):
        assert "tf32" not in grid.grid_for("cpu", quick).precisions
        assert "tf32" in grid.grid_for("cuda", quick).precisions


def test_the_gpu_half_fits_in_three_minutes_by_estimate() -> None:
    """An estimate from FLOP and byte counts on an H200's datasheet (no GPU here to measure it)."""
    full = grid.grid_for("cuda")
    bench = grid.estimate_seconds(full, grid.H200)
    assert 30 < bench < gpu_run.estimate_seconds() <= gpu_run.BUDGET_S
    # The estimate follows the work: twice the batch, more time.
    bigger = grid.Grid(**{**full.__dict__, "sizes": [(2 * n, c, h, w) for n, c, h, w in full.sizes]})
    assert grid.estimate_seconds(bigger, grid.H200) > bench


# --- from scratch ---------------------------------------------------------------------------------


def test_every_from_scratch_function_matches_the_library(quick: dict) -> None:
    records = {r["function"]: r for r in quick["scratch"]}
    assert set(records) == {f.name for f in from_scratch.SCRATCH}
    for name, record in records.items():
        assert record["status"] == "ok", f"{name}: {record.get('error') or record['status']}"
        assert record["allclose"] and record["max_abs_err"] <= 1e-4
        assert record["ratio"] > 0 and {"spread", "noisy", "attempts"} <= record["scratch"].keys()


def test_a_missing_module_is_recorded_not_fatal() -> None:
    ghost = from_scratch.ScratchFunction("conv2d_ghost", "snippets.convolution.no_such_module", "F.conv2d", ("tiny",))
    record = from_scratch.time_scratch(ghost, "tiny", CPU, harness.TimerSettings(blocks=1, block_s=0))
    assert record["status"] == "missing" and "ModuleNotFoundError" in record["error"]


# --- results --------------------------------------------------------------------------------------


def test_the_results_schema_is_complete_and_survives_json(quick: dict, tmp_path: Path) -> None:
    assert run.validate(quick) == []
    env = quick["environment"]
    assert env["device"] == "cpu" and env["device_name"] == env["cpu_model"] and env["gpu_name"] is None
    assert env["threads"] == 1 and env["torch"] == torch.__version__
    assert env["load_average_start"] is not None and env["load_average_end"] is not None
    assert max(quick["folded_check"].values()) < run.FOLD_TOLERANCE
    run.save(quick, tmp_path / "cpu.json")
    assert json.loads((tmp_path / "cpu.json").read_text()) == json.loads(json.dumps(quick))
    broken = {**quick, "environment": {k: v for k, v in env.items() if k != "torch"}}
    assert run.validate(broken) == ["environment lacks 'torch'"]
    assert "missing top-level key 'peaks'" in run.validate({k: v for k, v in quick.items() if k != "peaks"})


def test_the_saved_results_are_complete(saved: dict) -> None:
    for device in report.DEVICES:
        if (results := run.load(device)) is not None:
            assert results["environment"]["device"] == device
            assert results["grid"]["name"] == "full"
            assert results["grid"]["variants"] == [v.name for v in variants.UPSAMPLERS]


# --- readings: each one follows the data ----------------------------------------------------------


def peaks(compute_tflops: float = 1.0, gbps: float = 100.0) -> dict:
    return {"matmul_fp32": {"tflops": compute_tflops}, "copy": {"gbps": gbps}}


def forward_case(flops: float, nbytes: float, seconds: float) -> dict:
    return {"pass": "forward", "precision": "fp32", "flops": flops, "bytes": nbytes, "median_s": seconds}


def test_the_roofline_reading_of_one_case() -> None:
    # P = 1 TFLOP/s and B = 100 GB/s: the ridge is at 10 FLOPs per byte.
    compute = readings.bound(forward_case(1e12, 1e9, 1.5), peaks())  # 1000 FLOPs/byte, at 67 % of P
    assert (compute.roof, compute.kind, round(compute.ridge)) == ("compute", "compute-bound", 10)
    memory = readings.bound(forward_case(1e9, 1e9, 0.015), peaks())  # 1 FLOP/byte, at 67 % of I·B
    assert (memory.roof, memory.kind) == ("bandwidth", "memory-bound")
    slow = readings.bound(forward_case(1e12, 1e9, 5.0), peaks())  # 5× below P
    assert slow.kind == "efficiency-bound" and math.isclose(slow.below, 5.0)
    assert readings.bound({**forward_case(1e9, 1e9, 1.0), "pass": "forward+backward"}, peaks()) is None


def first_clean_forward(results: dict, c: int | None = None) -> dict:
    return next(
        x
        for x in results["upsampling"]
        if readings.clean(x) and x["pass"] == "forward" and x["flops"] and (c is None or x["c"] == c)
    )


def test_the_roofline_sentences_change_with_the_data(quick: dict) -> None:
    results = copy.deepcopy(quick)
    case = first_clean_forward(results)
    b = readings.bound(case, results["peaks"])
    roof_kind = "memory-bound" if b.roof == "bandwidth" else "compute-bound"

    def group() -> readings.Group:
        return next(g for g in readings.groups(results) if g.c == case["c"] and g.precision == case["precision"])

    case["median_s"] = case["flops"] / (0.9 * b.attainable)  # at 90 % of its lower roof
    assert readings.bound(case, results["peaks"]).kind == roof_kind
    near, near_text = group(), readings.group_sentence(group())
    case["median_s"] = case["flops"] / (0.1 * b.attainable)  # 10× below it
    slow = readings.bound(case, results["peaks"])
    assert slow.kind == "efficiency-bound" and math.isclose(slow.below, 10.0)
    far = group()
    assert far.count(roof_kind) == near.count(roof_kind) - 1
    assert far.count("efficiency-bound") == near.count("efficiency-bound") + 1
    assert readings.group_sentence(far) != near_text
    case["noisy"] = True  # a noisy case leaves the reading
    assert (group().left_out, len(group().bounds)) == (far.left_out + 1, len(far.bounds) - 1)


def test_fastest_and_ahead_follow_the_data(quick: dict) -> None:
    results = copy.deepcopy(quick)
    setting = readings.settings(results)[0]
    size, p, f, pa = setting
    cases = readings.index(results["upsampling"])
    entrants = [cases[(v.name, *size, p, f, pa)] for v in variants.UPSAMPLERS if v.upsamples]
    for c in entrants:  # a clean, well-separated field: bilinear first, by far
        c.update(noisy=False, median_s=1.0, iqr_s=0.01)
    chosen = next(c for c in entrants if c["variant"] == "bilinear_conv")
    chosen["median_s"] = 0.5
    race = readings.race(results, setting)
    assert race.winner == "bilinear_conv" and race.ahead and math.isclose(race.lead, 2.0)
    assert "bilinear ×2 + Conv2d 3×3, ahead of" in readings.race_phrase(race)
    chosen["median_s"], chosen["iqr_s"] = 0.995, 0.02  # overlapping intervals: a tie, not a lead
    race = readings.race(results, setting)
    assert race.winner == "bilinear_conv" and not race.ahead and "tied with" in readings.race_phrase(race)
    chosen["noisy"] = True  # a noisy case can win nothing
    assert readings.race(results, setting).winner != "bilinear_conv"
    for other in readings.settings(results):  # one win each for two variants: no single fastest
        for c in readings.index(results["upsampling"]).values():
            if (tuple(c[k] for k in ("n", "c", "h", "w")), c["precision"], c["memory_format"], c["pass"]) == other:
                c["noisy"] = True
    for s, name in zip(readings.settings(results)[:2], ("convT_k2s2", "pixel_shuffle"), strict=True):
        size, p_, f_, pa_ = s
        for v in variants.UPSAMPLERS:
            if v.upsamples:
                c = readings.index(results["upsampling"])[(v.name, *size, p_, f_, pa_)]
                c.update(noisy=False, median_s=0.5 if v.name == name else 1.0, iqr_s=0.01)
    text = readings.fastest_takeaway(results)
    assert text.startswith("**Fastest:** no single variant") and "ConvTranspose2d k2 s2 in 1" in text
    for c in entrants:
        c["noisy"] = True
    assert readings.race(results, setting) is None and readings.race_phrase(None) == "no reading (noisy)"


def test_comparisons_leave_noisy_settings_out_and_refuse_without_data(quick: dict) -> None:
    results = copy.deepcopy(quick)
    for c in results["upsampling"]:
        c["noisy"] = False
    full = readings.compare(results, "nearest_conv_folded", "nearest_conv")
    assert len(full.values) == len(readings.settings(results)) and full.left_out == 0
    next(c for c in results["upsampling"] if c["variant"] == "nearest_conv")["noisy"] = True
    fewer = readings.compare(results, "nearest_conv_folded", "nearest_conv")
    assert (len(fewer.values), fewer.left_out) == (len(full.values) - 1, 1)
    for c in results["upsampling"]:
        c["noisy"] = True
    for sentence in readings.comparisons(results):
        assert "no reading" in sentence
    for sentence in readings.takeaways(results)[:3]:
        assert "no reading" in sentence


def test_the_noise_takeaway_counts_and_warns(quick: dict) -> None:
    results = copy.deepcopy(quick)
    timed = results["upsampling"] + results["components"]
    for i, c in enumerate(timed):
        c["noisy"] = i < 3
    results["environment"].update(load_average_start=[9.0, 9.0, 9.0], usable_cpus=2)
    text = readings.noise_takeaway(results)
    assert f"3 of {len(timed)} cases stayed noisy" in text and "busy" in text
    results["environment"]["load_average_start"] = [0.1, 0.1, 0.1]
    assert "busy" not in readings.noise_takeaway(results)


# --- the page against the committed results: independent recomputation --------------------------


def generated(name: str) -> str:
    """The text the page holds in `<!-- generated: benchmarks.report:name -->`."""
    m = re.search(rf"<!-- generated: benchmarks\.report:{name} -->\n(.*?)<!-- /generated -->", PAGE.read_text(), re.S)
    assert m, f"the page has no generated region {name}"
    return m[1]


def clean_median(case: dict | None, limit: float = 0.10) -> float | None:
    """Independent of `readings`: the median of a case that is timed and whose IQR is within the limit."""
    if case is None or "error" in case or case["iqr_s"] / case["median_s"] > limit:
        return None
    return case["median_s"]


def test_the_noise_flags_follow_the_spreads(saved: dict) -> None:
    limit = saved["grid"]["timer"]["spread_limit"]
    assert limit == 0.10
    for case in saved["upsampling"] + saved["components"]:
        if "error" not in case:
            assert case["noisy"] == (case["iqr_s"] / case["median_s"] > limit)


def test_the_pages_fastest_table_agrees_with_the_results(saved: dict) -> None:
    by_label = {v.label: v.name for v in variants.UPSAMPLERS}
    cases = {(c["variant"], c["c"], c["precision"], c["memory_format"], c["pass"]): c for c in saved["upsampling"]}
    rows = re.findall(
        r"^\s*\| C=(\d+), (forward\+backward|forward), (\w+) · (\w+) \| ([^|]+) \| ([^|]+) \| ([^|]+) \|$",
        generated("cpu_upsampling"),
        re.M,
    )
    assert len(rows) == len(readings.settings(saved))
    for c, pa, p, f, fastest, nxt, lead in rows:
        timed = {
            name: (case["median_s"], case["iqr_s"])
            for name in by_label.values()
            if variants.ALL_VARIANTS[name].upsamples
            and clean_median(case := cases.get((name, int(c), p.lower(), f, pa))) is not None
        }
        if fastest.strip().startswith("no reading"):
            assert len(timed) < 2
            continue
        order = sorted(timed, key=lambda n: timed[n][0])
        assert [by_label[fastest.strip()], by_label[nxt.strip()]] == order[:2]
        (m1, q1), (m2, q2) = timed[order[0]], timed[order[1]]
        assert lead.strip().startswith("tied") == (m1 + q1 / 2 >= m2 - q2 / 2)
        assert readings.ratio(m2 / m1) in lead


def test_the_pages_roofline_lines_agree_with_the_results(saved: dict) -> None:
    text = generated("roofline")
    lines = re.findall(r"\*\*C=(\d+), (\w+):\*\* [^;\n]*; (.*?)(?:; \d+ noisy left out)?\.$", text, re.M)
    assert len(lines) == sum(1 for g in readings.groups(saved) if g.bounds)
    for c, p, counts in lines:
        kinds = {"efficiency-bound": 0, "compute-bound": 0, "memory-bound": 0}
        for case in saved["upsampling"]:
            if case["c"] != int(c) or case["precision"] != p.lower() or case["pass"] != "forward":
                continue
            if clean_median(case) is None or not case["flops"]:
                continue
            compute = saved["peaks"][f"matmul_{case['precision']}"]["tflops"] * 1e12
            bandwidth = saved["peaks"]["copy"]["gbps"] * 1e9
            intensity = case["flops"] / case["bytes"]
            roof = min(compute, intensity * bandwidth)
            below_ridge = intensity < compute / bandwidth
            slow = roof / (case["flops"] / case["median_s"]) > 2
            kinds["efficiency-bound" if slow else "memory-bound" if below_ridge else "compute-bound"] += 1
        total = sum(kinds.values())
        for kind, k in kinds.items():
            if k == 0:
                assert kind not in counts
            elif k == total > 1:
                assert f"all {k} {kind}" in counts
            else:
                assert re.search(rf"\b{k}( of {total})? {kind}", counts)


def test_the_pages_takeaways_agree_with_the_results(saved: dict) -> None:
    text = generated("takeaways")
    timed = [c for c in saved["upsampling"] + saved["components"] if "error" not in c]
    assert f"{sum(c['noisy'] for c in timed)} of {len(timed)} cases stayed noisy" in text
    folded = {
        (c["c"], c["precision"], c["memory_format"], c["pass"]): c["median_s"]
        for c in saved["upsampling"]
        if c["variant"] == "nearest_conv_folded" and clean_median(c) is not None
    }
    unfolded = {
        (c["c"], c["precision"], c["memory_format"], c["pass"]): c["median_s"]
        for c in saved["upsampling"]
        if c["variant"] == "nearest_conv" and clean_median(c) is not None
    }
    ratios = [folded[k] / unfolded[k] for k in folded.keys() & unfolded.keys()]
    line = next(x for x in text.splitlines() if x.startswith("- **Folding**"))
    if not ratios:
        assert line.endswith("Its time ÷ the unfolded pair's: no reading (every setting had a noisy case).")
    else:
        geo = math.exp(sum(map(math.log, ratios)) / len(ratios))
        assert f"(geometric mean {readings.ratio(geo)}); the folded one took less time in " in line
        assert f"{sum(r < 1 for r in ratios)} of {len(ratios)} settings" in line
    by_label = {v.label: v.name for v in variants.UPSAMPLERS}
    races = [readings.race(saved, s) for s in readings.settings(saved)]
    wins = sorted((sum(r is not None and r.winner == v for r in races) for v in by_label.values()), reverse=True)
    line = next(x for x in text.splitlines() if x.startswith("- **Fastest:**"))
    if "no single variant" in line:
        assert wins[0] == wins[1] > 0
    elif (fastest := re.match(r"- \*\*Fastest:\*\* (.+?), in (\d+) of the (\d+) settings", line)) is not None:
        own = sum(r is not None and r.winner == by_label[fastest[1]] for r in races)
        assert (own, int(fastest[3])) == (int(fastest[2]), len(races))
        assert own == wins[0] > wins[1]
    else:
        assert "no reading" in line and wins[0] == 0


def test_the_page_has_no_internal_targets_no_empty_column_and_no_gpu_claim_without_data() -> None:
    text = PAGE.read_text()
    assert "goal" not in text.lower() and "n/a" not in text
    assert not re.search(r"^\|\s*\|", text, re.M)  # no empty header cell (axe: empty-table-header)
    if run.load("cuda") is None:
        gpu = text[text.index("## Upsampling ×2 on the GPU") : text.index("## From scratch")]
        assert gpu.count("!!! note") == 1 and "No GPU results yet" in gpu and "|" not in gpu
        for claim in ("run on tensor cores", "matter more on a GPU", "on recent NVIDIA GPUs", "many times the"):
            assert claim not in text


def test_every_table_cell_of_a_noisy_case_is_marked(saved: dict) -> None:
    noisy = sum(clean_median(c) is None for c in saved["upsampling"] if "error" not in c)
    noisy_parts = sum(clean_median(c) is None for c in saved["components"] if "error" not in c)
    forward = sum(clean_median(c) is None for c in saved["upsampling"] if "error" not in c and c["pass"] == "forward")
    # each upsampling case has a cell in a time table, a forward one also in a throughput table; a part alone, one
    assert generated("cpu_upsampling").count(" † |") == noisy + forward + noisy_parts


def test_the_report_renders_every_variant_and_only_measured_columns(quick: dict) -> None:
    text = report.render(quick)
    for v in variants.UPSAMPLERS:
        assert v.label in text
    assert "TF32" not in text and "n/a" not in text


def test_the_gpu_section_is_one_note_until_gpu_results_exist(
    quick: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(run, "RESULTS", tmp_path)
    run.save(quick, tmp_path / "cpu.json")
    assert report.cuda_upsampling() == report.pending_note()
    assert "GPU" not in report.machines() and "GPU" not in report.takeaways()
    assert "figures/benchmarks/cpu_times.png" in report.cpu_upsampling()
    # A GPU file, once it exists, is drawn like the CPU one (here a relabelled CPU run, only for this test).
    as_gpu = json.loads(json.dumps(quick))
    as_gpu["environment"].update(device="cuda", gpu_name="test GPU", device_name="test GPU")
    run.save(as_gpu, tmp_path / "cuda.json")
    gpu = report.cuda_upsampling()
    assert "No GPU results yet" not in gpu and "figures/benchmarks/cuda_times.png" in gpu
    assert "test GPU" in report.machines() and "On the GPU (test GPU)" in report.takeaways()


def test_figures_draw_from_results_at_the_promised_size(quick: dict) -> None:
    from tools.figures import png_bytes

    for kind, draw in (("times", figures.times_figure), ("roofline", figures.roofline_figure)):
        fig = draw(quick)
        width, height = (round(x) for x in fig.get_size_inches() * fig.dpi)
        assert (width, height) == figures.pixel_size(kind)  # the <img> size the page states
        if kind == "roofline":  # the cheaper one is also rendered (the times figure draws the same way)
            assert png_bytes(fig).startswith(b"\x89PNG")
        else:
            import matplotlib.pyplot as plt

            plt.close(fig)


# --- the GPU half: its script, its dry run, its workflow -----------------------------------------


def test_the_workflow_runs_the_gpu_script() -> None:
    workflow = (ROOT / ".github" / "workflows" / "figures.yml").read_text()
    assert "python -m tools.gpu_run" in workflow
    names, modules, arguments = zip(*gpu_run.steps("cuda", quick=False), strict=True)
    assert names == ("benchmark", "figures", "sync")
    assert modules == ("snippets.benchmarks.__main__", "tools.figures", "tools.sync")
    assert arguments[0][:2] == ["--device", "cuda"] and "--quick" not in arguments[0]
    assert arguments[1] == ["--device", "cuda"] and arguments[2] == ["--only", "benchmarks"]


@pytest.mark.slow
def test_the_gpu_script_dry_run_on_the_cpu(tmp_path: Path) -> None:
    """`python -m tools.gpu_run --device cpu --quick`: the same three steps as on a GPU, in a copy of the repo."""
    copy_root = tmp_path / "repo"
    ignore = shutil.ignore_patterns(
        ".git", "site", ".venv", "__pycache__", ".hypothesis", ".ruff_cache", "node_modules"
    )
    shutil.copytree(ROOT, copy_root, ignore=ignore)
    result = subprocess.run(
        [sys.executable, "-m", "tools.gpu_run", "--device", "cpu", "--quick"],
        cwd=copy_root,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert [line for line in result.stdout.splitlines() if line.startswith("== ")][-1].startswith("== done")
    results = json.loads((copy_root / "snippets/benchmarks/results/cpu.json").read_text())
    assert run.validate(results) == [] and results["grid"]["name"] == "quick"
    manifest = json.loads((copy_root / "docs/figures/benchmarks/manifest.json").read_text())
    for name in ("cpu_times", "cpu_roofline"):
        assert manifest[name]["device"] == "cpu"
        png = (copy_root / f"docs/figures/benchmarks/{name}.png").read_bytes()
        assert png != (ROOT / f"docs/figures/benchmarks/{name}.png").read_bytes()  # redrawn from the new results
    page = (copy_root / "docs/benchmarks.md").read_text()
    n, c, h, w = results["grid"]["sizes"][0]
    assert f"Every case at {readings.size_label(n, c, h, w)}" in page and page != PAGE.read_text()
