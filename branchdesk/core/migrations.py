"""Ordered, append-only schema steps. Never edit a released step: add a new one.

Each step runs in a transaction together with ``PRAGMA user_version`` so a file is always
at one version or the next, never a mix.
"""

from __future__ import annotations

import re

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

# The list of steps, in the order they run. Each later issue that changes the schema appends its
# step at the end when it lands (never inserted, renumbered or edited). A step sets
# PRAGMA user_version to its position in the list, and db.SCHEMA_VERSION is the number of steps:
# tests/core/test_db.py checks both, so a step merged without its version fails the suite.
migrations = Migrations("branchdesk")


@migrations(name="0001_members")
def m0001_members(db: Database) -> None:
    _run(
        db,
        """
        CREATE TABLE settings (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        CREATE TABLE party_groups (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            sort_order INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE members (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            gender TEXT NOT NULL DEFAULT '',
            ethnicity TEXT NOT NULL DEFAULT '',
            id_number TEXT UNIQUE,
            birth_date TEXT,
            native_place TEXT NOT NULL DEFAULT '',
            education TEXT NOT NULL DEFAULT '',
            category TEXT NOT NULL CHECK (category IN ('正式党员', '预备党员')),
            group_id INTEGER REFERENCES party_groups(id) ON DELETE RESTRICT,
            join_date TEXT,
            full_date TEXT,
            branch_join_date TEXT,
            job TEXT NOT NULL DEFAULT '',
            party_post TEXT NOT NULL DEFAULT '',
            phone TEXT NOT NULL DEFAULT '',
            address TEXT NOT NULL DEFAULT '',
            party_status TEXT NOT NULL DEFAULT '正常',
            lost_contact INTEGER NOT NULL DEFAULT 0,
            lost_contact_date TEXT,
            mobile INTEGER NOT NULL DEFAULT 0,
            mobile_destination TEXT NOT NULL DEFAULT '',
            introducers TEXT NOT NULL DEFAULT '',
            notes TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL DEFAULT '在册',
            left_date TEXT,
            search_key TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX members_group ON members(group_id);
        CREATE INDEX members_status ON members(status);
        CREATE TABLE member_history (
            id INTEGER PRIMARY KEY,
            member_id INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
            date TEXT NOT NULL,
            kind TEXT NOT NULL,
            reason TEXT NOT NULL DEFAULT '',
            old_value TEXT,
            new_value TEXT,
            created_at TEXT NOT NULL
        );
        CREATE INDEX member_history_member ON member_history(member_id, date);
        CREATE TABLE committee (
            id INTEGER PRIMARY KEY,
            member_id INTEGER NOT NULL REFERENCES members(id) ON DELETE RESTRICT,
            role TEXT NOT NULL,
            start_date TEXT,
            end_date TEXT
        );
        CREATE INDEX committee_member ON committee(member_id);
        """
    )
    db.execute("PRAGMA user_version = 1")


@migrations(name="0002_meetings")
def m0002_meetings(db: Database) -> None:
    """Meetings of every kind (三会一课, 组织生活会, 主题党日) share one table and one attendance."""
    _run(db, """
        CREATE TABLE meetings (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,
            date TEXT NOT NULL,
            start_time TEXT NOT NULL DEFAULT '',
            end_time TEXT NOT NULL DEFAULT '',
            place TEXT NOT NULL DEFAULT '',
            host_id INTEGER REFERENCES members(id) ON DELETE RESTRICT,
            recorder_id INTEGER REFERENCES members(id) ON DELETE RESTRICT,
            group_id INTEGER REFERENCES party_groups(id) ON DELETE RESTRICT,
            observers TEXT NOT NULL DEFAULT '',
            topics TEXT NOT NULL DEFAULT '[]',
            content TEXT NOT NULL DEFAULT '',
            resolution TEXT NOT NULL DEFAULT '',
            lecturer TEXT NOT NULL DEFAULT '',
            lecture_title TEXT NOT NULL DEFAULT '',
            held_as TEXT NOT NULL DEFAULT '',
            period TEXT NOT NULL DEFAULT '',
            activity_form TEXT NOT NULL DEFAULT '',
            organiser TEXT NOT NULL DEFAULT '',
            outcome TEXT NOT NULL DEFAULT '',
            late_entry INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX meetings_kind_date ON meetings(kind, date);
        CREATE INDEX meetings_date ON meetings(date);
        CREATE TABLE attendance (
            meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
            member_id INTEGER NOT NULL REFERENCES members(id) ON DELETE RESTRICT,
            status TEXT NOT NULL CHECK (status IN ('出席', '请假', '缺席')),
            reason TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (meeting_id, member_id)
        );
        CREATE INDEX attendance_member ON attendance(member_id);
        CREATE TABLE rectifications (
            id INTEGER PRIMARY KEY,
            meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
            sort_order INTEGER NOT NULL DEFAULT 0,
            problem TEXT NOT NULL,
            measure TEXT NOT NULL DEFAULT '',
            owner TEXT NOT NULL DEFAULT '',
            due_date TEXT,
            done INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX rectifications_meeting ON rectifications(meeting_id);
        CREATE TABLE appraisals (
            year INTEGER NOT NULL,
            member_id INTEGER NOT NULL REFERENCES members(id) ON DELETE RESTRICT,
            grade TEXT NOT NULL CHECK (grade IN ('优秀', '合格', '基本合格', '不合格', '不参加评议')),
            note TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (year, member_id)
        );
        CREATE TABLE attachments (
            id INTEGER PRIMARY KEY,
            owner_kind TEXT NOT NULL,
            owner_id INTEGER NOT NULL,
            original_name TEXT NOT NULL,
            stored_name TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            size INTEGER NOT NULL,
            note TEXT NOT NULL DEFAULT '',
            added_at TEXT NOT NULL
        );
        CREATE INDEX attachments_owner ON attachments(owner_kind, owner_id);
    """)
    db.execute("PRAGMA user_version = 2")


@migrations(name="0003_talks")
def m0003_talks(db: Database) -> None:
    """谈心谈话: one talker (a member or a named outside person), one or several targets."""
    _run(db, """
        CREATE TABLE talks (
            id INTEGER PRIMARY KEY,
            date TEXT NOT NULL,
            place TEXT NOT NULL DEFAULT '',
            talker_id INTEGER REFERENCES members(id) ON DELETE RESTRICT,
            talker_name TEXT NOT NULL DEFAULT '',
            form TEXT NOT NULL DEFAULT '个别谈话',
            occasion TEXT NOT NULL DEFAULT '日常',
            topic TEXT NOT NULL DEFAULT '',
            content TEXT NOT NULL DEFAULT '',
            feedback TEXT NOT NULL DEFAULT '',
            follow_up TEXT NOT NULL DEFAULT '',
            followed_up INTEGER NOT NULL DEFAULT 0,
            late_entry INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX talks_date ON talks(date);
        CREATE INDEX talks_talker ON talks(talker_id);
        CREATE TABLE talk_targets (
            talk_id INTEGER NOT NULL REFERENCES talks(id) ON DELETE CASCADE,
            member_id INTEGER NOT NULL REFERENCES members(id) ON DELETE RESTRICT,
            PRIMARY KEY (talk_id, member_id)
        );
        CREATE INDEX talk_targets_member ON talk_targets(member_id);
    """)
    db.execute("PRAGMA user_version = 3")


@migrations(name="0004_regulations")
def m0004_regulations(db: Database) -> None:
    """What checking against the 条例 needs (docs/rules.md): the 党小组长 of each 党小组, the
    members for whom organisational life is 不作硬性要求 (dated, with a reason), the 换届选举
    党员大会 and the absentees it may leave out of the count, and a 组织生活会's 计入年度 in
    its ``period``. Existing records are brought into line with the new rules."""
    _run(db, """
        ALTER TABLE party_groups ADD COLUMN leader_id INTEGER
            REFERENCES members(id) ON DELETE RESTRICT;
        CREATE TABLE exemptions (
            id INTEGER PRIMARY KEY,
            member_id INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
            kind TEXT NOT NULL,
            start_date TEXT NOT NULL,
            end_date TEXT,
            reason TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX exemptions_member ON exemptions(member_id);
        ALTER TABLE meetings ADD COLUMN election INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE attendance ADD COLUMN excused INTEGER NOT NULL DEFAULT 0;
    """)
    # The "N年度" 组织生活会 is usually held in January–March of N+1.
    db.execute("UPDATE meetings SET period = CAST(CAST(substr(date, 1, 4) AS INTEGER) "
               "- (CAST(substr(date, 6, 2) AS INTEGER) <= 3) AS TEXT) "
               "WHERE kind = '组织生活会' AND period = ''")
    # A 个别谈话 has one 谈话对象; one with several was a group talk.
    db.execute("UPDATE talks SET form = '集体谈话' WHERE form = '个别谈话' AND id IN ("
               "SELECT talk_id FROM talk_targets GROUP BY talk_id HAVING count(*) > 1)")
    _group_leaders_from_posts(db)
    _birth_dates_from_ids(db)
    db.execute("PRAGMA user_version = 4")



@migrations(name="0005_recruitment")
def m0005_recruitment(db: Database) -> None:
    """发展党员 (core/recruitment.py): people in the pipeline live in their own table, never in
    ``members``; each of the 25 steps of the 细则 is a dated row with its people; 考察, 思想汇报
    and 公示 are dated entries; pausing, withdrawing and admission are kept in a history."""
    _run(db, """
        CREATE TABLE recruits (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            gender TEXT NOT NULL DEFAULT '',
            ethnicity TEXT NOT NULL DEFAULT '',
            id_number TEXT UNIQUE,
            birth_date TEXT,
            native_place TEXT NOT NULL DEFAULT '',
            education TEXT NOT NULL DEFAULT '',
            job TEXT NOT NULL DEFAULT '',
            phone TEXT NOT NULL DEFAULT '',
            address TEXT NOT NULL DEFAULT '',
            notes TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL DEFAULT '进行中',
            approval_extended INTEGER NOT NULL DEFAULT 0,
            member_id INTEGER REFERENCES members(id) ON DELETE RESTRICT,
            search_key TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX recruits_status ON recruits(status);
        CREATE TABLE recruit_steps (
            id INTEGER PRIMARY KEY,
            recruit_id INTEGER NOT NULL REFERENCES recruits(id) ON DELETE CASCADE,
            step INTEGER NOT NULL CHECK (step BETWEEN 1 AND 25),
            date TEXT NOT NULL,
            end_date TEXT,
            hours INTEGER,
            meeting_id INTEGER REFERENCES meetings(id) ON DELETE SET NULL,
            voters INTEGER,
            present INTEGER,
            ayes INTEGER,
            notes TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            UNIQUE (recruit_id, step)
        );
        CREATE TABLE recruit_step_people (
            step_id INTEGER NOT NULL REFERENCES recruit_steps(id) ON DELETE CASCADE,
            sort_order INTEGER NOT NULL DEFAULT 0,
            member_id INTEGER REFERENCES members(id) ON DELETE RESTRICT,
            name TEXT NOT NULL
        );
        CREATE INDEX recruit_step_people_step ON recruit_step_people(step_id);
        CREATE INDEX recruit_step_people_member ON recruit_step_people(member_id);
        CREATE TABLE recruit_entries (
            id INTEGER PRIMARY KEY,
            recruit_id INTEGER NOT NULL REFERENCES recruits(id) ON DELETE CASCADE,
            kind TEXT NOT NULL CHECK (kind IN ('考察', '思想汇报', '公示')),
            date TEXT NOT NULL,
            end_date TEXT,
            notes TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL
        );
        CREATE INDEX recruit_entries_recruit ON recruit_entries(recruit_id, kind, date);
        CREATE TABLE recruit_history (
            id INTEGER PRIMARY KEY,
            recruit_id INTEGER NOT NULL REFERENCES recruits(id) ON DELETE CASCADE,
            date TEXT NOT NULL,
            kind TEXT NOT NULL,
            reason TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL
        );
        CREATE INDEX recruit_history_recruit ON recruit_history(recruit_id, date);
    """)
    db.execute("PRAGMA user_version = 5")


# One part of a free-text 党内职务 naming a 党小组长 (党小组长, 第一党小组组长, 组长), not a 副组长.
_LEADER_POST = re.compile(r"(?:[^副]*党小组|小组)组?长|组长")
_POST_PARTS = re.compile(r"[、，,；;/\s]+")


def _group_leaders_from_posts(db: Database) -> None:
    """A 党小组长 written in a member's 党内职务 becomes the leader of that member's 党小组
    (when only one member of the group is so named), and leaves the free text."""
    rows = db.execute("SELECT id, group_id, party_post FROM members WHERE status = '在册' "
                      "AND group_id IS NOT NULL AND party_post != ''").fetchall()
    named: dict[int, list[tuple[int, list[str]]]] = {}
    for member_id, group_id, post in rows:
        parts = [p for p in _POST_PARTS.split(post) if p]
        if any(_LEADER_POST.fullmatch(p) for p in parts):
            named.setdefault(group_id, []).append((member_id, parts))
    for group_id, claims in named.items():
        if len(claims) != 1:
            continue  # two people named 组长 of one group: the user chooses in 支部信息
        member_id, parts = claims[0]
        rest = "、".join(p for p in parts if not _LEADER_POST.fullmatch(p))
        db.execute("UPDATE party_groups SET leader_id = ? WHERE id = ?", [member_id, group_id])
        db.execute("UPDATE members SET party_post = ? WHERE id = ?", [rest, member_id])


def _birth_dates_from_ids(db: Database) -> None:
    """Birth dates imported to the month were stored as the 1st: take the day from the ID
    number where its year and month agree."""
    from branchdesk.core import idcard

    rows = db.execute("SELECT id, birth_date, id_number FROM members WHERE id_number IS NOT NULL "
                      "AND birth_date LIKE '____-__-01'").fetchall()
    for member_id, birth, number in rows:
        try:
            born = idcard.parse(number).birth_date
        except ValueError:
            continue
        if birth[:7] == born.isoformat()[:7]:
            db.execute("UPDATE members SET birth_date = ? WHERE id = ?",
                       [born.isoformat(), member_id])


@migrations(name="0006_lifecycle")
def m0006_lifecycle(db: Database) -> None:
    """The member lifecycle of 党员教育管理工作条例 第二十五、三十四条 (docs/rules.md): a
    流动党员's 外出日期 and 联系人, the contacts kept with 流动 and 出国出境 members, and the
    组织关系介绍信 of each 转出 (pending until its 回执) and 转入. A 失联 already dated gets
    its 失联 in the history; one without a date gets none (the 工作台 asks for the date)."""
    _run(db, """
        ALTER TABLE members ADD COLUMN mobile_since TEXT;
        ALTER TABLE members ADD COLUMN mobile_contact TEXT NOT NULL DEFAULT '';
        CREATE TABLE member_contacts (
            id INTEGER PRIMARY KEY,
            member_id INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
            date TEXT NOT NULL,
            way TEXT NOT NULL DEFAULT '',
            note TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL
        );
        CREATE INDEX member_contacts_member ON member_contacts(member_id, date);
        CREATE TABLE transfers (
            id INTEGER PRIMARY KEY,
            member_id INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
            direction TEXT NOT NULL CHECK (direction IN ('转出', '转入')),
            letter_date TEXT NOT NULL,
            letter_number TEXT NOT NULL DEFAULT '',
            place TEXT NOT NULL DEFAULT '',
            valid_months INTEGER NOT NULL DEFAULT 3,
            dues_paid_to TEXT NOT NULL DEFAULT '',
            receipt_date TEXT,
            note TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX transfers_member ON transfers(member_id);
        CREATE INDEX transfers_letter_date ON transfers(letter_date);
    """)
    db.execute("INSERT INTO member_history (member_id, date, kind, reason, created_at) "
               "SELECT id, lost_contact_date, '失联', '', strftime('%Y-%m-%dT%H:%M:%S', 'now', 'localtime') "
               "FROM members WHERE lost_contact = 1 AND lost_contact_date IS NOT NULL "
               "AND id NOT IN (SELECT member_id FROM member_history WHERE kind = '失联')")
    db.execute("PRAGMA user_version = 6")


@migrations(name="0007_dues")
def m0007_dues(db: Database) -> None:
    """党费 (core/dues.py, docs/rules.md): each member's 交纳类别 and 计算基数 with the date
    they apply from (history kept), approved reliefs (少交/免交 with the 支部大会 and 上级党委
    dates, or a recorded reason for 缓交), payments in 分, and the 上级党委's approval of a
    预备党员 (from which the months since the 支部大会 fall due). The 党费交至年月 of a 转入 or
    转出 is the 介绍信's, kept with the letter (transfers)."""
    _run(db, """
        CREATE TABLE dues_bases (
            id INTEGER PRIMARY KEY,
            member_id INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
            start_date TEXT NOT NULL,
            category TEXT NOT NULL,
            base_fen INTEGER CHECK (base_fen IS NULL OR base_fen >= 0),
            fixed_fen INTEGER CHECK (fixed_fen IS NULL OR fixed_fen >= 0),
            extra_fen INTEGER NOT NULL DEFAULT 0 CHECK (extra_fen >= 0),
            note TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            UNIQUE (member_id, start_date)
        );
        CREATE TABLE dues_reliefs (
            id INTEGER PRIMARY KEY,
            member_id INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
            kind TEXT NOT NULL CHECK (kind IN ('免交', '少交', '缓交')),
            amount_fen INTEGER CHECK (amount_fen IS NULL OR amount_fen >= 0),
            start_month TEXT NOT NULL,
            end_month TEXT,
            meeting_date TEXT,
            approval_date TEXT,
            reason TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX dues_reliefs_member ON dues_reliefs(member_id);
        CREATE TABLE dues_payments (
            id INTEGER PRIMARY KEY,
            member_id INTEGER NOT NULL REFERENCES members(id) ON DELETE RESTRICT,
            paid_on TEXT NOT NULL,
            amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
            first_month TEXT NOT NULL DEFAULT '',
            last_month TEXT NOT NULL DEFAULT '',
            receiver TEXT NOT NULL DEFAULT '',
            method TEXT NOT NULL DEFAULT '现金' CHECK (method IN ('现金', '转账', '线上')),
            note TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL
        );
        CREATE INDEX dues_payments_member ON dues_payments(member_id, paid_on);
        CREATE TABLE dues_events (
            id INTEGER PRIMARY KEY,
            member_id INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
            kind TEXT NOT NULL CHECK (kind IN ('入党审批')),
            date TEXT NOT NULL,
            paid_to TEXT,
            note TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX dues_events_member ON dues_events(member_id);
    """)
    db.execute("PRAGMA user_version = 7")


def _run(db: Database, script: str) -> None:
    """Run DDL statement by statement: executescript() would COMMIT the migration's transaction."""
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)


def latest_version() -> int:
    return len(migrations._migrations)
