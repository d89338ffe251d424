"""The schema a data file must have: exactly what the migrations build, nothing planted.

A file carrying our application_id is still untrusted: a planted trigger would run inside our own
transactions (deleting meetings, copying ID numbers elsewhere), a table-less file would make every
command fail. Opening, verifying and restoring therefore compare the file's schema with the one
the migrations build for the file's own version, structurally (columns, keys, indexes), plus each
table's SQL reduced to its tokens (no white space, no identifier quotes, lower case), which
catches a dropped or changed CHECK constraint yet not the layout an SQLite version gives the text
after an ALTER TABLE. Only SQLite's own tables are left out, by name: an object merely named
``sqlite_…`` (PRAGMA writable_schema can plant one) is compared like any other. A file from a
newer version must keep every table and column this version reads (``missing_for_newer``).

The expected schemas are built by running the migrations on an in-memory database. That needs
sqlite-utils (0.1 s to import), which opening an up-to-date file must not pay, so they are kept,
generated, in ``schema_expected.py`` beside this module; tests/core/test_schema.py checks it
against the migrations, and ``python -m branchdesk.core.schema`` rewrites it after a migration
is added.
"""

from __future__ import annotations

import pprint
import re
from pathlib import Path

from branchdesk.core import driver

_EXPECTED_FILE = Path(__file__).with_name("schema_expected.py")


# SQLite's own tables (AUTOINCREMENT, ANALYZE). Only these: a name starting with "sqlite_" is
# reserved, but PRAGMA writable_schema lets a file carry a trigger called sqlite_x all the same,
# and SQLite runs it.
SQLITE_TABLES = ("sqlite_sequence", "sqlite_stat1", "sqlite_stat2", "sqlite_stat3", "sqlite_stat4")
# sqlite-utils writes this table's SQL text in its own way (quoting has changed between its
# versions): its columns and index are compared, not its text.
MIGRATIONS_TABLE = "_sqlite_migrations"


def signature(conn: driver.Connection) -> dict:
    """The structure of the schema in ``conn``, as plain JSON-ready data.

    SQLite's own tables (SQLITE_TABLES) are left out; automatic indexes (no SQL of their own)
    appear under their table, where they stand for UNIQUE and PRIMARY KEY constraints. A
    table's signature includes its SQL text (``_sql_tokens``), for what no PRAGMA shows:
    CHECK constraints.
    """
    rows = conn.execute(
        "SELECT type, name, tbl_name, sql FROM sqlite_master "
        f"WHERE NOT (type = 'table' AND name IN ({', '.join('?' * len(SQLITE_TABLES))})) "
        "AND NOT (type = 'index' AND name LIKE 'sqlite\\_autoindex\\_%' ESCAPE '\\' AND sql IS NULL) "
        "ORDER BY type, name", SQLITE_TABLES)
    tables, others = {}, {}
    for kind, name, table, sql in rows.fetchall():
        if kind == "table":
            tables[name] = _table_signature(conn, name)
            if name != MIGRATIONS_TABLE:
                tables[name]["sql"] = _sql_tokens(sql)
        elif kind == "index":
            others[f"index {name}"] = table  # the index's columns are in its table's signature
        else:  # trigger, view
            others[f"{kind} {name}"] = _normalise(sql)
    return {"tables": tables, "others": others}


def _table_signature(conn: driver.Connection, table: str) -> dict:
    quoted = '"' + table.replace('"', '""') + '"'
    columns = [list(r[1:]) for r in conn.execute(f"PRAGMA table_xinfo({quoted})")]
    keys = sorted(list(r[2:5]) for r in conn.execute(f"PRAGMA foreign_key_list({quoted})"))
    indexes = {}
    for _, name, unique, origin, partial in conn.execute(f"PRAGMA index_list({quoted})"):
        cols = [r[2] for r in conn.execute(f"PRAGMA index_info(\"{name}\")")]
        indexes[name] = [unique, origin, partial, cols]
    return {"columns": columns, "foreign_keys": keys, "indexes": indexes}


def _normalise(sql: str | None) -> str:
    return re.sub(r"\s+", " ", sql or "").strip()


def _sql_tokens(sql: str | None) -> str:
    """A table's CREATE text without white space and identifier quotes, in lower case: the same
    for the same definition however an SQLite version lays out or quotes it (ALTER TABLE
    rewrites the text), different when a constraint is dropped or changed."""
    return re.sub(r'[\s"`\[\]]+', "", sql or "").lower()


def missing_for_newer(conn: driver.Connection) -> list[str]:
    """For a file from a newer version (opened read-only): every table and column this version
    reads must be there; what the newer version added is its own business."""
    want = expected(max_version())["tables"]
    have = signature(conn)["tables"]
    found = []
    for table, shape in sorted(want.items()):
        if table not in have:
            found.append(f"missing table {table}")
            continue
        columns = {column[0] for column in have[table]["columns"]}
        found += [f"missing column {table}.{column[0]}" for column in shape["columns"]
                  if column[0] not in columns]
    return found


def max_version() -> int:
    from branchdesk.core.schema_expected import EXPECTED

    return max(EXPECTED)


def expected(version: int) -> dict | None:
    """The signature the migrations build up to ``version``; None for a version we never made."""
    from branchdesk.core.schema_expected import EXPECTED

    return EXPECTED.get(version)


def differences(conn: driver.Connection, version: int) -> list[str]:
    """What in ``conn``'s schema differs from what ``version`` should have (empty: identical).

    The texts are for the log (English, names of schema objects only, never data).
    """
    want = expected(version)
    if want is None:
        return [f"no schema is known for version {version}"]
    have = signature(conn)
    found = []
    for section in ("tables", "others"):
        for name in sorted(set(have[section]) | set(want[section])):
            if name not in want[section]:
                found.append(f"unexpected {name}")
            elif name not in have[section]:
                found.append(f"missing {name}")
            elif have[section][name] != want[section][name]:
                found.append(f"changed {name}")
    return found


def build_expected() -> dict[int, dict]:
    """Run the migrations on an in-memory database and take the signature after each step."""
    from branchdesk.core.db import Database
    from branchdesk.core.migrations import migrations

    conn = driver.connect(":memory:")
    db = Database(conn)
    result = {}
    steps = list(migrations._migrations)
    for index, step in enumerate(steps):
        later = [s.name for s in steps[index + 1:]]
        migrations.apply(db.utils, stop_before=later or None)
        result[index + 1] = signature(conn)
    conn.close()
    return result


def write_expected() -> None:
    text = pprint.pformat(build_expected(), width=100, compact=True)
    _EXPECTED_FILE.write_text(
        '"""Generated by `python -m branchdesk.core.schema` from core/migrations.py: do not edit."""\n\n'
        f"EXPECTED = {text}\n", encoding="utf-8")


if __name__ == "__main__":
    write_expected()
    print(f"written: {_EXPECTED_FILE}")
