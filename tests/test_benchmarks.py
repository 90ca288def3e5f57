"""The benchmark: correct cases, complete results, a page drawn from them. Timings are never asserted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from snippets.benchmarks import __main__ as cli
from snippets.benchmarks import figures, from_scratch, grid, harness, report, run, variants

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
    g = quick["grid"]
    expected = len(g["sizes"]) * len(g["variants"]) * len(g["precisions"]) * len(g["memory_formats"]) * len(g["passes"])
    assert len(quick["upsampling"]) == expected
    assert [c for c in quick["upsampling"] + quick["components"] if "error" in c] == []
    assert g["precisions"] == ["fp32", "bf16"]  # TF32 is a CUDA mode: never claimed for a CPU
    channels_last = [c for c in quick["upsampling"] if c["memory_format"] == "channels_last" and c["pass"] == "forward"]
    assert channels_last and all(c["median_s"] > 0 for c in channels_last)


@settings(max_examples=15, deadline=None)
@given(
    name=st.sampled_from(list(variants.ALL_VARIANTS)),
    n=st.integers(1, 2),
    c=st.integers(1, 4),
    h=st.integers(1, 5),
    w=st.integers(1, 5),
)
def test_flops_and_shapes_match_torch(name: str, n: int, c: int, h: int, w: int) -> None:
    """Our analytic FLOPs equal torch.utils.flop_counter's, forward and forward+backward (3×)."""
    from torch.utils.flop_counter import FlopCounterMode

    v = variants.ALL_VARIANTS[name]
    model = v.build(c)
    x = torch.randn(v.input_shape(n, c, h, w), requires_grad=True)
    with FlopCounterMode(display=False) as forward:
        out = model(x)
    assert tuple(out.shape) == v.output_shape(n, c, h, w)
    assert forward.get_total_flops() == v.flops(n, c, h, w)
    with FlopCounterMode(display=False) as both:
        model(x).backward(torch.ones(v.output_shape(n, c, h, w)))  # the gradients of x and of every weight
    assert both.get_total_flops() == v.flops(n, c, h, w, backward=True)


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
    resized = torch.nn.functional.conv2d(torch.nn.functional.interpolate(x, scale_factor=2), weight, padding=1)
    tied = variants.nearest_conv_as_transposed(weight)
    assert tied.shape == (c, 5, 4, 4)
    transposed = torch.nn.functional.conv_transpose2d(x, tied, stride=2, padding=1)
    torch.testing.assert_close(transposed, resized)
    assert variants.check_nearest_conv_equivalence() < 1e-12
    with pytest.raises(ValueError, match="weight"):
        variants.nearest_conv_as_transposed(torch.zeros(5, c, 4, 4))


# --- the harness ----------------------------------------------------------------------------------


def test_bad_arguments_name_the_parameter() -> None:
    with pytest.raises(ValueError, match="tf32"), harness.precision("tf32", CPU):
        pass
    with pytest.raises(ValueError, match="precision"), harness.precision("fp16", CPU):
        pass
    v = variants.ALL_VARIANTS["conv3x3"]
    with pytest.raises(ValueError, match="memory_format"):
        harness.time_variant(v, (1, 1, 2, 2), "fp32", "nhwc", "forward", CPU, harness.TimerSettings(calls=1))
    with pytest.raises(ValueError, match="pass_"):
        harness.time_variant(v, (1, 1, 2, 2), "fp32", "contiguous", "backward", CPU, harness.TimerSettings(calls=1))
    with pytest.raises(ValueError, match="device_type"):
        grid.grid_for("tpu")
    with pytest.raises(SystemExit, match="--threads"):
        cli.main(["--device", "cpu", "--quick", "--threads", "0"])


def test_the_cpu_grids_never_measure_tf32() -> None:
    for quick in (True, False):
        assert "tf32" not in grid.grid_for("cpu", quick).precisions
        assert "tf32" in grid.grid_for("cuda", quick).precisions


# --- from scratch ---------------------------------------------------------------------------------


def test_every_from_scratch_function_matches_the_library(quick: dict) -> None:
    records = {r["function"]: r for r in quick["scratch"]}
    assert set(records) == {f.name for f in from_scratch.SCRATCH}
    for name, record in records.items():
        assert record["status"] == "ok", f"{name}: {record.get('error') or record['status']}"
        assert record["allclose"] and record["max_abs_err"] <= 1e-4
        assert record["ratio"] > 0


def test_a_missing_module_is_recorded_not_fatal() -> None:
    ghost = from_scratch.ScratchFunction("conv2d_ghost", "snippets.convolution.no_such_module", "F.conv2d", ("tiny",))
    record = from_scratch.time_scratch(ghost, "tiny", CPU, harness.TimerSettings(calls=1))
    assert record["status"] == "missing" and "ModuleNotFoundError" in record["error"]


# --- results and the report -----------------------------------------------------------------------


def test_the_results_schema_is_complete_and_survives_json(quick: dict, tmp_path: Path) -> None:
    assert run.validate(quick) == []
    env = quick["environment"]
    assert env["device"] == "cpu" and env["device_name"] == env["cpu_model"] and env["gpu_name"] is None
    assert env["threads"] == 1 and env["torch"] == torch.__version__
    run.save(quick, tmp_path / "cpu.json")
    assert json.loads((tmp_path / "cpu.json").read_text()) == json.loads(json.dumps(quick))
    broken = {**quick, "environment": {k: v for k, v in env.items() if k != "torch"}}
    assert run.validate(broken) == ["environment lacks 'torch'"]
    assert "missing top-level key 'peaks'" in run.validate({k: v for k, v in quick.items() if k != "peaks"})


def test_the_report_renders_every_variant_and_says_tf32_is_na_on_cpu(quick: dict) -> None:
    text = report.render(quick)
    for v in [*variants.UPSAMPLERS, *variants.COMPONENTS]:
        assert v.label in text
    assert "| TF32 |" in text and "| n/a |" in text and "TF32 · channels_last" not in text  # one n/a column
    assert "unfold ÷ F.conv2d" not in text  # the quick grid has no medium size: no headline claimed


def test_the_page_says_gpu_pending_until_gpu_results_exist(
    quick: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(run, "RESULTS", tmp_path)
    run.save(quick, tmp_path / "cpu.json")
    assert "GPU run pending" in report.cuda_upsampling()
    assert "GPU run pending" in report.machines()
    assert "figures/benchmarks/cpu_times.png" in report.cpu_upsampling()
    # A GPU file, once it exists, is drawn like the CPU one (here a relabelled CPU run, only for this test).
    as_gpu = json.loads(json.dumps(quick))
    as_gpu["environment"].update(device="cuda", gpu_name="test GPU", device_name="test GPU")
    run.save(as_gpu, tmp_path / "cuda.json")
    gpu = report.cuda_upsampling()
    assert "GPU run pending" not in gpu and "figures/benchmarks/cuda_times.png" in gpu
    assert "test GPU" in report.machines()


def test_the_saved_results_are_complete() -> None:
    saved = [d for d in report.DEVICES if run.results_path(d).is_file()]
    assert "cpu" in saved, "no CPU results: run python -m snippets.benchmarks --device cpu"
    for device in saved:
        results = run.load(device)
        assert results["environment"]["device"] == device
        assert results["grid"]["name"] == "full"


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
