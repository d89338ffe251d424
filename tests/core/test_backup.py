"""Verified backups, restore, and recovery from a damaged database file."""

from __future__ import annotations

import sqlite3

from branchdesk.core import driver
from datetime import date, datetime
from pathlib import Path

import pytest

from branchdesk import paths
from branchdesk.core import backup, demo, members, settings
from branchdesk.core.db import APPLICATION_ID, open_db
from branchdesk.core.errors import BackupError, DamagedDatabaseError
from branchdesk.core.migrations import latest_version

POLICY = backup.Policy()


@pytest.fixture
def demo_path(tmp_path):
    path = tmp_path / "branch.sqlite3"
    demo.create_demo(path, today=date(2026, 11, 29)).close()
    return path


def counts(path):
    return backup.record_counts(path)


def corrupt_page(path, page: int = 3) -> None:
    """Overwrite one whole page (not page 1, so the file still looks like SQLite)."""
    size = sqlite3.connect(path).execute("PRAGMA page_size").fetchone()[0]
    with open(path, "r+b") as handle:
        handle.seek((page - 1) * size)
        handle.write(b"\xa5" * size)


def test_backup_is_verified_and_named_by_time(demo_path):
    target = backup.make_backup(demo_path, now=datetime(2026, 11, 29, 23, 15, 0))
    assert target == paths.backups_dir(demo_path) / "branch-20261129-231500.sqlite3"
    report = backup.check_file(target)
    assert report.ok and report.version == latest_version()
    assert report.counts == counts(demo_path) and report.counts["members"] > 0
    assert not list(target.parent.glob("*.partial"))


def test_two_backups_in_one_second_get_distinct_names(demo_path):
    when = datetime(2026, 11, 29, 23, 15, 0)
    first = backup.make_backup(demo_path, now=when)
    second = backup.make_backup(demo_path, now=when)
    assert first != second and second.name == "branch-20261129-231500-2.sqlite3"
    assert [b.path for b in backup.list_backups(demo_path)] == [second, first]


def test_backup_to_another_folder(demo_path, tmp_path):
    stick = tmp_path / "usb"
    target = backup.make_backup(demo_path, stick)
    assert target.parent == stick and backup.check_file(target).ok


def test_failure_before_rename_leaves_no_file_under_a_final_name(demo_path, monkeypatch):
    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(backup.os, "replace", broken_replace)
    with pytest.raises(BackupError, match="备份没有完成"):
        backup.make_backup(demo_path)
    folder = paths.backups_dir(demo_path)
    assert list(folder.iterdir()) == []


def test_copy_that_fails_the_check_is_never_renamed(demo_path, monkeypatch):
    real_copy = backup.copy_database

    def damaging_copy(source, target):  # as if the disk garbled the copy
        real_copy(source, target)
        corrupt_page(target)

    monkeypatch.setattr(backup, "copy_database", damaging_copy)
    with pytest.raises(BackupError, match="没有通过完整性检查"):
        backup.make_backup(demo_path)
    assert list(paths.backups_dir(demo_path).iterdir()) == []


def test_damaged_database_is_not_backed_up_over_good_backups(demo_path):
    good = backup.make_backup(demo_path, now=datetime(2026, 11, 28, 9, 0, 0))
    corrupt_page(demo_path)
    with pytest.raises(BackupError, match="可能已损坏"):
        backup.backup_now(demo_path, POLICY)
    assert [b.path for b in backup.list_backups(demo_path)] == [good]


def test_file_from_a_newer_version_can_be_backed_up_not_restored(demo_path, tmp_path):
    newer = tmp_path / "newer.sqlite3"
    _too_new(newer, demo_path)
    copy = backup.make_backup(newer, tmp_path / "usb")
    assert backup.inspect_file(copy, allow_newer=True).ok
    with pytest.raises(BackupError, match="更新版本"):
        backup.restore(copy, demo_path)


def test_stale_partials_are_removed_fresh_ones_kept(tmp_path, monkeypatch):
    import os

    old = tmp_path / "branch-20261129-231500.sqlite3.99.partial"
    fresh = tmp_path / f"branch-20261129-231501.sqlite3.{os.getppid()}.partial"  # a live writer
    old.write_bytes(b"x")
    fresh.write_bytes(b"x")
    os.utime(old, (0, 0))
    backup.remove_stale_partials(tmp_path)
    assert not old.exists() and fresh.exists()


def test_backup_only_when_changed_and_opening_is_not_a_change(demo_path):
    assert backup.backup_if_changed(demo_path, POLICY) is not None
    assert backup.backup_if_changed(demo_path, POLICY) is None
    open_db(demo_path).close()  # opening an unchanged file writes nothing
    assert backup.backup_if_changed(demo_path, POLICY) is None
    db = open_db(demo_path)
    members.add(db, members.Member(name="新同志"))
    db.close()
    assert backup.backup_if_changed(demo_path, POLICY) is not None


def test_deleting_the_last_backup_counts_as_changed(demo_path):
    target = backup.backup_if_changed(demo_path, POLICY)
    target.unlink()
    assert backup.backup_if_changed(demo_path, POLICY) is not None


def test_settings_change_is_a_change(demo_path):
    backup.backup_if_changed(demo_path, POLICY)
    db = open_db(demo_path)
    settings.put(db, {"branch_name": "改名后的支部"})
    db.close()
    assert backup.changed_since_last_backup(demo_path)


def test_backups_of_other_databases_in_the_folder_are_not_listed(demo_path, tmp_path):
    other = tmp_path / "branch-x.sqlite3"
    demo.create_demo(other, today=date(2026, 11, 29)).close()
    backup.make_backup(other)
    backup.make_backup(demo_path)
    assert [b.path.name.startswith("branch-2") for b in backup.list_backups(demo_path)] == [True]


# ---------------------------------------------------------------- restore

def test_restore_round_trips_record_counts(demo_path):
    saved = backup.make_backup(demo_path, now=datetime(2026, 11, 28, 9, 0, 0))
    expected = counts(saved)
    db = open_db(demo_path)
    members.add(db, members.Member(name="备份后新增"))
    db.execute("DELETE FROM talk_targets")
    db.execute("DELETE FROM talks")
    db.conn.commit()
    db.close()
    changed = counts(demo_path)
    assert changed != expected
    result = backup.restore(saved, demo_path)
    assert counts(demo_path) == expected
    assert not result.damaged and "before-restore" in result.saved.name
    assert counts(result.saved) == changed  # the replaced data is kept and listed
    assert backup.list_backups(demo_path)[0].tag == "before-restore"
    assert members.count(open_db(demo_path)) == expected["members"]


def test_restore_of_an_older_schema_migrates_on_next_open(demo_path, tmp_path):
    old = tmp_path / "old.sqlite3"
    fixture = Path(__file__).parent.parent / "fixtures" / "schema-v1.sqlite3"
    old.write_bytes(fixture.read_bytes())
    backup.restore(old, demo_path)
    db = open_db(demo_path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == latest_version()
    assert members.count(db) == 3


def _foreign(path):
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE other (x)")
    conn.commit()
    conn.close()


def _too_new(path, demo_path):
    path.write_bytes(demo_path.read_bytes())
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {latest_version() + 1}")
    conn.commit()
    conn.close()


@pytest.mark.parametrize("make, message", [
    (lambda p, d: p.write_bytes(b"not a database" * 500), "不是有效的数据库文件"),
    (lambda p, d: _foreign(p), "不是党支部工作台账的数据文件"),
    (_too_new, "更新版本"),
    (lambda p, d: (p.write_bytes(d.read_bytes()), corrupt_page(p)), "已损坏|不是有效"),
    (lambda p, d: p.write_bytes(d.read_bytes()[:8192]), "已损坏|不是有效"),
])
def test_restore_refuses_a_bad_file_and_changes_nothing(demo_path, tmp_path, make, message):
    bad = tmp_path / "bad.sqlite3"
    make(bad, demo_path)
    before = demo_path.read_bytes()
    with pytest.raises(BackupError, match=message):
        backup.restore(bad, demo_path)
    assert demo_path.read_bytes() == before
    assert not list(tmp_path.glob("*.partial"))
    assert backup.list_backups(demo_path) == []


def test_restore_failing_at_the_swap_leaves_the_database(demo_path, monkeypatch):
    saved = backup.make_backup(demo_path)
    db = open_db(demo_path)
    members.add(db, members.Member(name="备份后新增"))
    db.close()
    before = demo_path.read_bytes()
    real_replace = backup.os.replace

    def refuse_swap(src, dst):
        if str(dst) == str(demo_path):
            raise PermissionError("file in use")
        return real_replace(src, dst)

    monkeypatch.setattr(backup.os, "replace", refuse_swap)
    with pytest.raises(BackupError, match="恢复没有完成"):
        backup.restore(saved, demo_path)
    assert demo_path.read_bytes() == before
    assert not list(demo_path.parent.glob("*.partial"))


# ---------------------------------------------------------------- damaged database

def test_damaged_file_is_detected_at_open_and_not_written(demo_path):
    corrupt_page(demo_path)
    before = demo_path.read_bytes()
    with pytest.raises(DamagedDatabaseError, match="已损坏"):
        open_db(demo_path)
    assert demo_path.read_bytes() == before
    assert not (demo_path.parent / f"{demo_path.name}-journal").exists()


def test_newest_good_backup_replaces_a_damaged_file_kept_aside(demo_path):
    good = backup.make_backup(demo_path, now=datetime(2026, 11, 28, 9, 0, 0))
    newest = backup.make_backup(demo_path, now=datetime(2026, 11, 29, 9, 0, 0))
    corrupt_page(newest)  # the newest backup is damaged too: it must be skipped
    corrupt_page(demo_path)
    damaged_bytes = demo_path.read_bytes()
    info, result = backup.recover_from_newest_backup(demo_path)
    assert info.path == good
    assert result.damaged and "-damaged-" in result.saved.name
    assert result.saved.read_bytes() == damaged_bytes  # kept exactly as it was
    assert backup.inspect_file(demo_path).ok
    assert counts(demo_path) == counts(good)
    open_db(demo_path).close()


def test_no_good_backup_says_so_and_leaves_the_file(demo_path):
    corrupt_page(demo_path)
    before = demo_path.read_bytes()
    with pytest.raises(BackupError, match="没有找到可用的备份"):
        backup.recover_from_newest_backup(demo_path)
    assert demo_path.read_bytes() == before


def test_garbage_database_is_reported_as_damaged(db_path):
    db_path.write_bytes(b"\0" * 100 + b"garbage" * 1000)
    with pytest.raises(DamagedDatabaseError, match="不是有效的数据库文件"):
        open_db(db_path)


def test_power_cut_mid_transaction_is_rolled_back_at_open(demo_path):
    """A hot journal (the writer died mid-transaction) must not look like damage."""
    import subprocess
    import sys

    code = (
        "import os, sqlite3, sys\n"
        "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
        "c.execute('PRAGMA cache_size = 1')\n"
        "c.execute('BEGIN IMMEDIATE')\n"
        "c.execute(\"UPDATE members SET name = '改坏了'\")\n"
        "c.execute('CREATE TABLE junk (x)')\n"
        "for _ in range(200): c.execute('INSERT INTO junk VALUES (randomblob(4000))')\n"
        "os.kill(os.getpid(), 9)\n")
    before = counts(demo_path)
    subprocess.run([sys.executable, "-c", code, str(demo_path)])
    assert (demo_path.parent / f"{demo_path.name}-journal").exists()
    db = open_db(demo_path)
    assert "改坏了" not in [m.name for m in members.list_members(db, include_left=True)]
    assert db.execute("SELECT count(*) FROM sqlite_master WHERE name = 'junk'").fetchone()[0] == 0
    db.close()
    assert counts(demo_path) == before


def test_inspect_reports_counts_and_version(demo_path):
    report = backup.inspect_file(demo_path)
    assert report.ok and report.version == latest_version()
    assert "党员" in report.counts_text()
    conn = sqlite3.connect(demo_path)
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID



def test_a_busy_file_is_not_called_damaged(demo_path, monkeypatch):
    """Another program holding an exclusive lock must not bring the 'restore a backup' offer."""
    from branchdesk.core import db as db_module
    from branchdesk.core.errors import DatabaseError

    real_connect = db_module.connect_read_only

    def without_waiting(path, **kwargs):
        conn = real_connect(path, **kwargs)
        conn.execute("PRAGMA busy_timeout = 0")
        return conn

    monkeypatch.setattr(db_module, "connect_read_only", without_waiting)
    # The same SQLite build as the app's: two builds in one process do not see each other's
    # POSIX locks (another process would).
    other = driver.connect(str(demo_path), timeout=0)
    other.isolation_level = None
    other.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(DatabaseError, match="占用") as caught:
            open_db(demo_path)
        assert not isinstance(caught.value, DamagedDatabaseError)
    finally:
        other.execute("ROLLBACK")
        other.close()


def test_failed_swap_puts_a_damaged_file_back(demo_path, monkeypatch):
    saved = backup.make_backup(demo_path)
    corrupt_page(demo_path)
    damaged = demo_path.read_bytes()
    real_replace = backup.os.replace

    def refuse_copy_swap(src, dst):
        if str(src).endswith(".restoring.partial"):
            raise PermissionError("file in use")
        return real_replace(src, dst)

    monkeypatch.setattr(backup.os, "replace", refuse_copy_swap)
    with pytest.raises(BackupError, match="恢复没有完成"):
        backup.restore(saved, demo_path)
    assert demo_path.read_bytes() == damaged
    assert not list(demo_path.parent.glob("*-damaged-*"))


def test_leftovers_of_a_killed_copy_are_not_replayed(demo_path, tmp_path):
    target = tmp_path / "copy.sqlite3"
    target.write_bytes(b"half a file")
    (tmp_path / "copy.sqlite3-journal").write_bytes(b"\xd9\xd5\x05\xf9\x20\xa1\x63\xd7" + b"x" * 600)
    backup.copy_database(demo_path, target)
    assert backup.inspect_file(target).ok
