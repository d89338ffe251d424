"""Run every benchmark: ``python -m bench`` (or ``python bench/run.py``).

    python -m bench                      # all benchmarks, about 3 minutes (+1 min the first time a day)
    python -m bench --only search tabs   # some of them
    python -m bench --no-stress          # skip the 500-member, 20-year branch
    python -m bench --json after.json --compare before.json   # keep figures, show before/after

Each benchmark runs in its own process (a fresh interpreter and QApplication, its memory not
shared with the others) and prints its figures as it finishes; a summary follows.
``BENCH_CODE=<folder>`` measures another checkout's ``branchdesk`` on the same data.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):  # python bench/run.py
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import REPO, Result, ensure_db, load_results, save_results  # noqa: E402

BENCHES = ["startup", "search", "tabs", "importing", "ledger", "encryption"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", choices=BENCHES, default=BENCHES)
    parser.add_argument("--repeat", type=int, default=5, help="runs per figure (median)")
    parser.add_argument("--stress", action=argparse.BooleanOptionalAction, default=True,
                        help="use the 500-member, 20-year branch where a benchmark has it")
    parser.add_argument("--json", type=Path, help="save every figure to this file")
    parser.add_argument("--compare", type=Path, help="a --json file of an earlier run")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    # Made up front (once a day), so no benchmark's time includes generating its data.
    for size in ("large", "stress") if args.stress else ("large",):
        ensure_db(size)
    results: list[Result] = []
    for name in args.only:
        results += _run_one(name, args)
    print(f"\nAll done in {time.perf_counter() - started:.0f} s.")
    if args.json:
        save_results(args.json, results)
    if args.compare:
        print_comparison(load_results(args.compare), results)
    return 0


def _run_one(name: str, args) -> list[Result]:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "results.json"
        command = [sys.executable, "-m", f"bench.{name}", "--repeat", str(args.repeat),
                   "--json", str(out), "--stress" if args.stress else "--no-stress"]
        done = subprocess.run(command, cwd=REPO, env=os.environ.copy(), check=False)
        if done.returncode != 0 or not out.exists():
            print(f"!! bench.{name} failed (exit {done.returncode})", flush=True)
            return []
        return load_results(out)


def print_comparison(before: list[Result], after: list[Result]) -> None:
    """Before/after side by side, matched by benchmark and figure."""
    earlier = {(r.bench, r.what): r for r in before}
    print(f"\n== Before → after\n  {'':<44} {'before':>20}   {'after':>20}   goal")
    for result in after:
        old = earlier.get((result.bench, result.what))
        print(f"  {result.what:<44} {_figure(old):>20} → {_figure(result):>20}   {result.goal}")


def _figure(result: Result | None) -> str:
    if result is None:
        return "–"
    ratio = f" ({result.ratio:.2f}×)" if result.ratio is not None else ""
    return f"{result.value:.1f} {result.unit}{ratio}"


if __name__ == "__main__":
    sys.exit(main())
