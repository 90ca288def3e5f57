"""Repository hygiene: lint, format, workflows, and the README's promises."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run(*cmd: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)


def test_ruff_lint() -> None:
    result = run(sys.executable, "-m", "ruff", "check", "snippets", "tests", "tools", "noxfile.py", "conftest.py")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format() -> None:
    result = run(
        sys.executable, "-m", "ruff", "format", "--check", "snippets", "tests", "tools", "noxfile.py", "conftest.py"
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_workflows_pass_actionlint() -> None:
    exe = shutil.which("actionlint") or str(Path(sys.executable).parent / "actionlint")
    # The config is named explicitly: actionlint finds it by itself only from a git root, and a
    # source archive (GitHub's "Download ZIP") has no .git.
    config = ROOT / ".github" / "actionlint.yaml"
    workflows = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
    result = run(exe, "-no-color", "-config-file", str(config), *map(str, workflows))
    assert result.returncode == 0, result.stdout + result.stderr


def test_actions_are_pinned_by_commit_sha() -> None:
    import re

    for wf in (ROOT / ".github" / "workflows").glob("*.yml"):
        for line in wf.read_text().splitlines():
            m = re.search(r"uses:\s*([^\s#]+)", line)
            if m and not m[1].startswith("./"):
                assert re.search(r"@[0-9a-f]{40}$", m[1]), f"{wf.name}: {m[1]} is not pinned by full commit SHA"


def test_readme_test_command_is_what_ci_runs() -> None:
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert "python -m pytest" in readme and "python -m pytest" in ci


def test_the_oldest_pins_differ_only_in_torch_and_torchvision() -> None:
    """The site's build and test tools are pinned the same for the oldest pair as for the newest."""
    from snippets.supported import PACKAGES, pins

    newest, oldest = pins(ROOT / "requirements.txt"), pins(ROOT / "requirements-oldest.txt")
    assert newest.keys() == oldest.keys()
    assert {name for name in newest if newest[name] != oldest[name]} == set(PACKAGES)


def test_the_readme_and_the_home_page_state_the_tested_versions() -> None:
    from snippets.supported import tested_with

    sentence = tested_with()
    assert sentence.startswith("Tested with torch ") and "–" in sentence
    assert sentence in (ROOT / "README.md").read_text(), f"the README must say: {sentence}"
    assert "<!-- generated: supported:tested_with -->" in (ROOT / "docs" / "index.md").read_text()


def test_tested_with_reads_the_pins(tmp_path: Path) -> None:
    from snippets.supported import tested_with

    (tmp_path / "requirements.txt").write_text("torch==9.1.0\ntorchvision==1.2.0  # newest\nnumpy==2\n")
    (tmp_path / "requirements-oldest.txt").write_text("torch==8.0.0\ntorchvision==1.0.0\n")
    assert tested_with(tmp_path) == "Tested with torch 8.0.0–9.1.0 and torchvision 1.0.0–1.2.0, on Python 3.11."
    (tmp_path / "requirements-oldest.txt").write_text("torch>=8\n")
    with pytest.raises(ValueError, match="torch in oldest"):
        tested_with(tmp_path)
