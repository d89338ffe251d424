"""RecordTab, the base of the record tabs, on a minimal tab of its own: what a new tab gets
by subclassing it (search, buttons, double-click to open, the place kept, delete that asks)."""

from dataclasses import dataclass

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QVBoxLayout

from branchdesk.ui import record_tab
from branchdesk.ui.models import Column
from branchdesk.ui.record_tab import Button, RecordTab


@dataclass
class Note:
    id: int
    title: str
    key: str  # what the search looks in, as members.search_key: 名字|拼音首字母|拼音


NOTES = [Note(1, "张三的记录", "张三|zs|zhangsan"), Note(2, "李四的记录", "李四|ls|lisi"),
         Note(3, "王五的记录", "王五|ww|wangwu")]


class NotesTab(RecordTab):
    """As small as a record tab gets: one column, a search box, two buttons."""

    def __init__(self, db=None, parent=None):
        super().__init__(db, [Column("标题", lambda n: n.title)], lambda n: n.key, parent)
        self.notes, self.opened, self.added, self.selections = list(NOTES), [], 0, []
        layout = QVBoxLayout(self)
        layout.addWidget(self.search_box("搜索标题"))
        layout.addWidget(self.record_view())
        layout.addLayout(self.button_row(
            [Button("新增", self.add_record, "新增一条记录", "Ctrl+Shift+A")],
            trailing=[("删除", self.delete_selected)]))
        self.fill_now_or_later(False)

    def refresh(self) -> None:
        self.show_records(self.notes)

    def add_record(self) -> None:
        self.added += 1

    def edit_selected(self) -> None:
        note = self.require_selected()
        if note:
            self.opened.append(note.id)

    def delete_selected(self) -> None:
        note = self.require_selected()
        if note:
            self.delete_confirmed("删除记录", f"确定删除“{note.title}”吗？",
                                  lambda: self.notes.remove(note))

    def on_selected(self, record) -> None:
        self.selections.append(record.id if record else None)


@pytest.fixture
def tab(app, qtbot):
    widget = NotesTab()
    qtbot.addWidget(widget)
    widget.resize(600, 400)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()  # keys reach shortcuts in the active window only
    qtbot.waitUntil(lambda: QApplication.activeWindow() is widget)
    return widget


def shown(tab) -> list[int]:
    return [n.id for n in tab.proxy.shown_records()]


def test_search_filters_by_the_key_also_by_pinyin_initials(tab):
    assert shown(tab) == [1, 2, 3]
    tab.search.setText("ls")
    assert shown(tab) == [2]
    tab.search.setText("zhang")
    assert shown(tab) == [1]
    tab.search.clear()
    assert shown(tab) == [1, 2, 3]


def test_button_row_from_entries(tab, qtbot):
    assert tab.button_add_record.text() == "新增"
    assert tab.button_add_record.toolTip() == "新增一条记录"
    assert tab.button_add_record.shortcut().toString() == "Ctrl+Shift+A"
    qtbot.mouseClick(tab.button_add_record, Qt.MouseButton.LeftButton)
    assert tab.added == 1
    qtbot.keyClick(tab, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: tab.added == 2)  # a button's key clicks it after a visible press
    # the trailing button sits at the right end, after the stretch
    row = tab.button_delete_selected.parentWidget().layout().itemAt(2).layout()
    assert row.itemAt(row.count() - 1).widget() is tab.button_delete_selected


def test_double_click_opens_the_record_under_the_mouse(tab, qtbot):
    rect = tab.view.visualRect(tab.proxy.index(1, 0))
    qtbot.mouseClick(tab.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(tab.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert tab.opened == [2]
    assert tab.selections[-1] == 2


def test_a_button_that_needs_a_selection_says_so(tab, monkeypatch):
    said = []
    monkeypatch.setattr(record_tab, "show_error", lambda parent, *a: said.append(a))
    tab.button_delete_selected.click()
    assert said == [("请先在表格中选中一条记录。", "未选择记录")]
    assert len(tab.notes) == 3


def test_refresh_keeps_the_selected_record_where_it_moved(tab):
    tab.select_record(3)
    tab.notes.insert(0, Note(4, "赵六的记录", "赵六|zl|zhaoliu"))
    tab.refresh()
    assert tab.selected().id == 3
    assert tab.view.selectionModel().selectedRows()[0].row() == 3


def test_delete_asks_first(tab, monkeypatch):
    tab.select_record(2)
    changed = []
    tab.changed.connect(lambda: changed.append(True))
    monkeypatch.setattr(record_tab, "confirm", lambda *a, **k: False)
    tab.delete_selected()
    assert shown(tab) == [1, 2, 3] and not changed
    monkeypatch.setattr(record_tab, "confirm", lambda *a, **k: True)
    tab.delete_selected()
    assert shown(tab) == [1, 3] and changed == [True]
    assert tab.selected() is None
