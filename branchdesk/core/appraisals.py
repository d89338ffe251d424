"""民主评议党员: one grade per member for a year, and the warning when 优秀 are too many."""

from __future__ import annotations

from datetime import date

from branchdesk.core.db import Database, ensure_writable
from branchdesk.core.errors import ValidationError
from branchdesk.core.members import RollEntry, roll_as_of
from branchdesk.core.text import clean

GRADES = ("优秀", "合格", "基本合格", "不合格")
NOT_GRADED = "不参加评议"

Grades = dict[int, tuple[str, str]]  # member id -> (grade, note)


def grades(db: Database, year: int) -> Grades:
    """The grades stored for ``year``; empty when the year has not been appraised."""
    cursor = db.execute("SELECT member_id, grade, note FROM appraisals WHERE year = ?", [year])
    return {mid: (grade, note) for mid, grade, note in cursor.fetchall()}


def candidates(db: Database, year: int) -> list[RollEntry]:
    """Members on the roll at the end of the year (or today, for the current year)."""
    end = min(date(year, 12, 31), date.today()) if year >= date.today().year else date(year, 12, 31)
    return [e for e in roll_as_of(db, end) if not e.suspended]


def save(db: Database, year: int, graded: Grades) -> None:
    """Replace the year's grades. 预备党员 are listed as 不参加评议 by default
    (docs/rules.md, 民主评议)."""
    ensure_writable(db)
    for grade, _note in graded.values():
        if grade not in GRADES + (NOT_GRADED,):
            raise ValidationError({"grade": f"未知的评议等次：{grade}"})
    with db.atomic():
        db.execute("DELETE FROM appraisals WHERE year = ?", [year])
        db.conn.executemany(
            "INSERT INTO appraisals (year, member_id, grade, note) VALUES (?, ?, ?, ?)",
            [(year, mid, g, clean(n).strip()) for mid, (g, n) in graded.items() if g])


def excellent_warning(graded: Grades, max_ratio_pct: int) -> str | None:
    """A warning when 优秀 exceeds the allowed share of those graded (default ⅓).

    The share is compared in whole percent, as the message shows it: with the default 33%,
    exactly one in three (33.3%) is within the limit.
    """
    real = [g for g, _ in graded.values() if g in GRADES]
    excellent = real.count("优秀")
    if real and excellent * 100 // len(real) > max_ratio_pct:
        return (f"评为“优秀”的有 {excellent} 人，占参评 {len(real)} 人的 "
                f"{excellent * 100 // len(real)}%，超过一般不超过 {max_ratio_pct}% 的比例，请核对。")
    return None
