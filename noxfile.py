"""Test sessions on the newest and the oldest torch that the site supports (https://nox.thea.codes).

    nox -s tests    # requirements.txt, the newest pins: the README's test command, everything
    nox -s oldest   # requirements-oldest.txt, the oldest pins: the unit tests, and every page's
                    # blocks in page order with their printed output compared

Each session builds its own virtual environment under .nox/ (a few GB: PyPI's torch wheels carry
the CUDA libraries). The site's build tools are pinned the same in both files; only torch and
torchvision differ (tests/test_repo.py checks it).
"""

from __future__ import annotations

import nox

nox.options.default_venv_backend = "venv"
nox.options.sessions = ["tests"]
nox.options.reuse_existing_virtualenvs = True

PYTHON = "3.11"
QUIET = {"NO_MKDOCS_2_WARNING": "1"}


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """The newest pins: the whole suite, as `python -m pytest` runs it."""
    session.install("-r", "requirements.txt")
    session.run("python", "-m", "pip", "check")
    session.run("python", "-m", "pytest", *session.posargs, env=QUIET)


@nox.session(python=PYTHON)
def oldest(session: nox.Session) -> None:
    """The oldest pins: unit tests, then every page's blocks in page order, outputs compared."""
    session.install("-r", "requirements-oldest.txt")
    session.run("python", "-m", "pip", "check")
    session.run("python", "-c", "import torch, torchvision; print('torch', torch.__version__, torchvision.__version__)")
    session.run("python", "-m", "pytest", "-m", "not slow", "tests", *session.posargs, env=QUIET)
    session.run("python", "-m", "pytest", "docs", "tests/test_notebooks.py", *session.posargs, env=QUIET)
