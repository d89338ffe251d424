"""The hostile corpus: each file made in code and given to the CLI in its own process.

Each case asserts the exit code, the message, the time, the peak memory of that process
(ru_maxrss) and that the branch's database is byte-for-byte unchanged. The time and memory
bounds are the promise in docs/safety.md (10 s, 500 MB), with room for a busy machine.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import sys
from pathlib import Path

import pytest

from branchdesk.core.db import APPLICATION_ID, SCHEMA_VERSION, open_db

from tests.core import hostile_corpus, hostile_xlsx

MB = 2**20


def _run(args: list[str]) -> tuple[dict, str]:
    """The command in its own process (hostile_corpus.run_cli): its exit code, its CPU time (a
    shared machine's queue is not the file's doing) and its own peak memory. Measured inside the
    child, ru_maxrss would start at pytest's size, which Linux carries over fork and exec."""
    run = hostile_corpus.run_cli(args, Path(os.environ["BRANCHDESK_HOME"]))
    return {"code": run.code, "seconds": run.cpu, "peak_mb": run.peak_mb}, run.out + run.err


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _planted_trigger(db: Path) -> None:
    conn = sqlite3.connect(db)
    conn.execute("CREATE TRIGGER t AFTER INSERT ON members BEGIN DELETE FROM meetings; END")
    conn.commit()
    conn.close()


def _no_tables(db: Path) -> None:
    db.unlink()
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    conn.close()


ROSTER_ATTACKS = {
    "16000 columns": (lambda p: hostile_xlsx.wide_sheet(p, 13 * MB), "工作表过大"),
    "shared strings": (lambda p: hostile_xlsx.many_strings(p, 7 * MB), "文字内容表过大"),
    "styles": (lambda p: hostile_xlsx.many_styles(p, int(1.2 * MB)), "格式表过大"),
}


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="resource module is POSIX")
@pytest.mark.parametrize("attack", ROSTER_ATTACKS)
def test_oversized_workbook_parts_are_refused_quickly(tmp_path, attack):
    make, message = ROSTER_ATTACKS[attack]
    db = tmp_path / "b.sqlite3"
    open_db(db).close()
    before = _digest(db)
    outcome, said = _run(["import-members", str(make(tmp_path / "r.xlsx")), "--db", str(db)])
    assert outcome["code"] == 2 and message in said
    assert outcome["seconds"] < 10 and outcome["peak_mb"] < 500
    assert _digest(db) == before


@pytest.mark.skipif(sys.platform == "win32", reason="resource module is POSIX")
def test_a_large_but_legal_sheet_is_read_within_bounds(tmp_path):
    db = tmp_path / "b.sqlite3"
    open_db(db).close()
    roster = hostile_xlsx.wide_sheet(tmp_path / "r.xlsx", 3 * MB)
    outcome, _ = _run(["import-members", str(roster), "--db", str(db), "--dry-run"])
    assert outcome["code"] in (0, 1)  # read; its rows are judged like any roster's
    # Memory only: its time depends on how busy the machine is (docs/safety.md has the figures).
    assert outcome["peak_mb"] < 500


DATABASE_ATTACKS = {
    "planted trigger": (_planted_trigger, "不是本软件的完整数据文件"),
    "no tables": (_no_tables, "不是本软件的完整数据文件"),
    "empty file": (lambda db: db.write_bytes(b""), "0 字节"),
}


@pytest.mark.skipif(sys.platform == "win32", reason="resource module is POSIX")
@pytest.mark.parametrize("attack", DATABASE_ATTACKS)
@pytest.mark.parametrize("command", [["verify"], ["meetings"], ["backup"]])
def test_foreign_databases_are_refused_untouched(tmp_path, attack, command):
    spoil, message = DATABASE_ATTACKS[attack]
    db = tmp_path / "b.sqlite3"
    open_db(db).close()
    spoil(db)
    before = _digest(db)
    outcome, said = _run([*command, "--db", str(db)])
    assert outcome["code"] == 2 and message in said, said
    assert "Traceback" not in said
    assert _digest(db) == before
