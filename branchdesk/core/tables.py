"""One row of a record table written the same way by every record module (members, meetings,
talks): the INSERT and the UPDATE, with their created_at / updated_at stamps.

Every text value loses its invisible format characters (core/text.py). Table and column names come from the record modules' own constants, never from input; the
values always travel as parameters. Plain SQL rather than sqlite-utils' table API: a 2,000-row
roster import inserts row by row, and sqlite-utils inspects the table on every call.
"""

from __future__ import annotations

import re
from datetime import datetime

from branchdesk.core.db import Database
from branchdesk.core.text import clean_values

CREATED, UPDATED = "created_at", "updated_at"
_NAME = re.compile(r"[a-z_][a-z0-9_]*")


def now() -> str:
    """The stamp written into created_at / updated_at: local time to the second, ISO text."""
    return datetime.now().isoformat(timespec="seconds")


def insert(db: Database, table: str, values: dict, *, stamps: tuple[str, ...] = (CREATED, UPDATED)
           ) -> int:
    """Insert ``values`` (column -> value) with each of ``stamps`` set to now(); the new row's id."""
    row = {**clean_values(values), **dict.fromkeys(stamps, now())}
    columns = _names(table, row)
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    return db.execute(sql, list(row.values())).lastrowid


def update(db: Database, table: str, row_id: int, values: dict) -> bool:
    """Set ``values`` and updated_at on the row ``row_id``; False when no such row exists."""
    row = {**clean_values(values), UPDATED: now()}
    sets = ", ".join(f"{column} = ?" for column in _names(table, row))
    cursor = db.execute(f"UPDATE {table} SET {sets} WHERE id = ?", [*row.values(), row_id])
    return cursor.rowcount > 0


def _names(table: str, row: dict) -> list[str]:
    """The column names, checked to be plain identifiers (they are written into the SQL)."""
    names = [table, *row]
    bad = [name for name in names if not _NAME.fullmatch(name)]
    if bad:
        raise ValueError(f"not a table or column name: {bad}")
    return names[1:]
