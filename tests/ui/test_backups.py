"""Backups in the window: automatic ones, the restore dialog, and recovery at start."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from PySide6.QtWidgets import QMessageBox

from branchdesk import paths
from branchdesk.core import backup, demo, members, single_writer
from branchdesk.ui import backups as backups_ui
from branchdesk.ui import startup
from branchdesk.ui.dialogs import backup_dialog
from branchdesk.ui.dialogs.backup_dialog import RestoreDialog
from branchdesk.ui.main_window import MainWindow

from tests.core.test_backup import corrupt_page


@pytest.fixture
def quiet(monkeypatch):
    """Information boxes would wait for a click; record them instead."""
    shown = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: shown.append(a[2]))
    return shown


@pytest.fixture
def window(app, demo_db, qtbot):
    widget = MainWindow(demo_db)
    qtbot.addWidget(widget)
    return widget


def test_automatic_backup_only_when_changed(window):
    first = window.backups.run_auto()
    assert first is not None and backup.inspect_file(first).ok
    assert window.backups.run_auto() is None
    members.add(window.db, members.Member(name="新同志"))
    assert window.backups.run_auto() is not None
    assert "已自动备份" in window.statusBar().currentMessage()


def test_exit_backs_up_the_latest_changes(window):
    window.backups.run_auto()
    members.add(window.db, members.Member(name="关窗前录入"))
    path = window.db.path
    window.close()
    newest = backup.list_backups(path)[0]
    assert backup.record_counts(newest.path) == backup.record_counts(path)


def test_failed_automatic_backup_does_not_interrupt(window, monkeypatch):
    def fail(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(backup, "backup_if_changed", fail)
    assert window.backups.run_auto() is None
    assert "自动备份没有完成" in window.statusBar().currentMessage()


def test_the_demo_branch_is_not_backed_up(app, qtbot):
    db = demo.create_demo(startup.demo_path(), today=date(2026, 11, 29))
    window = MainWindow(db)
    qtbot.addWidget(window)
    assert window.backups.run_auto() is None and not window.backups.timer.isActive()


def test_backup_menu_is_in_the_file_menu(window):
    # Keep the QAction wrappers referenced: on PySide6 6.9, QAction.menu() of an action whose
    # Python wrapper has been collected returns a dead wrapper ("already deleted").
    bar_actions = window.menuBar().actions()
    file_menu = bar_actions[0].menu()
    [backup_action] = [a for a in file_menu.actions() if a.text() == "备份(&B)"]
    submenu = backup_action.menu()
    assert [a.text() for a in submenu.actions() if a.text()] == [
        "立即备份(&N)", "备份到…（如U盘）(&T)", "恢复备份(&R)…", "从备份文件恢复(&F)…", "备份设置(&S)…"]
    assert "锁定(&L)" in [a.text() for a in file_menu.actions()]


def test_backup_now_and_to_a_folder(window, tmp_path, quiet):
    target = backups_ui.backup_now(window)
    assert target.parent == paths.backups_dir(window.db.path) and "已备份到" in quiet[-1]
    stick = tmp_path / "usb"
    copy = backups_ui.backup_to(window, stick)
    assert copy.parent == stick and backup.inspect_file(copy).ok
    assert "安全弹出" in quiet[-1]


def test_restore_dialog_lists_backups_with_counts(window, qtbot):
    backup.make_backup(window.db.path, now=datetime(2026, 11, 28, 9, 30, 0))
    expected = backup.record_counts(window.db.path)
    dialog = RestoreDialog(window.db.path, window)
    qtbot.addWidget(dialog)
    model = dialog.model
    row = [model.index(0, c).data() for c in range(model.columnCount())]
    assert row[0] == "2026-11-28 09:30:00" and row[1] == "备份"
    assert row[3:] == [str(expected[t]) for t in backup.COUNTED_TABLES]
    dialog.choose_selected()
    assert dialog.chosen == backup.list_backups(window.db.path)[0].path


def test_restore_rebuilds_the_window_with_the_backup(window, qtbot, quiet):
    path = window.db.path
    single_writer.hold(path)
    try:
        saved = backup.make_backup(path, now=datetime(2026, 11, 28, 9, 30, 0))
        expected = backup.record_counts(saved)
        members.add(window.db, members.Member(name="备份后新增"))
        new_window = backups_ui.restore_from(window, saved, ask=False)
        qtbot.addWidget(new_window)
        assert new_window is not window and not window.isVisible() and new_window.isVisible()
        assert members.count(new_window.db) == expected["members"]
        assert single_writer.holds(path)  # the lock stays with the process for the same file
        assert "恢复前的数据已另存为" in quiet[-1]
        kinds = [b.tag for b in backup.list_backups(path)]
        assert "before-restore" in kinds
    finally:
        single_writer.release(path)


def test_restore_refuses_a_bad_file_and_keeps_the_window(window, tmp_path, monkeypatch):
    shown = []
    monkeypatch.setattr(backups_ui, "show_error", lambda parent, exc, *a: shown.append(str(exc)))
    bad = tmp_path / "bad.sqlite3"
    bad.write_text("not a backup")
    assert backups_ui.restore_from(window, bad, ask=False) is None
    assert "不是有效的数据库文件" in shown[0]
    assert members.count(window.db) > 0  # still open and working


# ---------------------------------------------------------------- damaged file at start

def test_damaged_file_at_start_is_replaced_by_the_newest_good_backup(app, monkeypatch, quiet):
    path = paths.default_db_path()
    demo.create_demo(path, today=date(2026, 11, 29)).close()
    good = backup.make_backup(path)
    corrupt_page(path)
    damaged = path.read_bytes()
    asked = []
    monkeypatch.setattr(backup_dialog, "_ask_recover", lambda *a: asked.append(a) or True)
    db = startup.open_start_database(None)
    try:
        assert asked and db is not None
        assert members.count(db) == backup.record_counts(good)["members"]
        [aside] = path.parent.glob("branchdesk-damaged-*.sqlite3")
        assert aside.read_bytes() == damaged
        assert "损坏的文件原样保留为" in quiet[-1]
    finally:
        db.close()
        single_writer.release(path)


def test_damaged_file_without_backup_is_left_alone(app, monkeypatch):
    path = paths.default_db_path()
    demo.create_demo(path, today=date(2026, 11, 29)).close()
    corrupt_page(path)
    before = path.read_bytes()
    shown = []
    monkeypatch.setattr(backup_dialog, "show_error", lambda parent, exc, *a: shown.append(str(exc)))
    assert startup.open_start_database(None) is None
    assert "没有找到可用的备份" in shown[0] and "已损坏" in shown[0]
    assert path.read_bytes() == before
    single_writer.release(path)


def test_declining_recovery_quits_without_touching_the_file(app, monkeypatch):
    path = paths.default_db_path()
    demo.create_demo(path, today=date(2026, 11, 29)).close()
    backup.make_backup(path)
    corrupt_page(path)
    before = path.read_bytes()
    monkeypatch.setattr(backup_dialog, "_ask_recover", lambda *a: False)
    assert startup.open_start_database(None) is None
    assert path.read_bytes() == before
    single_writer.release(path)


def test_backup_settings_dialog_saves_and_reschedules(window, qtbot):
    from branchdesk.core import settings
    from branchdesk.ui.dialogs.backup_dialog import BackupSettingsDialog

    dialog = BackupSettingsDialog(window.db, window)
    qtbot.addWidget(dialog)
    assert set(dialog.spins) == {s.key for s in settings.backup_settings()}
    dialog.spins["backup_interval_minutes"].setValue(15)
    dialog.spins["backup_keep_daily"].setValue(20)
    dialog.save()
    assert settings.get(window.db, "backup_keep_daily") == 20
    window.backups.apply_settings()
    assert window.backups.timer.interval() == 15 * 60_000
    assert window.backups.policy().keep_daily == 20
