"""The Augmentation page's generated tables: the checked augmentation table, and the ablation's results."""

from __future__ import annotations

import re

from snippets.augmentation.ablation import RESULTS, TEST_SETS
from snippets.augmentation.interpolation import default_interpolation
from snippets.augmentation.transforms import (
    BILINEAR,
    CATALOG,
    image_interpolation,
    mask_handling,
)
from snippets.experiment import busy_note, load_results
from snippets.markdown import table

TEST_SET_TITLES = {
    "clean": "clean",
    "moved": "rotated + shifted",
    "relit": "re-lit",
    "shifted": "rotated + shifted + re-lit",
}


def augmentation_table() -> str:
    """The article's three augmentations and five more, with the mask column checked against torchvision.

    `mask_handling` raises if torchvision treats the mask otherwise than the row's kind claims,
    so the Benefit column's word (equivariance for geometric rows, invariance for photometric
    ones) follows a checked kind. Where the row sets an image interpolation other than the
    installed torchvision's default, the cell says so, with a link to the page about defaults.
    """
    rows = []
    for aug in CATALOG:
        transform_class = type(aug.make(24, BILINEAR))
        # Break the class name only between its words, not anywhere, in a narrow column.
        cls = re.sub(r"(?<=[a-z])(?=[A-Z])", "<wbr>", transform_class.__name__)
        mask = mask_handling(aug)
        interp = image_interpolation(aug)
        if aug.kind == "geometric" and interp:
            default = default_interpolation(transform_class).value
            note = (
                ""
                if default == interp
                else f"; [default: {default}](interpolation.md)"
            )
            mask = f"{mask} (image: {interp}{note})"
        elif aug.kind == "geometric":
            # A flip moves whole pixels: "nearest" holds, but there is nothing to interpolate.
            mask = "Yes, same draw; exact (pixels only move)"
        cells = [
            f"{aug.name}<br><code>v2.<wbr>{cls}</code>",
            aug.does,
            aug.kind,
            mask,
            aug.benefit_text,
            aug.avoid_when,
        ]
        rows.append(cells)
    header = [
        "Transform",
        "What it does",
        "Kind",
        "Applied to the mask?",
        "Benefit",
        "Do not use it when",
    ]
    return table(header, rows, "llllll")


def load_ablation() -> dict:
    result = load_results(RESULTS)
    if result is None:
        raise FileNotFoundError(
            f"{RESULTS} is missing: run python -m snippets.augmentation.ablation"
        )
    return result


def ablation_table() -> str:
    """Mean IoU (min-max over seeds) per arm and test set, from results/ablation.json, and how it was run."""
    result = load_ablation()
    rows = {row["arm"]: row for row in result["summary"]}
    body = [
        [
            arm,
            *(
                f"{row[n]['mean']:.3f}<br>({row[n]['min']:.3f}–{row[n]['max']:.3f})"
                for n in TEST_SETS
            ),
        ]
        for arm, row in rows.items()
    ]
    gain = [
        rows["with augmentation"][n]["mean"]
        - rows["no augmentation"][n]["mean"]
        for n in TEST_SETS
    ]
    body.append(
        ["*difference*", *(f"*{g:+.3f}*".replace("-", "−") for g in gain)]
    )
    lines = [
        table(
            ["Training", *(TEST_SET_TITLES[name] for name in TEST_SETS)], body
        )
    ]
    s = result["settings"]
    seeds = ", ".join(str(seed) for seed in s["seeds"])
    env = result["environment"]
    lines += [
        f"Mean IoU of the foreground (`mask > 0`: both object classes as one) over {s['n_test']} test scenes, "
        f"per test set, and in brackets the minimum–maximum over the seeds {seeds}. "
        f"{s['n_train']} training scenes of {s['size']}×{s['size']} pixels; {s['epochs']} epochs of batches of "
        f"{s['batch_size']}; Adam, lr={s['lr']}; U-Net with depth={s['depth']}, base_channels={s['base_channels']}. "
        f"The whole run ({len(result['runs'])} trainings) took {result['total_seconds']:.0f} s on "
        f"{env['logical_cpus']} CPU cores; its training process used "
        f"{result['main_process_cpu_seconds']:.0f} s of CPU time, about what the run takes on free cores. "
        + (
            busy_note(env)
            or f"The load average was {env['load_average_start'][0]:.1f} when the run started."
        )
        + f" Torch {env['torch']}, torchvision {env['torchvision']}.",
    ]
    return "\n".join(lines)


def ablation_rerun() -> str:
    """How to re-run the ablation, with the time that the saved run took (not a number typed by hand)."""
    result = load_ablation()
    env = result["environment"]
    return (
        f"Re-run it with the command below. It is seeded. The saved run took {result['total_seconds']:.0f} s "
        f"on {env['logical_cpus']} CPU cores; expect longer on a busy machine.\n\n"
        "~~~bash\npython -m snippets.augmentation.ablation\n~~~"
    )
