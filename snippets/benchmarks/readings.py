"""What a run's results say, computed from them: every sentence of the page that reads the data.

The page states nothing about a measurement that is not made here, from the saved results.
`tests/test_benchmarks.py` recomputes the readings from the raw numbers, and changes the
results to check that the text follows them. The rules:

- **Noise.** A case whose IQR is above `TimerSettings.spread_limit` of its median, after its
  reruns, is *noisy* (`case["noisy"]`). Noisy and failed cases are left out of every reading.
- **Roofline.** At its arithmetic intensity I (FLOPs per byte), a forward case can run no faster
  than its *lower roof*: the bandwidth roof I·B below the ridge point P / B, the compute roof P
  (the matmul peak of its precision) above it. A case that reaches at least 1 / `ROOF_FACTOR`
  of its lower roof is *memory-bound* or *compute-bound*, after that roof; one that does not is
  *efficiency-bound*: below both roofs, by the factor (lower roof ÷ achieved), and limited by
  something else (overheads, the kernel chosen for that shape and layout, a busy machine).
- **Fastest, ahead, tied.** In one setting (size, precision, memory format, pass), the fastest
  upsampler is the one with the smallest median. It is *ahead* of the next when their intervals
  median ± IQR / 2 do not overlap, and *tied* with it when they do.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from snippets.benchmarks.variants import ALL_VARIANTS, UPSAMPLERS, Variant, free_weights, input_support
from snippets.experiment import busy_note

ROOF_FACTOR = 2.0
PRECISION_LABEL = {"fp32": "fp32", "tf32": "TF32", "bf16": "bf16"}


# --- formatting -------------------------------------------------------------------------------


def sig(x: float, digits: int = 3) -> str:
    """`x` with `digits` significant digits, in plain notation (no exponent)."""
    if x == 0 or not math.isfinite(x):
        return f"{x:g}"
    decimals = max(0, digits - 1 - math.floor(math.log10(abs(x))))
    return f"{x:.{decimals}f}"


def ratio(x: float) -> str:
    return f"{sig(x, 2 if x < 10 else 3)}×"


def percent(x: float) -> str:
    """A fraction as a percentage, 2 significant digits."""
    return f"{sig(100 * x, 2)} %"


def label(name: str) -> str:
    return ALL_VARIANTS[name].label


def geomean(values: list[float]) -> float:
    return math.exp(sum(math.log(v) for v in values) / len(values))


def size_label(n: int, c: int, h: int, w: int) -> str:
    return f"N={n}, C={c}, {h}×{w}"


# --- cases ------------------------------------------------------------------------------------

Setting = tuple[tuple[int, int, int, int], str, str, str]  # size, precision, memory format, pass


def key(case: dict) -> tuple:
    """(variant, n, c, h, w, precision, memory format, pass)."""
    return tuple(case[k] for k in ("variant", "n", "c", "h", "w", "precision", "memory_format", "pass"))


def index(cases: Iterable[dict]) -> dict[tuple, dict]:
    """Timed cases (failed ones apart) by `key`."""
    return {key(c): c for c in cases if "error" not in c}


def clean(case: dict | None) -> bool:
    """Timed, and not noisy: a case that readings may use."""
    return case is not None and "error" not in case and not case["noisy"]


def sizes(results: dict) -> list[tuple[int, int, int, int]]:
    return [tuple(s) for s in results["grid"]["sizes"]]


def settings(results: dict, passes: Iterable[str] | None = None) -> list[Setting]:
    """Every (size, precision, memory format, pass) of the grid's upsampling cases."""
    g = results["grid"]
    return [
        (size, p, f, pa)
        for size in sizes(results)
        for p in g["precisions"]
        for f in g["memory_formats"]
        for pa in passes or g["passes"]
    ]


def noise(results: dict) -> tuple[int, int]:
    """(noisy cases, timed cases), upsampling and components together."""
    timed = [c for c in results["upsampling"] + results["components"] if "error" not in c]
    return sum(c["noisy"] for c in timed), len(timed)


# --- the roofline -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Bound:
    """Where one forward case sits under the measured roofs (rates in FLOP/s)."""

    intensity: float  # FLOPs per byte
    ridge: float  # FLOPs per byte where the two roofs meet
    achieved: float
    attainable: float  # the lower roof at this intensity

    @property
    def roof(self) -> str:
        return "bandwidth" if self.intensity < self.ridge else "compute"

    @property
    def below(self) -> float:
        """How many times below its lower roof the case ran (under 1: above it, e.g. from cache)."""
        return self.attainable / self.achieved

    @property
    def kind(self) -> str:
        if self.below > ROOF_FACTOR:
            return "efficiency-bound"
        return "memory-bound" if self.roof == "bandwidth" else "compute-bound"


def bound(case: dict, peaks: dict) -> Bound | None:
    """The roofline reading of a forward case with FLOPs (None for a backward or FLOP-free case)."""
    if case["pass"] != "forward" or not case.get("bytes") or not case["flops"]:
        return None
    compute = peaks[f"matmul_{case['precision']}"]["tflops"] * 1e12
    bandwidth = peaks["copy"]["gbps"] * 1e9
    intensity = case["flops"] / case["bytes"]
    return Bound(intensity, compute / bandwidth, case["flops"] / case["median_s"], min(compute, intensity * bandwidth))


@dataclass(frozen=True)
class Group:
    """The forward cases of one channel count and precision, read together."""

    c: int
    precision: str
    bounds: list[Bound]
    left_out: int  # noisy or failed

    def count(self, kind: str) -> int:
        return sum(b.kind == kind for b in self.bounds)


def groups(results: dict) -> list[Group]:
    """One group per channel count and precision, with every clean forward case in it."""
    cases = index(results["upsampling"])
    out = []
    for size in sizes(results):
        for p in results["grid"]["precisions"]:
            bounds, left_out = [], 0
            for v in UPSAMPLERS:
                for f in results["grid"]["memory_formats"]:
                    case = cases.get((v.name, *size, p, f, "forward"))
                    if not clean(case):
                        left_out += 1
                    elif (b := bound(case, results["peaks"])) is not None:
                        bounds.append(b)
            out.append(Group(size[1], p, bounds, left_out))
    return out


def span(values: list[float], fmt=ratio) -> str:
    lo, hi = min(values), max(values)
    return fmt(lo) if fmt(lo) == fmt(hi) else f"{fmt(lo)} to {fmt(hi)}"


KINDS = ("efficiency-bound", "compute-bound", "memory-bound")


def group_phrase(group: Group) -> str:
    """'all 8 efficiency-bound (2.1× to 11× below the lower roof)', or '5 of 8 compute-bound, 3 efficiency-bound'."""
    n = len(group.bounds)
    if not n:
        return "no reading (every case noisy)"
    counts = sorted(((group.count(kind), kind) for kind in KINDS if group.count(kind)), key=lambda x: -x[0])
    parts = []
    for k, kind in counts:
        text = f"all {n} {kind}" if k == n > 1 else f"{k} of {n} {kind}" if not parts else f"{k} {kind}"
        if kind == "efficiency-bound":
            text += f" ({span([b.below for b in group.bounds if b.kind == kind])} below the lower roof)"
        parts.append(text)
    return ", ".join(parts)


def ridge_phrase(group: Group) -> str:
    """'3.0 to 14 FLOPs per byte, ridge 5.2: 7 of 9 above it'."""
    above = sum(b.roof == "compute" for b in group.bounds)
    n = len(group.bounds)
    where = "all above it" if above == n else "all below it" if above == 0 else f"{above} of {n} above it"
    intensities = [b.intensity for b in group.bounds]
    return f"{span(intensities, lambda x: sig(x, 2))} FLOPs per byte, ridge {sig(group.bounds[0].ridge, 2)}: {where}"


def group_sentence(group: Group) -> str:
    head = f"**C={group.c}, {PRECISION_LABEL[group.precision]}:** "
    if not group.bounds:
        return head + "no reading: every forward case was noisy."
    left = f"; {group.left_out} noisy left out" if group.left_out else ""
    return head + f"{ridge_phrase(group)}; {group_phrase(group)}{left}."


# --- races: fastest, ahead, tied --------------------------------------------------------------


@dataclass(frozen=True)
class Race:
    """The upsamplers of one setting, fastest first (clean cases only)."""

    order: list[dict]
    left_out: int

    @property
    def winner(self) -> str:
        return self.order[0]["variant"]

    @property
    def runner_up(self) -> str:
        return self.order[1]["variant"]

    @property
    def lead(self) -> float:
        """The runner-up's median over the winner's."""
        return self.order[1]["median_s"] / self.order[0]["median_s"]

    @property
    def ahead(self) -> bool:
        """True when median ± IQR / 2 of the two do not overlap."""
        first, second = self.order[:2]
        return first["median_s"] + first["iqr_s"] / 2 < second["median_s"] - second["iqr_s"] / 2


def race(results: dict, setting: Setting) -> Race | None:
    """The race of the ×2 upsamplers in `setting` (None with fewer than two clean cases)."""
    cases = index(results["upsampling"])
    size, p, f, pa = setting
    entrants = [cases.get((v.name, *size, p, f, pa)) for v in UPSAMPLERS if v.upsamples]
    timed = sorted((c for c in entrants if clean(c)), key=lambda c: c["median_s"])
    if len(timed) < 2:
        return None
    return Race(timed, len(entrants) - len(timed))


def race_phrase(r: Race | None) -> str:
    if r is None:
        return "no reading (noisy)"
    if r.ahead:
        return f"{label(r.winner)}, ahead of {label(r.runner_up)} by {ratio(r.lead)}"
    return f"{label(r.winner)}, tied with {label(r.runner_up)} ({ratio(r.lead)})"


# --- comparisons ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    """Time of one choice ÷ time of another, over every setting where both are clean."""

    values: list[float]
    left_out: int

    @property
    def faster(self) -> int:
        """Settings where the first choice took less time."""
        return sum(v < 1 for v in self.values)


def compare(results: dict, first: str, second: str) -> Comparison:
    """Time of variant `first` ÷ time of variant `second`, setting by setting."""
    cases = index(results["upsampling"])
    values, left_out = [], 0
    for size, p, f, pa in settings(results):
        a, b = cases.get((first, *size, p, f, pa)), cases.get((second, *size, p, f, pa))
        if clean(a) and clean(b):
            values.append(a["median_s"] / b["median_s"])
        elif a is not None and b is not None:
            left_out += 1
    return Comparison(values, left_out)


def compare_settings(results: dict, first: tuple[str, str], second: tuple[str, str]) -> Comparison:
    """Time in setting `first` ÷ time in setting `second`, each a (precision, memory format), for
    every upsampler, size and pass."""
    cases = index(results["upsampling"])
    values, left_out = [], 0
    for v in UPSAMPLERS:
        for size in sizes(results):
            for pa in results["grid"]["passes"]:
                a, b = cases.get((v.name, *size, *first, pa)), cases.get((v.name, *size, *second, pa))
                if clean(a) and clean(b):
                    values.append(a["median_s"] / b["median_s"])
                elif a is not None and b is not None:
                    left_out += 1
    return Comparison(values, left_out)


def comparison_phrase(comp: Comparison, first: str) -> str:
    """'0.48× to 1.9× (geometric mean 0.90×); <first> took less time in 10 of 21 settings, 3 noisy left out'."""
    if not comp.values:
        return "no reading (every setting had a noisy case)"
    n = len(comp.values)
    left = f", {comp.left_out} noisy left out" if comp.left_out else ""
    return (
        f"{span(comp.values)} (geometric mean {ratio(geomean(comp.values))}); "
        f"{first} took less time in {comp.faster} of {n} settings{left}"
    )


# The pairs of variants the page compares, and why each pair is worth comparing ({a}, {b}: their
# MACs per input pixel and channel pair).
PAIRS = [
    ("nearest_conv_folded", "nearest_conv", "the same function, folded: {a} MACs instead of {b}"),
    ("nearest_conv_folded", "convT_k4s2", "{a} MACs each; the folded one also folds its kernel on every call"),
    ("pixel_shuffle", "nearest_conv", "{a} against {b} MACs"),
    ("bilinear_conv", "nearest_conv", "the same conv after a different resize"),
    ("convT_k2s2", "convT_k4s2", "{a} against {b} MACs"),
]


def comparisons(results: dict) -> list[str]:
    """One sentence per pair of variants and per precision or layout switch."""
    out = []
    for first, second, why in PAIRS:
        if first in results["grid"]["variants"] and second in results["grid"]["variants"]:
            phrase = comparison_phrase(compare(results, first, second), "the first")
            why = why.format(a=ALL_VARIANTS[first].macs(1, 1, 1, 1), b=ALL_VARIANTS[second].macs(1, 1, 1, 1))
            out.append(f"**{label(first)} ÷ {label(second)}** ({why}): {phrase}.")
    formats = results["grid"]["memory_formats"]
    for p in results["grid"]["precisions"]:
        if "contiguous" in formats and "channels_last" in formats:
            comp = compare_settings(results, (p, "channels_last"), (p, "contiguous"))
            phrase = comparison_phrase(comp, "channels_last")
            out.append(
                f"**channels_last ÷ contiguous, {PRECISION_LABEL[p]}** (every upsampler, size and pass): {phrase}."
            )
    if "bf16" in results["grid"]["precisions"]:
        for f in formats:
            comp = compare_settings(results, ("bf16", f), ("fp32", f))
            out.append(f"**bf16 ÷ fp32, {f}** (every upsampler, size and pass): {comparison_phrase(comp, 'bf16')}.")
    return out


# --- the takeaways ----------------------------------------------------------------------------


def support_text(variant: Variant) -> str:
    shapes = input_support(variant)
    text = " or ".join(f"{r}×{c}" for r, c in shapes)
    return text + (" (uneven)" if len(shapes) > 1 else "")


def fastest_takeaway(results: dict) -> str:
    races = [race(results, s) for s in settings(results)]
    read = [r for r in races if r is not None]
    if not read:
        return "**Fastest:** no reading: no setting had two clean cases."
    wins: dict[str, list[Race]] = {}
    for r in read:
        wins.setdefault(r.winner, []).append(r)
    ranked = sorted(wins, key=lambda v: -len(wins[v]))
    counts = ", ".join(f"{label(v)} in {len(wins[v])}" for v in ranked)
    unread = f"; no reading in {len(races) - len(read)} (noisy)" if len(read) < len(races) else ""
    where = f"of the {len(races)} settings (size × precision × memory format × pass)"
    if len(ranked) > 1 and len(wins[ranked[0]]) == len(wins[ranked[1]]):
        return f"**Fastest:** no single variant: {counts} {where}{unread}."
    best, mine = ranked[0], wins[ranked[0]]
    ahead = sum(r.ahead for r in mine)
    lead = "ahead of the next in all of them" if ahead == len(mine) else f"ahead of the next in {ahead} of them"
    text = f"**Fastest:** {label(best)}, in {len(mine)} {where}, {lead}"
    if len(ranked) > 1:
        text += "; " + ", ".join(f"{label(v)} in {len(wins[v])}" for v in ranked[1:])
    text += unread
    macs = {v.name: v.macs(1, 1, 1, 1) for v in UPSAMPLERS if v.upsamples}
    if macs[best] == min(macs.values()):
        text += (
            f". It also does the least work, {macs[best]} MACs per input pixel and channel pair, "
            f"and each of its outputs sees a {support_text(ALL_VARIANTS[best])} patch of the input"
        )
    return text + "."


def folded_takeaway(results: dict) -> str:
    folded, unfolded = ALL_VARIANTS["nearest_conv_folded"], ALL_VARIANTS["nearest_conv"]
    check = max(results["folded_check"].values())
    comp = compare(results, folded.name, unfolded.name)
    return (
        f"**Folding** {unfolded.label} into one ConvTranspose2d k4 s2 p1 gives the same outputs and gradients "
        f"(largest difference {check:.0e}, in float64) with {folded.macs(1, 1, 1, 1)} MACs per input pixel and "
        f"channel pair instead of {unfolded.macs(1, 1, 1, 1)}. Its time ÷ the unfolded pair's: "
        f"{comparison_phrase(comp, 'the folded one')}."
    )


def capacity_phrase() -> str:
    """What PixelShuffle and nearest ×2 + Conv2d 3×3 spend their MACs on (counts, no timing)."""
    parts = []
    for name in ("pixel_shuffle", "nearest_conv"):
        v = ALL_VARIANTS[name]
        parts.append(
            f"{v.label} spends its {v.macs(1, 1, 1, 1)} MACs on a {support_text(v)} input patch "
            f"with {free_weights(v)} free weights"
        )
    return "; ".join(parts)


def capacity_takeaway(results: dict) -> str:
    comp = compare(results, "pixel_shuffle", "nearest_conv")
    return (
        f"**What the MACs buy:** per input pixel and channel pair, {capacity_phrase()}. "
        f"PixelShuffle's time ÷ resize + conv's: {comparison_phrase(comp, 'PixelShuffle')}."
    )


def roofline_takeaway(results: dict) -> str:
    """The fp32 (else first precision) groups at the fewest and the most channels."""
    precision = "fp32" if "fp32" in results["grid"]["precisions"] else results["grid"]["precisions"][0]
    mine = [g for g in groups(results) if g.precision == precision]
    ends = [mine[0], mine[-1]] if len(mine) > 1 else mine
    parts = [f"at C={g.c}, {group_phrase(g)}" for g in ends]
    return f"**Roofline, forward, {PRECISION_LABEL[precision]}:** " + "; ".join(parts) + "."


def noise_takeaway(results: dict) -> str:
    noisy, timed = noise(results)
    limit = percent(results["grid"]["timer"]["spread_limit"])
    attempts = results["grid"]["timer"]["max_attempts"]
    text = (
        f"**Noise:** {noisy} of {timed} cases stayed noisy (IQR above {limit} of the median after up to "
        f"{attempts} attempts); they are marked † and left out of every reading on this page."
    )
    if note := busy_note(results["environment"]):
        text += " " + note
    return text


def takeaways(results: dict) -> list[str]:
    """The page's opening sentences for one run."""
    out = [fastest_takeaway(results)]
    if {"nearest_conv_folded", "nearest_conv"} <= set(results["grid"]["variants"]):
        out.append(folded_takeaway(results))
    if {"pixel_shuffle", "nearest_conv"} <= set(results["grid"]["variants"]):
        out.append(capacity_takeaway(results))
    out.append(roofline_takeaway(results))
    out.append(noise_takeaway(results))
    return out
