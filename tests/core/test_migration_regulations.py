"""Schema step 0004: existing records are brought into line with the rules of docs/rules.md."""

from __future__ import annotations

import sqlite3

from sqlite_utils import Database as UtilsDatabase

from branchdesk.core import branch, idcard, members, talks
from branchdesk.core.db import APPLICATION_ID, open_db
from branchdesk.core.migrations import migrations

STAMP = "2026-01-05T09:00:00"


def _version_3(path):
    db = UtilsDatabase(sqlite3.connect(path))
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    migrations.apply(db, stop_before="0004_regulations")
    return db


def _member(db, member_id, name, group_id=None, post="", id_number=None, birth=None):
    db.execute("INSERT INTO members (id, name, category, group_id, party_post, id_number, "
               "birth_date, created_at, updated_at) VALUES (?, ?, '正式党员', ?, ?, ?, ?, ?, ?)",
               [member_id, name, group_id, post, id_number, birth, STAMP, STAMP])


def _meeting(db, meeting_id, kind, on):
    db.execute("INSERT INTO meetings (id, kind, date, created_at, updated_at) "
               "VALUES (?, ?, ?, ?, ?)", [meeting_id, kind, on, STAMP, STAMP])


def test_existing_records_follow_the_new_rules(db_path):
    old = _version_3(db_path)
    old.conn.executemany("INSERT INTO party_groups (id, name) VALUES (?, ?)",
                         [(1, "第一党小组"), (2, "第二党小组"), (3, "第三党小组")])
    _member(old, 1, "甲", 1, "第一党小组组长")
    _member(old, 2, "乙", 2, "宣传委员、党小组长")
    _member(old, 3, "丙", 3, "组长")
    _member(old, 4, "丁", 3, "党小组长")  # two in group 3: left to the user
    _member(old, 5, "戊", 1, "党小组副组长")
    _member(old, 6, "己", None, "", idcard.make_valid("11010519700315001"), "1970-03-01")
    _member(old, 7, "庚", None, "", idcard.make_valid("11010519700415001"), "1970-03-01")
    _meeting(old, 1, "组织生活会", "2026-01-15")
    _meeting(old, 2, "组织生活会", "2026-03-31")
    _meeting(old, 3, "组织生活会", "2026-04-01")
    _meeting(old, 4, "支部党员大会", "2026-02-01")
    for talk_id, targets in ((1, (1,)), (2, (1, 2))):
        old.execute("INSERT INTO talks (id, date, talker_id, created_at, updated_at) "
                    "VALUES (?, '2026-02-01', 3, ?, ?)", [talk_id, STAMP, STAMP])
        old.conn.executemany("INSERT INTO talk_targets (talk_id, member_id) VALUES (?, ?)",
                             [(talk_id, t) for t in targets])
    old.conn.commit()
    old.close()

    db = open_db(db_path)
    assert {g.name: g.leader_id for g in branch.groups(db)} == {
        "第一党小组": 1, "第二党小组": 2, "第三党小组": None}
    posts = {m.name: m.party_post for m in members.list_members(db)}
    assert posts == {"甲": "", "乙": "宣传委员", "丙": "组长", "丁": "党小组长", "戊": "党小组副组长",
                     "己": "", "庚": ""}
    births = {m.name: m.birth_date for m in members.list_members(db)}
    assert births["己"] == "1970-03-15"  # year and month agree with the ID
    assert births["庚"] == "1970-03-01"  # a real disagreement stays for the user to see
    periods = dict(db.execute("SELECT id, period FROM meetings").fetchall())
    assert periods == {1: "2025", 2: "2025", 3: "2026", 4: ""}
    assert [(t.id, t.form) for t in talks.list_talks(db)] == [(2, "集体谈话"), (1, "个别谈话")]
    db.close()
