"""Thin table models over lists of plain records, and a proxy for search and filters."""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from typing import Any, Callable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QStyle, QTableView

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
RECORD_ROLE = Qt.ItemDataRole.UserRole + 2


@dataclass
class Column:
    title: str
    value: Callable[[Any], Any]
    sort: Callable[[Any], Any] | None = None
    align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
    color: Callable[[Any], str | None] | None = None
    tooltip: Callable[[Any], str] | None = None


class RecordTableModel(QAbstractTableModel):
    """Rows are plain records; columns say how to show and sort them."""

    def __init__(self, columns: list[Column], parent=None):
        super().__init__(parent)
        self._columns = columns
        self._rows: list[Any] = []

    def set_rows(self, rows: list[Any]) -> None:
        self.beginResetModel()
        self._rows = list(rows)  # a new list: FilterProxy notices the change by its identity
        self.endResetModel()

    def rows(self) -> list[Any]:
        return list(self._rows)

    @property
    def records(self) -> list[Any]:
        """The rows themselves (not a copy): read them, never change them."""
        return self._rows

    @property
    def columns(self) -> list[Column]:
        return self._columns

    def record(self, row: int) -> Any:
        return self._rows[row]

    def column_titles(self) -> list[str]:
        return [c.title for c in self._columns]

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Called for every role of every painted cell: one dictionary look-up sends the roles
        # we do not answer (most of them) away before anything else is done.
        answer = _ANSWERS.get(role)
        if answer is None:
            return None
        row = index.row()  # -1 for an invalid index
        if not 0 <= row < len(self._rows):
            return None
        return answer(self._rows[row], self._columns[index.column()])

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != _DISPLAY:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self._columns):
            return self._columns[section].title
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1)
        return None


_DISPLAY = Qt.ItemDataRole.DisplayRole


def _display(record: Any, column: Column) -> str:
    value = column.value(record)
    return "" if value is None else str(value)


def _sort_key(record: Any, column: Column) -> Any:
    value = column.sort(record) if column.sort else column.value(record)
    return "" if value is None else value


def _foreground(record: Any, column: Column) -> QBrush | None:
    color = column.color(record) if column.color else None
    if not color:
        return None
    if color not in _BRUSHES:
        _BRUSHES[color] = QBrush(QColor(color))
    return _BRUSHES[color]


_BRUSHES: dict[str, QBrush] = {}
_ANSWERS: dict[int, Callable[[Any, Column], Any]] = {
    Qt.ItemDataRole.DisplayRole: _display,
    SORT_ROLE: _sort_key,
    RECORD_ROLE: lambda record, column: record,
    Qt.ItemDataRole.TextAlignmentRole: lambda record, column: int(column.align),
    Qt.ItemDataRole.ForegroundRole: _foreground,
    Qt.ItemDataRole.ToolTipRole: lambda record, column: column.tooltip(record) if column.tooltip else None,
}


class FilterProxy(QSortFilterProxyModel):
    """Sorts by SORT_ROLE; keeps rows whose record passes the search text and predicates.

    The source must be a RecordTableModel. Qt asks filterAcceptsRow() once per row after every
    change; the answers are worked out for all rows at once in one plain Python pass (and
    again only when the filter or the source's rows change), so each of Qt's calls is a list
    look-up: typing in a search box over hundreds of members stays quick.
    """

    def __init__(self, key: Callable[[Any], str], parent=None):
        super().__init__(parent)
        self._key = key
        self._text = ""
        self._predicates: dict[str, Callable[[Any], bool]] = {}
        self._source: RecordTableModel | None = None
        self._accepted: list[bool] = []
        self._accepted_for: list[Any] | None = None  # the source rows _accepted is about
        self.setSortRole(SORT_ROLE)
        self.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)

    def setSourceModel(self, model: RecordTableModel) -> None:
        self._source, self._accepted_for = model, None
        super().setSourceModel(model)

    def set_text(self, text: str) -> None:
        self._begin_change()
        self._text = text.strip().lower().replace(" ", "")
        self._accepted_for = None
        self._end_change()

    def set_predicate(self, name: str, predicate: Callable[[Any], bool] | None) -> None:
        self._begin_change()
        if predicate is None:
            self._predicates.pop(name, None)
        else:
            self._predicates[name] = predicate
        self._accepted_for = None
        self._end_change()

    # Qt 6.10 replaced invalidateFilter() with begin/endFilterChange(); 6.9 has only the former.
    def _begin_change(self) -> None:
        if hasattr(self, "beginFilterChange"):
            self.beginFilterChange()

    def _end_change(self) -> None:
        if hasattr(self, "endFilterChange"):
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self.invalidateFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex) -> bool:
        records = self._source.records
        if self._accepted_for is not records:
            self._accepted = self._accepts(records)
            self._accepted_for = records
        return self._accepted[source_row]

    def _accepts(self, records: list[Any]) -> list[bool]:
        text, key, tests = self._text, self._key, list(self._predicates.values())
        return [(not text or text in key(r)) and all(test(r) for test in tests) for r in records]

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Vertical:  # 序号 of what is shown, not of hidden rows
            return str(section + 1) if role == _DISPLAY else None
        # Columns are never filtered or moved here: ask the source directly, not through Qt.
        return self._source.headerData(section, orientation, role) if self._source else None

    def shown_records(self) -> list[Any]:
        """The source's records that pass the filter, in the source's order."""
        records = self._source.records
        if self._accepted_for is not records:
            self._accepted, self._accepted_for = self._accepts(records), records
        return [r for r, shown in zip(records, self._accepted) if shown]

    def record_at(self, proxy_row: int) -> Any:
        source = self.mapToSource(self.index(proxy_row, 0))
        return self.sourceModel().record(source.row())


def fit_columns(view: QTableView, candidates: int = 4) -> None:
    """Make each column as wide as its widest text, like QTableView.resizeColumnsToContents().

    Qt measures every cell, asking the model for a dozen roles each through Python: that was
    most of a tab's refresh. Here the texts come straight from the columns, the few longest of
    each column are measured with the view's font, and the header's own size hint is kept as
    the minimum, as Qt does.
    """
    model = view.model()
    source = model.sourceModel() if isinstance(model, QSortFilterProxyModel) else model
    records = model.shown_records() if isinstance(model, FilterProxy) else source.records
    metrics, header = view.fontMetrics(), view.horizontalHeader()
    # The item delegate's text margins and the grid line, and 3 px so no text is ever elided.
    margin = 2 * (view.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view)
                  + 1) + (1 if view.showGrid() else 0) + 3
    for index, column in enumerate(source.columns):
        if header.isSectionHidden(index):
            continue
        lines = {line for record in records for line in _display(record, column).split("\n")}
        longest = heapq.nlargest(candidates, lines, key=lambda text: len(text.encode()))
        widest = max((metrics.horizontalAdvance(text) for text in longest), default=0)
        view.setColumnWidth(index, max(widest + margin, header.sectionSizeHint(index)))
