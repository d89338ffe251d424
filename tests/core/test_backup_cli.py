"""branchdesk backup / restore / verify, and the command line beside a running window."""

from __future__ import annotations

from datetime import date

import pytest

from branchdesk import paths
from branchdesk.cli import main
from branchdesk.core import backup, demo, members, single_writer
from branchdesk.core.db import open_db

from tests.core.test_backup import corrupt_page


@pytest.fixture
def demo_path(tmp_path):
    path = tmp_path / "branch.sqlite3"
    demo.create_demo(path, today=date(2026, 11, 29)).close()
    return path


def test_backup_into_the_history_and_to_a_folder(demo_path, tmp_path, capsys):
    assert main(["backup", "--db", str(demo_path)]) == 0
    out = capsys.readouterr().out
    assert "已备份到" in out and "党员" in out
    assert len(backup.list_backups(demo_path)) == 1
    stick = tmp_path / "usb"
    assert main(["backup", "--db", str(demo_path), "-o", str(stick)]) == 0
    [copy] = stick.glob("branch-*.sqlite3")
    assert backup.inspect_file(copy).ok


def test_verify_good_and_damaged(demo_path, capsys):
    assert main(["verify", "--db", str(demo_path)]) == 0
    out = capsys.readouterr().out
    assert "完好" in out and "党员" in out and "还没有备份" in out
    corrupt_page(demo_path)
    before = demo_path.read_bytes()
    assert main(["verify", "--db", str(demo_path)]) == 2
    assert "未通过" in capsys.readouterr().out
    assert demo_path.read_bytes() == before


def test_commands_on_a_damaged_file_exit_2_with_a_hint(demo_path, capsys):
    corrupt_page(demo_path)
    assert main(["meetings", "--db", str(demo_path)]) == 2
    err = capsys.readouterr().err
    assert "已损坏" in err and "branchdesk restore" in err


def test_restore_asks_nothing_and_keeps_the_replaced_file(demo_path, capsys):
    saved = backup.make_backup(demo_path)
    db = open_db(demo_path)
    members.add(db, members.Member(name="备份后新增"))
    db.close()
    assert main(["restore", str(saved), "--db", str(demo_path)]) == 0
    out = capsys.readouterr().out
    assert "已用" in out and "原数据文件已另存为备份" in out
    assert backup.record_counts(demo_path) == backup.record_counts(saved)
    [before_restore] = [b for b in backup.list_backups(demo_path) if b.tag == "before-restore"]
    assert backup.record_counts(before_restore.path)["members"] == \
        backup.record_counts(saved)["members"] + 1


def test_restore_over_a_damaged_file(demo_path, capsys):
    saved = backup.make_backup(demo_path)
    corrupt_page(demo_path)
    damaged = demo_path.read_bytes()
    assert main(["restore", str(saved), "--db", str(demo_path)]) == 0
    assert "已损坏的原文件另存为" in capsys.readouterr().out
    [aside] = demo_path.parent.glob("branch-damaged-*.sqlite3")
    assert aside.read_bytes() == damaged


def test_restore_refuses_a_bad_file(demo_path, tmp_path, capsys):
    bad = tmp_path / "not-a-backup.sqlite3"
    bad.write_text("hello")
    before = demo_path.read_bytes()
    assert main(["restore", str(bad), "--db", str(demo_path)]) == 2
    assert "不是有效的数据库文件" in capsys.readouterr().err
    assert demo_path.read_bytes() == before


def test_writing_commands_refuse_while_the_window_holds_the_file(demo_path, tmp_path, capsys):
    saved = backup.make_backup(demo_path)
    window_lock = single_writer.DatabaseLock(demo_path)  # stands for the running window
    window_lock.acquire()
    try:
        before = demo_path.read_bytes()
        assert main(["restore", str(saved), "--db", str(demo_path)]) == 2
        assert "正在被另一个党支部工作台账程序使用" in capsys.readouterr().err
        assert main(["demo", "--force", "--db", str(demo_path)]) == 2
        assert demo_path.read_bytes() == before
        # Reading still works, read-only; and so does a backup (it only reads).
        assert main(["meetings", "--db", str(demo_path)]) == 0
        assert main(["verify", "--db", str(demo_path)]) == 0
        assert main(["backup", "--db", str(demo_path)]) == 0
        assert demo_path.read_bytes() == before
    finally:
        window_lock.release()
    assert main(["restore", str(saved), "--db", str(demo_path)]) == 0


def test_cli_releases_its_lock_when_done(demo_path):
    assert main(["meetings", "--db", str(demo_path)]) == 0
    lock = single_writer.DatabaseLock(demo_path)
    lock.acquire()
    lock.release()


def test_backup_of_default_database_uses_the_home_folder(capsys):
    path = paths.default_db_path()
    demo.create_demo(path, today=date(2026, 11, 29)).close()
    assert main(["backup"]) == 0
    assert list((paths.home_dir() / "backups").glob("branchdesk-*.sqlite3"))
