"""The thinned backup history: a pure function checked over a simulated year and by property."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from branchdesk.core import backup
from branchdesk.core.backup import BackupInfo, thin

MB = 1024 * 1024
DAILY, WEEKLY, MONTHLY = 12, 10, 9


def info(when: datetime, size: int = MB, tag: str = "") -> BackupInfo:
    return BackupInfo(Path(f"b-{when:%Y%m%d-%H%M%S}-{tag}.sqlite3"), when, size, tag)


def newest_per(backups, period, count):
    """The newest backup of each of the last ``count`` periods that have backups."""
    found = {}
    for b in sorted(backups, key=lambda b: b.when, reverse=True):
        found.setdefault(period(b.when.date()), b)
    return list(found.values())[:count]


def simulate_year(seed: int, max_bytes: int = 10_000 * MB):
    """A year of use: most working days 1-4 backups, holidays, a month away; thin daily."""
    rng = random.Random(seed)
    created, kept = [], []
    day = date(2026, 1, 1)
    while day < date(2027, 1, 1):
        if _works_on(day, rng):
            for _ in range(rng.randint(1, 4)):
                when = datetime.combine(day, datetime.min.time()) + timedelta(
                    minutes=rng.randint(8 * 60, 18 * 60))
                tag = "before-restore" if rng.random() < 0.02 else ""
                new = info(when, rng.randint(MB // 2, 3 * MB), tag)
                created.append(new)
                kept.append(new)
            doomed = thin(kept, day, DAILY, WEEKLY, MONTHLY, max_bytes)
            kept = [b for b in kept if b not in doomed]
            yield day, created, kept
        day += timedelta(days=1)


def _works_on(day: date, rng: random.Random) -> bool:
    if date(2026, 8, 1) <= day < date(2026, 9, 1):  # a month away
        return False
    return day.weekday() < 5 and rng.random() < 0.85


def test_a_year_of_daily_thinning_keeps_the_promised_history():
    for day, created, kept in simulate_year(seed=1):
        assert max(kept, key=lambda b: b.when) == max(created, key=lambda b: b.when)
        for b in newest_per(created, lambda d: d, DAILY):
            assert b in kept
        for b in newest_per(created, lambda d: d.isocalendar()[:2], WEEKLY):
            assert b in kept
        for b in newest_per(created, lambda d: (d.year, d.month), MONTHLY):
            assert b in kept
        for b in sorted(created, key=lambda b: b.when)[-backup.KEEP_LAST:]:
            assert b in kept
        safety = sum(1 for b in kept if b.tag)
        assert len(kept) <= backup.KEEP_LAST + DAILY + WEEKLY + MONTHLY + safety
    oldest = min(b.when for b in kept)
    assert oldest.date() <= date(2026, 4, 30)  # about nine months of monthly history
    assert len(kept) < 45


def test_a_year_under_a_size_cap_never_exceeds_it():
    cap = 20 * MB
    for day, created, kept in simulate_year(seed=2, max_bytes=cap):
        newest = max(kept, key=lambda b: b.when)
        assert newest == max(created, key=lambda b: b.when)
        assert sum(b.size for b in kept) <= max(cap, newest.size)


def test_a_long_pause_never_wipes_the_history():
    old = [info(datetime(2024, m, 10, 12)) for m in range(1, 13)]
    doomed = thin(old, date(2026, 11, 29), DAILY, WEEKLY, MONTHLY, 500 * MB)
    assert len(old) - len(doomed) >= MONTHLY


def test_safety_copies_are_kept_for_a_month_then_thinned():
    today = date(2026, 11, 29)
    regular = [info(datetime(2026, 11, 29, h)) for h in (9, 10, 11)]
    before_restore = info(datetime(2026, 11, 29, 9, 30), tag="before-restore")
    old_safety = info(datetime(2026, 9, 1, 9), tag="before-v2")
    doomed = thin([*regular, before_restore, old_safety], today, 1, 0, 0, 500 * MB, keep_last=1)
    assert before_restore not in doomed  # not the day's newest, but young: an undo for the restore
    assert old_safety in doomed
    assert set(regular[:2]) <= set(doomed) and regular[2] not in doomed


def test_newest_backup_survives_even_when_alone_over_the_cap():
    big = info(datetime(2026, 11, 29, 9), size=900 * MB)
    assert thin([big], date(2026, 11, 29), DAILY, WEEKLY, MONTHLY, 500 * MB) == []


def test_prune_deletes_files_on_disk(tmp_path):
    db_path = tmp_path / "branch.sqlite3"
    folder = tmp_path / "backups"
    folder.mkdir()
    for day in range(1, 31):
        (folder / f"branch-202611{day:02d}-120000.sqlite3").write_bytes(b"x" * 100)
    deleted = backup.prune(db_path, backup.Policy(8, 0, 0, 10**9), date(2026, 11, 30))
    assert len(deleted) == 22
    assert sorted(p.name for p in folder.iterdir()) == [
        f"branch-202611{d}-120000.sqlite3" for d in range(23, 31)]


def test_the_last_few_of_one_day_are_all_kept():
    day = [info(datetime(2026, 11, 29, 8) + timedelta(minutes=30 * i)) for i in range(10)]
    doomed = thin(day, date(2026, 11, 29), DAILY, WEEKLY, MONTHLY, 500 * MB)
    assert doomed == sorted(day, key=lambda b: b.when, reverse=True)[backup.KEEP_LAST:]


backups_strategy = st.lists(
    st.builds(info,
              st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2026, 12, 31)),
              st.integers(1, 50 * MB), st.sampled_from(["", "", "", "before-restore"])),
    max_size=60, unique_by=lambda b: b.when)


@settings(max_examples=200, deadline=None)
@given(backups=backups_strategy, daily=st.integers(1, 15), weekly=st.integers(0, 12),
       monthly=st.integers(0, 12), cap=st.integers(1, 400 * MB), last=st.integers(0, 8))
def test_thin_properties(backups, daily, weekly, monthly, cap, last):
    today = date(2026, 12, 31)
    doomed = thin(backups, today, daily, weekly, monthly, cap, last)
    kept = [b for b in backups if b not in doomed]
    assert set(doomed) <= set(backups) and len(set(doomed)) == len(doomed)
    if backups:
        newest = max(backups, key=lambda b: b.when)
        assert newest in kept
        assert sum(b.size for b in kept) <= max(cap, newest.size)
    assert thin(kept, today, daily, weekly, monthly, cap, last) == []  # stable once thinned
