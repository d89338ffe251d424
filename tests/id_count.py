"""Brute-force count of the valid ID numbers consistent with what an output shows of a member.

The measurable rule of docs/privacy.md: every masked output leaves at least 1,000 of them.
"Valid" is GB 11643: a real calendar date and the right check character. The count enumerates
every candidate: the region codes (the member's own when the region is known — any region
digit, 籍贯 or address shown — else the plausible codes that fit the shown digits), every date
in the range the shown cells allow, all 1,000 sequence numbers, then keeps those that fit the
masked ID character by character, the 性别 and the age, and whose check character is right.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from branchdesk.core import idcard

# Stand-in for the ~2,850 county-level codes of GB/T 2260 when nothing shows the region: a
# few dozen real ones. Fewer candidates than the real list, so a count over it is a lower bound.
PLAUSIBLE_REGIONS = (
    "110101", "110105", "110108", "120101", "130102", "140105", "150102", "210102", "220102",
    "230102", "310101", "310104", "310115", "320102", "320508", "330102", "330106", "340104",
    "350102", "360102", "370102", "410105", "420106", "430102", "440106", "440305", "450103",
    "460105", "500103", "510104", "520102", "530102", "610103", "620102", "650102")
EARLIEST_BIRTH = date(1900, 1, 1)
_WEIGHTS_14 = idcard.WEIGHTS[:14]
_SEQUENCE_WEIGHTS = idcard.WEIGHTS[14:]


@dataclass(frozen=True)
class Shown:
    """What one output shows about one member, cell by cell ("" where nothing is shown)."""

    masked_id: str = ""  # digits, X and "*" as shown (spaces ignored)
    birth: str = ""  # 出生日期 as shown: 1968-07-10, 1968-07, 1968 or ""
    gender: str = ""  # 男, 女 or ""
    region_known: bool = False  # any region digit, 籍贯 or address shown
    age: tuple[int, date] | None = None  # (age shown, the day it is counted on)
    born_by: date | None = None  # latest birth date other cells imply (入党日期 − 18 years)


def count_ids(shown: Shown, own_region: str, today: date, stop_at: int | None = None) -> int:
    """How many valid 18-character ID numbers fit everything in ``shown``; ``own_region`` is
    the member's real region code, used when ``shown.region_known``. ``stop_at``: stop
    counting there (the answer is then at least that)."""
    pattern = _pattern(shown.masked_id)
    sequences = _sequences(pattern, shown.gender)
    found = 0
    for region in _regions(pattern, shown.region_known, own_region):
        for day in _days(shown, pattern, today):
            found += _valid(region + f"{day:%Y%m%d}", sequences, pattern)
            if stop_at is not None and found >= stop_at:
                return found
    return found


def _pattern(masked: str) -> list[str | None]:
    """18 positions, each a shown character or None; an old 15-digit number is widened to
    18 (the century 19 shown, no check character)."""
    chars = [None if ch == "*" else ch.upper() for ch in re.sub(r"\s", "", masked)]
    if len(chars) == 15:
        return chars[:6] + ["1", "9"] + chars[6:15] + [None]
    if len(chars) == 18:
        return chars
    return [None] * 18  # no ID shown, or one the rule cannot read: nothing known from it


def _regions(pattern: list[str | None], known: bool, own: str) -> list[str]:
    if all(pattern[:6]):
        return ["".join(pattern[:6])]
    if known:
        return [own]
    return [code for code in PLAUSIBLE_REGIONS if _fits(code, pattern[:6])]


def _days(shown: Shown, pattern: list[str | None], today: date):
    first, last = _birth_range(shown.birth, today)
    if shown.born_by is not None:
        last = min(last, shown.born_by)
    day = first
    while day <= last:
        if _fits(f"{day:%Y%m%d}", pattern[6:14]) and _age_fits(day, shown.age):
            yield day
        day += timedelta(days=1)


def _birth_range(birth: str, today: date) -> tuple[date, date]:
    parts = [int(p) for p in re.findall(r"\d+", birth)]
    if len(parts) >= 3:
        day = date(*parts[:3])
        return day, day
    if len(parts) == 2:
        year, month = parts
        return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
    if len(parts) == 1:
        return date(parts[0], 1, 1), date(parts[0], 12, 31)
    return EARLIEST_BIRTH, today


def _age_fits(born: date, age: tuple[int, date] | None) -> bool:
    if age is None:
        return True
    years, on = age
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day)) == years


def _sequences(pattern: list[str | None], gender: str) -> list[int]:
    """The weighted digit sums of the sequence numbers 000–999 that fit the shown digits and
    性别 (an odd last digit is 男)."""
    found = []
    for number in range(1000):
        digits = f"{number:03d}"
        if _fits(digits, pattern[14:17]) and _sex_fits(int(digits[2]), gender):
            found.append(sum(int(d) * w for d, w in zip(digits, _SEQUENCE_WEIGHTS)))
    return found


def _valid(prefix: str, sequences: list[int], pattern: list[str | None]) -> int:
    """Candidates ``prefix`` + each sequence number whose check character (computed for
    each) fits the shown one."""
    if not _fits(prefix, pattern[:14]):
        return 0
    base = sum(int(d) * w for d, w in zip(prefix, _WEIGHTS_14))
    wanted = pattern[17]
    return sum(1 for s in sequences
               if wanted is None or idcard.CHECK_CHARS[(base + s) % 11] == wanted)


def _fits(text: str, shown: list[str | None]) -> bool:
    return all(s is None or s == ch for ch, s in zip(text, shown))


def _sex_fits(digit: int, gender: str) -> bool:
    if gender == "男":
        return digit % 2 == 1
    if gender == "女":
        return digit % 2 == 0
    return True
