"""RecordTab: the base of every tab that lists one kind of record (党员名册, 会议记录, 主题党日,
谈心谈话) — the table, the search box, the button row, the selected record and the place kept
across a refresh, written once. docs/architecture.md says how a new tab uses it."""

from __future__ import annotations

from typing import Any, Callable, Iterable, NamedTuple

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QHeaderView, QLineEdit,
                               QPushButton, QTableView)

from branchdesk.core.errors import BranchdeskError
from branchdesk.ui.errors import confirm, show_error
from branchdesk.ui.models import Column, FilterProxy, RecordTableModel, fit_columns
from branchdesk.ui.widgets import LazyTab

ROW_HEIGHT = 26


class Button(NamedTuple):
    """One button of a tab's row: its text, what a click calls, and optionally a tooltip and
    a key of its own (a key the window's 编辑 menu already uses would clash: leave those)."""

    text: str
    slot: Callable[[], Any]
    tooltip: str = ""
    shortcut: str = ""


class RecordTab(LazyTab):
    """A tab listing records of one kind. Subclasses call ``super().__init__`` with their
    columns and search key, lay out the widgets that ``record_view()``, ``search_box()`` and
    ``button_row()`` make, and provide:

    - ``refresh()``: read the records and hand them to ``show_records()``;
    - ``edit_selected()``: open the selected record (double-click and Enter call it);
    - optionally ``record_key(record)`` (default ``record.id``), ``update_count()`` (called
      after every change of what is shown) and ``on_selected(record)`` (the selected record,
      or None, after every change of the selection).

    ``changed`` is emitted after the tab changed data (other tabs then refresh when shown).
    """

    changed = Signal()
    # What a button that needs a selection says without one: the message and its title.
    NOT_SELECTED = ("请先在表格中选中一条记录。", "未选择记录")
    STRETCH_COLUMN: int | None = None  # the column that takes the spare width (None: the last)

    def __init__(self, db, columns: list[Column], search_key: Callable[[Any], str] | None = None,
                 parent=None):
        """``search_key(record)``: the lower-case text the search box looks in (None: the
        search box, if any, filters in the core instead — see ``search_box``)."""
        super().__init__(parent)
        self.db = db
        self.model = RecordTableModel(columns, self)
        self.proxy = FilterProxy(search_key or (lambda _: ""), self)
        self.proxy.setSourceModel(self.model)

    # ------------------------------------------------------------ widgets
    def record_view(self) -> QTableView:
        """``self.view``: whole rows, one at a time, read-only; sorted by a header click (the
        core's order until then: sorting after every reload cost thousands of sort keys in a
        big branch); ``show_records`` fits the columns to their text; double-click opens the
        record (``edit_selected``)."""
        view = self.view = QTableView()
        view.setModel(self.proxy)
        view.setSortingEnabled(True)
        view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setAlternatingRowColors(True)
        view.setWordWrap(False)
        header = view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        if self.STRETCH_COLUMN is None:
            header.setStretchLastSection(True)
        else:  # a wide text column, not a narrow mark such as 补录 at the end
            header.setSectionResizeMode(self.STRETCH_COLUMN, QHeaderView.ResizeMode.Stretch)
        view.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
        view.doubleClicked.connect(lambda _: self.edit_selected())
        view.selectionModel().selectionChanged.connect(lambda *_: self.on_selected(self.selected()))
        return view

    def search_box(self, placeholder: str, on_text: Callable[[str], Any] | None = None) -> QLineEdit:
        """``self.search``, the box Ctrl+F goes to. By default it filters the rows shown by
        the search key given to ``__init__`` (names also by pinyin and initials where the key
        has them, as members.search_key does); ``on_text`` instead, for a search in the core."""
        box = self.search = QLineEdit()
        box.setPlaceholderText(placeholder)
        box.setClearButtonEnabled(True)
        box.textChanged.connect(on_text or self._filter_text)
        return box

    def button_row(self, buttons: Iterable[Button | tuple], trailing: Iterable[Button | tuple] = ()
                   ) -> QHBoxLayout:
        """The buttons from the left, then ``trailing`` ones at the right end. Each is also
        ``self.button_<name of its slot>`` (e.g. ``button_add_member``)."""
        row = QHBoxLayout()
        for spec in buttons:
            row.addWidget(self._button(Button(*spec)))
        row.addStretch()
        for spec in trailing:
            row.addWidget(self._button(Button(*spec)))
        return row

    def _button(self, spec: Button) -> QPushButton:
        button = QPushButton(spec.text)
        button.clicked.connect(spec.slot)
        if spec.tooltip:
            button.setToolTip(spec.tooltip)
        if spec.shortcut:
            button.setShortcut(QKeySequence(spec.shortcut))
        setattr(self, "button_" + spec.slot.__name__, button)
        return button

    # ------------------------------------------------------------ rows and selection
    def show_records(self, records: list[Any]) -> None:
        """Show ``records`` (the filters and the search still apply), columns fitted. The
        place is kept: the record selected before stays selected while it is still shown,
        and the list does not jump."""
        key = self._selected_key()
        scroll = self.view.verticalScrollBar().value()
        self.model.set_rows(records)
        fit_columns(self.view)
        if key is not None:
            self.select_record(key)
        self.view.verticalScrollBar().setValue(scroll)
        self.update_count()

    def _filter_text(self, text: str) -> None:
        self.proxy.set_text(text)
        self.update_count()

    def selected(self) -> Any | None:
        """The selected record (as listed), or None."""
        rows = self.view.selectionModel().selectedRows()
        return self.proxy.record_at(rows[0].row()) if rows else None

    def require_selected(self) -> Any | None:
        """The selected record; with none, says ``NOT_SELECTED`` and returns None."""
        record = self.selected()
        if record is None:
            show_error(self, *self.NOT_SELECTED)
        return record

    def select_record(self, key) -> bool:
        """Select the shown record whose ``record_key`` is ``key``; False when none is shown."""
        for row, record in enumerate(self.proxy.shown_records()):
            if self.record_key(record) == key:
                self.view.selectRow(row)
                return True
        return False

    def _selected_key(self):
        record = self.selected()
        return None if record is None else self.record_key(record)

    def after_change(self, key=None) -> None:
        """After a save or delete: refresh, select the record ``key`` (if given) and tell the
        other tabs (``changed``)."""
        self.refresh()
        if key is not None:
            self.select_record(key)
        self.changed.emit()

    def delete_confirmed(self, title: str, question: str, delete: Callable[[], Any]) -> None:
        """Ask ``question`` (button 删除); on yes ``delete()``: its error is shown, else the
        tab refreshes."""
        if not confirm(self, title, question, yes="删除"):
            return
        try:
            delete()
        except BranchdeskError as exc:
            show_error(self, exc)
            return
        self.after_change(None)

    # ------------------------------------------------------------ hooks
    def record_key(self, record) -> Any:
        """What identifies a record across refreshes."""
        return record.id

    def update_count(self) -> None:
        """Called whenever what is shown changed (a count label, say). Default: nothing."""

    def on_selected(self, record) -> None:
        """Called with the selected record (or None) whenever the selection changes."""

    def edit_selected(self) -> None:  # pragma: no cover - every subclass has its own
        raise NotImplementedError
