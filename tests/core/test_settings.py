from branchdesk.core import settings


def test_missing_key_takes_default(fresh_db):
    assert settings.get(fresh_db, "late_entry_days") == 3
    assert settings.get(fresh_db, "branch_name") == ""


def test_put_and_get_roundtrip(fresh_db):
    settings.put(fresh_db, {"branch_name": "测试党支部", "late_entry_days": 7})
    assert settings.get(fresh_db, "branch_name") == "测试党支部"
    assert settings.get_all(fresh_db)["late_entry_days"] == 7


def test_bad_stored_value_falls_back_to_default(fresh_db):
    fresh_db.execute("INSERT INTO settings VALUES ('late_entry_days', 'not json')")
    fresh_db.execute("INSERT INTO settings VALUES ('term_years', '\"three\"')")
    fresh_db.execute("INSERT INTO settings VALUES ('absent_streak', '9999')")
    assert settings.get(fresh_db, "late_entry_days") == 3
    assert settings.get(fresh_db, "term_years") == 3
    assert settings.get(fresh_db, "absent_streak") == 3


def test_reset_rules_keeps_profile(fresh_db):
    settings.put(fresh_db, {"branch_name": "甲支部", "late_entry_days": 10})
    settings.reset_rules(fresh_db)
    assert settings.get(fresh_db, "late_entry_days") == 3
    assert settings.get(fresh_db, "branch_name") == "甲支部"
