from pathlib import Path

import openpyxl
import pytest
from PySide6.QtWidgets import QMessageBox

from branchdesk.core import idcard, masking, members
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
    assert "Excel" in cell_texts(dialog, 1)["说明"] and cell_texts(dialog, 1)["Excel行号"] == "4"
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


def cell_texts(dialog, row: int) -> dict[str, str]:
    headers = [dialog.rows.horizontalHeaderItem(c).text() for c in range(dialog.rows.columnCount())]
    return {h: (dialog.rows.item(row, c).text() if dialog.rows.item(row, c) else "")
            for c, h in enumerate(headers)}


def test_preview_shows_the_values_that_would_be_written(app, fresh_db, qtbot, tmp_path):
    id_a = idcard.make_valid("11010519800101001")
    path = roster(tmp_path / "r.xlsx", [["甲", "男", id_a, "2001.07", "正式"],
                                        ["乙", "女", 1.10105198001e17, "2001年7月1日", "正式"]])
    dialog = ImportDialog(fresh_db, path)
    qtbot.addWidget(dialog)
    first = cell_texts(dialog, 0)
    assert {k: first[k] for k in ("姓名", "处理方式", "性别", "出生日期", "人员类别", "入党日期",
                                  "转正日期", "公民身份号码")} == {
        "姓名": "甲", "处理方式": "新增", "性别": "男", "出生日期": "1980-01",
        "人员类别": "正式党员", "入党日期": "2001-07-01", "转正日期": "", "公民身份号码": masking.id_number(id_a)}
    assert id_a not in first.values()  # masked as the 党员名册 masks it
    rejected = cell_texts(dialog, 1)
    assert rejected["处理方式"] == "不能导入" and "Excel" in rejected["说明"]


def test_group_from_the_file_is_shown(app, fresh_db, qtbot, tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append(["姓名", "性别", "所在党小组", "入党时间"])
    wb.active.append(["甲", "男", "第二党小组", "2001.07"])
    wb.save(tmp_path / "g.xlsx")
    dialog = ImportDialog(fresh_db, tmp_path / "g.xlsx")
    qtbot.addWidget(dialog)
    assert cell_texts(dialog, 0)["党小组"] == "第二党小组"


@pytest.fixture
def large_font(app):
    """A desktop with a larger system font (a CJK UI font at 14 pt)."""
    before = app.font()
    font = app.font()
    font.setPointSizeF(14)
    app.setFont(font)
    yield
    app.setFont(before)


def test_mapping_dropdowns_are_shown_whole(app, fresh_db, qtbot, tmp_path, large_font):
    """The 导入为 dropdowns were cut to half their height by a fixed-height table."""
    path = roster(tmp_path / "r.xlsx", [["甲", "男", idcard.make_valid("11010519800101001"),
                                         "2001.07", "正式"]])
    dialog = ImportDialog(fresh_db, path)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    viewport = dialog.mapping.viewport()
    for column in range(dialog.mapping.columnCount()):
        combo = dialog.mapping.cellWidget(1, column)
        assert combo.height() >= combo.sizeHint().height()
        top_left = combo.mapTo(viewport, combo.rect().topLeft())
        assert 0 <= top_left.y() and top_left.y() + combo.height() <= viewport.height()


def test_result_mentions_rows_with_warnings(app, fresh_db, qtbot, tmp_path, monkeypatch):
    told = []
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, text: told.append(text))
    path = roster(tmp_path / "r.xlsx", [
        ["甲", "男", idcard.make_valid("11010519800101001"), "2001.07", "正式"],
        ["丙", "女", idcard.make_valid("11010519810202002"), "2002.07", None]])  # no 类别
    dialog = ImportDialog(fresh_db, path)
    qtbot.addWidget(dialog)
    assert "按正式党员导入" in cell_texts(dialog, 1)["说明"]
    dialog.do_import()
    assert told == ["已导入 2 人（新增 2 人，更新 0 人），其中 1 行有提示，请在党员名册中核对这些人的信息。"]


def test_hidden_sheets_are_marked_and_a_chosen_sheet_is_read_at_once(app, fresh_db, qtbot, tmp_path):
    from branchdesk.ui.dialogs.import_dialog import HIDDEN_MARK

    book = openpyxl.Workbook()
    book.active.title = "名册"
    book.active.append(["姓名", "性别"])
    book.active.append(["张三", "男"])
    old = book.create_sheet("旧名册")
    old.sheet_state = "hidden"
    old.append(["姓名", "性别"])
    old.append(["旧甲", "男"])
    old.append(["旧乙", "女"])
    book.save(tmp_path / "r.xlsx")
    dialog = ImportDialog(fresh_db, tmp_path / "r.xlsx")
    qtbot.addWidget(dialog)
    labels = [dialog.sheet.itemText(i) for i in range(dialog.sheet.count())]
    assert labels == ["名册", f"旧名册{HIDDEN_MARK}"]
    assert dialog.sheet.currentText() == "名册" and dialog.rows.rowCount() == 1
    dialog.sheet.setCurrentIndex(1)
    dialog.sheet.activated.emit(1)  # as choosing it with the mouse does
    assert dialog.plan.table.sheet == "旧名册" and dialog.rows.rowCount() == 2
    dialog.do_import()
    assert sorted(m.name for m in members.list_members(fresh_db)) == ["旧乙", "旧甲"]
