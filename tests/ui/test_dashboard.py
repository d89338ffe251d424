from datetime import date

from branchdesk.core import meetings, rules
from branchdesk.ui.dashboard_tab import DashboardTab


def test_dashboard_shows_gaps_and_findings(app, demo_db, qtbot):
    tab = DashboardTab(demo_db, as_of=date(2026, 11, 29))
    qtbot.addWidget(tab)
    tab.year.setCurrentIndex(tab.year.findData(2026))
    labels = [tab.grid.verticalHeaderItem(r).text() for r in range(tab.grid.rowCount())]
    committee = labels.index("支委会")
    assert tab.grid.item(committee, 7).text() == "缺"  # August, on purpose in the demo
    assert tab.grid.item(committee, 6).text().startswith("✓")
    texts = [tab.findings.item(i).text() for i in range(tab.findings.count())]
    assert any("8月未召开支委会" in t for t in texts)
    assert any("预备期已于" in t for t in texts)
    # the demo's 失联 member and its 流动党员 not contacted for six months; its pending 转出
    assert any("应按规定启动停止党籍程序" in t for t in texts)
    assert any("流动党员" in t and "没有联系记录" in t for t in texts)
    assert any("尚未收到回执" in t for t in texts)
    assert "缺项 7" in tab.summary.text()  # and the demo applicant's overdue 谈话
    assert "正式党员 30" in tab.counts.text()  # the pending 转出 is off the roll (docs/rules.md)
    assert tab.rate_chart.values[0] is not None and tab.rate_chart.values[11] is None


def test_clicking_a_finding_asks_to_navigate(app, demo_db, qtbot):
    tab = DashboardTab(demo_db, as_of=date(2026, 11, 29))
    qtbot.addWidget(tab)
    tab.year.setCurrentIndex(tab.year.findData(2026))
    item = next(tab.findings.item(i) for i in range(tab.findings.count())
                if "预备期已于" in tab.findings.item(i).text())
    with qtbot.waitSignal(tab.navigate) as signal:
        tab.findings.itemDoubleClicked.emit(item)
    assert signal.args[0]["record"] == rules.MEMBER and signal.args[0]["id"]


def test_the_window_decides_which_tab_shows_a_record():
    from branchdesk.ui.places import tab_for

    assert tab_for(rules.points_at(rules.MEMBER, 3)) == "members"
    assert tab_for(rules.points_at(rules.MEETING, 9)) == "meetings"
    assert tab_for(rules.points_at(rules.MEETING, kind=meetings.THEME_DAY)) == "theme_days"
    assert tab_for(rules.points_at(rules.TALK, kind="talks")) == "talks"
    assert tab_for(rules.points_at(rules.APPRAISAL, year=2026)) == "appraisal"
    assert tab_for(rules.points_at(rules.BRANCH)) == "profile"


def test_a_grid_cell_opens_its_meetings(app, demo_db, qtbot):
    tab = DashboardTab(demo_db, as_of=date(2026, 11, 29))
    qtbot.addWidget(tab)
    tab.year.setCurrentIndex(tab.year.findData(2026))
    labels = [tab.grid.verticalHeaderItem(r).text() for r in range(tab.grid.rowCount())]
    with qtbot.waitSignal(tab.navigate) as signal:
        tab.grid.cellDoubleClicked.emit(labels.index("支委会"), 6)
    target = signal.args[0]
    assert (target["record"], target["kind"], target["year"]) == (rules.MEETING,
                                                                   meetings.COMMITTEE, 2026)
    assert target["ids"]


def test_main_window_opens_on_dashboard(app, demo_db, qtbot):
    from branchdesk.ui.main_window import MainWindow

    window = MainWindow(demo_db)
    qtbot.addWidget(window)
    assert window.tabs.tabText(0) == "工作台"
    assert window.tabs.currentIndex() == 0
    target = next(f.target for f in rules.report(demo_db, 2026, date(2026, 11, 29)).findings
                  if f.target["record"] == rules.MEMBER and f.target["id"])
    window.navigate(target)
    assert window.current_tab() is window.members_tab
    assert window.members_tab.selected().id == target["id"]


def test_rules_dialog_restore_defaults(app, fresh_db, qtbot, monkeypatch):
    from branchdesk.core import settings
    from branchdesk.ui.dialogs import rules_dialog

    settings.put(fresh_db, {"late_entry_days": 9})
    dialog = rules_dialog.RulesDialog(fresh_db)
    qtbot.addWidget(dialog)
    assert dialog.spins["late_entry_days"].value() == 9
    monkeypatch.setattr(rules_dialog, "confirm", lambda *a, **k: True)
    dialog.restore()
    dialog.save()
    assert settings.get(fresh_db, "late_entry_days") == 3


def test_rules_dialog_start_date_checked_and_saved(app, fresh_db, qtbot):
    from branchdesk.core import settings
    from branchdesk.ui.dialogs import rules_dialog

    dialog = rules_dialog.RulesDialog(fresh_db)
    qtbot.addWidget(dialog)
    assert dialog.records_start.text() == ""
    dialog.records_start.setText("去年")
    dialog.save()
    assert dialog.result() == 0 and "日期无法识别" in dialog.start_error.text()
    assert settings.get(fresh_db, "records_start") == ""
    dialog.records_start.setText("2026年3月1日")
    dialog.save()
    assert dialog.result() == 1 and settings.get(fresh_db, "records_start") == "2026-03-01"


def test_grid_spans_follow_the_rows_after_the_branch_changes(app, fresh_db, qtbot):
    """Setting up the 支委 and adding a 党小组 in a session moves every row down; the cells
    merged for the old rows must not stay (the 主题党日 row was drawn as quarters and a
    December ✓ disappeared)."""
    from branchdesk.core import branch, meetings, members

    year = date.today().year - 1
    tab = DashboardTab(fresh_db, as_of=date(year, 12, 31))
    qtbot.addWidget(tab)
    tab.year.setCurrentIndex(tab.year.findData(year))
    assert label_row(tab, "主题党日") == 0 and tab.grid.columnSpan(1, 0) == 3  # 党员大会: quarters
    meetings.save(fresh_db, meetings.Meeting(kind=meetings.THEME_DAY, date=f"{year}-12-05",
                                             topics=["学习党章"]))
    elected = [members.add(fresh_db, members.Member(name=name, join_date="2010-07-01",
                                                    full_date="2011-07-01")).id
               for name in ("甲一", "乙二", "丙三")]  # a committee of three: a 支委会 row
    branch.save_committee(fresh_db, [branch.CommitteeSeat(None, m, role) for m, role in
                                     zip(elected, ("书记", "组织委员", "宣传委员"))])
    branch.ensure_group(fresh_db, "第一党小组")
    tab.refresh()
    theme = label_row(tab, "主题党日")
    assert theme == 2  # after 支委会 and 第一党小组
    assert [tab.grid.columnSpan(theme, c) for c in range(12)] == [1] * 12
    assert tab.grid.item(theme, 11).text().startswith("✓")
    general = label_row(tab, "支部党员大会")
    assert [tab.grid.columnSpan(general, c) for c in (0, 3, 6, 9)] == [3] * 4


def label_row(tab, label: str) -> int:
    labels = [tab.grid.verticalHeaderItem(r).text() for r in range(tab.grid.rowCount())]
    return labels.index(label)


def test_rules_dialog_offers_the_strict_quorum_as_a_box(app, fresh_db, qtbot, monkeypatch):
    from branchdesk.core import settings
    from branchdesk.ui.dialogs import rules_dialog

    dialog = rules_dialog.RulesDialog(fresh_db)
    qtbot.addWidget(dialog)
    box = dialog.boxes["quorum_more_than_half"]
    assert not box.isChecked() and "恰好一半不算" in box.text()
    assert dialog.spins["life_window_month"].value() == 3
    assert dialog.spins["election_quorum_pct"].value() == 80
    box.setChecked(True)
    dialog.save()
    assert settings.get(fresh_db, "quorum_more_than_half") is True
    again = rules_dialog.RulesDialog(fresh_db)
    qtbot.addWidget(again)
    monkeypatch.setattr(rules_dialog, "confirm", lambda *a, **k: True)
    again.restore()
    assert not again.boxes["quorum_more_than_half"].isChecked()
    again.show()
    again.grab().save("/tmp/rules_dialog.png")


def test_small_branch_without_a_committee_shows_no_committee_row(app, fresh_db, qtbot):
    from datetime import date

    from branchdesk.core import branch, members
    from branchdesk.ui.dashboard_tab import DashboardTab

    branch.save_groups(fresh_db, ["第一党小组", "第二党小组"])
    first = branch.groups(fresh_db)[0].id
    people = [members.add(fresh_db, members.Member(name=f"党员{i}", join_date="2005-07-01",
                                                   group_id=first)).id for i in range(5)]
    branch.save_committee(fresh_db, [branch.CommitteeSeat(None, people[0], "书记")])
    tab = DashboardTab(fresh_db, as_of=date(2026, 11, 29))
    qtbot.addWidget(tab)
    labels = [tab.grid.verticalHeaderItem(r).text() for r in range(tab.grid.rowCount())]
    assert "支委会" not in labels
    empty = tab.grid.item(labels.index("第二党小组"), 0)
    assert empty.text() == "不适用" and "该党小组没有党员" in empty.toolTip()
    assert not any("支委会" in f.message for f in tab.report.findings)
