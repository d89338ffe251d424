"""PDFs of a meeting's sign-in sheet and minutes, callable from the command line.

Painting needs a QGuiApplication; the CLI has none, so ``ensure_gui_app`` makes one (offscreen
when there is no display) and keeps it for the life of the process.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QGuiApplication
from branchdesk.core.db import Database

from branchdesk.core import meetings
from branchdesk.core.printing import minutes_page, signin_sheet
from branchdesk.ui.print.minutes import write_minutes_pdf
from branchdesk.ui.print.signin import write_signin_pdf

_app: QGuiApplication | None = None


def export_signin_pdf(db: Database, meeting_id: int, path: Path | str) -> int:
    """Write the sign-in sheet of meeting ``meeting_id`` to ``path``; returns the page count.

    Raises NotFoundError for an unknown meeting and ExportError when the file cannot be written.
    """
    ensure_gui_app()
    return write_signin_pdf(signin_sheet(db, meetings.get(db, meeting_id)), path)


def export_minutes_pdf(db: Database, meeting_id: int, path: Path | str) -> int:
    """Write the minutes of meeting ``meeting_id`` to ``path``; returns the page count."""
    ensure_gui_app()
    return write_minutes_pdf(minutes_page(db, meetings.get(db, meeting_id)), path)


def export_recruit_pdf(db: Database, recruit_id: int, path: Path | str, *,
                       as_of=None) -> int:
    """Write the 发展党员全程纪实表 of pipeline person ``recruit_id`` to ``path``."""
    from datetime import date

    from branchdesk.core import recruitment, recruitment_print

    ensure_gui_app()
    page = recruitment_print.record_page(db, recruitment.get(db, recruit_id), as_of or date.today())
    return write_minutes_pdf(page, path)


def ensure_gui_app() -> QCoreApplication:
    """The running Qt application, or a new QGuiApplication (the print font registers itself
    when the first page is laid out).

    On Linux without a display the new application uses the offscreen platform, so the CLI
    works over SSH and in cron jobs.
    """
    global _app
    app = QCoreApplication.instance()
    if app is None:
        if sys.platform.startswith("linux") and not _has_display():
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        _app = app = QGuiApplication(["branchdesk"])
    return app


def _has_display() -> bool:
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
