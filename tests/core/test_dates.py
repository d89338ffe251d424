"""Dates as people type them, and the calendar arithmetic the rules rely on."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from branchdesk.core.dates import (add_months, add_years, from_iso, long_cn, normalise_month,
                                   normalise_time, parse_date, to_iso)


@pytest.mark.parametrize("value, expected", [
    ("2001.07", date(2001, 7, 1)),
    ("2001.7", date(2001, 7, 1)),
    ("2001年7月1日", date(2001, 7, 1)),
    ("2001年07月", date(2001, 7, 1)),
    ("2001-7-1", date(2001, 7, 1)),
    ("2001/07/01", date(2001, 7, 1)),
    ("2001.7.1", date(2001, 7, 1)),
    ("2001-07-01 00:00:00", date(2001, 7, 1)),
    ("200107", date(2001, 7, 1)),
    ("20010701", date(2001, 7, 1)),
    (200107, date(2001, 7, 1)),
    (20010701, date(2001, 7, 1)),
    (37073, date(2001, 7, 1)),  # Excel serial date
    (37073.75, date(2001, 7, 1)),  # serial with a time of day
    (datetime(2001, 7, 1, 9, 30), date(2001, 7, 1)),
    (date(2001, 7, 1), date(2001, 7, 1)),
    ("２００１．０７．０１", date(2001, 7, 1)),
    ("２００１－０７", date(2001, 7, 1)),
    ("  2001.07  ", date(2001, 7, 1)),
    ("\u30002001年7月1日\u3000", date(2001, 7, 1)),
])
def test_every_form_people_type(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize("value", [None, "", "   "])
def test_empty_is_none(value):
    assert parse_date(value) is None


@pytest.mark.parametrize("value", ["2001.13", "2001-02-30", "去年七月", "01.07.2001", "2001",
                                   -5, 10**9])
def test_unreadable_dates_raise_a_chinese_reason(value):
    with pytest.raises(ValueError, match="日期"):
        parse_date(value)


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)))
def test_written_forms_read_back(value):
    for text in (value.isoformat(), f"{value.year}年{value.month}月{value.day}日",
                 f"{value:%Y%m%d}", f"{value.year}/{value.month}/{value.day}", long_cn(value)):
        assert parse_date(text) == value


def test_iso_round_trip():
    assert to_iso(date(2001, 7, 1)) == "2001-07-01" and to_iso(None) is None
    assert from_iso("2001-07-01") == date(2001, 7, 1) and from_iso(None) is None
    assert long_cn("2026-11-29") == "2026年11月29日" and long_cn(None) == ""


@pytest.mark.parametrize("start, years, expected", [
    (date(2024, 2, 29), 1, date(2025, 2, 28)),
    (date(2024, 2, 29), 4, date(2028, 2, 29)),
    (date(2024, 2, 29), -1, date(2023, 2, 28)),
    (date(2001, 7, 1), 1, date(2002, 7, 1)),
])
def test_add_years(start, years, expected):
    assert add_years(start, years) == expected


@pytest.mark.parametrize("start, months, expected", [
    (date(2026, 1, 31), 1, date(2026, 2, 28)),
    (date(2024, 1, 31), 1, date(2024, 2, 29)),
    (date(2026, 3, 31), 1, date(2026, 4, 30)),
    (date(2026, 11, 15), 2, date(2027, 1, 15)),
    (date(2026, 1, 15), -1, date(2025, 12, 15)),
    (date(2026, 6, 30), 6, date(2026, 12, 30)),
    (date(2026, 6, 30), 12, date(2027, 6, 30)),
])
def test_add_months(start, months, expected):
    assert add_months(start, months) == expected


@pytest.mark.parametrize("typed, shown", [("14：30", "14:30"), ("1430", "14:30"), ("9.05", "9:05"),
                                          (" 16:00 ", "16:00"), ("", ""), ("下午", "下午")])
def test_normalise_time(typed, shown):
    assert normalise_time(typed) == shown


@pytest.mark.parametrize("typed, shown", [("2026.3", "2026-03"), ("2026年3月", "2026-03"),
                                          ("202603", "2026-03"), ("", ""), (" 三月 ", "三月")])
def test_normalise_month(typed, shown):
    assert normalise_month(typed) == shown
