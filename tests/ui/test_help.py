"""The 使用说明: opens at the section asked for, from the keys, the “这是什么？” links and
dialogs; its pictures exist, are small and come from the screenshot script; start-up does not
load it."""

from __future__ import annotations

import os
import re
import struct
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from branchdesk.ui import help as guide
from branchdesk.ui.widgets import HelpLink
from tests.ui.dialogs import caught

ROOT = Path(__file__).resolve().parents[2]
HELP = ROOT / "resources" / "help"
HTML = (HELP / "index.html").read_text(encoding="utf-8")
PICTURES = re.findall(r'<img src="([^"]+)"', HTML)


@pytest.fixture
def window(shown_window):
    return shown_window


def top_heading(shown: guide.HelpWindow) -> str:
    """The text of the first heading at or below the top of the view."""
    block = shown.browser.cursorForPosition(shown.browser.viewport().rect().topLeft()).block()
    while block.isValid() and block.blockFormat().headingLevel() != 2:
        block = block.next()
    return block.text()


def test_guide_opens_at_the_section_asked_for(window, qtbot):
    shown = guide.show_help("late", window)
    qtbot.waitExposed(shown)
    assert shown.parentWidget() is window and shown.isWindow()
    assert top_heading(shown) == "什么是“补录”"
    assert [i.text() for i in shown.contents.selectedItems()] == ["什么是“补录”"]
    assert guide.show_help("backup", window) is shown  # one guide per window
    assert top_heading(shown) == "备份与恢复"
    shown.back_button.click()
    assert top_heading(shown) == "什么是“补录”"


def test_contents_list_every_section_of_the_guide(window):
    shown = guide.show_help("", window)
    titles = [shown.contents.item(i).text() for i in range(shown.contents.count())]
    assert titles == re.findall(r'<h2><a name="[^"]+">([^<]+)</a></h2>', HTML)
    assert {"first-run", "import", "meeting", "late", "signin", "export", "backup", "password",
            "dashboard", "keys"} <= dict(shown.sections()).keys()


def test_every_section_the_app_points_to_exists(window):
    """The sections named in the code (“这是什么？” links, F1 per tab and dialog) are in the guide."""
    code = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "branchdesk").rglob("*.py"))
    named = set(re.findall(r'HelpLink\("([\w-]+)"', code)) | set(guide.SECTION_FOR.values())
    assert named and named <= dict(guide.show_help("", window).sections()).keys()


def test_dashboard_link_explains_the_missing_cells(window, qtbot):
    link = window.dashboard_tab.findChild(HelpLink)
    assert "缺" in link.text() and "缺" in link.toolTip()
    link.linkActivated.emit(link.text())
    shown = window._help_window
    assert shown.isVisible() and top_heading(shown) == "工作台：颜色和“缺”"
    grid = window.dashboard_tab.grid
    missing = [grid.item(r, c) for r in range(grid.rowCount()) for c in range(12)
               if grid.item(r, c) is not None and grid.item(r, c).text() == "缺"]
    assert missing and all("所以标为“缺”" in item.toolTip() for item in missing)


def test_late_link_in_a_meeting_opens_the_guide_over_the_dialog(window, qtbot):
    from datetime import date

    from branchdesk.core import meetings

    tab = window.meetings_tab
    tab.ensure_filled()
    late = next(s for s in meetings.list_meetings(window.db, year=date.today().year)
                if s.meeting.late_entry)
    assert tab.findChild(HelpLink).section == "late"
    opened = []

    def in_dialog(dialog):
        assert dialog.late_help.isVisible()
        dialog.late_help.linkActivated.emit("#late")
        opened.append(dialog._help_window)
        assert opened[0].parentWidget() is dialog  # usable while the dialog is open
        assert top_heading(opened[0]) == "什么是“补录”"

    tab._reveal(late.meeting)
    caught(tab.edit_selected, in_dialog)
    assert opened


def test_pictures_are_there_and_small():
    assert PICTURES
    total = 0
    for name in PICTURES:
        data = (HELP / name).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n", name
        width, height = struct.unpack(">II", data[16:24])
        assert width <= 840 and height <= 900, name
        assert len(data) <= 80_000, name
        total += len(data)
    assert total <= 300_000
    assert sorted(p.name for p in HELP.glob("*.png")) == sorted(PICTURES)  # none left over


def test_screenshot_script_makes_every_picture(tmp_path):
    """The pictures come from the script (so they can be made again when a window changes)."""
    out = tmp_path / "pictures"
    subprocess.run([sys.executable, str(HELP / "make_screenshots.py"), "--out", str(out)],
                   check=True, capture_output=True, cwd=ROOT, timeout=120)
    assert sorted(p.name for p in out.glob("*.png")) == sorted(PICTURES)


def test_start_up_neither_imports_nor_reads_the_guide(tmp_path):
    code = (
        "import sys\n"
        "from branchdesk.core import demo\n"
        "from branchdesk.ui.app import create_app\n"
        "from branchdesk.ui.main_window import MainWindow\n"
        "app = create_app()\n"
        f"w = MainWindow(demo.create_demo(r'{tmp_path / 'demo.sqlite3'}'))\n"
        "w.show(); app.processEvents()\n"
        "print('branchdesk.ui.help' in sys.modules)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, timeout=120,
                            env={**os.environ, "QT_QPA_PLATFORM": "offscreen",
                                 "BRANCHDESK_HOME": str(tmp_path)})
    assert result.stdout.strip().splitlines()[-1] == "False", result.stderr


def test_help_menu_opens_the_guide(window):
    bar_actions = window.menuBar().actions()  # kept: PySide6 6.9 loses menu() otherwise
    help_menu = bar_actions[-1].menu()
    [entry] = [a for a in help_menu.actions() if a.text() == "使用说明(&H)"]
    entry.trigger()
    assert window._help_window.isVisible()
    assert QApplication.activeModalWidget() is None
