"""Open every tab and dialog of the demo branch on one screen size and report how each fits.

Run in its own process, because the screen is fixed when Qt starts::

    QT_QPA_PLATFORM=offscreen:configfile=screen.json [QT_SCALE_FACTOR=1.5] \\
        python -m tests.ui.screen_probe [--shots FOLDER]

``screen.json`` describes the screen (tests/ui/test_small_screens.py writes it: the screen less
a 40-pixel taskbar). Prints one JSON object per line: the screen, then for each window its
name, size, minimum size and the problems found ("problems": [] when it fits and its key
widgets are in view). ``--shots`` also saves a PNG of each.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from datetime import date
from pathlib import Path

TITLE_BAR = 31  # a window's title bar, outside the client area the app lays out


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    os.environ["BRANCHDESK_HOME"] = tempfile.mkdtemp(prefix="branchdesk-probe-")
    from branchdesk.core import demo
    from branchdesk.ui.app import create_app

    app = create_app()
    area = app.primaryScreen().availableGeometry()
    _emit({"screen": [area.width(), area.height()]})
    db = demo.create_demo(Path(os.environ["BRANCHDESK_HOME"]) / "branchdesk-demo.sqlite3")
    probe = Probe(app, area, args.shots)
    window = probe.main_window(db)
    for make_name, make in dialogs(db, window):
        probe.dialog(make_name, make)
    window.close()
    return 0


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shots", type=Path, help="save a screenshot of each window here")
    return parser.parse_args(argv)


def _emit(record: dict) -> None:
    print(json.dumps(record, ensure_ascii=False), flush=True)


class Probe:
    def __init__(self, app, area, shots: Path | None):
        self.app, self.area, self.shots = app, area, shots
        if shots:
            shots.mkdir(parents=True, exist_ok=True)

    def settle(self) -> None:
        for _ in range(3):
            self.app.processEvents()

    def report(self, name: str, widget, problems: list[str]) -> None:
        hint = widget.minimumSizeHint()
        size = [widget.width(), widget.height()]
        if max(size[0], hint.width()) > self.area.width():
            problems.append(f"wider than the screen: {size[0]} (at least {hint.width()})")
        if max(size[1], hint.height()) > self.area.height() - TITLE_BAR:
            problems.append(f"taller than the screen: {size[1]} (at least {hint.height()})")
        problems += _clipped_buttons(widget)
        if self.shots:
            widget.grab().save(str(self.shots / f"{name}.png"))
        _emit({"window": name, "size": size, "minimum": [hint.width(), hint.height()],
               "problems": problems})

    # ------------------------------------------------------------ the main window
    def main_window(self, db):
        from PySide6.QtCore import Qt
        from branchdesk.ui.main_window import MainWindow

        window = MainWindow(db)
        window.show()
        self.settle()
        maximized = bool(window.windowState() & Qt.WindowState.WindowMaximized)
        small = self.area.width() < 1280 or self.area.height() < 820
        _emit({"window": "main", "maximized": maximized,
               "problems": [] if maximized or not small else ["not maximized on a small screen"]})
        # A maximized window's client area is the screen above the taskbar less the title bar.
        window.showNormal()
        window.resize(self.area.width(), self.area.height() - TITLE_BAR)
        self.settle()
        for index in range(window.tabs.count()):
            window.tabs.setCurrentIndex(index)
            self.settle()
            name = window.tabs.tabText(index)
            self.report(f"tab{index}_{name}", window, self.tab_problems(window, name))
        window.talks_tab.inner.setCurrentIndex(1)
        self.settle()
        self.report("tab4_谈心谈话_覆盖情况", window, [])
        return window

    def tab_problems(self, window, name: str) -> list[str]:
        tab = window.current_tab()
        if name == "工作台":
            return _dashboard_problems(tab)
        view = getattr(tab, "view", None)
        if view is not None and view.viewport().height() < 150:
            return [f"{name}: the table shows {view.viewport().height()} pixels"]
        return []

    # ------------------------------------------------------------ dialogs
    def dialog(self, name: str, make) -> None:
        dialog = make()
        dialog.show()
        self.settle()
        problems = _import_problems(dialog) if name == "import" else []
        self.report(name, dialog, problems)
        dialog.close()
        dialog.deleteLater()


def _dashboard_problems(tab) -> list[str]:
    """Every row of the year in view (谈心谈话全覆盖 and 民主评议 are the last), and room for
    the findings below."""
    grid, problems = tab.grid, []
    if grid.verticalScrollBar().isVisible():
        problems.append("工作台 grid scrolls")
    last = grid.rowCount() - 1
    if grid.rowViewportPosition(last) + grid.rowHeight(last) > grid.viewport().height():
        problems.append(f"工作台 row “{grid.verticalHeaderItem(last).text()}” is cut off")
    if tab.findings.height() < 120:
        problems.append(f"findings list only {tab.findings.height()} pixels high")
    return problems


def _import_problems(dialog) -> list[str]:
    table = dialog.mapping
    problems = []
    for column in range(table.columnCount()):
        combo = table.cellWidget(1, column)
        top = combo.mapTo(table.viewport(), combo.rect().topLeft()).y()
        if combo.height() < combo.sizeHint().height() or top + combo.height() > table.viewport().height():
            problems.append(f"导入为 dropdown of column {column + 1} is cut")
    return problems


def _clipped_buttons(window) -> list[str]:
    """Push buttons (保存, 取消, 导入 …) outside the window, where nobody can click them."""
    from PySide6.QtWidgets import QAbstractScrollArea, QPushButton

    problems = []
    for button in window.findChildren(QPushButton):
        if not button.isVisibleTo(window) or _in_scroll_area(button, QAbstractScrollArea):
            continue
        rect = button.rect().translated(button.mapTo(window, button.rect().topLeft()))
        if not window.rect().contains(rect):
            problems.append(f"button “{button.text()}” is outside the window")
    return problems


def _in_scroll_area(widget, kind) -> bool:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, kind):
            return True
        parent = parent.parentWidget()
    return False


def dialogs(db, window):
    """(name, factory) of every dialog, filled with the demo branch's records."""
    from branchdesk.core import meetings, members, talks
    from branchdesk.core.printing import signin_sheet
    from branchdesk.ui.dialogs.appraisal_dialog import AppraisalDialog
    from branchdesk.ui.dialogs.backup_dialog import BackupSettingsDialog, RestoreDialog
    from branchdesk.ui.dialogs import dues_dialogs
    from branchdesk.ui.dialogs.import_dialog import ImportDialog
    from branchdesk.ui.dialogs.ledger_dialog import LedgerDialog
    from branchdesk.ui.dialogs.meeting_dialog import MeetingDialog
    from branchdesk.ui.dialogs.member_dialog import MemberDialog
    from branchdesk.ui.dialogs.package_dialog import PackageDialog
    from branchdesk.ui.dialogs.password_dialog import PasswordDialog
    from branchdesk.ui.dialogs.profile_dialog import ProfileDialog
    from branchdesk.ui.dialogs.recruit_dialogs import EntryDialog, PersonDialog, StepDialog
    from branchdesk.ui.dialogs.rules_dialog import RulesDialog
    from branchdesk.ui.dialogs.status_dialog import StatusDialog
    from branchdesk.ui.dialogs.talk_dialog import TalkDialog
    from branchdesk.ui.print.preview import make_preview_dialog
    from branchdesk.ui.print.signin import paint_signin
    from branchdesk.ui.dialogs.unlock_dialog import (RecoveryKeyDialog, RecoveryResetDialog,
                                                     UnlockDialog)
    from branchdesk.ui.startup import WelcomeDialog

    person = members.list_members(db)[3]
    general = meetings.get(db, meetings.list_meetings(db, kinds=(meetings.GENERAL,))[-1].meeting.id)
    theme = meetings.get(db, meetings.list_meetings(db, kinds=(meetings.THEME_DAY,))[-1].meeting.id)
    sheet = signin_sheet(db, general)
    roster = _roster_file(members.list_members(db)[:20])
    from branchdesk.core import recruitment
    recruit = recruitment.list_recruits(db)[-1]
    return [
        ("recruit", lambda: PersonDialog(db, recruit, window)),
        ("recruit_step", lambda: StepDialog(db, recruit, recruitment.GENERAL_MEETING, window)),
        ("recruit_entry", lambda: EntryDialog(db, recruit, parent=window)),
        ("member", lambda: MemberDialog(db, person, window)),
        ("member_new", lambda: MemberDialog(db, None, window)),
        ("meeting", lambda: MeetingDialog(db, general, window)),
        ("meeting_new", lambda: MeetingDialog(db, None, window)),
        ("theme_day", lambda: MeetingDialog(db, theme, window)),
        ("talk", lambda: TalkDialog(db, talks.list_talks(db)[0], window)),
        ("appraisal", lambda: AppraisalDialog(db, window, year=date.today().year - 1)),
        ("profile", lambda: ProfileDialog(db, window)),
        ("profile_first_run", lambda: ProfileDialog(db, window, first_run=True)),
        ("rules", lambda: RulesDialog(db, window)),
        ("ledger", lambda: LedgerDialog(db, window)),
        ("package", lambda: PackageDialog(db, window)),
        ("restore", lambda: RestoreDialog(db.path, window)),
        ("backup_settings", lambda: BackupSettingsDialog(db, window)),
        ("status", lambda: StatusDialog(db, person, window)),
        ("password", lambda: PasswordDialog(db, window)),
        ("unlock", lambda: UnlockDialog(db.path, window)),
        ("recovery_key", lambda: RecoveryKeyDialog("-".join(["ABCDE"] * 11), window)),
        ("recovery_reset", lambda: RecoveryResetDialog(db.path, window)),
        ("import", lambda: ImportDialog(db, roster, window)),
        ("welcome", lambda: WelcomeDialog(window)),
        ("dues_quick", lambda: dues_dialogs.QuickEntryDialog(
            db, members.list_members(db), f"{date.today():%Y-%m}", window)),
        ("dues_payment", lambda: dues_dialogs.PaymentDialog(db, person, f"{date.today():%Y-%m}",
                                                            window)),
        ("dues_base", lambda: dues_dialogs.BaseDialog(db, person, date.today().year, window)),
        ("dues_relief", lambda: dues_dialogs.ReliefDialog(db, person, f"{date.today():%Y-%m}",
                                                          window)),
        ("dues_approval", lambda: dues_dialogs.ApprovalDialog(db, person, window)),
        ("dues_settings", lambda: dues_dialogs.DuesSettingsDialog(db, window)),
        ("print_preview", lambda: make_preview_dialog(
            window, lambda device: paint_signin(device, sheet), sheet.title)),
    ]


def _roster_file(people) -> Path:
    """A roster workbook of the demo's (fictional) people under new names."""
    import openpyxl

    path = Path(tempfile.mkdtemp(prefix="branchdesk-probe-")) / "花名册.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["姓名", "性别", "出生日期", "人员类别", "所在党小组", "入党时间", "转正时间"])
    for m in people:
        wb.active.append([m.name + "甲", m.gender, m.birth_date, m.category, m.group_name,
                          m.join_date, m.full_date])
    wb.save(path)
    return path


if __name__ == "__main__":
    sys.exit(main())
