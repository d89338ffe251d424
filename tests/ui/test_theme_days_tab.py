from datetime import date

from branchdesk.core import meetings, members
from branchdesk.ui.dialogs.meeting_dialog import MeetingDialog
from branchdesk.ui.theme_days_tab import ThemeDaysTab


def test_create_theme_day_through_dialog_and_month_view(app, fresh_db, qtbot, monkeypatch):
    for name in ("甲", "乙"):
        members.add(fresh_db, members.Member(name=name, join_date="2000-01-01"))
    tab = ThemeDaysTab(fresh_db)
    qtbot.addWidget(tab)
    tab.set_filters(year=date.today().year)

    def fill(dialog):
        assert dialog.fields["kind"].editor.currentData() == meetings.THEME_DAY
        dialog.fields["date"].editor.setText(f"{date.today().year}-01-20")
        dialog.fields["date"].editor.editingFinished.emit()
        dialog.fields["topics"].editor.setPlainText("走进社区志愿服务")
        dialog.fields["activity_form"].editor.setCurrentText("志愿服务")
        dialog.fields["organiser"].editor.setText("支部委员会")
        dialog.outcome.setPlainText("服务群众20人次")
        dialog.save()
        return dialog.result()

    monkeypatch.setattr(MeetingDialog, "exec", fill)
    tab.add_meeting()
    saved = meetings.list_meetings(fresh_db, kinds=(meetings.THEME_DAY,))[0].meeting
    assert (saved.topics, saved.activity_form, saved.outcome, saved.period) == (
        ["走进社区志愿服务"], "志愿服务", "服务群众20人次", f"{date.today().year}-01")
    assert tab.model.rowCount() == 1
    assert "✓" in tab.month_labels[0].text()
    reopened = MeetingDialog(fresh_db, meetings.get(fresh_db, saved.id))
    qtbot.addWidget(reopened)
    assert reopened.meeting().outcome == "服务群众20人次"
    assert reopened.fields["organiser"].editor.text() == "支部委员会"


def test_demo_year_view_shows_missing_october(app, demo_db, qtbot):
    tab = ThemeDaysTab(demo_db)
    qtbot.addWidget(tab)
    tab.set_filters(year=2026)
    assert "未开展" in tab.month_labels[9].text() or date.today().year != 2026
    assert "✓" in tab.month_labels[0].text()
    assert tab.model.rowCount() == 10


def test_the_month_under_way_is_still_to_do_not_missed(app, fresh_db, qtbot):
    """The 工作台 says 月底前 for this month; the month cards used to say 未开展 in red."""
    members.add(fresh_db, members.Member(name="甲", join_date="2000-01-01"))
    tab = ThemeDaysTab(fresh_db)
    qtbot.addWidget(tab)
    today = date.today()
    tab.set_filters(year=today.year)
    assert tab.month_labels[today.month - 1].text() == f"{today.month}月\n待开展"
    if today.month > 1:
        assert tab.month_labels[today.month - 2].text().endswith("未开展")
    if today.month < 12:
        assert tab.month_labels[today.month].text() == f"{today.month + 1}月\n"


def test_month_cards_show_the_states_of_the_dashboard(app, fresh_db, qtbot):
    """No members: 不适用, not 未开展; before the start of checking: —, as on the 工作台."""
    from branchdesk.core import rules, settings

    meetings.save(fresh_db, meetings.Meeting(kind=meetings.THEME_DAY, date="2025-12-05",
                                             topics=["年终学习"]), today=date(2025, 12, 5))
    tab = ThemeDaysTab(fresh_db)
    qtbot.addWidget(tab)
    tab.set_filters(year=2025)
    texts = [label.text().split("\n")[1] for label in tab.month_labels]
    assert texts == ["不适用"] * 11 + ["✓ 年终学习"]
    members.add(fresh_db, members.Member(name="甲", join_date="2000-01-01"))
    settings.put(fresh_db, {"records_start": "2025-07-01"})
    tab.set_filters(year=2025)
    texts = [label.text().split("\n")[1] for label in tab.month_labels]
    assert texts == ["—"] * 6 + ["未开展"] * 5 + ["✓ 年终学习"]
    dashboard = next(r for r in rules.report(fresh_db, 2025).grid if r.kind == meetings.THEME_DAY)
    assert [c.status for c in dashboard.cells] == \
        [rules.UNTRACKED] * 6 + [rules.MISSING] * 5 + [rules.DONE]
