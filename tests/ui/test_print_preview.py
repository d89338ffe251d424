"""The print preview dialog: pages painted on the printer, 另存为PDF writes the file."""

from __future__ import annotations

from PySide6.QtPrintSupport import QPrintPreviewWidget
from PySide6.QtWidgets import QFileDialog, QToolBar
from pypdf import PdfReader

from branchdesk.core.printing import signin_sheet
from branchdesk.ui.print import preview
from branchdesk.ui.print.signin import paint_signin
from tests.core.test_printing import general_meeting, make_branch


def _dialog(qtbot, fresh_db, tmp_path, size=60):
    make_branch(fresh_db, size)
    sheet = signin_sheet(fresh_db, general_meeting(fresh_db))
    dialog = preview.make_preview_dialog(None, lambda d: paint_signin(d, sheet), sheet.title,
                                         tmp_path)
    qtbot.addWidget(dialog)
    return sheet, dialog


def test_preview_paints_every_page(app, qtbot, fresh_db, tmp_path):
    sheet, dialog = _dialog(qtbot, fresh_db, tmp_path)
    dialog.show()
    widget = dialog.findChild(QPrintPreviewWidget)
    qtbot.waitUntil(lambda: widget.pageCount() == 3)
    assert sheet.title in dialog.windowTitle()


def test_save_as_pdf_action(app, qtbot, fresh_db, tmp_path, monkeypatch):
    sheet, dialog = _dialog(qtbot, fresh_db, tmp_path, size=12)
    target = tmp_path / "保存"
    asked = []

    def fake_save(parent, caption, start, filters):
        asked.append(start)
        return str(target), filters

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(fake_save))
    action = next(a for a in dialog.findChild(QToolBar).actions() if a.text() == preview.SAVE_PDF)
    action.trigger()
    assert asked == [str(tmp_path / f"{sheet.title}.pdf")]
    assert len(PdfReader(tmp_path / "保存.pdf").pages) == 1


def test_cancelled_save_writes_nothing(app, qtbot, fresh_db, tmp_path, monkeypatch):
    _sheet, dialog = _dialog(qtbot, fresh_db, tmp_path, size=12)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a: ("", "")))
    assert preview.save_pdf_as(dialog, lambda d: 0, "x", tmp_path) is None
    assert not list(tmp_path.glob("*.pdf"))
