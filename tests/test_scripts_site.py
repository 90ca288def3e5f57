"""Each Python block's script in the built site, and the "Copy as script" button.

Every script runs in its own process, in isolated mode (`python -I`: no PYTHON* variables, no
user site, not even the script's own folder on sys.path), from an empty folder outside the repo,
as a reader who copied it would run it. It must exit 0 and print the block's output as the page
shows it; its output may start with more, which the block needs (a model's training that prints
its progress, say). Two run at a time.

By default each script's process is forked from one warm `python -I` that has imported torch,
torchvision, numpy and matplotlib at their top level (tests/support/warm_python.py says exactly
what that does and does not change): a fresh interpreter per script would spend a torch import,
1-2.5 s of CPU, on each of hundreds of scripts, past the suite's time budget. With
`SCRIPTS_FRESH=1` every script runs in its own fresh `python -I` instead; CI runs both.

The button is driven in headless Chromium (tests/support/browser.py), by mouse and by keyboard,
and the clipboard is compared with the script file.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support import browser
from tools.script_hook import script_path
from tools.sync import page_blocks, page_id, pages

WORKERS = 2  # the test suite's budget is set for two cores
TIMEOUT = 600  # seconds, per script: a training script on a busy machine
FRESH = os.environ.get("SCRIPTS_FRESH") == "1"
WARM_PYTHON = Path(__file__).resolve().parent / "support" / "warm_python.py"


def guide_pages() -> dict[str, list[str]]:
    """Page id -> the output each of its Python blocks shows, for every page with Python blocks."""
    found = {}
    for page in pages():
        blocks = [b for b in page_blocks(page.read_text()) if b.code]
        if blocks:
            found[page_id(page)] = [b.output for b in blocks]
    return found


@dataclass
class Run:
    script: str  # its path in the site
    expected: str  # the output the page shows under the block
    returncode: int
    stdout: str
    stderr: str
    seconds: float  # wall time
    cpu: float  # CPU seconds (user + system), which a busy machine changes far less than wall time
    standalone: bool  # the block needs nothing from the blocks above it


def run_script(path: Path, expected: str, cwd: Path, name: str = "") -> Run:
    """Run a script as a reader does, `python -I script.py` from an empty folder, and measure it."""
    start = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        process = subprocess.Popen([sys.executable, "-I", str(path)], cwd=cwd, stdout=out, stderr=err, text=True)
        try:
            _, status, usage = wait_with_timeout(process.pid, start + TIMEOUT)
        finally:
            if process.returncode is None and process.poll() is None:
                process.kill()
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    seconds = time.perf_counter() - start
    standalone = "with what it needs" not in path.read_text().split("\n", 1)[0]
    code = os.waitstatus_to_exitcode(status)
    return Run(name or str(path), expected, code, stdout, stderr, seconds, usage.ru_utime + usage.ru_stime, standalone)


def warm_runs(jobs: list[tuple[Path, str, Path, str]]) -> list[Run]:
    """Run every job in a process forked from one warm, isolated interpreter (tests/support/warm_python.py)."""
    with tempfile.TemporaryDirectory(prefix="script-output-") as logs:
        requests = []
        for k, (path, _, cwd, _) in enumerate(jobs):
            out, err = Path(logs) / f"{k}.out", Path(logs) / f"{k}.err"
            requests.append({"script": str(path), "cwd": str(cwd), "stdout": str(out), "stderr": str(err)})
        env = {**os.environ, "WARM_WORKERS": str(WORKERS), "WARM_TIMEOUT": str(TIMEOUT)}
        warm = subprocess.run(
            [sys.executable, "-I", str(WARM_PYTHON)],
            input="".join(json.dumps(r) + "\n" for r in requests),
            capture_output=True,
            text=True,
            env=env,
            cwd=tempfile.gettempdir(),
        )
        assert warm.returncode == 0, f"the warm interpreter failed:\n{warm.stderr[-3000:]}"
        answers = {a["script"]: a for a in map(json.loads, warm.stdout.splitlines())}
        runs = []
        for (path, expected, _, name), request in zip(jobs, requests, strict=True):
            answer = answers[str(path)]
            standalone = "with what it needs" not in path.read_text().split("\n", 1)[0]
            stdout, stderr = Path(request["stdout"]).read_text(), Path(request["stderr"]).read_text()
            runs.append(
                Run(name, expected, answer["returncode"], stdout, stderr, answer["seconds"], answer["cpu"], standalone)
            )
        return runs


def wait_with_timeout(pid: int, deadline: float) -> tuple[int, int, os.struct_rusage]:
    """os.wait4 (the child's own CPU time), polling so that a hung script fails instead of blocking."""
    while True:
        found, status, usage = os.wait4(pid, os.WNOHANG)
        if found:
            return found, status, usage
        if time.perf_counter() > deadline:
            os.kill(pid, 9)
            return os.wait4(pid, 0)
        time.sleep(0.02)


def problem(run: Run) -> str | None:
    """What is wrong with a run, or None."""
    if run.returncode != 0:
        return f"{run.script}: exit {run.returncode}\n{run.stderr[-1500:]}"
    if not run.stdout.endswith(run.expected):
        return (
            f"{run.script}: its output does not end with the block's\n"
            f"--- expected (end)\n{run.expected[-800:]}\n--- got (end)\n{run.stdout[-800:]}"
        )
    return None


@pytest.fixture(scope="module")
def runs(built_site: Path) -> list[Run]:
    """Every script of the built site, run once."""
    jobs = []
    with tempfile.TemporaryDirectory(prefix="scripts-") as empty_root:
        for pid, outputs in guide_pages().items():
            for n, expected in enumerate(outputs, 1):
                cwd = Path(empty_root) / f"{pid.replace('/', '-')}-{n}"
                cwd.mkdir()
                jobs.append((built_site / script_path(pid, n), expected, cwd, script_path(pid, n)))
        if not FRESH:
            return warm_runs(jobs)
        with ThreadPoolExecutor(WORKERS) as pool:
            return list(pool.map(lambda job: run_script(*job), jobs))


def test_every_python_block_has_its_script(built_site: Path) -> None:
    guides = guide_pages()
    assert guides, "no page has Python blocks"
    for pid, outputs in guides.items():
        folder = built_site / script_path(pid, 1)
        files = sorted(p.name for p in folder.parent.glob("*.py"))
        assert files == sorted(f"{n}.py" for n in range(1, len(outputs) + 1)), pid
        html_page = built_site / url_of(pid) / "index.html"
        assert html_page.read_text().count("data-script=") == len(outputs), pid
    made = {p.parent.relative_to(built_site / "scripts").as_posix() for p in (built_site / "scripts").rglob("*.py")}
    assert made == set(guides), "scripts for pages that have no Python blocks"


def test_every_script_runs_alone_and_prints_its_block_output(runs: list[Run], record_property) -> None:
    cpu = sorted(r.cpu for r in runs)
    wall = sum(r.seconds for r in runs)
    summary = (
        f"{len(runs)} scripts, {sum(problem(r) is None for r in runs)} pass; {sum(r.standalone for r in runs)} "
        f"need nothing from the blocks above. CPU time {sum(cpu):.1f} s in all, median {cpu[len(cpu) // 2]:.2f} s, "
        f"most {cpu[-1]:.1f} s; wall time {wall:.1f} s in all, {WORKERS} at a time, "
        f"{'each in a fresh python -I' if FRESH else 'forked from a warm python -I'}"
    )
    print("\n" + summary)
    for run in sorted(runs, key=lambda r: -r.cpu)[:5]:
        print(f"  {run.cpu:6.1f} s CPU  {run.script}")
    record_property("scripts", len(runs))
    record_property("script_cpu_seconds", round(sum(cpu), 1))
    failures = [p for r in runs if (p := problem(r))]
    assert not failures, f"{len(failures)} of {len(runs)} scripts fail:\n\n" + "\n\n".join(failures)


RUNNER_CASES = {
    "reads.py": ("print(open('README.md').read()[:10])", "# Convoluti"),
    "imports.py": ("import snippets\nprint('ok')", "ok\n"),
    "prints.py": ("print('something else')", "ok\n"),
    "passes.py": ("print('first')\nprint('ok')", "ok\n"),
    # The warm interpreter has imported torch: a script must still import it to use it.
    "forgets.py": ("print(torch.ones(1))", ""),
    "exits.py": ("import torch\nprint(torch.__name__)\nraise SystemExit(3)", "torch\n"),
}


def runner_results(tmp_path: Path, runner) -> dict[str, str | None]:
    jobs = []
    for name, (code, expected) in RUNNER_CASES.items():
        (tmp_path / name).write_text(code)
        empty = tmp_path / f"{name}-cwd"
        empty.mkdir()
        jobs.append((tmp_path / name, expected, empty, name))
    return {job[3]: problem(run) for job, run in zip(jobs, runner(jobs), strict=True)}


@pytest.mark.slow  # each runner starts Python (the warm one imports torch)
@pytest.mark.parametrize("runner", ["fresh", "warm"])
def test_the_runner_refuses_a_script_that_reads_the_repo(tmp_path: Path, runner: str) -> None:
    """Both runners must be able to fail: a script that reads a file of the repo, imports its code,
    forgets an import, exits with an error or prints something else, does not pass."""
    run = warm_runs if runner == "warm" else lambda jobs: [run_script(*job) for job in jobs]
    results = runner_results(tmp_path, run)
    assert "FileNotFoundError" in results["reads.py"]
    assert "ModuleNotFoundError" in results["imports.py"]
    assert "does not end with" in results["prints.py"]
    assert results["passes.py"] is None
    assert "NameError: name 'torch' is not defined" in results["forgets.py"]
    assert "exit 3" in results["exits.py"]


# ---------------------------------------------------------------- the button, in headless Chromium

SCRIPT_BUTTON = '.md-code__button[data-md-type="script"]'
COPY_BUTTON = '.md-code__button[data-md-type="copy"]'


@pytest.fixture(scope="module")
def chromium(built_site: Path) -> Iterator[tuple[browser.Chromium, str]]:
    exe = browser.chromium_executable()
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is not installed, and CI must run this test")
        pytest.skip("Chromium is not installed here (apt-get install chromium)")
    with (
        browser.serve(built_site) as base,
        tempfile.TemporaryDirectory() as profile,
        browser.chromium(exe, Path(profile)) as page,
    ):
        page.page("Network.enable")
        page.page("Runtime.enable")
        page.call("Browser.grantPermissions", permissions=["clipboardReadWrite", "clipboardSanitizedWrite"])
        yield page, base


def busiest_page() -> str:
    """The guide page with the most blocks that need the blocks above them."""
    return max(guide_pages(), key=lambda pid: len(guide_pages()[pid]))


def url_of(pid: str) -> str:
    return pid.removesuffix("index") if pid.endswith("index") else pid + "/"


def requested(page: browser.Chromium, part: str) -> list[str]:
    urls = [e["params"]["request"]["url"] for e in page.events if e.get("method") == "Network.requestWillBeSent"]
    return [u for u in urls if part in u]


def clipboard(page: browser.Chromium) -> str:
    return page.evaluate("navigator.clipboard.readText()")


def mouse_click(page: browser.Chromium, selector: str) -> None:
    """A real click: the pointer moves onto the element, presses and releases."""
    x, y = page.evaluate(
        f"(() => {{ const el = document.querySelector({json.dumps(selector)}); el.scrollIntoView({{block: 'center'}});"
        " const r = el.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; })()"
    )
    for kind in ("mouseMoved", "mousePressed", "mouseReleased"):
        page.page("Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left", clickCount=1)


def key(page: browser.Chromium, name: str) -> None:
    """One key press on the focused element, with the text it types (Enter and Space activate a button)."""
    keys = {"Tab": ("Tab", 9, ""), "Enter": ("Enter", 13, "\r"), "Space": (" ", 32, " ")}
    value, code, text = keys[name]
    common = {"key": value, "code": name, "windowsVirtualKeyCode": code}
    page.page("Input.dispatchKeyEvent", type="keyDown", text=text, **common)
    page.page("Input.dispatchKeyEvent", type="keyUp", **common)


def nth(n: int, button: str) -> str:
    """A button of the page's n-th Python block (from 1)."""
    return f"[data-script$='/{n}.py'] {button}"


def wait_for_copy(page: browser.Chromium, expected: str) -> None:
    page.wait_until(f"navigator.clipboard.readText().then((t) => t === {json.dumps(expected)})")
    page.wait_until("document.querySelector('.copy-script-status')?.textContent === 'Script copied'")


def test_copy_as_script_by_mouse_and_by_keyboard(chromium, built_site: Path) -> None:
    page, base = chromium
    pid = busiest_page()
    page.navigate(f"{base}{url_of(pid)}")
    blocks = page.wait_until("document.querySelectorAll('div.highlight[data-script]').length")
    # The buttons are added in slices while the page is idle: wait for the last one.
    page.wait_until(f"document.querySelectorAll({json.dumps(SCRIPT_BUTTON)}).length === {blocks}")
    assert blocks == len(guide_pages()[pid])
    assert not requested(page, "/scripts/"), "a script was fetched before anyone asked for it"

    # Each button is a real button, named, beside the theme's copy button.
    described = page.evaluate(
        f"[...document.querySelectorAll({json.dumps(SCRIPT_BUTTON)})].map((b) => [b.tagName, b.type,"
        " b.getAttribute('aria-label'), b.previousElementSibling?.dataset.mdType])"
    )
    assert set(map(tuple, described)) == {("BUTTON", "button", "Copy as script", "copy")}

    # By mouse: block 2 (it needs block 1: its script is more than the block shows).
    script_2 = (built_site / script_path(pid, 2)).read_text()
    shown_2 = page.evaluate("document.querySelectorAll('div.highlight[data-script] code')[1].textContent")
    assert script_2.rstrip() != shown_2.rstrip()
    page.evaluate("navigator.clipboard.writeText('before')")
    mouse_click(page, nth(2, SCRIPT_BUTTON))
    wait_for_copy(page, script_2)
    fetched = requested(page, "/scripts/")
    assert fetched == [f"{base}{script_path(pid, 2)}"], fetched  # this site, only this file

    # By keyboard: Tab from the theme's copy button of the last block, then Enter, then Space.
    last = blocks
    script_last = (built_site / script_path(pid, last)).read_text()
    page.evaluate(f"document.querySelector({json.dumps(nth(last, COPY_BUTTON))}).focus()")
    key(page, "Tab")
    assert page.evaluate("document.activeElement.dataset.mdType") == "script"
    assert page.evaluate("document.activeElement.matches(':focus-visible')")
    for activate in ("Enter", "Space"):
        page.evaluate("navigator.clipboard.writeText('before')")
        page.evaluate("document.querySelector('.copy-script-status').textContent = ''")
        key(page, activate)
        wait_for_copy(page, script_last)

    # The theme's own button still copies the block as shown.
    page.evaluate("navigator.clipboard.writeText('before')")
    mouse_click(page, nth(2, COPY_BUTTON))
    page.wait_until(f"navigator.clipboard.readText().then((t) => t.trim() === {json.dumps(shown_2.strip())})")

    # Screen readers: the button's name, and the live region that says what happened. Collapsed
    # blocks are opened first: a closed <details> hides its content from the accessibility tree.
    page.evaluate("document.querySelectorAll('details').forEach((d) => { d.open = true; })")
    nodes = page.page("Accessibility.getFullAXTree")["nodes"]
    names = [n.get("name", {}).get("value") for n in nodes if n.get("role", {}).get("value") == "button"]
    assert names.count("Copy as script") == blocks
    assert page.evaluate(
        "(() => { const s = document.querySelector('.copy-script-status');"
        " return [s.getAttribute('role'), s.getAttribute('aria-live')]; })()"
    ) == ["status", "polite"]

    errors = [e for e in page.events if e.get("method") == "Runtime.exceptionThrown"]
    assert not errors, errors


def test_the_button_looks_like_the_theme_copy_button_in_light_and_dark(chromium) -> None:
    page, base = chromium
    page.navigate(f"{base}{url_of(busiest_page())}")
    page.wait_until(f"!!document.querySelector({json.dumps(SCRIPT_BUTTON)})")
    style = (
        "(() => {{ const s = getComputedStyle(document.querySelector({sel}));"
        " return [s.width, s.height, s.color, s.backgroundColor, s.cursor]; }})()"
    )
    for toggle, scheme in [("#__palette_1", "slate"), ("#__palette_0", "default")]:
        page.click(toggle)
        page.wait_until(f"document.body.getAttribute('data-md-color-scheme') === '{scheme}'")
        page.evaluate("document.activeElement.blur()")
        ours = page.evaluate(style.format(sel=json.dumps(SCRIPT_BUTTON)))
        theirs = page.evaluate(style.format(sel=json.dumps(COPY_BUTTON)))
        assert ours == theirs, (scheme, ours, theirs)
        icon = page.evaluate(f"getComputedStyle(document.querySelector('{SCRIPT_BUTTON}'), '::after').maskImage")
        assert icon.startswith('url("data:image/svg+xml'), icon  # its own icon, drawn from the page itself


def test_buttons_are_added_once_when_the_theme_shows_a_page_again(chromium) -> None:
    """With instant navigation the theme emits `document$` for each page it shows."""
    page, base = chromium
    page.navigate(f"{base}{url_of(busiest_page())}")
    count = f"document.querySelectorAll({json.dumps(SCRIPT_BUTTON)}).length"
    blocks = page.wait_until("document.querySelectorAll('div.highlight[data-script]').length")
    page.wait_until(f"{count} === {blocks}")
    before = page.evaluate(count)
    page.evaluate("window.document$.next(document)")
    time.sleep(0.3)
    assert page.evaluate(count) == before


def test_a_page_without_python_blocks_gets_no_button_and_no_error(chromium) -> None:
    """The home page has no Python block: the script must leave it alone, and throw nothing."""
    page, base = chromium
    before = len(page.events)
    page.navigate(base)
    page.settle()
    page.settle()  # the slices run when the page is idle
    assert page.evaluate(f"document.querySelectorAll({json.dumps(SCRIPT_BUTTON)}).length") == 0
    errors = [e for e in page.events[before:] if e.get("method") == "Runtime.exceptionThrown"]
    assert not errors, errors
