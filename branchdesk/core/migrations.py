"""Ordered, append-only schema steps. Never edit a released step: add a new one.

Each step runs in a transaction together with ``PRAGMA user_version`` so a file is always
at one version or the next, never a mix.
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("branchdesk")


@migrations(name="0001_members")
def m0001_members(db: Database) -> None:
    db.executescript(
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


def latest_version() -> int:
    return len(migrations._migrations)
