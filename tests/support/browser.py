"""Drive headless Chromium from Python with no dependency: the DevTools protocol over a pipe.

Chromium started with `--remote-debugging-pipe` reads DevTools commands from its file
descriptor 3 and writes replies and events to descriptor 4, one JSON message per
NUL-terminated chunk. That is all a test needs to load a page, type into it, press keys
and read the result, and it needs no WebDriver, no websocket library and no network.
`serve` puts a built site on 127.0.0.1 in a thread, for the browser to load.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import http.server
import io
import json
import os
import select
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-extensions",
    "--remote-debugging-pipe",
]


def require(path: str | None, what: str, install: str) -> str:
    """The tool's path; skip without it, except in CI (the CI variable set), where it must be there."""
    if path is None:
        import pytest

        message = f"{what} is not installed here ({install})"
        if os.environ.get("CI"):
            pytest.fail(f"{message}, and CI must run this test")
        pytest.skip(message)
    return path


def chromium_executable() -> str | None:
    """Debian's /usr/bin/chromium, or another one on PATH ($CHROMIUM overrides)."""
    for name in (os.environ.get("CHROMIUM"), "chromium", "chromium-browser", "google-chrome"):
        if name and (path := shutil.which(name)):
            return path
    return None


def _above_4(fd: int) -> int:
    """The same pipe end on a descriptor >= 10, so that it is neither 3 nor 4."""
    high = fcntl.fcntl(fd, fcntl.F_DUPFD, 10)
    os.close(fd)
    return high


class BrowserError(RuntimeError):
    """Chromium answered a command with an error, or did not answer in time."""


class Chromium:
    """One headless Chromium and one page (tab) in it."""

    def __init__(self, executable: str, profile: Path, width: int = 1280, height: int = 2000) -> None:
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()
        # Chromium's ends, moved to descriptors >= 10 so that they cannot be 3 or 4 themselves.
        to_browser_r, from_browser_w = _above_4(to_browser_r), _above_4(from_browser_w)
        # bash puts them on descriptors 3 and 4 and execs Chromium (no preexec_fn, which is
        # unsafe while the HTTP server's thread runs; dash only knows descriptors 0-9).
        script = f'exec "$0" "$@" 3<&{to_browser_r} 4>&{from_browser_w} {to_browser_r}<&- {from_browser_w}>&-'
        args = [*FLAGS, f"--user-data-dir={profile}", f"--window-size={width},{height}", "about:blank"]
        self.process = subprocess.Popen(
            [shutil.which("bash") or "/bin/bash", "-c", script, executable, *args],
            pass_fds=(to_browser_r, from_browser_w),
            stdout=subprocess.DEVNULL,
            stderr=None if os.environ.get("EXPLORER_BROWSER_DEBUG") else subprocess.DEVNULL,
        )
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict[str, Any]] = []
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]

    # ------------------------------------------------------------------ protocol

    def _send(self, message: dict[str, Any]) -> None:
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")

    def _receive(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._from_browser], [], [], left)[0]:
                raise BrowserError("Chromium did not answer in time")
            chunk = os.read(self._from_browser, 1 << 16)
            if not chunk:
                raise BrowserError("Chromium closed the pipe (it exited)")
            self._buffer += chunk
        message, _, self._buffer = self._buffer.partition(b"\0")
        return json.loads(message)

    def call(self, method: str, timeout: float = 20.0, session: bool = False, **params: Any) -> dict[str, Any]:
        """Send one command and wait for its reply; events that arrive meanwhile are kept."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = self.session
        self._send(message)
        deadline = time.monotonic() + timeout
        while True:
            reply = self._receive(deadline)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise BrowserError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def page(self, method: str, timeout: float = 20.0, **params: Any) -> dict[str, Any]:
        """A command for the page (the attached tab)."""
        return self.call(method, timeout=timeout, session=True, **params)

    def wait_for_event(self, method: str, timeout: float = 20.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        for i, event in enumerate(self.events):
            if event.get("method") == method:
                return self.events.pop(i)
        while True:
            event = self._receive(deadline)
            if event.get("method") == method:
                return event
            self.events.append(event)

    # ------------------------------------------------------------------ conveniences

    def evaluate(self, expression: str, timeout: float = 20.0) -> Any:
        """The value of a JavaScript expression in the page (promises are awaited)."""
        result = self.page(
            "Runtime.evaluate", timeout=timeout, expression=expression, returnByValue=True, awaitPromise=True
        )
        if "exceptionDetails" in result:
            raise BrowserError(f"{expression!r} threw: {result['exceptionDetails']}")
        return result["result"].get("value")

    def navigate(self, url: str) -> None:
        self.page("Page.enable")
        self.page("Page.navigate", url=url)
        self.wait_for_event("Page.loadEventFired")

    def wait_until(self, expression: str, timeout: float = 10.0) -> Any:
        """Poll an expression until it is truthy; its value."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if value := self.evaluate(expression):
                return value
            time.sleep(0.05)
        raise BrowserError(f"timed out waiting for {expression!r}")

    def type_into(self, selector: str, text: str) -> None:
        """Focus a field, select its content and type over it, as a reader does."""
        found = json.dumps(selector)
        self.evaluate(f"(() => {{ const el = document.querySelector({found}); el.focus(); el.select(); }})()")
        self.page("Input.insertText", text=text)

    def press(self, key: str) -> None:
        """One key press (keydown and keyup) on the focused element, e.g. 'ArrowRight'."""
        codes = {"ArrowLeft": 37, "ArrowUp": 38, "ArrowRight": 39, "ArrowDown": 40, "Home": 36, "End": 35, "Tab": 9}
        common = {"key": key, "code": key, "windowsVirtualKeyCode": codes.get(key, 0)}
        self.page("Input.dispatchKeyEvent", type="rawKeyDown", **common)
        self.page("Input.dispatchKeyEvent", type="keyUp", **common)

    def click(self, selector: str) -> None:
        self.evaluate(f"document.querySelector({json.dumps(selector)}).click()")

    def emulate_color_scheme(self, scheme: str) -> None:
        """What `prefers-color-scheme` answers ("light" or "dark") from now on."""
        self.page("Emulation.setEmulatedMedia", features=[{"name": "prefers-color-scheme", "value": scheme}])

    def settle(self) -> None:
        """Wait until the page is idle, then two frames and the tasks after them: work the page put off
        until idle, and the resize observers it started, have run."""
        self.evaluate(
            "new Promise(r => requestIdleCallback(() => "
            "requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 20)))))"
        )

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.call("Browser.close", timeout=5)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        for fd in (self._to_browser, self._from_browser):
            with contextlib.suppress(OSError):
                os.close(fd)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    site_url: str | None = None

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def send_head(self):  # type: ignore[override]
        # The theme's instant navigation follows only the links that sitemap.xml lists, by their
        # site_url. Served here on another port, the sitemap is given this server's address, as if
        # the site were deployed at its site_url.
        if self.site_url and self.path == "/sitemap.xml":
            body = Path(self.translate_path(self.path)).read_text().replace(self.site_url, _base(self.server))
            data = body.encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/xml")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            return io.BytesIO(data)
        return super().send_head()


def _base(server: http.server.HTTPServer) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}/"


@contextlib.contextmanager
def serve(directory: Path, site_url: str | None = None) -> Iterator[str]:
    """Serve `directory` on 127.0.0.1 (a free port) in a thread; yields the base URL.

    With `site_url` (the one the site was built with), sitemap.xml names this server instead.
    """
    handler = functools.partial(type("Handler", (_QuietHandler,), {"site_url": site_url}), directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield _base(server)
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def chromium(executable: str, profile: Path, **size: int) -> Iterator[Chromium]:
    browser = Chromium(executable, profile, **size)
    try:
        yield browser
    finally:
        browser.close()
