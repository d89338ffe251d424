"""The 工作台 at start-up: everything but the 党费 findings at once, those a moment later."""

from datetime import date

from branchdesk.core import rules


def test_dues_findings_follow_the_first_showing(app, demo_db, qtbot):
    from branchdesk.ui.dashboard_tab import DashboardTab

    full = rules.report(demo_db, 2026, date(2026, 11, 29))
    dues_texts = [f.message for f in full.findings if f.rule.startswith("dues_")]
    assert dues_texts  # the demo has a member behind with dues

    tab = DashboardTab(demo_db, as_of=date(2026, 11, 29))
    qtbot.addWidget(tab)

    def shown():
        return [tab.findings.item(i).text() for i in range(tab.findings.count())]

    assert not tab.report.complete and not any(t in " ".join(shown()) for t in dues_texts)
    qtbot.waitUntil(lambda: tab.report.complete)
    assert all(any(t in line for line in shown()) for t in dues_texts)
    assert [f.message for f in tab.report.findings] == [f.message for f in full.findings]


def test_a_report_left_for_later_completes_to_the_full_one(demo_db):
    quick = rules.report(demo_db, 2026, date(2026, 11, 29), later=False)
    full = rules.report(demo_db, 2026, date(2026, 11, 29))
    assert not quick.complete and len(quick.findings) < len(full.findings)
    rules.complete(demo_db, quick)
    rules.complete(demo_db, quick)  # twice adds nothing
    assert quick.complete and [f.message for f in quick.findings] == \
        [f.message for f in full.findings]


def test_a_file_closed_before_the_findings_come_round_is_left_alone(app, demo_db, qtbot):
    """As when the window is rebuilt around another file at start-up (a restore, a password
    set at the first unlock): the old 工作台's late findings must not touch the closed file."""
    from PySide6.QtWidgets import QApplication

    from branchdesk.ui.dashboard_tab import DashboardTab

    tab = DashboardTab(demo_db, as_of=date(2026, 11, 29))
    qtbot.addWidget(tab)
    demo_db.close()
    for _ in range(3):
        QApplication.processEvents()  # an exception here would fail the test (pytest-qt)
    assert not tab.report.complete
