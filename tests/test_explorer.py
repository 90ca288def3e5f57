"""The shape explorer (docs/explorer.md): its JS module against torch, and the built page in Chromium.

The module, docs/javascripts/explorer/conv-shapes.js, runs under Node (one process per test,
on all of that test's inputs); torch runs each configuration for real on a tiny CPU input.
Node and Chromium are Debian packages: a test that needs one is skipped with a reason when it
is missing here, and fails when it is missing in CI (the CI variable is set), where both are
installed.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import tempfile
import warnings
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import torch
from torch import nn

from snippets.explorer.relationships import EXAMPLES, torch_output_size
from tests.support import browser
from tests.support.explorer import configs, oracle
from tests.support.explorer.node import node_executable, run_module

AGREEMENT_COUNT = 10_000


def require(path: str | None, what: str, install: str) -> str:
    """The tool's path; skip without it, except in CI, where it must be there."""
    if path is None:
        message = f"{what} is not installed here ({install})"
        if os.environ.get("CI"):
            pytest.fail(f"{message}, and CI must run this test")
        pytest.skip(message)
    return path


@pytest.fixture(scope="module")
def node() -> str:
    return require(node_executable(), "Node", "apt-get install nodejs")


def first_lines(pairs: list[Any], n: int = 5) -> str:
    return "\n".join(repr(p) for p in pairs[:n])


# ---------------------------------------------------------------- agreement with torch


@pytest.fixture(scope="module")
def agreement(node: str) -> dict[str, Any]:
    """10,000 random configurations through the module and through torch's reference kernels."""
    cases = configs.random_configs(AGREEMENT_COUNT, seed=0)
    js = run_module(analyze=cases, node=node)["analyze"]
    with oracle.reference_kernels():
        th = [oracle.run_torch(c) for c in cases]
    return {"configs": cases, "js": js, "torch": th}


def test_agrees_with_torch_on_10000_random_configurations(agreement: dict[str, Any], record_property) -> None:
    cases, js, th = agreement["configs"], agreement["js"], agreement["torch"]
    invalid = sum(not t["valid"] for t in th)
    assert 0.3 * len(cases) < invalid < 0.7 * len(cases), f"{invalid} invalid: the sample should mix both"
    disagreements = []
    for config, j, t in zip(cases, js, th, strict=True):
        if j["valid"] != t["valid"]:
            disagreements.append((config, j["codes"], t.get("error") or t["output"]))
        elif t["valid"] and (
            j["output"] != t["output"]
            or j["weight"] != t["weight"]
            or j["bias"] != t["bias"]
            or int(j["parameters"]) != t["parameters"]
        ):
            disagreements.append((config, j, t))
    print(f"\nexplorer vs torch: {len(cases)} configurations compared ({invalid} invalid), {len(disagreements)} differ")
    record_property("configurations_compared", len(cases))
    record_property("disagreements", len(disagreements))
    assert len(cases) >= 10_000
    assert not disagreements, f"{len(disagreements)} disagreements, first ones:\n{first_lines(disagreements)}"


def test_every_refusal_names_the_problem_torch_names(agreement: dict[str, Any]) -> None:
    """Not only the verdict: the explorer's reasons include the one in torch's own error message."""
    wrong = [
        (config, j["codes"], t["code"], t["error"])
        for config, j, t in zip(agreement["configs"], agreement["js"], agreement["torch"], strict=True)
        if not t["valid"] and not oracle.names_same_problem(t["code"], j["codes"])
    ]
    unknown = Counter(t["error"][:60] for t in agreement["torch"] if not t["valid"] and t["code"] == "unknown")
    assert not unknown, f"torch messages the oracle does not know: {unknown}"
    assert not wrong, f"{len(wrong)} refusals name another problem than torch, first ones:\n{first_lines(wrong)}"


def test_messages_name_the_parameter_in_plain_words(agreement: dict[str, Any]) -> None:
    for j in agreement["js"]:
        for parameter, message in zip(j["parameters_named"], j["messages"], strict=True):
            assert parameter in message or parameter in {"height", "width"}, (parameter, message)
            assert message.endswith((".", ")")), message


def onednn_accepts(config: dict[str, Any], js: dict[str, Any], torch_result: dict[str, Any]) -> bool:
    """The two things oneDNN accepts and torch's reference kernels refuse, both in ConvTranspose2d:
    an output size of exactly 0, and a dilation of 0 on an axis where kernel_size is 1."""
    if config["mode"] != "transposed" or not torch_result["valid"]:
        return False
    if js["codes"] == ["output_too_small"]:
        return 0 in torch_result["output"][2:] and "oneDNN CPU path" in js["messages"][0]
    if js["codes"] == ["dilation_not_positive"]:
        return all(d > 0 or (d == 0 and k == 1) for d, k in zip(config["dilation"], config["kernel_size"], strict=True))
    return False


def test_with_onednn_only_two_documented_cases_differ(node: str) -> None:
    """Torch's default CPU backend (oneDNN, for some batch sizes, groups and kernels) accepts two
    cases that its reference kernels refuse; nothing else differs, and no shape."""
    cases = configs.random_configs(800, seed=1)
    js = run_module(analyze=cases, node=node)["analyze"]
    with oracle.reference_kernels(onednn=True):
        th = [oracle.run_torch(c) for c in cases]
    differ = [(c, j, t) for c, j, t in zip(cases, js, th, strict=True) if j["valid"] != t["valid"]]
    unexplained = [(c, j["codes"], t) for c, j, t in differ if not onednn_accepts(c, j, t)]
    assert not unexplained, first_lines(unexplained)
    same_shape = [
        (c, j, t)
        for c, j, t in zip(cases, js, th, strict=True)
        if j["valid"] and t["valid"] and j["output"] != t["output"]
    ]
    assert not same_shape, first_lines(same_shape)


def test_multiply_accumulates_follow_torch_flop_counter(agreement: dict[str, Any]) -> None:
    """For every valid configuration: torch.utils.flop_counter's rule applied to torch's real shapes."""
    wrong = [
        (config, j["macs"], t)
        for config, j, t in zip(agreement["configs"], agreement["js"], agreement["torch"], strict=True)
        if t["valid"] and int(j["macs"]) != oracle.flop_counter_macs(config, t["weight"], t["output"])
    ]
    assert not wrong, first_lines(wrong)


def test_grid_drawing_marks_the_cells_torch_uses(node: str) -> None:
    """Conv2d: the input cells an output cell reads are those its gradient reaches.
    ConvTranspose2d: the output cells an input cell writes are those a one-hot input lights up."""
    rng = random.Random(3)
    cases: list[tuple[dict[str, Any], int, int]] = []
    with oracle.reference_kernels():
        while len(cases) < 120:
            c = configs.random_config(rng) | {"batch": 1, "in_channels": 1, "out_channels": 1, "groups": 1}
            result = oracle.run_torch(c)
            if result["valid"] and min(result["output"][2:]) > 0:
                rows, cols = (c["height"], c["width"]) if c["mode"] == "transposed" else result["output"][2:]
                cases.append((c, rng.randrange(rows), rng.randrange(cols)))
        taps = run_module(taps=cases, node=node)["taps"]
        for (c, row, col), t in zip(cases, taps, strict=True):
            js_cells = {(r["index"], q["index"]) for r in t["rows"] if r["inside"] for q in t["cols"] if q["inside"]}
            layer = oracle.build_layer(c | {"bias": False})
            nn.init.ones_(layer.weight)
            if c["mode"] == "conv":
                x = torch.rand(1, 1, c["height"], c["width"]).add_(1).requires_grad_()
                layer(x)[0, 0, row, col].backward()
                torch_cells = {tuple(ix) for ix in x.grad[0, 0].nonzero().tolist()}
            else:
                x = torch.zeros(1, 1, c["height"], c["width"])
                x[0, 0, row, col] = 1
                with torch.no_grad():
                    torch_cells = {tuple(ix) for ix in layer(x)[0, 0].nonzero().tolist()}
            assert js_cells == torch_cells, (c, row, col)


def brute_force_settings(mode: str, n: int, out: int, k: int, s: int, max_d: int = 4) -> set[tuple[int, ...]]:
    """Every (padding, output_padding, dilation), padding below 200, by the formulas and torch's limits."""
    found = set()
    for d, p in itertools.product(range(1, max_d + 1 if k > 1 else 2), range(200)):
        if mode == "conv":
            if n + 2 * p >= d * (k - 1) + 1 and (n + 2 * p - d * (k - 1) - 1) // s + 1 == out:
                found.add((p, 0, d))
        else:
            for op in range(max(s, d)):
                if (n - 1) * s - 2 * p + d * (k - 1) + op + 1 == out:
                    found.add((p, op, d))
    return found


def test_find_padding_lists_exactly_the_settings_that_work(node: str) -> None:
    queries = [
        {"mode": mode, "input": n, "output": out, "kernel": k, "stride": s, "limit": 1000}
        for mode in ("conv", "transposed")
        for n, k, s in itertools.product((1, 2, 5, 8, 13), (1, 2, 3, 4, 5), (1, 2, 3))
        for out in {1, 2, n // 2 or 1, n - 1 or 1, n, n + 1, 2 * n, 2 * n + 1, 3 * n}
    ]
    answers = run_module(find=queries, node=node)["find"]
    none = 0
    for q, a in zip(queries, answers, strict=True):
        numbers = [s for s in a["settings"] if s["padding"] != "same"]
        got = {(s["padding"], s.get("output_padding", 0), s["dilation"]) for s in numbers}
        expected = brute_force_settings(q["mode"], q["input"], q["output"], q["kernel"], q["stride"])
        assert got == expected, (q, sorted(got), sorted(expected))
        same = any(s["padding"] == "same" for s in a["settings"])
        assert same == (q["mode"] == "conv" and q["stride"] == 1 and q["output"] == q["input"]), q
        if not a["settings"]:
            none += 1
            assert a["problem"], q
    assert 0 < none < len(queries)
    # And torch agrees with a sample of the answers.
    rng = random.Random(4)
    picked = rng.sample([(q, s) for q, a in zip(queries, answers, strict=True) for s in a["settings"]], 150)
    for q, s in picked:
        pad = s["padding"]
        config = {
            "mode": q["mode"], "batch": 1, "in_channels": 1, "out_channels": 1, "groups": 1,
            "height": q["input"], "width": q["input"], "kernel_size": [q["kernel"]] * 2, "stride": [q["stride"]] * 2,
            "padding": pad if isinstance(pad, str) else [pad, pad], "dilation": [s["dilation"]] * 2,
            "output_padding": [s.get("output_padding", 0)] * 2, "bias": True,
        }  # fmt: skip
        with oracle.reference_kernels():
            result = oracle.run_torch(config)
        assert result["valid"] and result["output"][2:] == [q["output"], q["output"]], (q, s, result)


def test_copy_as_pytorch_builds_the_same_layer(agreement: dict[str, Any]) -> None:
    """The copied line, run as a reader runs it, builds the layer of the configuration (200 valid ones)."""
    pairs = [(c, j["pytorch"]) for c, j in zip(agreement["configs"], agreement["js"], strict=True) if j["valid"]]
    attributes = ["in_channels", "out_channels", "kernel_size", "stride", "padding", "dilation", "groups"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zero-element weights (in_channels=0) warn at init
        for c, line in pairs[:200]:
            copied = eval(line, {"nn": nn})  # the line a reader pastes
            built = oracle.build_layer(c)
            assert type(copied) is type(built), line
            for name in [*attributes, "output_padding"] if c["mode"] == "transposed" else attributes:
                assert getattr(copied, name) == getattr(built, name), (line, name)
            assert (copied.bias is None) == (built.bias is None), line


def test_huge_layers_stay_exact_and_the_explorers_own_limits(node: str) -> None:
    """Counts use BigInt, so a layer far beyond memory is still counted exactly; past 1,000,000 the
    explorer declines (its own limit, so that every size stays exact in a JS number)."""
    n = 1_000_000
    huge = {
        "mode": "conv", "batch": n, "in_channels": n, "out_channels": n, "groups": 1, "height": n, "width": n,
        "kernel_size": [999, 999], "stride": [1, 1], "padding": [0, 0], "dilation": [1, 1],
        "output_padding": [0, 0], "bias": True,
    }  # fmt: skip
    over = huge | {"height": n + 1}
    fraction = huge | {"width": 2.5}
    results = run_module(analyze=[huge, over, fraction], node=node)["analyze"]
    out = n - 999 + 1
    assert results[0]["output"] == [n, n, out, out]
    assert int(results[0]["parameters"]) == n * n * 999 * 999 + n
    assert int(results[0]["macs"]) == n * n * out * out * n * 999 * 999
    assert results[1]["codes"] == ["too_large"] and "height is too large" in results[1]["messages"][0]
    assert results[2]["codes"] == ["not_integer"] and results[2]["messages"][0] == "width must be a whole number."


# ---------------------------------------------------------------- conv_arithmetic's relationships


@pytest.mark.parametrize("example", EXAMPLES, ids=[f"rel{e.number}-{e.figure.split()[-1]}" for e in EXAMPLES])
def test_relationship_example_torch(example) -> None:
    """The paper's worked example: its stated size, its formula and torch all agree."""
    assert example.formula() == example.expected
    assert torch_output_size(example) == example.expected


def test_relationship_examples_module(node: str) -> None:
    results = run_module(analyze=[e.config() for e in EXAMPLES], node=node)["analyze"]
    for e, r in zip(EXAMPLES, results, strict=True):
        assert r["valid"] and r["output"][2:] == [e.expected, e.expected], (e, r)


def test_relationships_6_14_15_hold_over_a_sweep(node: str) -> None:
    """Relationship 15 (6 with dilation) for every valid Conv2d of a grid; relationship 14 for its
    transpose: ConvTranspose2d with output_padding a = (i + 2p − k) mod s maps o back to i."""
    grid = [
        (i, k, s, p, d)
        for i, k, s, p, d in itertools.product(range(1, 11), range(1, 6), range(1, 4), range(3), range(1, 3))
        if i + 2 * p >= d * (k - 1) + 1
    ]

    def config(mode: str, size: int, k: int, s: int, p: int, d: int, a: int = 0) -> dict[str, Any]:
        return {
            "mode": mode, "batch": 1, "in_channels": 1, "out_channels": 1, "groups": 1, "height": size,
            "width": size, "kernel_size": [k, k], "stride": [s, s], "padding": [p, p], "dilation": [d, d],
            "output_padding": [a, a], "bias": False,
        }  # fmt: skip

    conv = run_module(analyze=[config("conv", *g) for g in grid], node=node)["analyze"]
    outputs = []
    for (i, k, s, p, d), r in zip(grid, conv, strict=True):
        o = (i + 2 * p - k - (k - 1) * (d - 1)) // s + 1  # relationship 15
        assert r["valid"] and r["output"][2] == o, (i, k, s, p, d, r)
        outputs.append(o)
    transposes = [
        config("transposed", o, k, s, p, 1, (i + 2 * p - k) % s)
        for (i, k, s, p, d), o in zip(grid, outputs, strict=True)
        if d == 1
    ]
    back = run_module(analyze=transposes, node=node)["analyze"]
    originals = [i for (i, k, s, p, d) in grid if d == 1]
    for c, r, i in zip(transposes, back, originals, strict=True):
        assert r["valid"] and r["output"][2] == i, (c, r, i)  # relationship 14: o′ = s(i′ − 1) + a + k − 2p = i


# ---------------------------------------------------------------- the oracle itself


def test_oracle_classifies_torch_messages() -> None:
    assert oracle.classify("negative padding is not supported") == "negative_padding"
    assert oracle.classify("output padding must be smaller than either stride or dilation, but got") == (
        "output_padding_too_large"
    )
    assert oracle.classify("something new") == "unknown"
    assert oracle.names_same_problem("negative_padding", ["kernel_not_positive"])
    assert not oracle.names_same_problem("stride_not_positive", ["kernel_not_positive"])


def test_oracle_sees_what_torch_refuses() -> None:
    base = configs.random_configs(1, seed=0)[0] | {
        "mode": "transposed", "batch": 1, "in_channels": 2, "out_channels": 2, "groups": 1, "height": 5,
        "width": 5, "kernel_size": [3, 3], "stride": [2, 2], "padding": [1, 1], "dilation": [1, 1],
        "output_padding": [1, 1], "bias": True,
    }  # fmt: skip
    with oracle.reference_kernels():
        assert oracle.run_torch(base) == {
            "valid": True, "output": [1, 2, 10, 10], "weight": [2, 2, 3, 3], "bias": [2], "parameters": 38,
        }  # fmt: skip
        refused = oracle.run_torch(base | {"output_padding": [2, 2]})
    assert not refused["valid"] and refused["code"] == "output_padding_too_large"


# ---------------------------------------------------------------- the page, in headless Chromium

CONTRAST = """
(() => {
  const parse = (c) => {
    const m = c.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return null;
    const v = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number);
    return [v[0], v[1], v[2], v.length > 3 ? v[3] : 1];
  };
  const over = (top, bottom) => top.slice(0, 3).map((x, i) => x * top[3] + bottom[i] * (1 - top[3])).concat(1);
  const background = (el) => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const bg = parse(getComputedStyle(e).backgroundColor);
      if (bg && bg[3] > 0) layers.push(bg);
      if (bg && bg[3] === 1) break;
    }
    let color = [255, 255, 255, 1];
    for (const layer of layers.reverse()) color = over(layer, color);
    return color;
  };
  const channel = (x) => (x / 255 <= 0.03928 ? x / 255 / 12.92 : ((x / 255 + 0.055) / 1.055) ** 2.4);
  const lum = (c) => 0.2126 * channel(c[0]) + 0.7152 * channel(c[1]) + 0.0722 * channel(c[2]);
  const low = [];
  for (const el of document.querySelectorAll("#sx-app *")) {
    const ownText = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    const field = el.matches("input:not([type=radio]):not([type=checkbox]):not([type=range]), select");
    if ((!ownText && !field) || el.disabled || !el.getClientRects().length) continue;
    const bg = background(el);
    const fg = over(parse(getComputedStyle(el).color), bg);
    const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
    const ratio = (a + 0.05) / (b + 0.05);
    const label = (el.textContent || el.value).trim().slice(0, 30);
    if (ratio < 4.5) low.push(`${el.tagName}.${el.className} "${label}" ${ratio.toFixed(2)}`);
  }
  return low;
})()
"""

NAMED_ROLES = {"textbox", "spinbutton", "combobox", "slider", "checkbox", "radio", "button"}


@pytest.fixture(scope="module")
def site(built_site: Path) -> Iterator[str]:
    """The built site on 127.0.0.1; the base URL."""
    with browser.serve(built_site) as base:
        yield base


@pytest.fixture(scope="module")
def page(site: str) -> Iterator[browser.Chromium]:
    """One headless Chromium for the module's page tests, recording requests and script errors."""
    exe = require(browser.chromium_executable(), "Chromium", "apt-get install chromium")
    with tempfile.TemporaryDirectory() as profile, browser.chromium(exe, Path(profile)) as chromium:
        chromium.page("Network.enable")
        chromium.page("Runtime.enable")
        yield chromium


def open_explorer(page: browser.Chromium, site: str, settings: str = "") -> None:
    """Load the explorer afresh (optionally with settings in the address) and wait until it is drawn.
    A new query string each time makes it a real page load, not a jump within the page."""
    open_explorer.loads = getattr(open_explorer, "loads", 0) + 1
    page.navigate(f"{site}explorer/?load={open_explorer.loads}" + (f"#{settings}" if settings else ""))
    page.wait_until("document.querySelector('.sx-ready #sx-summary')?.textContent")


def text(page: browser.Chromium, selector: str) -> str:
    return page.evaluate(f"document.querySelector({json.dumps(selector)}).textContent")


def attribute(page: browser.Chromium, selector: str, name: str) -> str | None:
    return page.evaluate(f"document.querySelector({json.dumps(selector)}).getAttribute({json.dumps(name)})")


def choose_padding_mode(page: browser.Chromium, mode: str) -> None:
    page.evaluate(
        f"(() => {{ const s = document.querySelector('#sx-padding-mode'); s.value = {json.dumps(mode)};"
        " s.dispatchEvent(new Event('change', {bubbles: true})); })()"
    )


def test_only_the_explorer_page_loads_its_script(built_site: Path) -> None:
    html = (built_site / "explorer" / "index.html").read_text()
    assert '<script type="module" src="../javascripts/explorer/explorer.js">' in html
    assert 'href="../stylesheets/explorer.css"' in html
    elsewhere = [
        p for p in built_site.rglob("*.html") if p.parent.name != "explorer" and "explorer.js" in p.read_text()
    ]
    assert not elsewhere, f"the explorer's script loads on other pages too: {elsewhere}"
    script = (built_site / "javascripts" / "explorer" / "explorer.js").read_text()
    assert 'from "./conv-shapes.js"' in script  # the page runs the very module the tests check


def test_a_typed_conv2d_shows_its_shapes_and_formula(page: browser.Chromium, site: str) -> None:
    open_explorer(page, site)
    assert text(page, "#sx-summary") == "Valid. Output shape (1, 16, 28, 28)."  # the article's layer
    for field, value in [("in_channels", "3"), ("out_channels", "8"), ("height", "32")]:
        page.type_into(f"#sx-{field}", value)
    assert text(page, "#sx-summary") == "Valid. Output shape (1, 8, 32, 28)."
    page.type_into("#sx-width", "32")
    page.type_into("#sx-stride-h", "2")
    assert text(page, "#sx-summary") == "Valid. Output shape (1, 8, 16, 16)."
    assert text(page, "#sx-weight-shape") == "(8, 3, 3, 3)"
    assert text(page, "#sx-bias-shape") == "(8)"
    assert text(page, "#sx-parameters") == "224"
    assert text(page, "#sx-macs") == f"{8 * 16 * 16 * 3 * 3 * 3:,}"
    assert page.evaluate("document.querySelector('#sx-stride-w').value") == "2"  # square: width follows height
    formula = "H_out = ⌊(32 + 2·1 − 1·(3 − 1) − 1) / 2⌋ + 1 = ⌊31 / 2⌋ + 1 = 16"
    assert formula in text(page, "#sx-formulas")
    assert text(page, "#sx-pytorch") == "nn.Conv2d(3, 8, kernel_size=3, stride=2, padding=1)"


def test_invalid_settings_show_torchs_condition_in_words(page: browser.Chromium, site: str) -> None:
    open_explorer(page, site, "mode=conv&in_channels=3&out_channels=8&groups=2&height=32&width=32")
    assert text(page, "#sx-summary").startswith("Invalid: in_channels (3) must be divisible by groups (2)")
    assert attribute(page, "#sx-in_channels", "aria-invalid") == "true"
    page.type_into("#sx-groups", "1")
    assert text(page, "#sx-summary") == "Valid. Output shape (1, 8, 32, 32)."
    assert attribute(page, "#sx-in_channels", "aria-invalid") is None

    page.type_into("#sx-stride-h", "2")
    choose_padding_mode(page, "same")
    assert text(page, "#sx-summary").startswith("Invalid: padding='same' works only with stride 1")
    page.type_into("#sx-stride-h", "1")
    assert text(page, "#sx-summary") == "Valid. Output shape (1, 8, 32, 32)."

    page.type_into("#sx-kernel_size-h", "40")
    choose_padding_mode(page, "valid")
    assert "the kernel is larger than the padded input" in text(page, "#sx-summary")
    assert "In width, the kernel is larger than the padded input" in text(page, "#sx-errors")  # both axes

    page.click("#sx-mode-transposed")
    for field, value in [("kernel_size-h", "4"), ("stride-h", "2"), ("padding-h", "1"), ("output_padding-h", "2")]:
        page.type_into(f"#sx-{field}", value)
    assert text(page, "#sx-summary").startswith("Invalid: output_padding must be smaller than stride or dilation")
    assert "output_padding is 2, stride 2 and dilation 1" in text(page, "#sx-summary")
    assert attribute(page, "#sx-output_padding-h", "aria-invalid") == "true"
    assert text(page, "#sx-drawing-help").startswith("No drawing")


def test_transposed_layer_and_copy_as_pytorch(page: browser.Chromium, site: str) -> None:
    open_explorer(page, site, "mode=conv&in_channels=3&out_channels=8&height=32&width=32")
    page.click("#sx-mode-transposed")
    assert page.evaluate("document.querySelector('#sx-row-output_padding').hidden") is False
    assert page.evaluate("document.querySelector('#sx-padding-mode').disabled") is True
    for field, value in [("kernel_size-h", "4"), ("stride-h", "2"), ("padding-h", "1"), ("output_padding-h", "1")]:
        page.type_into(f"#sx-{field}", value)
    assert text(page, "#sx-summary") == "Valid. Output shape (1, 8, 65, 65)."
    assert text(page, "#sx-weight-shape") == "(3, 8, 4, 4)"  # in_channels first, for a transposed convolution
    line = "nn.ConvTranspose2d(3, 8, kernel_size=4, stride=2, padding=1, output_padding=1)"
    assert text(page, "#sx-pytorch") == line
    page.call("Browser.grantPermissions", permissions=["clipboardReadWrite", "clipboardSanitizedWrite"])
    page.click("#sx-copy")
    page.wait_until("document.querySelector('#sx-copy-status').textContent")
    assert page.evaluate("navigator.clipboard.readText()") == line


def test_the_grid_steps_with_the_arrow_keys(page: browser.Chromium, site: str) -> None:
    open_explorer(page, site, "mode=transposed&in_channels=3&out_channels=8&height=32&width=32"
                  "&kernel_size=4&stride=2&padding=1&output_padding=1")  # fmt: skip
    page.evaluate("document.querySelector('#sx-board').focus()")
    page.press("ArrowRight")
    page.press("ArrowDown")
    assert page.evaluate("document.activeElement.id") == "sx-board"  # the focus stays on the redrawn grid
    assert page.evaluate("document.querySelector('#sx-step').value") == str(1 * 32 + 1)  # the slider follows
    assert text(page, "#sx-drawing-text").startswith(
        "Input cell (row 1, column 1) writes 16 output cells: rows 1 to 4, columns 1 to 4"
    )
    page.press("End")
    assert text(page, "#sx-drawing-text").startswith("Input cell (row 1, column 31)")
    page.click("#sx-mode-conv")
    assert text(page, "#sx-step-label") == "Output cell"
    # The conv output is 16 × 16: the selection moves to the last column, which reads one padding column.
    assert text(page, "#sx-drawing-text") == (
        "Output cell (row 1, column 15) reads 16 input cells: rows 1 to 4, columns 29 to 32;"
        " 4 of them are padding (zeros)."
    )


def test_find_padding_lists_and_applies_a_setting(page: browser.Chromium, site: str) -> None:
    open_explorer(page, site, "mode=transposed&in_channels=3&out_channels=8&height=32&width=32")
    for field, value in [("input", "32"), ("output", "64"), ("kernel", "4"), ("stride", "2")]:
        page.type_into(f"#sx-find-{field}", value)
    assert "padding=1, output_padding=0, dilation=1" in text(page, "#sx-find-list")
    page.click("#sx-use-0")
    assert text(page, "#sx-summary") == "Valid. Output shape (1, 8, 64, 64)."
    page.type_into("#sx-find-output", "1000")
    assert text(page, "#sx-find-none").startswith("None exist. Too large")


def test_names_and_contrast_in_light_and_dark_mode(page: browser.Chromium, site: str) -> None:
    open_explorer(page, site, "mode=transposed&in_channels=3&out_channels=8&groups=2")  # with an error shown
    for toggle, scheme in [("#__palette_0", "default"), ("#__palette_1", "slate")]:
        # Material's own light/dark switch in the header, as a reader would use it.
        page.click(toggle)
        page.wait_until(f"document.body.getAttribute('data-md-color-scheme') === '{scheme}'")
        page.type_into("#sx-groups", "2")
        assert page.evaluate(CONTRAST) == [], f"text below 4.5:1 contrast with the {scheme} scheme"
        page.type_into("#sx-groups", "1")
        assert page.evaluate(CONTRAST) == [], f"text below 4.5:1 contrast with the {scheme} scheme"
    page.click("#__palette_0")  # leave the stored palette as it was
    nodes = page.page("Accessibility.getFullAXTree")["nodes"]
    controls = [n for n in nodes if n.get("role", {}).get("value") in NAMED_ROLES and not n.get("ignored")]
    unnamed = [n["role"]["value"] for n in controls if not str(n.get("name", {}).get("value", "")).strip()]
    assert len(controls) > 30 and not unnamed, f"controls without an accessible name: {unnamed}"


def test_reserved_space_keeps_the_text_below_from_jumping(page: browser.Chromium, site: str) -> None:
    open_explorer(page, site)
    drawn, reserved, top, viewport = page.evaluate(
        "(() => { const a = document.querySelector('#sx-app'); const drawn = a.getBoundingClientRect().height;"
        " a.classList.remove('sx-ready'); const reserved = a.getBoundingClientRect().height;"
        " a.classList.add('sx-ready'); const top = a.getBoundingClientRect().top + scrollY;"
        " return [drawn, reserved, top, innerHeight]; })()"
    )
    assert reserved <= drawn, "the reserved space is taller than the drawn explorer: the text below would jump up"
    assert top + reserved >= viewport, "the text below the explorer is on the first screen while it is built"


def test_nothing_is_fetched_from_elsewhere_and_no_script_fails(page: browser.Chromium, site: str) -> None:
    open_explorer(page, site)
    page.click("#sx-preset-4")
    requests = [e["params"]["request"]["url"] for e in page.events if e.get("method") == "Network.requestWillBeSent"]
    elsewhere = [u for u in requests if not u.startswith((site, "data:", "about:"))]
    assert any(u.endswith("conv-shapes.js") for u in requests)
    assert not elsewhere, f"the page fetched from other hosts: {elsewhere}"
    failures = [
        e["params"]
        for e in page.events
        if e.get("method") == "Runtime.exceptionThrown"
        or (e.get("method") == "Runtime.consoleAPICalled" and e["params"]["type"] == "error")
    ]
    assert not failures, failures
