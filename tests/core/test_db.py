import sqlite3

from branchdesk.core import driver
import subprocess
import sys

import pytest

from branchdesk.core import members, settings
from branchdesk.core.db import APPLICATION_ID, open_db, schema_version
from branchdesk.core.errors import DatabaseError, ReadOnlyDatabaseError
from branchdesk.core.migrations import latest_version


def test_new_file_gets_schema_pragmas_and_application_id(db_path):
    db = open_db(db_path)
    assert schema_version(db) == latest_version()
    assert db.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert not db.read_only


def test_reopening_keeps_data(db_path):
    db = open_db(db_path)
    members.add(db, members.Member(name="张三"))
    db.close()
    assert [m.name for m in members.list_members(open_db(db_path))] == ["张三"]


def _bump_version(db_path, version):
    conn = sqlite3.connect(db_path)
    conn.execute(f"PRAGMA user_version = {version}")
    conn.commit()
    conn.close()


def test_file_from_newer_version_opens_read_only_and_is_never_written(db_path):
    db = open_db(db_path)
    members.add(db, members.Member(name="张三"))
    db.close()
    _bump_version(db_path, latest_version() + 1)
    before = db_path.read_bytes()
    db = open_db(db_path)
    assert db.read_only
    assert "更新版本" in str(db.read_only_reason)
    assert [m.name for m in members.list_members(db)] == ["张三"]
    with pytest.raises(ReadOnlyDatabaseError):
        members.add(db, members.Member(name="李四"))
    with pytest.raises(ReadOnlyDatabaseError):
        settings.put(db, {"branch_name": "x"})
    db.close()
    assert db_path.read_bytes() == before


def test_foreign_sqlite_file_is_refused_untouched(db_path):
    conn = sqlite3.connect(db_path)
    conn.execute("CREATE TABLE other (x)")
    conn.commit()
    conn.close()
    before = db_path.read_bytes()
    with pytest.raises(DatabaseError, match="不是党支部工作台账的数据文件"):
        open_db(db_path)
    assert db_path.read_bytes() == before


def test_garbage_file_is_refused_with_message(db_path):
    db_path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(DatabaseError, match="不是有效的数据库文件"):
        open_db(db_path)


def test_missing_file_without_create(db_path):
    with pytest.raises(DatabaseError, match="找不到数据文件"):
        open_db(db_path, create=False)


def test_old_schema_is_migrated_with_backup_and_data_intact(db_path, tmp_path):
    from branchdesk.core.migrations import migrations

    conn = sqlite3.connect(db_path)
    from sqlite_utils import Database

    db = Database(conn)
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    migrations.apply(db, stop_before="0002_meetings")
    db.execute("INSERT INTO members (name, category, created_at, updated_at) "
               "VALUES ('王五', '正式党员', 'x', 'x')")
    db.conn.commit()
    db.close()
    assert sqlite3.connect(db_path).execute("PRAGMA user_version").fetchone()[0] == 1
    db = open_db(db_path)
    assert schema_version(db) == latest_version()
    assert [m.name for m in members.list_members(db)] == ["王五"]
    backups = list((tmp_path / "backups").glob("*before-v2*.sqlite3"))
    assert len(backups) == 1
    old = sqlite3.connect(backups[0])
    assert old.execute("SELECT name FROM members").fetchall() == [("王五",)]


def test_failed_migration_leaves_old_schema(db_path, monkeypatch):
    from sqlite_utils import Database

    from branchdesk.core import migrations as mig

    conn = sqlite3.connect(db_path)
    db = Database(conn)
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    mig.migrations.apply(db, stop_before="0002_meetings")
    db.close()
    original = mig.migrations._migrations[1].fn

    def broken(db):
        original(db)
        raise driver.OperationalError("simulated failure half-way")

    monkeypatch.setattr(mig.migrations._migrations[1], "fn", broken)
    with pytest.raises(DatabaseError, match="升级数据文件结构失败"):
        open_db(db_path)
    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "meetings" not in tables and "members" in tables


def test_schema_version_matches_the_migration_steps():
    from branchdesk.core import db as db_module

    assert db_module.SCHEMA_VERSION == latest_version()


def test_each_step_sets_the_version_to_its_place_in_the_list(tmp_path):
    """Steps appended by different changes cannot both claim the same version unnoticed."""
    from sqlite_utils import Database

    from branchdesk.core.migrations import migrations

    names = [step.name for step in migrations._migrations]
    for position, name in enumerate(names, start=1):
        db = Database(sqlite3.connect(tmp_path / f"step{position}.sqlite3"))
        migrations.apply(db, stop_before=names[position:])
        assert db.execute("PRAGMA user_version").fetchone()[0] == position, name
        db.close()


def test_reading_an_up_to_date_file_does_not_import_sqlite_utils(db_path):
    """Start-up speed (bench/): the 工作台 reads without sqlite-utils; the first save loads it."""
    open_db(db_path).close()  # create and migrate
    code = (
        "import sys, datetime\n"
        "from branchdesk.core import db, rules, members, settings\n"
        f"d = db.open_db({str(db_path)!r})\n"
        "rules.report(d, 2026, datetime.date(2026, 11, 29))\n"
        "members.count(d); settings.get(d, 'branch_name')\n"
        "assert 'sqlite_utils' not in sys.modules, 'read path imported sqlite_utils'\n"
        "with d.atomic():\n"
        "    d.execute(\"INSERT INTO settings (key, value) VALUES ('x', '1')\")\n"
        "assert 'sqlite_utils' in sys.modules\n"
        "assert d.execute(\"SELECT value FROM settings WHERE key = 'x'\").fetchone()[0] == '1'\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
