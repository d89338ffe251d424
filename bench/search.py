"""Member search: time per keystroke in the real 党员名册 tab, with the stress branch (500 on
the roll; the table also holds those who left, hidden by the 在册 filter).

Typing is simulated the way a secretary types: "z", "zh", "zha", "zhan", "zhang", then the box
is cleared and "z", "zs" (pinyin initials). Each keystroke is ``search.setText(…)`` — the proxy
filters synchronously — then the event loop runs once so the table repaints: what the user
waits for.

Two baselines, measured in the same run:

* for the filtering, a plain Python scan of the same ``search_key`` strings
  (``[k for k in keys if text in k]``): the least any search over these names can cost;
* for filtering + repainting, the same table held entirely by Qt: a QStandardItemModel with the
  same texts and column widths, filtered by QSortFilterProxyModel's own C++ fixed-string filter
  on a hidden search-key column. No Python runs per row or per cell there, so it is the floor
  for any Qt table of this size on this machine.
"""

from __future__ import annotations

import statistics
import sys
import time

from bench.common import Result, main_for, open_copy, print_results, qt_app

WORD = "zhang"
KEYSTROKES = [WORD[:n] for n in range(1, len(WORD) + 1)] + ["", "z", "zs"]


def type_into(app, set_text, repeat: int) -> tuple[list[float], list[float]]:
    """(filter ms, filter + repaint ms) of each keystroke, over ``repeat`` rounds of typing."""
    filtering, with_paint = [], []
    for _ in range(repeat):
        for text in KEYSTROKES:
            started = time.perf_counter()
            set_text(text)
            filtered = time.perf_counter()
            app.processEvents()
            painted = time.perf_counter()
            if text:  # clearing the box is not a search keystroke
                filtering.append((filtered - started) * 1000)
                with_paint.append((painted - started) * 1000)
    return filtering, with_paint


def pure_qt_table(tab):
    """The tab's current table as a C++-only model and proxy, in a view set up like the tab's."""
    from PySide6.QtCore import QSortFilterProxyModel, Qt
    from PySide6.QtGui import QStandardItem, QStandardItemModel
    from PySide6.QtWidgets import QAbstractItemView, QTableView

    model = tab.model
    columns = model.columnCount()
    standard = QStandardItemModel(model.rowCount(), columns + 1)
    standard.setHorizontalHeaderLabels(model.column_titles() + ["key"])
    for row, record in enumerate(model.rows()):
        for column in range(columns):
            standard.setItem(row, column, QStandardItem(model.index(row, column).data() or ""))
        standard.setItem(row, columns, QStandardItem(record.search_key))
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(standard)
    proxy.setFilterKeyColumn(columns)
    view = QTableView()
    view.setModel(proxy)
    view.setAlternatingRowColors(True)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.verticalHeader().setDefaultSectionSize(26)
    view.horizontalHeader().setStretchLastSection(True)
    for column in range(columns):
        view.setColumnWidth(column, tab.view.columnWidth(column))
    view.setColumnHidden(columns, True)
    view.resize(tab.view.size())
    proxy.setFilterFixedString("")
    proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    return view, proxy


def run(repeat: int = 5, stress: bool = True) -> list[Result]:
    from branchdesk.ui.members_tab import MembersTab

    app = qt_app()
    size = "stress" if stress else "large"
    tab = MembersTab(open_copy(size))
    tab.status.setCurrentIndex(2)  # 全部: the Qt-only table has no 在册 filter either
    tab.resize(1280, 700)
    tab.show()
    app.processEvents()
    keys = [m.search_key for m in tab.model.rows()]
    filtering, with_paint = type_into(app, tab.search.setText, repeat)
    plain = [_plain_scan(keys, text) for _ in range(repeat) for text in KEYSTROKES if text]
    tab.search.setText("")
    view, proxy = pure_qt_table(tab)
    tab.hide()
    view.show()
    app.processEvents()
    _, qt_paint = type_into(app, proxy.setFilterFixedString, repeat)
    base, floor = statistics.median(plain), statistics.median(qt_paint)
    note = f"{len(keys)} members (500 on the roll and those who left)" if stress else ""
    results = [
        Result("search", "keystroke: filter only", statistics.median(filtering), "ms", base,
               "plain scan", "≤ 2×", note),
        Result("search", "keystroke: filter + repaint", statistics.median(with_paint), "ms",
               floor, "Qt-only table", "< 16 ms"),
        Result("search", "keystroke: filter + repaint, slowest", max(with_paint), "ms",
               max(qt_paint), "Qt-only table", "< 16 ms"),
    ]
    print_results(f"Member search in the 党员名册 tab, {size} branch ({len(filtering)} keystrokes)",
                  results, "filter: a plain Python scan of the search keys; repaint: the same "
                           "table in a Qt-only model and proxy")
    return results


def _plain_scan(keys: list[str], text: str) -> float:
    started = time.perf_counter()
    found = [k for k in keys if text in k]
    elapsed = (time.perf_counter() - started) * 1000
    assert found is not None
    return elapsed


if __name__ == "__main__":
    sys.exit(main_for(run))
