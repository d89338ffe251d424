"""The period a ledger covers: a whole year, or a range of dates chosen by the user."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from branchdesk.core.dates import long_cn
from branchdesk.core.errors import ValidationError


@dataclass(frozen=True)
class LedgerPeriod:
    """``start`` to ``end`` inclusive; ``year`` is set when the ledger is for a whole year.

    ``as_of`` is the day the roll and the checks are taken on: the period's end, or today
    while the period is still running (a future day is never counted as missed, and the roll
    is never said to be "as of" a day that has not come).
    """

    start: date
    end: date
    as_of: date
    year: int | None = None

    @property
    def label(self) -> str:
        """2026年度, or 2026年3月1日至2026年6月30日 for a range."""
        if self.year is not None:
            return f"{self.year}年度"
        return f"{long_cn(self.start)}至{long_cn(self.end)}"

    @property
    def years(self) -> range:
        return range(self.start.year, self.end.year + 1)

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


def file_name(branch_name: str, *, year: int | None = None, start: date | None = None,
              end: date | None = None) -> str:
    """The ledger's suggested file name: 某党支部2026年度工作台账.xlsx for a year, or
    某党支部工作台账_20260301-20260630.xlsx for ``start``–``end``."""
    if year is not None:
        return f"{branch_name}{year}年度工作台账.xlsx"
    return f"{branch_name}工作台账_{start:%Y%m%d}-{end:%Y%m%d}.xlsx"


def resolve(year: int | None = None, start: date | None = None, end: date | None = None,
            today: date | None = None) -> LedgerPeriod:
    """The period for a year, or for ``start``–``end`` (a missing bound takes the year's edge).

    With nothing given, the current year. Raises ValidationError when the range is reversed.
    """
    today = today or date.today()
    if start is None and end is None:
        year = year if year is not None else today.year
        start, end = date(year, 1, 1), date(year, 12, 31)
    start = start or date((year or end.year), 1, 1)
    end = end or date((year or start.year), 12, 31)
    if end < start:
        raise ValidationError({"period": f"结束日期 {end.isoformat()} 早于开始日期 "
                                         f"{start.isoformat()}，请重新选择。"})
    whole_year = start == date(start.year, 1, 1) and end == date(start.year, 12, 31)
    as_of = max(min(end, today), start)
    return LedgerPeriod(start, end, as_of, start.year if whole_year else None)
