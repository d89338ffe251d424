"""Files with our application_id but a schema we did not build are refused, untouched."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3

from branchdesk.core import driver
from pathlib import Path

import pytest

from branchdesk.cli import main
from branchdesk.core import backup, schema
from branchdesk.core.db import APPLICATION_ID, SCHEMA_VERSION, open_db
from branchdesk.core.errors import (BackupError, DamagedDatabaseError, DatabaseError,
                                    ForeignSchemaError)

from tests.core import hostile_corpus

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_stored_expected_schemas_are_what_the_migrations_build():
    from branchdesk.core.schema_expected import EXPECTED

    assert EXPECTED == schema.build_expected(), "run: python -m branchdesk.core.schema"


def _branch(path: Path) -> Path:
    open_db(path).close()
    return path


def _tamper(path: Path, *statements: str) -> str:
    return _digest(hostile_corpus.alter(path, *statements))


PLANTED = {
    "trigger": "CREATE TRIGGER t AFTER INSERT ON members BEGIN DELETE FROM meetings; END",
    "view": "CREATE VIEW v AS SELECT name, id_number FROM members",
    "table": "CREATE TABLE copied (name, id_number)",
    "index": "CREATE INDEX members_phone ON members(phone)",
    "dropped index": "DROP INDEX members_status",
    "added column": "ALTER TABLE members ADD COLUMN extra TEXT",
}


@pytest.mark.parametrize("what", PLANTED)
def test_planted_schema_objects_are_refused_everywhere(tmp_path, what):
    path = _branch(tmp_path / "branch.sqlite3")
    digest = _tamper(path, PLANTED[what])
    with pytest.raises(ForeignSchemaError, match="不是本软件的完整数据文件"):
        open_db(path)
    report = backup.inspect_file(path)
    assert not report.ok and "不是本软件的完整数据文件" in report.problem
    with pytest.raises(BackupError):
        backup.restore(path, tmp_path / "other.sqlite3")
    assert main(["verify", "--db", str(path)]) == 2
    assert _digest(path) == digest
    assert not (tmp_path / "other.sqlite3").exists()


def test_a_planted_trigger_never_fires_on_import(tmp_path):
    from tests.core.test_cli import roster

    path = _branch(tmp_path / "branch.sqlite3")
    digest = _tamper(path, "CREATE TABLE copied (name, id_number)",
                     "CREATE TRIGGER t AFTER INSERT ON members BEGIN "
                     "INSERT INTO copied VALUES (new.name, new.id_number); END")
    code = main(["import-members", str(roster(tmp_path / "r.xlsx", [["张三", "", "2001-07-01", "正式党员"]])), "--db", str(path)])
    assert code == 2 and _digest(path) == digest


def test_a_file_with_our_id_and_no_tables_is_refused(tmp_path):
    path = tmp_path / "empty.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    conn.close()
    digest = _digest(path)
    with pytest.raises(ForeignSchemaError):
        open_db(path)
    assert not backup.inspect_file(path).ok
    assert main(["meetings", "--db", str(path)]) == 2
    assert _digest(path) == digest


def test_an_existing_empty_file_is_never_initialised(tmp_path):
    path = tmp_path / "zero.sqlite3"
    path.write_bytes(b"")
    with pytest.raises(DamagedDatabaseError, match="0 字节"):  # the window offers a backup
        open_db(path)
    for command in (["meetings"], ["export-members", "-o", str(tmp_path / "m.xlsx")], ["backup"]):
        assert main([*command, "--db", str(path)]) == 2
    assert path.stat().st_size == 0
    assert not (tmp_path / "m.xlsx").exists()


def test_sqlites_own_statistics_table_is_allowed(tmp_path):
    path = _branch(tmp_path / "branch.sqlite3")
    _tamper(path, "ANALYZE")
    open_db(path).close()
    assert backup.inspect_file(path).ok


def test_a_failed_migration_leaves_the_file_exactly_as_it_was(tmp_path, monkeypatch):
    from branchdesk.core.migrations import migrations

    path = tmp_path / "branch.sqlite3"
    shutil.copyfile(FIXTURES / "schema-v1.sqlite3", path)
    digest = _digest(path)
    step = migrations._migrations[-1]

    def broken(db):
        db.execute("CREATE TABLE half_done (x)")
        raise driver.OperationalError("simulated failure")

    monkeypatch.setattr(step, "fn", broken)
    with pytest.raises(DatabaseError, match="文件保持原样"):
        open_db(path)
    assert _digest(path) == digest


def _write_schema(path: Path, *statements: str) -> str:
    """Change sqlite_master directly, as PRAGMA writable_schema allows any file to."""
    return _tamper(path, "PRAGMA writable_schema = ON", *statements)


def _rewrite_table(path: Path, table: str, old: str, new: str) -> str:
    """Replace ``old`` by ``new`` in ``table``'s stored CREATE text; the file's new digest."""
    conn = sqlite3.connect(path)
    sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", [table]).fetchone()[0]
    conn.close()
    assert old in sql
    quoted = sql.replace(old, new).replace("'", "''")
    return _write_schema(path, f"UPDATE sqlite_master SET sql = '{quoted}' WHERE name = '{table}'")


def test_a_trigger_with_a_reserved_name_is_refused_untouched(tmp_path):
    path = _branch(tmp_path / "branch.sqlite3")
    db = open_db(path)
    from branchdesk.core import members

    members.add(db, members.Member(name="张三"))
    db.close()
    digest = _write_schema(
        path, "INSERT INTO sqlite_master (type, name, tbl_name, rootpage, sql) VALUES "
              "('trigger', 'sqlite_x', 'members', 0, 'CREATE TRIGGER sqlite_x AFTER INSERT ON "
              "members BEGIN DELETE FROM members WHERE id <> new.id; END')")
    with pytest.raises(ForeignSchemaError):
        open_db(path)
    assert not backup.inspect_file(path).ok
    assert _digest(path) == digest


def test_a_dropped_check_constraint_is_refused(tmp_path):
    path = _branch(tmp_path / "branch.sqlite3")
    digest = _rewrite_table(path, "attendance", "CHECK (status IN ('出席', '请假', '缺席'))", "")
    with pytest.raises(ForeignSchemaError):
        open_db(path)
    assert _digest(path) == digest


def test_the_same_table_written_with_other_spaces_and_quotes_is_ours(tmp_path):
    path = _branch(tmp_path / "branch.sqlite3")
    _rewrite_table(path, "talks", "CREATE TABLE talks (", 'CREATE TABLE "talks"(\n\n  ')
    open_db(path).close()
    assert backup.inspect_file(path).ok


def test_a_newer_file_may_add_but_must_keep_what_this_version_reads(tmp_path):
    path = _branch(tmp_path / "branch.sqlite3")
    _tamper(path, f"PRAGMA user_version = {SCHEMA_VERSION + 1}", "CREATE TABLE future (x)",
            "ALTER TABLE members ADD COLUMN later TEXT")
    db = open_db(path)
    assert db.read_only
    db.close()
    digest = _tamper(path, "ALTER TABLE talks DROP COLUMN feedback")
    with pytest.raises(ForeignSchemaError):
        open_db(path)
    assert main(["talks", "--db", str(path)]) == 2
    assert _digest(path) == digest


def test_an_empty_sqlite_file_of_another_program_is_not_ours(tmp_path):
    path = tmp_path / "other.sqlite3"
    sqlite3.connect(path).execute("VACUUM")  # valid, empty, no application_id
    digest = _digest(path)
    with pytest.raises(DatabaseError, match="不是党支部工作台账的数据文件"):
        open_db(path)
    assert _digest(path) == digest


def test_a_new_file_appears_complete_or_not_at_all(tmp_path, monkeypatch):
    """A half-made new file would be refused ever after as 没有任何数据表."""
    from branchdesk.core.migrations import migrations

    def broken(db):
        raise driver.OperationalError("simulated failure")

    monkeypatch.setattr(migrations._migrations[-1], "fn", broken)
    folder = tmp_path / "data"
    folder.mkdir()
    with pytest.raises(DatabaseError):
        open_db(folder / "branch.sqlite3")
    assert list(folder.iterdir()) == []  # neither the file nor a temporary
    monkeypatch.undo()
    open_db(folder / "branch.sqlite3").close()
    assert [p.name for p in folder.iterdir()] == ["branch.sqlite3"]


def test_an_old_file_where_it_cannot_be_written_is_refused_not_half_read(tmp_path, monkeypatch):
    from branchdesk.core import db as db_module

    path = tmp_path / "old.sqlite3"
    shutil.copyfile(FIXTURES / "schema-v1.sqlite3", path)
    digest = _digest(path)
    monkeypatch.setattr(db_module, "_writable", lambda _path: False)
    with pytest.raises(DatabaseError, match="需要先升级结构"):
        open_db(path)
    assert _digest(path) == digest
