"""导出年度台账: the dialog writes the ledger through the progress dialog, by year or by dates,
masked or not, asks before replacing a file, and reports errors through show_error."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QDate
from PySide6.QtGui import QDesktopServices

from branchdesk.ui import folders
from branchdesk.ui.dialogs import ledger_dialog
from branchdesk.ui.dialogs.ledger_dialog import LedgerDialog
from branchdesk.ui.main_window import MainWindow
from branchdesk.ui.tasks import Cancelled

TODAY = date(2026, 11, 29)


@pytest.fixture
def events(monkeypatch):
    """The end message answers 打开文件夹; opened folders and errors are recorded."""
    seen = {"done": [], "opened": [], "errors": [], "confirm": []}
    monkeypatch.setattr(folders, "ask_open_folder",
                        lambda parent, title, text: seen["done"].append(text) or True)
    monkeypatch.setattr(QDesktopServices, "openUrl",
                        lambda url: seen["opened"].append(url.toLocalFile()) or True)
    monkeypatch.setattr(ledger_dialog, "show_error",
                        lambda parent, error, *a: seen["errors"].append(str(error)))
    monkeypatch.setattr(ledger_dialog, "confirm",
                        lambda parent, title, text, yes="": seen["confirm"].append(text) or False)
    return seen


@pytest.fixture
def dialog(app, demo_db, qtbot):
    widget = LedgerDialog(demo_db, today=TODAY)
    qtbot.addWidget(widget)
    return widget


def ledger_text(path: Path) -> str:
    wb = load_workbook(path)
    return "\n".join(str(c.value) for ws in wb.worksheets for row in ws.iter_rows()
                     for c in row if c.value is not None)


def test_defaults_suggest_this_years_file_unmasked(dialog):
    assert dialog.year.value() == 2026 and dialog.by_year.isChecked()
    assert not dialog.mask.isChecked()
    assert dialog.path_edit.text().endswith("示例市第一中学教工党支部2026年度工作台账.xlsx")
    dialog.year.setValue(2025)
    assert dialog.path_edit.text().endswith("2025年度工作台账.xlsx")


def test_export_a_year_writes_the_file_and_opens_its_folder(dialog, tmp_path, events,
                                                            demo_db):
    target = tmp_path / "out" / "台账.xlsx"
    target.parent.mkdir()
    dialog.path_edit.setText(str(target))
    dialog.export()
    assert dialog.exported == target and dialog.result() == LedgerDialog.DialogCode.Accepted
    assert "封面" in load_workbook(target).sheetnames
    assert events["done"] == [f"已导出年度台账：\n{target}"]
    assert events["opened"] == [str(target.parent)]
    numbers = [r[0] for r in demo_db.execute("SELECT id_number FROM members")]
    assert any(n in ledger_text(target) for n in numbers)  # the office copy is not masked


def test_masked_export_by_date_range(dialog, tmp_path, events, demo_db):
    dialog.by_range.setChecked(True)
    dialog.start.setDate(QDate(2026, 3, 1))
    dialog.end.setDate(QDate(2026, 6, 30))
    assert dialog.path_edit.text().endswith("工作台账_20260301-20260630.xlsx")
    assert dialog.period() == {"start": date(2026, 3, 1), "end": date(2026, 6, 30)}
    dialog.mask.setChecked(True)
    dialog.path_edit.setText(str(tmp_path / "range"))  # the extension is added
    dialog.export()
    text = ledger_text(tmp_path / "range.xlsx")
    assert "2026年3月1日至2026年6月30日" in text
    numbers = [r[0] for r in demo_db.execute("SELECT id_number FROM members")]
    assert not [n for n in numbers if n in text]


def test_a_reversed_range_is_explained(dialog, tmp_path, events):
    dialog.by_range.setChecked(True)
    dialog.start.setDate(QDate(2026, 6, 1))
    dialog.end.setDate(QDate(2026, 3, 1))
    dialog.path_edit.setText(str(tmp_path / "x.xlsx"))
    dialog.export()
    assert events["errors"] and not (tmp_path / "x.xlsx").exists()
    assert dialog.result() != LedgerDialog.DialogCode.Accepted


def test_choose_file_with_the_save_dialog(dialog, tmp_path, events, monkeypatch):
    monkeypatch.setattr(ledger_dialog.QFileDialog, "getSaveFileName",
                        lambda *a, **k: (str(tmp_path / "选的"), ""))
    dialog.choose_file()
    assert dialog.path_edit.text() == str(tmp_path / "选的.xlsx")
    dialog.year.setValue(2025)  # a chosen name is kept
    assert dialog.path_edit.text() == str(tmp_path / "选的.xlsx")


def test_an_existing_file_is_replaced_only_when_confirmed(dialog, tmp_path, events):
    target = tmp_path / "old.xlsx"
    target.write_bytes(b"old")
    dialog.path_edit.setText(str(target))
    dialog.export()
    assert events["confirm"] and target.read_bytes() == b"old"


def test_an_unwritable_folder_is_explained(dialog, tmp_path, events):
    dialog.path_edit.setText(str(tmp_path / "missing" / "x.xlsx"))
    dialog.export()
    assert events["errors"] and "不存在" in events["errors"][0]


def test_empty_path_is_explained(dialog, events):
    dialog.path_edit.setText("  ")
    dialog.export()
    assert events["errors"] == ["请选择台账的保存位置。"]


def test_cancel_writes_nothing(dialog, tmp_path, events, monkeypatch):
    def cancelled(parent, title, db_path, fn):
        raise Cancelled()

    monkeypatch.setattr(ledger_dialog, "run_with_progress", cancelled)
    dialog.path_edit.setText(str(tmp_path / "x.xlsx"))
    dialog.export()
    assert not (tmp_path / "x.xlsx").exists() and not events["errors"] and not events["done"]


def test_progress_reaches_the_dialog(dialog, tmp_path, events, monkeypatch):
    """The worker's progress texts are the ledger's own (正在生成“…”…)."""
    texts = []
    real = ledger_dialog.run_with_progress

    def spy(parent, title, db_path, fn):
        return real(parent, title, db_path,
                    lambda db, report: fn(db, lambda p, t: (texts.append(t), report(p, t))))

    monkeypatch.setattr(ledger_dialog, "run_with_progress", spy)
    dialog.path_edit.setText(str(tmp_path / "x.xlsx"))
    dialog.export()
    assert "正在生成“党员花名册”…" in texts and texts[-1] == "正在保存文件…"


def test_main_window_file_menu_has_the_exports(app, demo_db, qtbot, monkeypatch):
    window = MainWindow(demo_db)
    qtbot.addWidget(window)
    bar_actions = window.menuBar().actions()  # keep the wrappers: PySide6 6.9 loses menu() else
    file_menu = bar_actions[0].menu()
    texts = [a.text() for a in file_menu.actions()]
    assert texts.index("导出年度台账(&Y)…") == texts.index("导出花名册(&E)…") + 1
    assert texts.index("导出到U盘(&U)…") == texts.index("导出年度台账(&Y)…") + 1
    opened = []
    monkeypatch.setattr(LedgerDialog, "exec", lambda self: opened.append(type(self).__name__))
    from branchdesk.ui.dialogs.package_dialog import PackageDialog

    monkeypatch.setattr(PackageDialog, "exec", lambda self: opened.append(type(self).__name__))
    window.export_ledger()
    window.export_package()
    assert opened == ["LedgerDialog", "PackageDialog"]
