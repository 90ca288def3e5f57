"""Shared fixtures: one strict build of the site per test session, and torch on one thread."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch

ROOT = Path(__file__).resolve().parent.parent


def pytest_collection_finish(session: pytest.Session) -> None:
    """Start the notebooks of the selected notebook tests in the background (tests/support/background.py)."""
    from tests.support.background import start_notebooks

    chapters = [
        item.callspec.params["chapter"]
        for item in session.items
        if getattr(item, "originalname", "") == "test_notebooks_run_and_print_what_their_pages_show"
    ]
    if chapters:
        from tests.test_notebooks import CHAPTERS
        from tools.sync import notebook_path

        start_notebooks({c: [notebook_path(p) for p in CHAPTERS[c]] for c in chapters})


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`mkdocs build --strict` into a temporary folder; fails the tests that use it if it fails.

    With `BUILT_SITE=<dir>` set, the tests check that build instead, which CI then deploys:
    the site that is published is the site that was tested. It must be a build of this tree
    (`mkdocs build --strict --site-dir <dir>`).
    """
    if given := os.environ.get("BUILT_SITE"):
        site = Path(given).resolve()
        assert (site / "index.html").is_file(), f"BUILT_SITE={given}: no built site there"
        return site
    out = tmp_path_factory.mktemp("site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
    )
    assert result.returncode == 0, f"mkdocs build --strict failed:\n{result.stderr[-4000:]}"
    return out


@pytest.fixture(scope="module")
def one_thread():
    """torch on one thread for a module's tests (`pytestmark = pytest.mark.usefixtures("one_thread")`)."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)
