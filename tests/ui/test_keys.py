"""Every everyday key reaches its command, on the tab on screen: Ctrl+N, Enter, Del, Ctrl+F,
Ctrl+P, F5, F1, Ctrl+L and Ctrl+Q, the 编辑 menu that lists them, and the menus' letters."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from branchdesk.core import meetings, members, screen_lock
from tests.ui.dialogs import caught

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def window(shown_window):
    return shown_window


def show_tab(window, key: str, qtbot):
    window.tabs.setCurrentWidget(window._slots[key])
    tab = window.current_tab()
    qtbot.waitUntil(tab.isVisible)  # a tab built on first show is shown by a queued call
    return tab


def focus(qtbot, widget) -> None:
    """The focus to ``widget``, its window active again (a dialog closed takes it along)."""
    widget.window().activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is widget.window())
    widget.setFocus()
    qtbot.waitUntil(widget.hasFocus)


def press(qtbot, widget, key, modifier=Qt.KeyboardModifier.NoModifier):
    """Press a key on ``widget`` (given the focus first); the dialogs it opens, closed."""
    focus(qtbot, widget)
    return caught(lambda: qtbot.keyClick(widget, key, modifier))


@pytest.mark.parametrize("tab_key, title", [("members", "新增党员"), ("meetings", "新建会议记录"),
                                            ("theme_days", "新建主题党日记录"),
                                            ("talks", "新增谈心谈话记录")])
def test_ctrl_n_adds_a_record_on_the_tab_on_screen(window, qtbot, tab_key, title):
    tab = show_tab(window, tab_key, qtbot)
    [(_, shown)] = press(qtbot, tab.view, Qt.Key.Key_N, CTRL)
    assert shown.startswith(title)


def test_ctrl_n_on_the_dashboard_says_where_it_works(window, qtbot):
    assert press(qtbot, window.dashboard_tab.grid, Qt.Key.Key_N, CTRL) == []
    assert "党员名册" in window.statusBar().currentMessage()


def test_enter_opens_the_selected_member(window, qtbot):
    tab = show_tab(window, "members", qtbot)
    tab.view.selectRow(0)
    name = tab.selected().name
    assert press(qtbot, tab.view, Qt.Key.Key_Return) == [("MemberDialog", "编辑党员信息")]
    assert press(qtbot, tab.view, Qt.Key.Key_Enter) == [("MemberDialog", "编辑党员信息")]
    assert tab.selected().name == name


def test_enter_on_a_dashboard_cell_goes_to_its_meetings(window, qtbot):
    grid = window.dashboard_tab.grid
    row = next(r for r in range(grid.rowCount()) if grid.verticalHeaderItem(r).text() == "支委会")
    grid.setCurrentCell(row, 0)  # January: held
    press(qtbot, grid, Qt.Key.Key_Return)
    assert window.current_tab() is window.meetings_tab
    assert window.meetings_tab.selected().meeting.kind == meetings.COMMITTEE


def test_del_asks_before_deleting_and_types_in_the_search_box(window, qtbot):
    tab = show_tab(window, "members", qtbot)
    before = members.count(window.db)
    tab.view.selectRow(0)
    assert [t for _, t in press(qtbot, tab.view, Qt.Key.Key_Delete)] == ["删除党员"]
    assert members.count(window.db) == before  # 取消 in the question: nothing deleted
    tab.search.setText("ab")
    tab.search.setCursorPosition(0)
    assert press(qtbot, tab.search, Qt.Key.Key_Delete) == []
    assert tab.search.text() == "b"


def test_ctrl_f_goes_to_the_search_box_of_the_tab(window, qtbot):
    tab = show_tab(window, "talks", qtbot)
    tab.inner.setCurrentIndex(1)  # 覆盖情况: the search box is on the other page
    tab.search.setText("旧的")
    press(qtbot, tab.grid, Qt.Key.Key_F, CTRL)
    assert tab.inner.currentIndex() == 0
    assert QApplication.focusWidget() is tab.search and tab.search.selectedText() == "旧的"


def test_ctrl_p_previews_the_selected_meetings_sign_in_sheet(window, qtbot):
    tab = show_tab(window, "meetings", qtbot)
    tab.view.selectRow(0)
    title = tab.selected().meeting.title
    [(kind, shown)] = press(qtbot, tab.view, Qt.Key.Key_P, CTRL)
    assert kind == "QPrintPreviewDialog" and title in shown and "签到表" in shown


def test_ctrl_p_elsewhere_says_where_it_works(window, qtbot):
    tab = show_tab(window, "members", qtbot)
    assert press(qtbot, tab.view, Qt.Key.Key_P, CTRL) == []
    assert "签到表" in window.statusBar().currentMessage()


def test_f5_refreshes_the_tab(window, qtbot):
    tab = show_tab(window, "members", qtbot)
    shown = tab.proxy.rowCount()
    members.add(window.db, members.Member(name="新来的", category="正式党员"))  # not via the tab
    press(qtbot, tab.view, Qt.Key.Key_F5)
    assert tab.proxy.rowCount() == shown + 1


def test_f1_opens_the_guide_at_the_tabs_section(window, qtbot):
    tab = show_tab(window, "meetings", qtbot)
    press(qtbot, tab.view, Qt.Key.Key_F1)
    guide = window._help_window
    assert guide.isVisible() and guide.browser.source().fragment() == "meeting"


def test_f1_in_a_dialog_opens_the_guide_over_it(window, qtbot):
    tab = show_tab(window, "meetings", qtbot)
    guides = []

    def in_dialog(dialog):
        qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
        qtbot.keyClick(QApplication.focusWidget() or dialog, Qt.Key.Key_F1)
        guides.append(dialog._help_window)
        assert guides[0].parentWidget() is dialog  # not blocked by the dialog
        assert guides[0].browser.source().fragment() == "meeting"

    assert len(caught(tab.add_meeting, in_dialog)) == 1 and guides


def test_ctrl_l_still_locks_and_ctrl_q_still_quits(window, qtbot):
    screen_lock.set_password(window.db, "密码123")
    window.locker.apply_settings()
    qtbot.keyClick(window.tabs, Qt.Key.Key_L, CTRL)
    assert window.locker.locked
    window.locker.unlock()
    qtbot.keyClick(window.tabs, Qt.Key.Key_Q, CTRL)
    assert not window.isVisible()


def test_edit_menu_lists_the_commands_with_their_keys(window):
    bar = [a.text() for a in window.menuBar().actions()]
    assert bar == ["文件(&F)", "编辑(&E)", "组织生活(&O)", "设置(&S)", "帮助(&H)"]
    bar_actions = window.menuBar().actions()  # kept: PySide6 6.9 loses menu() otherwise
    edit = bar_actions[1].menu()
    shown = [(a.text(), a.shortcut().toString()) for a in edit.actions() if a.text()]
    assert shown == [("新建记录(&N)", "Ctrl+N"), ("打开选中的记录(&O)", "Return"),
                     ("删除选中的记录(&D)…", "Del"), ("查找(&F)", "Ctrl+F"), ("刷新(&R)", "F5")]


def test_every_menu_entry_has_its_letter(window):
    def entries(menu):
        for action in menu.actions():
            if action.menu() is not None:
                yield action
                yield from entries(action.menu())
            elif action.text():
                yield action

    bar_actions = window.menuBar().actions()  # kept: PySide6 6.9 loses menu() otherwise
    for top in bar_actions:
        for action in [top, *entries(top.menu())]:
            assert "(&" in action.text(), action.text()
