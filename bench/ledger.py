"""The yearly ledger (年度工作台账, core/ledger/yearly.py) of the current year.

The ledger of the large branch is compared with plain openpyxl writing the same number of cells
in the same number of sheets (a value in each, no styles, no print set-up): what any .xlsx of
that size costs. The stress branch's ledger shows how the time grows with a branch five times
larger and twice as old (its own plain-openpyxl baseline is printed beside it).
"""

from __future__ import annotations

import gc
import statistics
import sys
from datetime import date
from pathlib import Path

import openpyxl

from bench.common import Result, main_for, median_ms, open_copy, print_results, scratch


def cell_counts(path: Path) -> list[tuple[int, int]]:
    """(rows, columns) of each sheet of a written workbook."""
    book = openpyxl.load_workbook(path)
    return [(sheet.max_row, sheet.max_column) for sheet in book.worksheets]


def plain_workbook(shape: list[tuple[int, int]], path: Path) -> None:
    """The baseline: the same sheets and cell count, a short text in every cell."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for index, (rows, columns) in enumerate(shape):
        sheet = book.create_sheet(f"Sheet{index}")
        for row in range(1, rows + 1):
            for column in range(1, columns + 1):
                sheet.cell(row, column).value = "文本"
    book.save(path)


def measure(size: str, repeat: int, folder: Path) -> tuple[float, float, int]:
    """(ledger ms, baseline ms, cells) for one generated branch."""
    from branchdesk.core.ledger.yearly import export_ledger

    db = open_copy(size)
    target = folder / f"台账-{size}.xlsx"
    export_ledger(db, target, year=date.today().year)  # warm-up, and the shape to copy
    shape = cell_counts(target)
    # Alternating runs, so a busy moment of the (shared) machine slows both sides alike.
    ledger, baseline = [], []
    for _ in range(repeat):  # gc.collect(): the last workbook's garbage is not timed
        ledger.append(median_ms(lambda: export_ledger(db, target, year=date.today().year), 1,
                                setup=gc.collect))
        baseline.append(median_ms(lambda: plain_workbook(shape, folder / f"plain-{size}.xlsx"), 1,
                                  setup=gc.collect))
    return statistics.median(ledger), statistics.median(baseline), sum(r * c for r, c in shape)


def run(repeat: int = 5, stress: bool = True) -> list[Result]:
    folder = scratch("ledger")
    results = []
    for size in ("large", "stress") if stress else ("large",):
        ledger, baseline, cells = measure(size, repeat, folder)
        results.append(Result("ledger", f"yearly ledger, {size} branch", ledger, "ms", baseline,
                              "", "≤ 2×", f"{cells} cells"))
    if len(results) == 2:
        large, big = results
        results.append(Result("ledger", "growth: stress ledger / large ledger", big.value,
                              "ms", large.value, "", "(shows growth)",
                              "the large ledger is the baseline here"))
    print_results(f"Yearly ledger export (median of {repeat}, alternating with the baseline)",
                  results,
                  "plain openpyxl writing the same number of cells")
    return results


if __name__ == "__main__":
    sys.exit(main_for(run))
