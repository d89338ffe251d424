"""Start-up time and memory: process start to main window shown, with the large branch.

Both the app (``python -m branchdesk --db <large branch>``) and the baseline (bench/bare_window.py:
a bare PySide6 window with five empty tabs) start as fresh processes, offscreen, and print
"BRANCHDESK_SELFTEST window-shown <time>" once the window is shown (the app's hidden
BRANCHDESK_SELFTEST_QUIT_MS hook, ui/app.py). Start-up is that time minus the moment just before
the process was launched. Memory is the process's VmRSS, read from /proc/<pid>/status a moment
after the marker while the window is still up. Runs alternate app / baseline so a busy moment of
the machine hits both, and the medians are compared.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.common import (REPO, Result, code_dir, main_for, print_results, scratch,
                          working_copy)

MARKER = "BRANCHDESK_SELFTEST window-shown"
QUIT_MS = 1500  # long enough to read the memory figure after the marker
SETTLE_S = 0.3  # let the first paint and deferred timers finish before reading memory


def launch(command: list[str], cwd: Path, home: Path) -> tuple[float, float]:
    """(seconds from launch to window shown, resident MiB) of one start."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "BRANCHDESK_HOME": str(home),
           "BRANCHDESK_SELFTEST_QUIT_MS": str(QUIT_MS)}
    env.pop("BENCH_CODE", None)  # the app under test is chosen by cwd (sys.path[0])
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # see compile_bytecode()
    started = time.time()
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        shown = _wait_for_marker(process)
        time.sleep(SETTLE_S)
        rss = _rss_mib(process.pid)
    finally:
        _, errors = process.communicate(timeout=60)
    if process.returncode != 0:
        raise RuntimeError(f"{command} exited with {process.returncode}:\n{errors}")
    return shown - started, rss


def _wait_for_marker(process: subprocess.Popen) -> float:
    for line in process.stdout:
        if line.startswith(MARKER):
            return float(line.split()[2])
    raise RuntimeError(f"no '{MARKER}' line: {process.stderr.read()}")


def _rss_mib(pid: int) -> float:
    """VmRSS of a running process (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS line")


def compile_bytecode(folder: Path) -> None:
    """Compile the app's modules as pip and PyInstaller do on install: a user never waits for
    Python to compile the sources, so the measurement should not either (some machines set
    PYTHONDONTWRITEBYTECODE, and then every start would compile them again)."""
    import compileall

    compileall.compile_dir(str(folder / "branchdesk"), quiet=1)


def run(repeat: int = 5, stress: bool = True) -> list[Result]:
    compile_bytecode(code_dir())
    db = working_copy("large")
    home = scratch("home")
    app = [sys.executable, "-m", "branchdesk", "--db", str(db)]
    bare = [sys.executable, str(REPO / "bench" / "bare_window.py")]
    launch(app, code_dir(), home)  # warm-up: compiled bytecode and the OS file cache
    launch(bare, REPO, home)
    app_runs, bare_runs = [], []
    for _ in range(max(repeat, 3)):
        app_runs.append(launch(app, code_dir(), home))
        bare_runs.append(launch(bare, REPO, home))
    results = [
        Result("start-up", "start to window shown, large branch",
               statistics.median(t for t, _ in app_runs) * 1000, "ms",
               statistics.median(t for t, _ in bare_runs) * 1000, "bare window", "≤ 1.5×"),
        Result("memory", "resident memory after start, large branch",
               statistics.median(m for _, m in app_runs), "MiB",
               statistics.median(m for _, m in bare_runs), "bare window", "≤ 1.5×"),
    ]
    print_results(f"Start-up and memory (median of {len(app_runs)} starts)", results,
                  "a bare PySide6 window with five empty tabs, started the same way")
    return results


if __name__ == "__main__":
    sys.exit(main_for(run))
