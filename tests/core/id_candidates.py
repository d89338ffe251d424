"""How many valid ID numbers fit what an output shows about a member (docs/privacy.md).

The count is exhaustive: every birth date in the range the visible cells allow, every sequence
number (three digits) the visible ID characters and 性别 allow, and the GB 11643 check character
each candidate must have. The region is always taken as known (the member's own six digits):
the worst case the rule allows, since 籍贯 and 家庭住址 are on the roll; an unknown region
would only multiply the count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from branchdesk.core.dates import add_years
from branchdesk.core.idcard import CHECK_CHARS, WEIGHTS

EARLIEST = date(1900, 1, 1)


@dataclass(frozen=True)
class Visible:
    """What one output shows about one member. ``id_shown``: the ID cell ("*" where hidden,
    "" when the output has no ID); ``birth``: the 出生日期 cell as shown (a date, "1968-07-10",
    "1968-07", "1968年", or None); ``age`` in years on ``as_of``, when shown."""

    id_shown: str = ""
    birth: object = None
    gender: str | None = None
    age: int | None = None
    as_of: date | None = None


def count_valid_ids(visible: Visible, region: str, today: date) -> int:
    """Valid 18-character ID numbers with ``region`` consistent with ``visible``."""
    shown = visible.id_shown.ljust(18, "*") if visible.id_shown else "*" * 18
    if not shown.startswith(tuple(_prefixes(shown[:6], region))):
        return 0
    by_residue = _sequences_by_residue(shown[14:17], visible.gender)
    check = shown[17]
    region_sum = _weighted(region, 0)
    total = 0
    for day in _days(visible, shown[6:14], today):
        base = region_sum + _weighted(day.strftime("%Y%m%d"), 6)
        for residue, count in enumerate(by_residue):
            if check == "*" or CHECK_CHARS[(base + residue) % 11] == check:
                total += count
    return total


def _prefixes(shown_region: str, region: str) -> list[str]:
    """``shown_region`` when it agrees with ``region`` digit by digit, else nothing."""
    agrees = all(s == "*" or s == r for s, r in zip(shown_region, region))
    return [shown_region] if agrees else []


def _weighted(digits: str, start: int) -> int:
    return sum(int(d) * WEIGHTS[start + i] for i, d in enumerate(digits))


def _sequences_by_residue(shown: str, gender: str | None) -> list[int]:
    """How many sequence numbers (ID characters 15–17) fit, by their weighted sum mod 11."""
    counts = [0] * 11
    for number in range(1000):
        digits = f"{number:03d}"
        if any(s != "*" and s != d for s, d in zip(shown, digits)):
            continue
        if gender and (int(digits[2]) % 2 == 1) != (gender == "男"):
            continue
        counts[_weighted(digits, 14) % 11] += 1
    return counts


def _days(visible: Visible, shown_birth: str, today: date):
    first, last = _birth_range(visible.birth, today)
    if visible.age is not None and visible.as_of is not None:
        first = max(first, add_years(visible.as_of, -(visible.age + 1)) + timedelta(days=1))
        last = min(last, add_years(visible.as_of, -visible.age))
    day = first
    while day <= last:
        text = day.strftime("%Y%m%d")
        if all(s == "*" or s == d for s, d in zip(shown_birth, text)):
            yield day
        day += timedelta(days=1)


def _birth_range(birth: object, today: date) -> tuple[date, date]:
    """First and last birth date the 出生日期 cell allows."""
    if isinstance(birth, datetime):
        return birth.date(), birth.date()
    if isinstance(birth, date):
        return birth, birth
    text = str(birth or "").strip()
    if m := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text):
        day = date(*map(int, m.groups()))
        return day, day
    if m := re.fullmatch(r"(\d{4})-(\d{2})", text):
        year, month = map(int, m.groups())
        following = date(year + month // 12, month % 12 + 1, 1)
        return date(year, month, 1), following - timedelta(days=1)
    if m := re.fullmatch(r"(\d{4})年?", text):
        year = int(m.group(1))
        return date(year, 1, 1), min(date(year, 12, 31), today)
    assert not text, f"unexpected 出生日期 cell {text!r}"
    return EARLIEST, today
