"""What the screen shows with personal data hidden keeps the rule of docs/privacy.md: the roll
with 显示 off and the import preview each leave at least 1,000 valid ID numbers per member
(brute-force count, tests/id_count.py). The branch is fictional (testdata/fakedata.py)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from branchdesk.core import members
from branchdesk.core.dates import add_years
from branchdesk.core.ledger.roster import export_members
from branchdesk.ui.dialogs.import_dialog import ImportDialog
from branchdesk.ui.members_tab import MembersTab
from testdata import fakedata
from tests.id_count import Shown, count_ids

TODAY = date(2026, 11, 29)
RULE = 1000


@pytest.fixture
def branch(tmp_path):
    db = fakedata.create(tmp_path / "small.sqlite3", "small", today=TODAY)
    yield db
    db.close()


def region_of(db) -> dict[str, str]:
    return {m.name: m.id_number[:6] for m in members.list_members(db, include_left=True)}


def table_rows(model, headers) -> list[dict[str, str]]:
    return [{headers[c]: model.index(r, c).data() or "" for c in range(len(headers))}
            for r in range(model.rowCount())]


def test_roll_with_show_off_leaves_a_thousand_ids_each(app, branch, qtbot):
    tab = MembersTab(branch)
    qtbot.addWidget(tab)
    tab.status.setCurrentIndex(2)  # everyone, those who left too
    headers = [tab.proxy.headerData(c, Qt.Orientation.Horizontal)
               for c in range(tab.proxy.columnCount())]
    rows, regions = table_rows(tab.proxy, headers), region_of(branch)
    assert len(rows) == len(regions) and not tab.show_private.isChecked()
    counts = {}
    for row in rows:
        joined = date.fromisoformat(row["入党日期"]) if row["入党日期"] else None
        shown = Shown(masked_id=row["公民身份号码"], birth=row["出生日期"], gender=row["性别"],
                      region_known=bool(row["籍贯"] or row["家庭住址"]),
                      born_by=add_years(joined, -18) if joined else None)
        counts[row["姓名"]] = count_ids(shown, regions[row["姓名"]], TODAY)
    assert min(counts.values()) >= RULE, counts
    assert all(re.fullmatch(r"\d{4}-\d{2}", row["出生日期"]) for row in rows)


def test_import_preview_leaves_a_thousand_ids_each(app, branch, fresh_db, qtbot, tmp_path,
                                                    monkeypatch):
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: None)
    roster = export_members(branch, tmp_path / "花名册.xlsx", as_of=TODAY)  # the full file
    dialog = ImportDialog(fresh_db, roster)
    qtbot.addWidget(dialog)
    headers = [dialog.rows.horizontalHeaderItem(c).text() for c in range(dialog.rows.columnCount())]
    regions = region_of(branch)
    counted = 0
    for r in range(dialog.rows.rowCount()):
        row = {h: dialog.rows.item(r, c).text() if dialog.rows.item(r, c) else ""
               for c, h in enumerate(headers)}
        shown = Shown(masked_id=row["公民身份号码"], birth=row["出生日期"], gender=row["性别"],
                      region_known=True)
        assert count_ids(shown, regions[row["姓名"]], TODAY) >= RULE, row
        counted += 1
    assert counted == len(members.roll_as_of(branch, TODAY))
