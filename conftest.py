"""Marks for the whole run: page code and anything that builds the site or starts a browser is `slow`.

`pytest -m "not slow"` is then the fast loop, the unit tests of `snippets/` and `tools/`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parent / "docs"
# Fixtures that build the site or start Chromium or Node: a test that uses one is slow.
SLOW_FIXTURES = {"built_site", "agreement"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        in_docs = DOCS in Path(str(item.path)).parents
        if in_docs or SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)
