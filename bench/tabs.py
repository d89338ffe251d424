"""Opening each tab with the large branch (and the stress branch, to show the growth).

Each of the five tabs of the main window is built on its own (its constructor reads the data and
fills its tables), then shown and painted once; a second figure is ``refresh()`` and the repaint
that follows, which is what runs after every edit. The baseline is what any table costs before
it holds our data: an empty QTableView and a Python model with the same number of rows and
columns, shown and painted the same way. The goal is absolute (≤ 100 ms: a tab should open
without a noticeable wait); the ratio shows how much of that is our own work.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QAbstractTableModel, QModelIndex
from PySide6.QtWidgets import QApplication, QTableView

from bench.common import Result, main_for, median_ms, open_copy, print_results, qt_app


class EmptyModel(QAbstractTableModel):
    """Rows and columns and nothing in them: the cost of the table machinery alone."""

    def __init__(self, rows: int, columns: int):
        super().__init__()
        self.rows, self.columns = rows, columns

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else self.rows

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else self.columns

    def data(self, index, role=0):
        return None


def tab_classes() -> dict:
    from branchdesk.ui.dashboard_tab import DashboardTab
    from branchdesk.ui.meetings_tab import MeetingsTab
    from branchdesk.ui.members_tab import MembersTab
    from branchdesk.ui.talks_tab import TalksTab
    from branchdesk.ui.theme_days_tab import ThemeDaysTab

    return {"工作台": DashboardTab, "党员名册": MembersTab, "会议记录": MeetingsTab,
            "主题党日": ThemeDaysTab, "谈心谈话": TalksTab}


def table_of(tab):
    """The tab's main table: its size is the baseline's size."""
    view = getattr(tab, "grid", None) if not hasattr(tab, "view") else tab.view
    model = view.model()
    return model.rowCount(), model.columnCount()


def open_and_paint(build, app: QApplication):
    widget = build()
    widget.resize(1280, 700)
    widget.show()
    app.processEvents()  # the first paint, as when the user clicks the tab
    return widget


def measure_tab(title: str, cls, db, size: str, app: QApplication,
                repeat: int) -> list[Result]:
    shown: list = []

    def build():
        shown.append(open_and_paint(lambda: cls(db), app))

    def close():
        while shown:
            shown.pop().deleteLater()
        app.processEvents()

    opened = median_ms(build, repeat, setup=close)
    tab = shown[-1]
    rows, columns = table_of(tab)
    refreshed = median_ms(lambda: (tab.refresh(), app.processEvents()), repeat)
    close()

    def empty():
        view = QTableView()
        view.setModel(EmptyModel(rows, columns))
        view.resizeColumnsToContents()
        shown.append(open_and_paint(lambda: view, app))

    baseline = median_ms(empty, repeat, setup=close)
    close()
    return [Result("tabs", f"{title}: open (build + refresh + paint), {size}", opened, "ms",
                   baseline, "", "≤ 100 ms", f"{rows}×{columns} table"),
            Result("tabs", f"{title}: refresh + repaint after an edit, {size}", refreshed, "ms",
                   baseline, "", "≤ 100 ms")]


def measure(size: str, app: QApplication, repeat: int) -> list[Result]:
    db = open_copy(size)
    return [result for title, cls in tab_classes().items()
            for result in measure_tab(title, cls, db, size, app, repeat)]


def run(repeat: int = 5, stress: bool = True) -> list[Result]:
    app = qt_app()
    everything = []
    for size in ("large", "stress") if stress else ("large",):
        results = measure(size, app, repeat)
        print_results(f"Opening each tab, {size} branch (median of {repeat})", results,
                      "an empty QTableView + model with the same rows and columns, shown")
        everything += results
    return everything


if __name__ == "__main__":
    sys.exit(main_for(run))
