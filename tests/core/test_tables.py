"""The shared row writes of the record modules: stamps, missing rows, names kept out of SQL."""

import pytest

from branchdesk.core import tables


def row(db, member_id):
    return db.execute("SELECT name, created_at, updated_at FROM members WHERE id = ?",
                      [member_id]).fetchone()


def test_insert_stamps_both_times_and_returns_the_id(fresh_db, monkeypatch):
    monkeypatch.setattr(tables, "now", lambda: "2026-03-01T09:00:00")
    new_id = tables.insert(fresh_db, "members", {"name": "张三", "category": "正式党员"})
    assert row(fresh_db, new_id) == ("张三", "2026-03-01T09:00:00", "2026-03-01T09:00:00")


def test_update_moves_only_updated_at_and_reports_a_missing_row(fresh_db, monkeypatch):
    monkeypatch.setattr(tables, "now", lambda: "2026-03-01T09:00:00")
    new_id = tables.insert(fresh_db, "members", {"name": "张三", "category": "正式党员"})
    monkeypatch.setattr(tables, "now", lambda: "2026-04-02T10:30:00")
    assert tables.update(fresh_db, "members", new_id, {"name": "张叁"})
    assert row(fresh_db, new_id) == ("张叁", "2026-03-01T09:00:00", "2026-04-02T10:30:00")
    assert not tables.update(fresh_db, "members", new_id + 1, {"name": "李四"})


def test_history_rows_carry_only_their_creation_time(fresh_db):
    member_id = tables.insert(fresh_db, "members", {"name": "张三", "category": "正式党员"})
    tables.insert(fresh_db, "member_history", {"member_id": member_id, "date": "2026-01-01",
                                               "kind": "转入"}, stamps=(tables.CREATED,))
    assert fresh_db.execute("SELECT created_at FROM member_history").fetchone()[0]


@pytest.mark.parametrize("table, values", [("members; DROP TABLE members", {"name": "x"}),
                                           ("members", {"name = name --": "x"})])
def test_names_that_are_not_identifiers_are_refused(fresh_db, table, values):
    with pytest.raises(ValueError):
        tables.insert(fresh_db, table, values)
    assert fresh_db.execute("SELECT count(*) FROM members").fetchone()[0] == 0
