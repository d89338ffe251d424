"""What every benchmark shares: the generated branches, timing, results and their printing."""

from __future__ import annotations

import argparse
import atexit
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

# Qt benchmarks run without a screen, as in CI; set before anything imports Qt.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parent.parent
CACHE = REPO / "bench" / ".cache"
# The generator's sources: a change to them makes a new cached branch.
GENERATOR = [REPO / "testdata" / "fakedata.py", REPO / "branchdesk" / "core" / "demo.py"]


def code_dir() -> Path:
    """The checkout whose ``branchdesk`` is measured (BENCH_CODE, else this one)."""
    return Path(os.environ.get("BENCH_CODE") or REPO)


# ---------------------------------------------------------------- results

@dataclass
class Result:
    """One figure, the baseline it is compared with, and the goal for their ratio (or value)."""

    bench: str
    what: str
    value: float
    unit: str
    baseline: float | None = None
    baseline_label: str = ""
    goal: str = ""
    note: str = ""

    @property
    def ratio(self) -> float | None:
        return self.value / self.baseline if self.baseline else None

    def line(self) -> str:
        ratio = f"{self.ratio:6.2f}×" if self.ratio is not None else "      –"
        base = f"{self.baseline:9.1f} {self.unit:<4}" if self.baseline is not None else " " * 14
        text = (f"  {self.what:<44} {self.value:9.1f} {self.unit:<4} {base} {ratio}"
                f"   goal {self.goal}")
        return text + (f"   ({self.note})" if self.note else "")


def print_results(title: str, results: list[Result], baseline_label: str = "") -> None:
    print(f"\n== {title}" + (f"   (baseline: {baseline_label})" if baseline_label else ""))
    print(f"  {'':<44} {'measured':>14} {'baseline':>14} {'ratio':>7}")
    for result in results:
        print(result.line())
    sys.stdout.flush()


def save_results(path: Path, results: list[Result]) -> None:
    path.write_text(json.dumps([asdict(r) for r in results], ensure_ascii=False, indent=1))


def load_results(path: Path) -> list[Result]:
    return [Result(**r) for r in json.loads(path.read_text())]


# ---------------------------------------------------------------- timing

def seconds(function) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def median_ms(function, repeat: int, *, setup=None) -> float:
    """Median wall time of ``function()`` in milliseconds; ``setup()`` runs untimed before each.

    The median, not the mean: one run disturbed by the machine (a backup, an update) should not
    move the figure.
    """
    times = []
    for _ in range(repeat):
        if setup is not None:
            setup()
        times.append(seconds(function) * 1000)
    return statistics.median(times)


# ---------------------------------------------------------------- the generated branches

def _generator_hash() -> str:
    digest = hashlib.sha256()
    for path in GENERATOR:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def ensure_db(size: str) -> Path:
    """The generated branch of ``size`` (see testdata/fakedata.py), made once per day
    and generator version and kept in bench/.cache. Always made by this checkout's generator
    in a separate process, so BENCH_CODE (older code) is measured on exactly the same data."""
    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"{size}-{date.today():%Y%m%d}-{_generator_hash()}" / f"{size}.sqlite3"
    if not path.exists():
        for old in CACHE.glob(f"{size}-*"):  # another day's or generator's: never used again
            shutil.rmtree(old, ignore_errors=True)
        path.parent.mkdir(exist_ok=True)
        print(f"   generating the {size} branch …", flush=True)
        started = time.perf_counter()
        env = {**os.environ, "BRANCHDESK_HOME": str(path.parent)}
        env.pop("BENCH_CODE", None)
        subprocess.run([sys.executable, "-m", "bench.make_data", size, str(path)], cwd=REPO,
                       env=env, check=True)
        print(f"   … {time.perf_counter() - started:.1f} s", flush=True)
    return path


def scratch(prefix: str) -> Path:
    """A temporary folder, removed when this benchmark's process ends."""
    folder = Path(tempfile.mkdtemp(prefix=f"bench-{prefix}-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def working_copy(size: str) -> Path:
    """A throw-away copy of a generated branch (with its attachments), so a benchmark that
    opens it for writing, or the app's lock and backup files, never touch the cached one."""
    source = ensure_db(size)
    folder = scratch(size)
    target = folder / source.name
    shutil.copyfile(source, target)
    attachments = source.parent / f"{source.stem}-attachments"
    if attachments.is_dir():
        shutil.copytree(attachments, folder / attachments.name)
    return target


def open_copy(size: str):
    from branchdesk.core.db import open_db

    return open_db(working_copy(size))


# ---------------------------------------------------------------- running one benchmark

def main_for(run) -> int:
    """``python -m bench.<name> [--repeat N] [--json FILE]``: run one benchmark on its own."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--stress", action=argparse.BooleanOptionalAction, default=True,
                        help="also the 500-member, 20-year branch where the benchmark has it")
    args = parser.parse_args()
    results = run(repeat=args.repeat, stress=args.stress)
    if args.json:
        save_results(args.json, results)
    return 0


def qt_app():
    """The real QApplication (translations, the bundled font): what users get."""
    os.environ.setdefault("BRANCHDESK_HOME", str(scratch("home")))
    from PySide6.QtCore import qInstallMessageHandler

    from branchdesk.ui.app import create_app

    qInstallMessageHandler(_quiet)
    return create_app([sys.argv[0]])


def _quiet(mode, context, message: str) -> None:
    """Drop the offscreen platform's one harmless warning; show any other Qt message."""
    if "propagateSizeHints" not in message:
        print(message, file=sys.stderr)
