"""Run many scripts, each in its own process forked from one warm, isolated interpreter.

Start it as `python -I warm_python.py`, and write one JSON job per line on its stdin:

    {"script": "/abs/path/3.py", "cwd": "/an/empty/folder", "stdout": "/tmp/o", "stderr": "/tmp/e"}

It answers, on stdout, one JSON line per finished job, in the order they finish:

    {"script": ..., "returncode": 0, "cpu": 1.23, "seconds": 1.5}

Why: a fresh `python -I` costs a torch import (1-2.5 s of CPU here) per script, and the site has
hundreds of scripts. This process imports the heavy packages once, at their top level only,
exactly as a fresh `import torch` would, and forks a child per script. The child starts from
that state: the same isolated `sys.path` (no PYTHON* variables, no user site, no script folder),
an empty working folder, and a fresh `__main__` namespace in which the script runs with
`runpy.run_path`. A script that forgets an import still fails with a NameError, a script that
reads a file it cannot have still fails, and printed output is the script's own. What it cannot
catch is a script that leans on a submodule which only another script imported: nothing is
imported here beyond the top-level packages. The tests can also run every script in its own
fresh `python -I` instead (SCRIPTS_FRESH=1); CI does both.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
import traceback

WARM = ("torch", "torchvision", "numpy", "matplotlib")
WORKERS = int(os.environ.get("WARM_WORKERS", "2"))
TIMEOUT = float(os.environ.get("WARM_TIMEOUT", "600"))


def child(job: dict) -> None:
    """In the forked child: run one script as `__main__`, then exit with its status."""
    import runpy

    code = 0
    try:
        os.chdir(job["cwd"])
        out = os.open(job["stdout"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        err = os.open(job["stderr"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        os.dup2(out, 1)
        os.dup2(err, 2)
        sys.stdin = open(os.devnull)  # noqa: SIM115 (the child exits without closing anything)
        sys.argv = [job["script"]]
        runpy.run_path(job["script"], run_name="__main__")
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
        if not isinstance(e.code, int | None):
            print(e.code, file=sys.stderr)
    except BaseException:
        traceback.print_exc()
        code = 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def main() -> int:
    for name in WARM:
        __import__(name)
    jobs = [json.loads(line) for line in sys.stdin if line.strip()]
    running: dict[int, tuple[dict, float]] = {}
    reply = sys.stdout
    while jobs or running:
        while jobs and len(running) < WORKERS:
            job = jobs.pop(0)
            sys.stdout.flush()
            pid = os.fork()
            if pid == 0:
                child(job)
            running[pid] = (job, time.perf_counter())
        pid, status, usage = os.wait4(-1, os.WNOHANG)
        if not pid:
            now = time.perf_counter()
            for late, (_, start) in running.items():
                if now - start > TIMEOUT:
                    os.kill(late, 9)
            time.sleep(0.01)
            continue
        job, start = running.pop(pid)
        cpu = usage.ru_utime + usage.ru_stime
        answer = {"script": job["script"], "returncode": os.waitstatus_to_exitcode(status), "cpu": cpu}
        answer["seconds"] = time.perf_counter() - start
        reply.write(json.dumps(answer) + "\n")
        reply.flush()
    return 0


if __name__ == "__main__":
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # a crashed child leaves no core file
    sys.exit(main())
