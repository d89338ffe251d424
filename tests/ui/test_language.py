"""No English in anything the app shows: every menu entry of the main window is triggered, every
button of every tab pressed, and every dialog that opens (ours and Qt's: file, print, page
setup, message boxes) is read, with the dialogs those open in turn, before it is closed."""

from __future__ import annotations

import openpyxl
import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtPrintSupport import QPageSetupDialog, QPrintDialog, QPrintPreviewDialog, QPrinter
from PySide6.QtWidgets import (QFileDialog, QInputDialog, QLabel, QLineEdit, QMessageBox,
                               QProgressDialog, QPushButton, QTextBrowser, QToolBar)

from branchdesk.ui.main_window import MainWindow
from branchdesk.ui.print.preview import SAVE_PDF
from tests.ui.dialogs import caught
from tests.ui.english import english_words, untranslated

DEEPEST = 4  # a dialog opened from a dialog opened from a dialog …


class Reader:
    """Reads each dialog it is given, and opens (and reads) what the dialog can open."""

    def __init__(self):
        self.seen: list[str] = []  # class and title of every dialog read
        self.english: list[str] = []
        self.depth = 0

    def read(self, dialog) -> None:
        self.seen.append(f"{type(dialog).__name__} {dialog.windowTitle()}")
        self.english += untranslated(dialog)
        if self.depth >= DEEPEST:
            return
        self.depth += 1
        try:
            for opener in self._openers(dialog):
                caught(opener, self.read)
        finally:
            self.depth -= 1

    @staticmethod
    def _openers(dialog) -> list:
        """What in ``dialog`` opens another dialog: its “…” buttons (选择…, 其他文件夹…,
        从文件恢复…; Qt's "..." beside a file name), a print preview's 打印, 页面设置 and
        另存为PDF…"""
        if isinstance(dialog, (QFileDialog, QMessageBox)):
            return []
        openers = [b.click for b in dialog.findChildren(QPushButton)
                   if b.isVisible() and b.isEnabled() and b.text().endswith(("…", "..."))]
        if isinstance(dialog, QPrintPreviewDialog):
            wanted = {QCoreApplication.translate("QPrintPreviewDialog", "Print"),
                      QCoreApplication.translate("QPrintPreviewDialog", "Page setup"), SAVE_PDF}
            toolbar = dialog.findChild(QToolBar)
            openers += [a.trigger for a in toolbar.actions() if a.text() in wanted]
        return openers

    def run(self, action) -> None:
        caught(action, self.read)


@pytest.fixture
def window(shown_window):
    return shown_window


def menu_actions(window):
    """The menus and every entry in them, submenus included. The menus' own actions are in the
    list so their wrappers stay alive: on PySide6 6.9 menu() of a collected one is deleted."""
    found = window.menuBar().actions()
    todo = [a.menu() for a in found]
    while todo:
        menu = todo.pop(0)
        for action in menu.actions():
            if action.menu() is not None:
                todo.append(action.menu())
            if action.text():
                found.append(action)
    return found


LEAVES_THE_WINDOW = ("退出(&X)", "打开演示支部（虚构数据）(&M)", "回到我的支部数据(&M)")


def test_menus_and_the_dialogs_they_open_are_chinese(window, qtbot):
    reader = Reader()
    actions = menu_actions(window)
    assert len(actions) >= 20
    reader.english += [f"menu: {a.text()}" for a in actions if english_words(a.text())]
    window.tabs.setCurrentWidget(window._slots["meetings"])  # 打印签到表 and 删除 need a meeting
    window.meetings_tab.ensure_filled()
    window.meetings_tab.view.selectRow(0)
    window.meetings_tab.view.setFocus()
    for action in actions:
        if action.text() not in LEAVES_THE_WINDOW:
            reader.run(action.trigger)
    guide = window._help_window  # 使用说明 is a window of its own, not a dialog
    reader.english += untranslated(guide)
    assert not reader.english, "\n".join(reader.english)
    opened = " | ".join(reader.seen)
    for expected in ("QFileDialog", "LedgerDialog", "PackageDialog", "RestoreDialog",
                     "BackupSettingsDialog", "AppraisalDialog", "ProfileDialog", "RulesDialog",
                     "PasswordDialog", "QPrintPreviewDialog", "QPrintDialog", "QPageSetupDialog",
                     "MeetingDialog", "删除会议记录", "QMessageBox 关于"):
        assert expected in opened, f"{expected} never opened: {opened}"


@pytest.mark.parametrize("tab_key", ["dashboard", "members", "meetings", "theme_days", "talks"])
def test_each_tab_and_what_its_buttons_open_is_chinese(window, qtbot, tab_key):
    reader = Reader()
    if tab_key == "dashboard":
        tab = window.dashboard_tab
    else:
        window.tabs.setCurrentWidget(window._slots[tab_key])
        tab = window.current_tab()
        qtbot.waitUntil(tab.isVisible)
        tab.view.selectRow(0)
    reader.english += untranslated(tab)
    for button in tab.findChildren(QPushButton):
        if button.isEnabled():
            reader.run(button.click)
    assert not reader.english, "\n".join(reader.english)
    if tab_key == "members":
        assert {"MemberDialog 新增党员", "MemberDialog 编辑党员信息", "QMessageBox 删除党员"} <= set(
            reader.seen) and any(s.startswith("StatusDialog") for s in reader.seen)


def test_print_and_page_setup_dialogs_are_chinese_all_through(app, qtbot):
    """Also the parts a printer on UOS or 麒麟 shows: 奇偶页, 每张纸打印页数, 页面顺序 …"""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    for dialog in (QPrintDialog(printer), QPageSetupDialog(printer)):
        qtbot.addWidget(dialog)
        dialog.show()
        assert not untranslated(dialog), "\n".join(untranslated(dialog))
    labels = {label.objectName(): label.text() for label in dialog.findChildren(QLabel)}
    assert labels["label_2"].startswith("每张纸打印页数") and labels["label"].startswith("页面顺序")


def test_qt_message_box_buttons_and_small_dialogs_are_chinese(app, qtbot):
    box = QMessageBox()
    every = QMessageBox.StandardButton
    for button in (every.Ok, every.Cancel, every.Yes, every.No, every.Save, every.Close,
                   every.Discard, every.Apply, every.Reset, every.Retry, every.Ignore, every.Abort,
                   every.Open, every.Help, every.RestoreDefaults, every.YesToAll, every.NoToAll):
        box.addButton(button)
    qtbot.addWidget(box)
    assert not untranslated(box), "\n".join(untranslated(box))
    dialogs = [QInputDialog(), QProgressDialog()]
    for dialog in dialogs:
        qtbot.addWidget(dialog)
        dialog.show()
        assert not untranslated(dialog), "\n".join(untranslated(dialog))


def test_right_click_menus_of_text_fields_are_chinese(app, qtbot):
    for widget in (QLineEdit("张三"), QTextBrowser()):
        qtbot.addWidget(widget)
        menu = widget.createStandardContextMenu()
        words = [a.text() for a in menu.actions() if english_words(a.text())]
        assert not words, words


def test_the_check_finds_english():
    """The checker itself: it catches what Qt 6.11 showed, and passes Qt's Chinese paper names."""
    assert english_words("Page &Set:") == ["Page", "Set"]
    assert english_words("Pages &per sheet:") == ["Pages", "per", "sheet"]
    assert english_words("美国信纸 (Letter) / ANSI A") == []
    assert english_words("另存为PDF… 导出到U盘 Ctrl+P 数据文件：/tmp/demo/branch.sqlite3") == []


def test_first_run_import_and_lock_screen_are_chinese(app, fresh_db, demo_db, qtbot, tmp_path):
    """The windows no menu opens: the welcome, the first-run 设置, the roster import preview
    (with a row Excel spoilt) and the lock screen."""
    from branchdesk.core import idcard, screen_lock
    from branchdesk.ui.dialogs.import_dialog import ImportDialog
    from branchdesk.ui.dialogs.profile_dialog import ProfileDialog
    from branchdesk.ui.startup import WelcomeDialog
    from tests.ui.test_import_dialog import cell_texts, roster

    path = roster(tmp_path / "花名册.xlsx", [
        ["甲", "男", idcard.make_valid("11010519800101001"), "2001.07", "正式"],
        ["乙", "女", 1.10105198001e17, "2001年7月1日", "正式"]])
    book = openpyxl.load_workbook(path)
    book.active.title = "党员名单"  # a sheet name is the file's data: a Chinese one, as in WPS
    book.save(path)
    dialogs = [WelcomeDialog(), ProfileDialog(fresh_db, first_run=True), ImportDialog(fresh_db, path)]
    screen_lock.set_password(demo_db, "密码123")
    window = MainWindow(demo_db)
    window.show()
    window.locker.lock()
    for widget in [*dialogs, window]:
        qtbot.addWidget(widget)
        assert not untranslated(widget), "\n".join(untranslated(widget))
    reason = cell_texts(dialogs[2], 1)["说明"]  # the app's own words in the preview's cells
    assert "Excel" in reason and not english_words(reason)
    window.locker.unlock()
