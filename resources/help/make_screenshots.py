"""Draws the pictures of the 使用说明 (index.html beside this file) from the fictional 演示支部.

    python resources/help/make_screenshots.py [--out FOLDER]

Run it from the repository root after changing a window the guide shows: it writes the PNGs
next to index.html (or into FOLDER), offscreen, and reads or writes nothing outside a
temporary folder, where it creates the demo branch. The pictures are 256-colour PNGs (a
screenshot of a dialog has few colours) so the whole guide stays small; tests/ui/test_help.py
checks that every picture index.html shows is one this script makes.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
MAX_WIDTH = 840  # fits the guide's window; wider pictures (only the print preview) are scaled down


def shots(db, work: Path) -> dict:
    """Picture name -> a function that returns the widget to photograph, shown."""
    return {"welcome.png": lambda: _welcome(), "import.png": lambda: _import(db, work),
            "meeting.png": lambda: _meeting(db), "signin.png": lambda: _signin(db),
            "package.png": lambda: _package(db), "restore.png": lambda: _restore(db, work),
            "password.png": lambda: _password(db), "recovery-key.png": _recovery_key,
            "dashboard.png": lambda: _dashboard(db)}


def _welcome():
    from branchdesk.ui.startup import WelcomeDialog

    return WelcomeDialog()


def _import(db, work: Path):
    """A fresh branch importing the demo roster, one ID number spoilt the way Excel does it."""
    import openpyxl

    from branchdesk.core.db import open_db
    from branchdesk.core.ledger.roster import export_members
    from branchdesk.ui.dialogs.import_dialog import ImportDialog

    roster = work / "支部党员花名册.xlsx"
    export_members(db, roster)
    book = openpyxl.load_workbook(roster)
    sheet = book.active
    id_column = next(c.column for row in sheet.iter_rows(max_row=6) for c in row
                     if c.value in ("公民身份号码", "身份证号"))
    header_row = next(c.row for row in sheet.iter_rows(max_row=6) for c in row
                      if c.value in ("公民身份号码", "身份证号"))
    sheet.cell(header_row + 3, id_column).value = 1.10105e17
    book.save(roster)
    dialog = ImportDialog(open_db(work / "new-branch.sqlite3"), roster)
    dialog.resize(840, 540)
    return dialog


def _meeting(db):
    from branchdesk.core import meetings
    from branchdesk.ui.dialogs.meeting_dialog import MeetingDialog

    summary = next(s for s in meetings.list_meetings(db, kinds=(meetings.GENERAL,))
                   if s.counts.leave and not s.meeting.is_planned())
    dialog = MeetingDialog(db, meetings.get(db, summary.meeting.id))
    dialog.resize(840, 600)
    return dialog


def _signin(db):
    from branchdesk.core import meetings
    from branchdesk.core.printing import signin_sheet
    from branchdesk.ui.print.preview import make_preview_dialog
    from branchdesk.ui.print.signin import paint_signin

    summary = meetings.list_meetings(db, kinds=(meetings.GENERAL,))[0]
    sheet = signin_sheet(db, meetings.get(db, summary.meeting.id))
    dialog = make_preview_dialog(None, lambda device: paint_signin(device, sheet), sheet.title)
    dialog.resize(760, 820)
    return dialog


def _package(db):
    from branchdesk.core.drives import Drive
    from branchdesk.ui.dialogs.package_dialog import PackageDialog

    stick = Drive(Path("/media/U盘"), "U盘", 12_300 * 1024 ** 2, 14_900 * 1024 ** 2)
    return PackageDialog(db, find_drives=lambda: [stick])


def _restore(db, work: Path):
    from branchdesk import paths
    from branchdesk.core import backup
    from branchdesk.ui.dialogs.backup_dialog import RestoreDialog

    backup.make_backup(db.path, paths.backups_dir(db.path))
    dialog = RestoreDialog(db.path)
    dialog.resize(800, 260)
    return dialog


def _password(db):
    from branchdesk.ui.dialogs.password_dialog import PasswordDialog

    return PasswordDialog(db)


def _recovery_key():
    from branchdesk.core import keys
    from branchdesk.ui.dialogs.unlock_dialog import RecoveryKeyDialog

    return RecoveryKeyDialog(keys.recovery_key(bytes(range(32))))  # an example, not a real key


def _dashboard(db):
    from branchdesk.ui.main_window import MainWindow

    window = MainWindow(db)
    window.file_label.setText("数据文件：演示支部（虚构数据）")  # not the temporary folder's path
    window.resize(800, 700)
    window.show()
    window.dashboard_tab.refresh()  # rows sized for this width
    return window


def photograph(widget, path: Path) -> None:
    """Show ``widget``, let it lay out and paint, save it as a 256-colour PNG, close it."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage
    from PySide6.QtWidgets import QApplication

    widget.show()
    for _ in range(5):
        QApplication.processEvents()
    image = widget.grab().toImage()
    if image.width() > MAX_WIDTH:
        image = image.scaledToWidth(MAX_WIDTH, Qt.TransformationMode.SmoothTransformation)
    image = image.convertToFormat(QImage.Format.Format_Indexed8,
                                  Qt.ImageConversionFlag.ThresholdDither
                                  | Qt.ImageConversionFlag.AvoidDither)
    if not image.save(str(path), "PNG", 0):
        raise SystemExit(f"cannot write {path}")
    widget.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE, help="where to write the PNGs")
    parser.add_argument("names", nargs="*", help="only these pictures (default: all)")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        os.environ["BRANCHDESK_HOME"] = str(work)  # the demo branch and its backups go here
        from branchdesk.core import demo
        from branchdesk.ui.app import create_app

        create_app()
        db = demo.create_demo(work / "demo-branch.sqlite3")
        todo = shots(db, work)
        args.out.mkdir(parents=True, exist_ok=True)
        for name in args.names or todo:
            photograph(todo[name](), args.out / name)
            print(args.out / name)
        db.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
