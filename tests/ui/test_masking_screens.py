"""Masking on screen: the roll with 显示 off and the import preview keep the rule of
docs/privacy.md — at least 1,000 valid ID numbers fit what they show about each member."""

from dataclasses import replace
from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from branchdesk.core import members
from branchdesk.ui.dialogs.import_dialog import ImportDialog
from branchdesk.ui.members_tab import MembersTab
from testdata import fakedata
from tests.core.id_candidates import Visible, count_valid_ids
from tests.ui.test_import_dialog import cell_texts, roster

TODAY = date(2026, 11, 29)
RULE = 1000


@pytest.fixture
def branch(tmp_path):
    db = fakedata.create(tmp_path / "small.sqlite3", "small", today=TODAY)
    first, second = members.list_members(db)[:2]
    members.update(db, replace(first, notes=f"原身份证号 {second.id_number}，电话 {second.phone}"),
                   today=TODAY)
    yield db
    db.close()


def rows_of(tab) -> list[dict[str, str]]:
    model = tab.proxy
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    return [{h: model.index(r, c).data() or "" for c, h in enumerate(headers)}
            for r in range(model.rowCount())]


def test_roll_with_show_off_keeps_the_rule(app, branch, qtbot):
    tab = MembersTab(branch)
    qtbot.addWidget(tab)
    tab.resize(1366, 700)
    tab.status.setCurrentText("全部")
    assert not tab.show_private.isChecked()
    people = {m.name: m for m in members.list_members(branch, include_left=True)}
    rows = rows_of(tab)
    assert len(rows) == len(people)
    for row in rows:
        member = people[row["姓名"]]
        visible = Visible(row["公民身份号码"], row["出生日期"], row["性别"])
        assert count_valid_ids(visible, member.id_number[:6], TODAY) >= RULE, member.name
        text = "".join(row.values())
        assert not any(m.id_number in text or m.phone in text for m in people.values())
    tab.grab().save("/tmp/members-masked.png")


def test_the_same_roll_shown_is_the_whole_id_again(app, branch, qtbot):
    """The check above can fail: with 显示 on, each row is one ID number."""
    tab = MembersTab(branch)
    qtbot.addWidget(tab)
    tab.show_private.setChecked(True)
    people = {m.name: m for m in members.list_members(branch)}
    row = next(r for r in rows_of(tab) if r["姓名"] in people)
    visible = Visible(row["公民身份号码"], row["出生日期"], row["性别"])
    assert count_valid_ids(visible, people[row["姓名"]].id_number[:6], TODAY) == 1


def test_import_preview_keeps_the_rule(app, fresh_db, branch, qtbot, tmp_path, monkeypatch):
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: None)
    people = members.list_members(branch)
    path = roster(tmp_path / "r.xlsx", [[m.name, m.gender, m.id_number, m.join_date, "正式"]
                                        for m in people])
    dialog = ImportDialog(fresh_db, path)
    qtbot.addWidget(dialog)
    by_name = {m.name: m for m in people}
    for row in range(dialog.rows.rowCount()):
        shown = cell_texts(dialog, row)
        member = by_name[shown["姓名"]]
        visible = Visible(shown["公民身份号码"], shown["出生日期"], shown["性别"])
        assert count_valid_ids(visible, member.id_number[:6], TODAY) >= RULE, member.name
