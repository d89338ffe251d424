"""导出到U盘: the dialog lists sticks and chosen folders, shows the folder and the size against
the free space, writes the package end to end (real PDF painters in the worker thread), and
handles 取消, errors, a read-only stick and too little space."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QPushButton

from branchdesk.core.drives import Drive
from branchdesk.core.package import (CANCELLED_TEXT, MANIFEST, UNFINISHED, PdfWriters,
                                     read_manifest)
from branchdesk.ui import folders
from branchdesk.ui.dialogs import package_dialog
from branchdesk.ui.dialogs.package_dialog import NO_DRIVE, PackageDialog
from tests.core.package_helpers import sha256, temporaries, tree

TODAY = date(2026, 11, 29)
FOLDER = "示例市第一中学教工党支部台账_2026"
GB = 1 << 30


@pytest.fixture
def events(monkeypatch):
    seen = {"done": [], "opened": [], "errors": [], "info": [], "confirm": []}
    monkeypatch.setattr(folders, "ask_open_folder",
                        lambda parent, title, text: seen["done"].append(text) or True)
    monkeypatch.setattr(QDesktopServices, "openUrl",
                        lambda url: seen["opened"].append(url.toLocalFile()) or True)
    monkeypatch.setattr(package_dialog, "show_error",
                        lambda parent, error, *a: seen["errors"].append(str(error)))
    monkeypatch.setattr(QMessageBox, "information",
                        lambda parent, title, text, *a: seen["info"].append(text))
    monkeypatch.setattr(package_dialog, "confirm",
                        lambda parent, title, text, yes="": seen["confirm"].append(text) or False)
    return seen


def make_dialog(demo_db, qtbot, drives=()):
    widget = PackageDialog(demo_db, today=TODAY, find_drives=lambda: list(drives))
    qtbot.addWidget(widget)
    return widget


def choose(dialog, folder: Path, monkeypatch) -> None:
    monkeypatch.setattr(package_dialog.QFileDialog, "getExistingDirectory",
                        lambda *a, **k: str(folder))
    dialog.choose_folder()


def test_without_a_stick_nothing_can_start(app, demo_db, qtbot):
    dialog = make_dialog(demo_db, qtbot)
    assert dialog.targets.count() == 0 and dialog.targets.placeholderText() == "未发现U盘"
    assert not dialog.start_button.isEnabled() and dialog.folder_label.text() == NO_DRIVE
    assert dialog.mask.isChecked() and dialog.year.value() == 2026


def test_sticks_are_listed_and_refreshed(app, demo_db, qtbot, tmp_path):
    plugged = [Drive(tmp_path, "KINGSTON", 12 * GB, 16 * GB)]
    dialog = PackageDialog(demo_db, today=TODAY, find_drives=lambda: list(plugged))
    qtbot.addWidget(dialog)
    assert dialog.targets.currentText().startswith("KINGSTON（")
    assert dialog.folder_label.text() == str(tmp_path / FOLDER)
    assert "剩余空间 12.0 GB" in dialog.size_label.text() and dialog.start_button.isEnabled()
    plugged.insert(0, Drive(Path("/media/x/OTHER"), "OTHER", GB, GB))
    dialog.refresh_drives()
    assert dialog.targets.count() == 2 and dialog.current_drive().label == "KINGSTON"


def test_end_to_end_into_another_folder(app, demo_db, qtbot, tmp_path, events, monkeypatch):
    dialog = make_dialog(demo_db, qtbot)
    choose(dialog, tmp_path, monkeypatch)
    assert dialog.current_drive().path == tmp_path and dialog.start_button.isEnabled()
    assert "个文件" in dialog.size_label.text()
    started = time.perf_counter()
    dialog.start()
    elapsed = time.perf_counter() - started
    folder = tmp_path / FOLDER
    assert dialog.result is not None and dialog.result.folder == folder
    files = tree(folder)
    pdfs = [n for n in files if n.startswith(("签到表/", "会议记录/"))]
    assert len(pdfs) == 116 and all(files[n].startswith(b"%PDF") for n in pdfs)
    rows = read_manifest(folder / MANIFEST)
    assert {r.name for r in rows} == set(files) - {MANIFEST}
    assert all(r.sha256 == sha256(files[r.name]) for r in rows)
    assert events["done"] == [dialog.result.summary()] and events["opened"] == [str(folder)]
    assert "已隐藏" in events["done"][0] and not events["errors"]
    print(f"demo package with real PDFs through the dialog: {elapsed:.1f} s")


def slow_writers(delay: float = 0.02) -> PdfWriters:
    def write(layout) -> bytes:
        time.sleep(delay)
        return b"%PDF-1.4 slow"

    return PdfWriters(signin=write, minutes=write)


def click_cancel(progress: QProgressDialog) -> None:
    button = next(b for b in progress.findChildren(QPushButton) if b.text() == "取消")
    button.click()


def test_cancel_in_the_progress_dialog(app, demo_db, qtbot, tmp_path, events, monkeypatch):
    monkeypatch.setattr(package_dialog, "pdf_writers", slow_writers)
    dialog = make_dialog(demo_db, qtbot)
    choose(dialog, tmp_path, monkeypatch)
    QTimer.singleShot(500, lambda: click_cancel(dialog.findChild(QProgressDialog)))
    dialog.start()
    assert events["info"] == [CANCELLED_TEXT] and dialog.result is None
    assert (tmp_path / FOLDER / UNFINISHED).is_file() and not temporaries(tmp_path)
    assert not (tmp_path / FOLDER / MANIFEST).exists()


def test_errors_are_shown_and_the_dialog_stays(app, demo_db, qtbot, tmp_path, events,
                                               monkeypatch):
    monkeypatch.setattr(package_dialog, "pdf_writers", slow_writers)
    target = tmp_path / "stick"
    target.mkdir()
    dialog = make_dialog(demo_db, qtbot)
    choose(dialog, target, monkeypatch)
    target.rmdir()  # pulled out before 开始导出
    dialog.start()
    assert len(events["errors"]) == 1 and "U盘可能已被拔出" in events["errors"][0]
    assert dialog.result is None


def test_a_read_only_stick_cannot_start(app, demo_db, qtbot, tmp_path):
    dialog = make_dialog(demo_db, qtbot, [Drive(tmp_path, "LOCKED", GB, GB, read_only=True)])
    assert not dialog.start_button.isEnabled()
    assert "只读" in dialog.size_label.text()


def test_too_little_space_warns_and_asks(app, demo_db, qtbot, tmp_path, events):
    dialog = make_dialog(demo_db, qtbot, [Drive(tmp_path, "TINY", 1000, 2000)])
    assert "空间可能不够" in dialog.size_label.text() and dialog.start_button.isEnabled()
    dialog.start()
    assert events["confirm"] and not (tmp_path / FOLDER).exists()


def test_an_existing_package_is_announced(app, demo_db, qtbot, tmp_path):
    (tmp_path / FOLDER).mkdir()
    dialog = make_dialog(demo_db, qtbot, [Drive(tmp_path, "K", GB, GB)])
    assert "已存在" in dialog.folder_label.text()


def test_the_year_changes_the_folder_and_estimate(app, demo_db, qtbot, tmp_path):
    dialog = make_dialog(demo_db, qtbot, [Drive(tmp_path, "K", GB, GB)])
    before = dialog.size_label.text()
    dialog.year.setValue(2025)
    assert dialog.folder_label.text().endswith("台账_2025")
    assert dialog.size_label.text() != before
