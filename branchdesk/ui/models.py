"""Thin table models over lists of plain records, and a filtered, sortable view of them."""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from typing import Any, Callable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
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


class FilterProxy(QAbstractTableModel):
    """The records of a RecordTableModel that pass the search text and the predicates, in the
    source's order or sorted by a column (QTableView's sorting calls ``sort()``).

    Filtering and sorting run in plain Python over the records, once per change; Qt then asks
    only for the rows it paints. A QSortFilterProxyModel calls back into Python once per row
    on every keystroke, which made a search over 800 members 40× slower than scanning their
    search keys (bench/search.py). The search keys and the predicates' answers are worked out
    once per change of the rows or of the predicates, so a keystroke is one pass over strings.
    Selected rows stay selected while they are still shown (persistent indexes are moved).
    """

    def __init__(self, key: Callable[[Any], str], parent=None):
        super().__init__(parent)
        self._key = key
        self._text = ""
        self._predicates: dict[str, Callable[[Any], bool]] = {}
        self._source: RecordTableModel | None = None
        self._sort_column, self._sort_order = -1, Qt.SortOrder.AscendingOrder
        self._ordered: list[Any] = []  # the source's records in the sort order
        self._keys: list[str] = []  # search key of each of _ordered
        self._passes: list[bool] = []  # whether each of _ordered passes the predicates
        self._shown: list[Any] = []

    # ------------------------------------------------------------ set-up and changes
    def setSourceModel(self, model: RecordTableModel) -> None:
        self._source = model
        model.modelReset.connect(self._source_reset)
        self._source_reset()

    def sourceModel(self) -> RecordTableModel | None:
        return self._source

    def set_text(self, text: str) -> None:
        self._text = text.strip().lower().replace(" ", "")
        self._relayout()

    def set_predicate(self, name: str, predicate: Callable[[Any], bool] | None) -> None:
        if predicate is None:
            self._predicates.pop(name, None)
        else:
            self._predicates[name] = predicate
        self._check_predicates()
        self._relayout()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._sort_column, self._sort_order = column, order
        self._order()
        self._relayout()

    def resort(self) -> None:
        """Sort again by the same column, because the values it shows have changed."""
        self.sort(self._sort_column, self._sort_order)

    def _source_reset(self) -> None:
        self.beginResetModel()
        self._order()
        self._shown = self._filtered()
        self.endResetModel()

    def _order(self) -> None:
        records = self._source.records if self._source is not None else []
        column = self._sort_column
        if 0 <= column < len(self._source.columns if self._source else []):
            spec = self._source.columns[column]
            self._ordered = sorted(records, key=lambda r: _comparable(_sort_key(r, spec)),
                                   reverse=self._sort_order == Qt.SortOrder.DescendingOrder)
        else:
            self._ordered = list(records)
        self._keys = [self._key(r) for r in self._ordered]
        self._check_predicates()

    def _check_predicates(self) -> None:
        tests = list(self._predicates.values())
        self._passes = [all(test(r) for test in tests) for r in self._ordered]

    def _filtered(self) -> list[Any]:
        text = self._text
        if text:
            return [r for r, key, ok in zip(self._ordered, self._keys, self._passes)
                    if ok and text in key]
        return [r for r, ok in zip(self._ordered, self._passes) if ok]

    def _relayout(self) -> None:
        """New rows shown; the view keeps its selection where the selected rows remain.

        The hint tells the views that only rows changed: the horizontal header then keeps
        its column widths without tracking a persistent index per column."""
        self.layoutAboutToBeChanged[_LAYOUT_SIGNATURE].emit([], _ROWS_ONLY)
        old = self.persistentIndexList()
        previous = self._shown
        self._shown = self._filtered()
        if old:
            where = {id(r): row for row, r in enumerate(self._shown)}
            new = []
            for index in old:
                row = where.get(id(previous[index.row()])) if index.row() < len(previous) else None
                new.append(QModelIndex() if row is None else self.index(row, index.column()))
            self.changePersistentIndexList(old, new)
        self.layoutChanged[_LAYOUT_SIGNATURE].emit([], _ROWS_ONLY)

    # ------------------------------------------------------------ what Qt asks
    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._shown)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() or self._source is None else len(self._source.columns)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        answer = _ANSWERS.get(role)
        if answer is None:
            return None
        row = index.row()
        if not 0 <= row < len(self._shown):
            return None
        return answer(self._shown[row], self._source.columns[index.column()])

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Vertical:  # 序号 of what is shown, not of hidden rows
            return str(section + 1) if role == _DISPLAY else None
        return self._source.headerData(section, orientation, role) if self._source else None

    # ------------------------------------------------------------ for the tabs
    def shown_records(self) -> list[Any]:
        """The records shown, in the order shown."""
        return list(self._shown)

    def record_at(self, row: int) -> Any:
        return self._shown[row]


_ROWS_ONLY = QAbstractTableModel.LayoutChangeHint.VerticalSortHint
# The overload with the hint, chosen by its C++ signature (PySide's default takes no arguments).
# PySide6 6.9 can only emit it once the QPersistentModelIndex type has been set up in Python.
_LAYOUT_SIGNATURE = (f"QList<{QPersistentModelIndex.__name__}>", "QAbstractItemModel::LayoutChangeHint")


def _comparable(value: Any) -> tuple:
    """Sort numbers among numbers and texts case-insensitively, never comparing the two."""
    if isinstance(value, (int, float)):
        return (0, value, "")
    return (1, 0, str(value).lower())


def fit_columns(view: QTableView, candidates: int = 4) -> None:
    """Make each column as wide as its widest text, like QTableView.resizeColumnsToContents().

    Qt measures every cell, asking the model for a dozen roles each through Python: that was
    most of a tab's refresh. Here the texts come straight from the columns, the few longest of
    each column are measured with the view's font, and the header's own size hint is kept as
    the minimum, as Qt does.
    """
    model = view.model()
    source = model.sourceModel() if isinstance(model, FilterProxy) else model
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
