"""Schema step 0005 (the member lifecycle) on a branch saved by the previous version: the
schema-v4 fixture, with 失联 and 流动 flags set the old way (some without dates)."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import date
from pathlib import Path

from branchdesk.core import members, rules, transfers
from branchdesk.core.db import open_db

V4 = Path(__file__).resolve().parent.parent / "fixtures" / "schema-v4.sqlite3"
STAMP = "2026-01-05T09:00:00"


def _old_branch(path: Path) -> None:
    shutil.copyfile(V4, path)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 4
    rows = [("失联有日期", 1, "2026-01-10", 0, ""), ("失联无日期", 1, None, 0, ""),
            ("流动无日期", 0, None, 1, "广东省深圳市")]
    conn.executemany(
        "INSERT INTO members (name, category, join_date, lost_contact, lost_contact_date, mobile, "
        "mobile_destination, created_at, updated_at) VALUES (?, '正式党员', '2000-01-01', ?, ?, ?, ?, "
        f"'{STAMP}', '{STAMP}')", rows)
    conn.commit()
    conn.close()


def _by_name(db) -> dict[str, members.Member]:
    return {m.name: m for m in members.list_members(db, include_left=True)}


def test_old_flags_keep_their_rows_and_get_no_invented_dates(db_path):
    _old_branch(db_path)
    db = open_db(db_path)
    people = _by_name(db)
    assert {"赵示例", "钱样本", "孙测试"} <= set(people)  # the fixture's own rows
    dated, undated, away = people["失联有日期"], people["失联无日期"], people["流动无日期"]
    assert (dated.lost_contact, dated.lost_contact_date) == (True, "2026-01-10")
    assert (away.mobile, away.mobile_destination, away.mobile_since, away.mobile_contact) == (
        True, "广东省深圳市", None, "")
    assert [(h["date"], h["kind"]) for h in members.history(db, dated.id)] == [("2026-01-10", "失联")]
    assert members.history(db, undated.id) == [] and members.history(db, away.id) == []
    assert transfers.all_letters(db) == [] and transfers.contacts_by_member(db) == {}
    db.close()


def test_old_flags_without_dates_have_no_deadline_and_a_finding_asks_for_the_date(db_path):
    _old_branch(db_path)
    db = open_db(db_path)
    ids = {m.id: m.name for m in members.list_members(db)}
    found = {(f.rule, ids.get(f.target.get("id"))) for f in rules.report(db, 2030, date(2030, 6, 1)).findings
             if f.rule.startswith(("lost_", "mobile"))}
    assert found == {("lost_contact", "失联有日期"), ("lost_contact_undated", "失联无日期"),
                     ("mobile_undated", "流动无日期")}
    db.close()


def test_the_step_runs_once(db_path):
    _old_branch(db_path)
    open_db(db_path).close()
    db = open_db(db_path)
    assert db.execute("SELECT count(*) FROM member_history WHERE kind = '失联'").fetchone()[0] == 1
    db.close()
