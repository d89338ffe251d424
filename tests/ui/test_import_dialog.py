from pathlib import Path

import openpyxl
import pytest
from PySide6.QtWidgets import QMessageBox

from branchdesk.core import idcard, members
from branchdesk.ui.dialogs.import_dialog import ImportDialog


def roster(path: Path, rows):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["第一支部党员名单"])
    ws.merge_cells("A1:E1")
    ws.append(["名字", "性别", "身份证号码", "入党时间", "类别"])
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


@pytest.fixture(autouse=True)
def quiet_boxes(monkeypatch):
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: None)
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: None)


def test_preview_then_import(app, fresh_db, qtbot, tmp_path):
    path = roster(tmp_path / "r.xlsx", [
        ["甲", "男", idcard.make_valid("11010519800101001"), "2001.07", "正式"],
        ["乙", "女", 1.10105198001e17, "2001年7月1日", "正式"],
    ])
    dialog = ImportDialog(fresh_db, path)
    qtbot.addWidget(dialog)
    assert dialog.header_row.value() == 2
    assert dialog.rows.rowCount() == 2
    assert "Excel" in dialog.rows.item(1, 3).text() and dialog.rows.item(1, 0).text() == "4"
    assert not dialog.import_button.isEnabled()  # a rejected row blocks the import
    dialog.partial.setChecked(True)
    assert dialog.import_button.isEnabled()
    dialog.do_import()
    assert [m.name for m in members.list_members(fresh_db)] == ["甲"]
    assert members.list_members(fresh_db)[0].join_date == "2001-07-01"


def test_mapping_can_be_corrected(app, fresh_db, qtbot, tmp_path):
    path = roster(tmp_path / "r.xlsx", [["甲", "男", idcard.make_valid("11010519800101001"),
                                         "2001.07", "正式"]])
    dialog = ImportDialog(fresh_db, path)
    qtbot.addWidget(dialog)
    combo = dialog.mapping.cellWidget(1, 3)
    assert combo.currentData() == "join_date"
    combo.setCurrentIndex(combo.findData("full_date"))
    dialog.mapping.cellWidget(1, 4).setCurrentIndex(0)  # 类别 not imported
    dialog.replan()
    assert dialog.plan.mapping[3] == "full_date"
    dialog.do_import()
    assert members.list_members(fresh_db)[0].full_date == "2001-07-01"


def test_unreadable_file_shows_error_and_writes_nothing(app, fresh_db, qtbot, tmp_path, monkeypatch):
    from branchdesk.ui.dialogs import import_dialog

    shown = []
    monkeypatch.setattr(import_dialog, "show_error", lambda parent, exc: shown.append(str(exc)))
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not a workbook at all")
    dialog = ImportDialog(fresh_db, bad)
    assert dialog.exec() == 0
    assert shown and members.count(fresh_db) == 0


def test_changing_the_header_row_guesses_the_mapping_again(app, fresh_db, qtbot, tmp_path,
                                                           monkeypatch):
    from branchdesk.ui.dialogs import import_dialog

    errors = []
    monkeypatch.setattr(import_dialog, "show_error", lambda parent, exc: errors.append(str(exc)))
    path = roster(tmp_path / "r.xlsx", [["甲", "男", idcard.make_valid("11010519800101001"),
                                         "2001.07", "正式"]])
    dialog = ImportDialog(fresh_db, path)
    qtbot.addWidget(dialog)
    dialog.header_row.setValue(1)
    dialog.replan()  # the title row has no 姓名 column: an error, the old plan stays
    assert errors
    dialog.header_row.setValue(2)
    dialog.replan()
    assert dialog.plan.header.row == 2 and dialog.plan.mapping[0] == "name"
    assert dialog.import_button.isEnabled() and dialog.blocked.text() == ""


def test_blocked_import_says_why(app, fresh_db, qtbot, tmp_path):
    path = roster(tmp_path / "r.xlsx", [["乙", "女", 1.10105198001e17, "2001.07", "正式"],
                                        ["甲", "男", idcard.make_valid("11010519800101001"), "2001.07", "正式"]])
    dialog = ImportDialog(fresh_db, path)
    qtbot.addWidget(dialog)
    assert not dialog.import_button.isEnabled()
    assert "1 行不能导入" in dialog.blocked.text()
