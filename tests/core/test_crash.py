"""Processes killed at random moments (SIGKILL) never cost a committed record or a good file.

Children are forked from a forkserver that has already imported the core, so each of the 200
short-lived writers starts in milliseconds. SIGKILL is not a power cut (the OS still writes
out what the process handed it), but it does stop the process between any two instructions,
which is what the journal, the transactions and the verified renames must survive; durability
across a power cut is SQLite's synchronous=FULL plus our fsyncs.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import sqlite3
import time
from datetime import date
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(os.name != "posix", reason="SIGKILL and forkserver are POSIX")]

KILLS = 200
TODAY = date(2026, 11, 29)
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


@pytest.fixture(scope="module")
def forkserver():
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["branchdesk.core.meetings", "branchdesk.core.backup", "pypinyin",
                                    "sqlite_utils",  # loaded on the first write (core/db.py)
                                    "tests.core.test_crash"])
    return context


def run_and_kill(context, target, args, delay: float, *, wait_ready: bool = True):
    """Start ``target(conn, *args)``, kill it ``delay`` s after it is ready; return its messages."""
    parent_end, child_end = context.Pipe(duplex=False)
    process = context.Process(target=target, args=(child_end, *args))
    process.start()
    child_end.close()
    if wait_ready:
        assert parent_end.poll(30), "child did not start"
        assert parent_end.recv_bytes() == b"ready"
    time.sleep(delay)
    process.kill()
    process.join()
    messages = _drain(parent_end)
    assert process.exitcode in (-9, 0), f"child failed (exit {process.exitcode}): {messages[-1:]}"
    return messages


def _drain(conn) -> list[bytes]:
    messages = []
    try:
        while True:
            messages.append(conn.recv_bytes())
    except EOFError:
        pass
    return messages


# ---------------------------------------------------------------- writers

def writer(conn, path: str, seed: int) -> None:
    """Add members and meetings forever, reporting each id after its commit."""
    from branchdesk.core import meetings, members
    from branchdesk.core.db import open_db

    db = open_db(path)
    conn.send_bytes(b"ready")
    rng = random.Random(seed)
    for index in range(10_000):
        if rng.random() < 0.7:
            member = members.add(db, members.Member(name=f"测试{seed}号{index}"), today=TODAY)
            conn.send_bytes(f"member {member.id}".encode())
        else:
            meeting = meetings.save(db, _meeting(db), today=TODAY)
            conn.send_bytes(f"meeting {meeting.id} {len(meeting.attendance)}".encode())


def _meeting(db):
    from branchdesk.core import meetings

    ids = [row[0] for row in db.execute("SELECT id FROM members ORDER BY id DESC LIMIT 12")]
    return meetings.Meeting(kind=meetings.GENERAL, date="2026-11-01", topics=["测试议题"],
                            content="测试内容" * 50,
                            attendance=[meetings.AttendanceEntry(i) for i in ids])


def test_killed_writers_never_lose_a_committed_record(forkserver, tmp_path):
    from branchdesk.core.db import open_db

    path = tmp_path / "branch.sqlite3"
    open_db(path).close()
    rng = random.Random(1129)
    reported, mid_transaction = [], 0
    started = time.monotonic()
    for seed in range(KILLS):
        before_ready = rng.random() < 0.15  # sometimes during open_db's checks and set-up
        delay = rng.uniform(0, 0.03 if before_ready else 0.05)
        reported += run_and_kill(forkserver, writer, (str(path), seed), delay,
                                 wait_ready=not before_ready)
        mid_transaction += Path(f"{path}-journal").exists()  # a hot journal: killed mid-write
    elapsed = time.monotonic() - started
    _check_all_present(path, reported)
    assert mid_transaction >= 10, "the kills should often land inside a transaction"
    print(f"{KILLS} kills in {elapsed:.1f} s, {mid_transaction} inside a transaction, "
          f"{len(reported)} records reported")


def _check_all_present(path: Path, reported: list[bytes]) -> None:
    from branchdesk.core.db import open_db

    db = open_db(path)
    assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    member_ids = {r[0] for r in db.execute("SELECT id FROM members")}
    meeting_rows = dict(db.execute("SELECT meeting_id, count(*) FROM attendance GROUP BY 1"))
    members_seen = meetings_seen = 0
    for message in [m for m in reported if m != b"ready"]:
        kind, ident, *rest = message.decode().split()
        if kind == "member":
            assert int(ident) in member_ids
            members_seen += 1
        else:
            assert meeting_rows.get(int(ident), 0) == int(rest[0])  # with all its attendance
            meetings_seen += 1
    assert members_seen > 50 and meetings_seen > 10
    db.close()


# ---------------------------------------------------------------- backups

def backup_writer(conn, path: str, folder: str) -> None:
    from branchdesk.core import backup

    conn.send_bytes(b"ready")
    for _ in range(1000):
        conn.send_bytes(str(backup.make_backup(path, folder)).encode())


def _big_database(path: Path) -> None:
    from branchdesk.core import demo

    db = demo.create_demo(path, today=TODAY)
    with db.conn:  # padding in one of our own tables (a foreign table would be refused)
        db.conn.executemany("INSERT INTO settings VALUES (?, ?)",
                            [(f"padding-{i}", "x" * 1000) for i in range(8000)])
    db.close()


def test_kill_during_backup_leaves_no_bad_file_under_a_final_name(forkserver, tmp_path):
    from branchdesk.core import backup

    path, folder = tmp_path / "branch.sqlite3", tmp_path / "backups"
    _big_database(path)
    rng = random.Random(7)
    written = []
    for _ in range(25):
        written += run_and_kill(forkserver, backup_writer, (str(path), str(folder)),
                                rng.uniform(0, 0.25))
    finals = backup.list_backups(path, folder)
    assert finals, "no backup completed at all"
    for info in finals:
        assert backup.inspect_file(info.path).ok, info.path.name
    assert {Path(m.decode()) for m in written} <= {i.path for i in finals}
    leftovers = list(folder.glob("*.partial"))
    for partial in leftovers:
        os.utime(partial, (0, 0))  # as if from long ago: the next backup clears them
    backup.make_backup(path, folder)
    assert not list(folder.glob("*.partial"))


# ---------------------------------------------------------------- migrations

def slow_migrator(conn, path: str) -> None:
    """Open an old file with migration steps slowed down, so a kill lands inside one."""
    from branchdesk.core import migrations
    from branchdesk.core.db import open_db

    original = migrations._run

    def slow_run(db, script):
        for statement in script.split(";"):
            if statement.strip():
                db.execute(statement)
                time.sleep(0.002)

    migrations._run = slow_run
    conn.send_bytes(b"ready")
    open_db(path).close()
    migrations._run = original


EXPECTED_TABLES = {1: ({"members"}, {"meetings", "talks", "exemptions", "recruits", "transfers"}),
                   2: ({"members", "meetings"}, {"talks", "exemptions", "recruits", "transfers"}),
                   3: ({"members", "meetings", "talks"}, {"exemptions", "recruits", "transfers"}),
                   4: ({"members", "meetings", "talks", "exemptions"}, {"recruits", "transfers"}),
                   5: ({"members", "meetings", "talks", "exemptions", "recruits"}, {"transfers"}),
                   6: ({"members", "meetings", "talks", "exemptions", "recruits", "transfers",
                        "member_contacts"}, {"dues_payments"}),
                   7: ({"members", "meetings", "talks", "exemptions", "recruits", "transfers",
                        "member_contacts", "dues_payments"}, set())}


def test_migration_killed_at_any_point_leaves_old_or_new_schema(forkserver, tmp_path):
    from branchdesk.core.db import open_db
    from branchdesk.core.migrations import latest_version

    rng = random.Random(3)
    versions_seen = set()
    for attempt in range(30):
        path = tmp_path / f"old{attempt}.sqlite3"
        path.write_bytes((FIXTURES / "schema-v1.sqlite3").read_bytes())
        run_and_kill(forkserver, slow_migrator, (str(path),), rng.uniform(0, 0.12))
        version = _schema_consistent(path)
        versions_seen.add(version)
        db = open_db(path)  # finishing the migration later works, data intact
        assert db.execute("PRAGMA user_version").fetchone()[0] == latest_version()
        assert db.execute("SELECT count(*) FROM members").fetchone()[0] == 3
        db.close()
    # All steps run in one transaction (core/db.py): a kill leaves the old version or the newest,
    # never one in between.
    assert versions_seen <= {1, latest_version()}, versions_seen
    print(f"schema versions found after the kills: {sorted(versions_seen)}")


def _schema_consistent(path: Path) -> int:
    from branchdesk.core.db import roll_back_hot_journal

    roll_back_hot_journal(path)
    conn = sqlite3.connect(path)
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    applied = conn.execute("SELECT count(*) FROM _sqlite_migrations").fetchone()[0]
    conn.close()
    present, absent = EXPECTED_TABLES[version]
    assert present <= tables and not (absent & tables), (version, tables)
    assert applied == version
    return version
