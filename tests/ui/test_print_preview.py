"""The print preview dialog: pages painted on the printer, 另存为PDF writes the file."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QDesktopServices
from PySide6.QtPrintSupport import QPrintPreviewWidget
from PySide6.QtWidgets import QFileDialog, QToolBar
from pypdf import PdfReader

from branchdesk.core.printing import signin_sheet
from branchdesk.ui import folders
from branchdesk.ui.print import preview
from branchdesk.ui.print.signin import paint_signin
from tests.core.test_printing import general_meeting, make_branch


def _dialog(qtbot, fresh_db, tmp_path, size=60):
    make_branch(fresh_db, size)
    sheet = signin_sheet(fresh_db, general_meeting(fresh_db))
    dialog = preview.make_preview_dialog(None, lambda d: paint_signin(d, sheet), sheet.title,
                                         tmp_path, sheet.file_name)
    qtbot.addWidget(dialog)
    return sheet, dialog


def test_preview_paints_every_page(app, qtbot, fresh_db, tmp_path):
    sheet, dialog = _dialog(qtbot, fresh_db, tmp_path)
    dialog.show()
    widget = dialog.findChild(QPrintPreviewWidget)
    qtbot.waitUntil(lambda: widget.pageCount() == 3)
    assert sheet.title in dialog.windowTitle()


@pytest.fixture
def told(monkeypatch):
    """The 已保存 message (answering 打开所在文件夹 with ``told["open"]``) and folders opened."""
    seen = {"open": True, "messages": [], "opened": []}

    def ask(parent, title, text):
        seen["messages"].append((title, text))
        return seen["open"]

    monkeypatch.setattr(folders, "ask_open_folder", ask)
    monkeypatch.setattr(QDesktopServices, "openUrl",
                        lambda url: seen["opened"].append(url.toLocalFile()) or True)
    return seen


def test_save_as_pdf_action(app, qtbot, fresh_db, tmp_path, monkeypatch, told):
    _sheet, dialog = _dialog(qtbot, fresh_db, tmp_path, size=12)
    target = tmp_path / "保存"
    asked = []

    def fake_save(parent, caption, start, filters):
        asked.append(start)
        return str(target), filters

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(fake_save))
    action = next(a for a in dialog.findChild(QToolBar).actions() if a.text() == preview.SAVE_PDF)
    action.trigger()
    # The suggested name carries the meeting's date and kind.
    assert asked == [str(tmp_path / "2026-03-15_支部党员大会_签到表.pdf")]
    assert len(PdfReader(tmp_path / "保存.pdf").pages) == 1
    # A clear confirmation with the path, and 打开所在文件夹 opens the folder.
    assert told["messages"] == [("已保存为PDF", f"已保存（共 1 页）：\n{tmp_path / '保存.pdf'}")]
    assert told["opened"] == [str(tmp_path)]


def test_saved_message_can_just_be_closed(app, qtbot, fresh_db, tmp_path, monkeypatch, told):
    told["open"] = False
    sheet, dialog = _dialog(qtbot, fresh_db, tmp_path, size=12)
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a: (str(tmp_path / "签到表"), "")))
    path = preview.save_pdf_as(dialog, lambda d: paint_signin(d, sheet), sheet.title,
                               tmp_path / sheet.file_name)
    assert path == tmp_path / "签到表.pdf" and path.is_file()
    assert len(told["messages"]) == 1 and told["opened"] == []


def test_saved_message_buttons_are_in_chinese(app, qtbot, monkeypatch):
    """The real message box: the path in the text, 打开所在文件夹 (the default) and 关闭."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    seen = {}

    def answer():
        box = next(w for w in QApplication.topLevelWidgets()
                   if isinstance(w, QMessageBox) and w.isVisible())
        seen["text"] = box.text()
        seen["buttons"] = sorted(b.text() for b in box.buttons())
        seen["default"] = box.defaultButton().text()
        next(b for b in box.buttons() if b.text() == "关闭").click()

    QTimer.singleShot(0, answer)
    assert folders.ask_open_folder(None, "已保存为PDF", "已保存：\n/tmp/a.pdf") is False
    assert seen == {"text": "已保存：\n/tmp/a.pdf", "buttons": ["关闭", "打开所在文件夹"],
                    "default": "打开所在文件夹"}


def test_cancelled_save_writes_nothing(app, qtbot, fresh_db, tmp_path, monkeypatch):
    _sheet, dialog = _dialog(qtbot, fresh_db, tmp_path, size=12)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a: ("", "")))
    assert preview.save_pdf_as(dialog, lambda d: 0, "x", tmp_path / "x.pdf") is None
    assert not list(tmp_path.glob("*.pdf"))
