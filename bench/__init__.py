"""Benchmarks: is BranchDesk fast at every size a branch reaches? Run ``python -m bench``.

Every figure is printed next to a baseline measured in the same run on the same machine (a bare
PySide6 window, a plain Python scan, plain openpyxl …), with the ratio and the goal beside it,
so the numbers mean the same on a fast laptop and on a slow office PC. Nothing here passes or
fails: it reports. See bench/README.md.

``BENCH_CODE=<folder>`` makes the benchmarks import ``branchdesk`` from another checkout (e.g. an
older commit unpacked with ``git archive``), for before/after comparisons on the same data.
"""

import os
import sys

if os.environ.get("BENCH_CODE"):  # before anything imports branchdesk
    sys.path.insert(0, os.environ["BENCH_CODE"])
