"""Dates as people type them, and as we show them.

Stored dates are ISO text (YYYY-MM-DD). A date given only to the month (2001.07, 200107,
2001年7月) is stored as the first of that month, except a birth date whose year and month agree
with the ID number: that one takes the day from the ID (members.normalise).
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

_FULLWIDTH = str.maketrans("０１２３４５６７８９．－／", "0123456789.-/")
_EXCEL_EPOCH = date(1899, 12, 30)


def parse_date(value: object) -> date | None:
    """Parse a date from a cell or a text field; None for empty. Raises ValueError if unreadable."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _from_number(value)
    text = str(value).translate(_FULLWIDTH).strip()
    if not text:
        return None
    return _from_text(text)


def parse_deadline(value: object) -> date | None:
    """Like parse_date, but a month alone ("2026年12月", "2026-12") means its last day: a
    整改 due "by December" is not overdue on the 2nd."""
    day = parse_date(value)
    if day is not None and month_only(value):
        return add_months(date(day.year, day.month, 1), 1) - timedelta(days=1)
    return day


def month_only(value: object) -> tuple[int, int] | None:
    """(year, month) when ``value`` is text giving a date only to the month (1970.03,
    1975年8月, 197508, 1970-03); None for a full date, a number, or anything unreadable."""
    if not isinstance(value, str):
        return None
    text = value.translate(_FULLWIDTH).strip()
    for pattern in _PATTERNS[2:]:  # the month-only forms
        match = pattern.match(text)
        if match and 1 <= int(match.group(2)) <= 12:
            return int(match.group(1)), int(match.group(2))
    return None


def _from_number(value: float) -> date:
    if float(value).is_integer():
        digits = str(int(value))
        if len(digits) in (6, 8) and digits[:2] in ("19", "20"):
            return _from_text(digits)
    if 1 <= value < 2958466:  # Excel serial dates up to 9999-12-31
        return _EXCEL_EPOCH + timedelta(days=int(value))
    raise ValueError(f"无法识别的日期：{value}")


_PATTERNS = [
    re.compile(r"^(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*日?(?:\s+[\d:]+)?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
    re.compile(r"^(\d{4})\s*[-./年]\s*(\d{1,2})\s*月?$"),
    re.compile(r"^(\d{4})(\d{2})$"),
]


def _from_text(text: str) -> date:
    for pattern in _PATTERNS:
        match = pattern.match(text)
        if match:
            parts = [int(p) for p in match.groups()] + [1]
            try:
                return date(parts[0], parts[1], parts[2])
            except ValueError:
                break
    raise ValueError(f"无法识别的日期“{text}”，请写成 2001-07-01 或 2001年7月1日")


_TIME_DIGITS = re.compile(r"^(\d{1,2})(\d{2})$")


def normalise_time(text: str) -> str:
    """A time of day as typed: 14：30, 14.30 and 1430 become 14:30; anything else comes back
    stripped, for validation to name."""
    text = text.strip().replace("：", ":").replace(".", ":")
    match = _TIME_DIGITS.match(text)
    return f"{match.group(1)}:{match.group(2)}" if match else text


def normalise_month(text: str) -> str:
    """A month as typed: 2026.3, 2026年3月 and 202603 become 2026-03; empty stays empty;
    unreadable text comes back stripped, for validation to name."""
    try:
        value = parse_date(text)
    except ValueError:
        return text.strip()
    return value.strftime("%Y-%m") if value else ""


def normalise_year(text: str) -> str:
    """2026, 2026年 and 2026年度 become 2026; anything else is returned trimmed, for
    validation to reject."""
    text = (text or "").translate(_FULLWIDTH).strip()
    match = re.fullmatch(r"(\d{4})\s*(年度?)?", text)
    return match.group(1) if match else text


def to_iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def from_iso(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def long_cn(value: date | str | None) -> str:
    """2026年11月29日"""
    if isinstance(value, str):
        value = from_iso(value)
    return f"{value.year}年{value.month}月{value.day}日" if value else ""


def today() -> date:
    return date.today()


def add_years(value: date, years: int) -> date:
    """Same day N years later; 29 February becomes 28 February in a common year."""
    try:
        return value.replace(year=value.year + years)
    except ValueError:
        return value.replace(year=value.year + years, day=28)


def add_months(value: date, months: int) -> date:
    index = value.month - 1 + months
    year, month = value.year + index // 12, index % 12 + 1
    for day in (value.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")
