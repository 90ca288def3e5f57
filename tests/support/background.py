"""The notebooks, run beside the tests from the start of the session.

The tests run one at a time in one process, which keeps one core busy; the suite's budget
(`pytest` in 120 s) is set for two. The notebooks need no test's state, so
`tests/conftest.py` starts them when collection ends, each chapter in its own kernel, in a
separate process (`python -m tests.support.background`): the second core runs them while the
first runs the tests. The notebook test then waits for its chapter's outputs. A test run that
selects no notebook test starts nothing.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

_lock = threading.Lock()
_runs: dict[str, tuple[threading.Thread, dict]] = {}


def start_notebooks(chapters: dict[str, list[Path]]) -> None:
    """Run every chapter's notebooks in a background process; a second call starts nothing."""
    with _lock:
        if "notebooks" in _runs:
            return
        result: dict = {}

        def run() -> None:
            request = {chapter: [str(p) for p in paths] for chapter, paths in chapters.items()}
            done = subprocess.run(
                [sys.executable, "-m", "tests.support.background"],
                input=json.dumps(request),
                capture_output=True,
                text=True,
                cwd=ROOT,
            )
            if done.returncode != 0:
                result["error"] = f"the notebook runner failed:\n{done.stderr[-3000:]}"
            else:
                result.update(json.loads(done.stdout))

        thread = threading.Thread(target=run, name="notebooks", daemon=True)
        thread.start()
        _runs["notebooks"] = (thread, result)


def notebook_outputs(chapter: str, paths: list[Path]) -> list[list[str]]:
    """The stdout of each code cell of a chapter's notebooks, from the background run (started
    here if conftest did not start it). Raises AssertionError with the kernel's error if a cell failed."""
    start_notebooks({chapter: paths})
    thread, result = _runs["notebooks"]
    thread.join()
    assert "error" not in result, result["error"]
    assert chapter in result, f"the background run did not include chapter {chapter!r}"
    answer = result[chapter]
    assert "error" not in answer, f"{chapter}: a notebook failed to run:\n{answer['error']}"
    return answer["outputs"]


def main() -> None:
    """In the background process: {chapter: [notebook paths]} on stdin, {chapter: outputs} on stdout."""
    from tools.notebooks import execute_notebooks

    request = json.loads(sys.stdin.read())
    answers = {}
    for chapter, paths in request.items():
        # Any failure is reported to the test of its chapter, which fails with it.
        try:
            answers[chapter] = {"outputs": execute_notebooks([Path(p).read_text() for p in paths])}
        except Exception as e:
            answers[chapter] = {"error": f"{type(e).__name__}: {e}"}
    print(json.dumps(answers))


if __name__ == "__main__":
    main()
