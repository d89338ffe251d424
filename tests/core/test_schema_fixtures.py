"""Every released schema version opens and migrates with its data intact (tests/fixtures)."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from branchdesk import paths
from branchdesk.core import members
from branchdesk.core.db import open_db
from branchdesk.core.migrations import latest_version

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def test_there_is_a_fixture_for_every_schema_version():
    assert sorted(p.name for p in FIXTURES.glob("schema-v*.sqlite3")) == [
        f"schema-v{v}.sqlite3" for v in range(1, latest_version() + 1)]


def _rows(path: Path) -> dict[str, list[tuple]]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    tables = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "AND name != '_sqlite_migrations'")]
    rows = {}
    for table in tables:
        columns = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
        rows[table] = (columns, conn.execute(f"SELECT * FROM {table} ORDER BY rowid").fetchall())
    conn.close()
    return rows


@pytest.mark.parametrize("version", range(1, latest_version() + 1))
def test_fixture_opens_and_migrates_with_data_intact(tmp_path, version):
    path = tmp_path / "branch.sqlite3"
    shutil.copyfile(FIXTURES / f"schema-v{version}.sqlite3", path)
    old = _rows(path)
    db = open_db(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == latest_version()
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    for table, (columns, rows) in old.items():
        listing = ", ".join(columns)
        assert db.execute(f"SELECT {listing} FROM {table} ORDER BY rowid").fetchall() == rows
    assert {m.name for m in members.list_members(db)} == {"赵示例", "钱样本", "孙测试"}
    db.close()
    backups = list(paths.backups_dir(path).glob(f"branch-before-v{version + 1}-*.sqlite3"))
    assert len(backups) == (1 if version < latest_version() else 0)
    if backups:  # the copy made before migrating holds the old schema and data
        assert _rows(backups[0]) == old
