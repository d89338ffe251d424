"""The screen-lock password: hashed with scrypt, checked in constant time, changed only with
the old one, and never stored in clear."""

from __future__ import annotations

import time

import pytest

from branchdesk.core import screen_lock, settings
from branchdesk.core.errors import ValidationError


def test_hash_round_trip_and_salt():
    first, second = screen_lock.hash_password("党建2026"), screen_lock.hash_password("党建2026")
    assert first != second  # a fresh salt each time
    assert first.startswith(f"scrypt${screen_lock.N}${screen_lock.R}${screen_lock.P}$")
    assert screen_lock.verify_password("党建2026", first) and screen_lock.verify_password("党建2026", second)
    assert not screen_lock.verify_password("党建2025", first)
    assert not screen_lock.verify_password("", first)


@pytest.mark.parametrize("stored", [
    "", "plain-text", "scrypt$16384$8$1$zz$zz", "md5$1$1$1$00$00",
    "scrypt$16384$8$1$00",  # too few parts
    f"scrypt${2**30}$8$1$00$00",  # a tampered cost must not take minutes or gigabytes
    "scrypt$16384$999$1$00$00", "scrypt$1$8$1$00$00",
])
def test_malformed_or_tampered_hash_never_matches(stored):
    started = time.monotonic()
    assert not screen_lock.verify_password("anything", stored)
    assert time.monotonic() - started < 2


def test_parameters_travel_with_the_hash():
    stored = screen_lock.hash_password("secret", n=2**10, r=4, p=1)
    assert screen_lock.verify_password("secret", stored)


def test_delay_grows_after_a_few_tries_and_is_capped():
    delays = [screen_lock.delay_after(n) for n in range(12)]
    assert delays[: screen_lock.FREE_TRIES] == [0.0] * screen_lock.FREE_TRIES
    assert delays[screen_lock.FREE_TRIES] >= 1
    assert all(a <= b for a, b in zip(delays, delays[1:]))
    assert max(delays) == screen_lock.MAX_DELAY_SECONDS


def test_setting_changing_and_removing_the_password(fresh_db):
    assert not screen_lock.is_enabled(fresh_db)
    screen_lock.set_password(fresh_db, "first-pass")
    assert screen_lock.is_enabled(fresh_db) and screen_lock.check(fresh_db, "first-pass")
    stored = settings.get(fresh_db, "lock_password")
    assert "first-pass" not in stored
    raw = fresh_db.execute("SELECT group_concat(value) FROM settings").fetchone()[0]
    assert "first-pass" not in raw
    with pytest.raises(ValidationError, match="原密码不正确"):
        screen_lock.set_password(fresh_db, "second-pass", old="wrong")
    screen_lock.set_password(fresh_db, "second-pass", old="first-pass")
    assert screen_lock.check(fresh_db, "second-pass") and not screen_lock.check(fresh_db, "first-pass")
    with pytest.raises(ValidationError, match="原密码不正确"):
        screen_lock.remove_password(fresh_db, "first-pass")
    screen_lock.remove_password(fresh_db, "second-pass")
    assert not screen_lock.is_enabled(fresh_db) and not screen_lock.check(fresh_db, "")


def test_too_short_password_is_refused(fresh_db):
    with pytest.raises(ValidationError, match="至少"):
        screen_lock.set_password(fresh_db, "abc")
    assert not screen_lock.is_enabled(fresh_db)


def test_the_password_is_not_in_the_database_file(db_path, fresh_db):
    screen_lock.set_password(fresh_db, "UniqueSecret987")
    fresh_db.close()
    assert b"UniqueSecret987" not in db_path.read_bytes()
