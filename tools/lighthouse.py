"""Lighthouse on every page of the built site, served on 127.0.0.1 with gzip as GitHub Pages serves it.

Prints one table: performance, accessibility and best-practices scores, total blocking time,
largest contentful paint and bytes transferred per page, and the audits that failed. The
load average is printed too: Lighthouse simulates a slow phone from measured main-thread
time, so on a busy machine every score reads low. Compare variants in the same conditions.

Needs Chromium (`CHROME_PATH`, or `chromium` / `google-chrome` on PATH) and Lighthouse from npm,
pinned in package.json (`npm ci`).

Usage:
    mkdocs build && python -m tools.lighthouse                   # every page of site/
    python -m tools.lighthouse --site site convolution/ explorer/  # some pages
    python -m tools.lighthouse --min-accessibility 100 --min-performance 95   # exit 1 below these
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import gzip
import http.server
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
# What GitHub Pages compresses; images and fonts are sent as they are.
COMPRESSED = {".html", ".css", ".js", ".json", ".svg", ".txt", ".xml", ".ipynb", ".map"}
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --no-first-run --disable-background-networking "
    "--disable-component-update --disable-sync --disable-extensions"
)


class GzipHandler(http.server.SimpleHTTPRequestHandler):
    """Static files; text files gzip-compressed when the client accepts it."""

    def send_head(self):  # type: ignore[override]
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (accepts and path.suffix in COMPRESSED and path.is_file()):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), compresslevel=6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def serve_gzip(directory: Path) -> Iterator[str]:
    """Serve `directory` with gzip on 127.0.0.1 (a free port) in a thread; yields the base URL."""
    handler = functools.partial(GzipHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def pages_of(site: Path) -> list[str]:
    """Every page of a built site, as a path relative to its root ('' is the home page)."""
    return sorted(str(p.parent.relative_to(site)) + "/" if p.parent != site else "" for p in site.rglob("index.html"))


def run_lighthouse(url: str, lighthouse: str, chrome: str) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        subprocess.run(
            [
                lighthouse,
                url,
                "--quiet",
                f"--chrome-flags={CHROME_FLAGS}",
                "--only-categories=performance,accessibility,best-practices",
                "--output=json",
                f"--output-path={report}",
            ],
            env={**os.environ, "CHROME_PATH": chrome},
            check=True,
            timeout=300,
            capture_output=True,
        )
        return json.loads(report.read_text())


def summary(report: dict) -> dict:
    audits = report["audits"]
    failed = [
        name
        for name, audit in audits.items()
        if audit.get("scoreDisplayMode") == "binary" and audit.get("score") == 0 and name != "is-on-https"
    ]
    return {
        "performance": round(report["categories"]["performance"]["score"] * 100),
        "accessibility": round(report["categories"]["accessibility"]["score"] * 100),
        "best-practices": round(report["categories"]["best-practices"]["score"] * 100),
        "tbt_ms": audits["total-blocking-time"]["numericValue"],
        "lcp_s": audits["largest-contentful-paint"]["numericValue"] / 1000,
        "kb": audits["total-byte-weight"]["numericValue"] / 1000,
        "failed": failed,
    }


def median_run(runs: list[dict]) -> dict:
    """The run with the median performance score (its own numbers, not a mix of runs)."""
    ordered = sorted(runs, key=lambda r: r["performance"])
    return ordered[len(ordered) // 2]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("pages", nargs="*", help="page paths relative to the site root (default: every page)")
    parser.add_argument("--site", type=Path, default=ROOT / "site", help="the built site (default: site/)")
    parser.add_argument("--runs", type=int, default=1, help="runs per page; the median by performance is shown")
    parser.add_argument("--min-performance", type=int, default=0, help="exit 1 if a page scores below this")
    parser.add_argument("--min-accessibility", type=int, default=0, help="exit 1 if a page scores below this")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    args = parser.parse_args(argv)

    if not (args.site / "index.html").is_file():
        parser.error(f"--site {args.site}: no built site there (run `mkdocs build` first)")
    lighthouse = str(LIGHTHOUSE) if LIGHTHOUSE.exists() else shutil.which("lighthouse")
    if not lighthouse:
        parser.error("Lighthouse is not installed: run `npm ci`")
    chrome = os.environ.get("CHROME_PATH") or shutil.which("chromium") or shutil.which("google-chrome")
    if not chrome:
        parser.error("no Chromium: install it (apt-get install chromium) or set CHROME_PATH")

    pages = args.pages or pages_of(args.site)
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"load average: {load} on {os.cpu_count()} cores; {args.runs} run(s) a page")
    print(f"{'page':<40} {'perf':>4} {'a11y':>4} {'bp':>4} {'TBT ms':>7} {'LCP s':>6} {'KB':>6}  failed audits")
    results, below = {}, []
    with serve_gzip(args.site) as base:
        for page in pages:
            result = median_run([summary(run_lighthouse(base + page, lighthouse, chrome)) for _ in range(args.runs)])
            results[page] = result
            print(
                f"/{page:<39} {result['performance']:>4} {result['accessibility']:>4} {result['best-practices']:>4} "
                f"{result['tbt_ms']:>7.0f} {result['lcp_s']:>6.1f} {result['kb']:>6.0f}  {' '.join(result['failed'])}",
                flush=True,
            )
            if result["performance"] < args.min_performance or result["accessibility"] < args.min_accessibility:
                below.append(page)
    perf = [r["performance"] for r in results.values()]
    load_now = os.getloadavg()[0]
    print(f"performance: min {min(perf)}, median {statistics.median(perf):.0f}; load average now: {load_now:.2f}")
    if args.json:
        args.json.write_text(json.dumps({"load": load, "pages": results}, indent=1))
    if below:
        print(f"below --min-performance {args.min_performance} / --min-accessibility {args.min_accessibility}: {below}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
