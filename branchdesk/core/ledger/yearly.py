"""The yearly ledger (年度工作台账): one .xlsx with every record of a year, ready for inspection.

Sheets, in order: 封面, 党员花名册, 支部党员大会, 支委会, 党小组会, 党课, 组织生活会, 主题党日,
谈心谈话, 民主评议, 转入登记表, 转出登记表, 发展党员, 党费收缴登记表, 党费收缴汇总, 出勤统计,
工作完成情况. Each table sheet has the shared look of styles.py (A4 landscape, header repeated,
"第 N 页 共 M 页"); a kind with no records still has its sheet, saying "本期无记录".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path

from openpyxl.workbook import Workbook
from branchdesk.core.db import Database

from branchdesk.core import branch
from branchdesk.core.ledger import (attendance_sheet, completion_sheet, cover, dues_sheets,
                                    meeting_sheets, recruitment_sheet, register_sheets, roster,
                                    transfer_sheets)
from branchdesk.core.ledger.period import LedgerPeriod, resolve
from branchdesk.core.ledger.records import meetings_in, talks_in
from branchdesk.core.ledger.saving import save_xlsx, workbook_bytes
from branchdesk.core.ledger.styles import add_sheet, new_workbook
from branchdesk.core.meetings import THEME_DAY, Meeting

Progress = Callable[[int, str], None]


@dataclass
class LedgerContext:
    """What every sheet builder may use."""

    db: Database
    period: LedgerPeriod
    today: date
    branch_name: str
    mask: bool
    meetings: list[Meeting]
    shared: dict = field(default_factory=dict)  # what two sheets read alike, read once


def export_ledger(db: Database, path: Path | str, *, year: int | None = None,
                  start: date | None = None, end: date | None = None, mask: bool = False,
                  progress: Progress | None = None, today: date | None = None) -> Path:
    """Write the ledger of ``year`` (or of ``start``–``end``) to ``path`` and return the path.

    The file is made by ``ledger_bytes`` (same arguments) and written with the checked atomic
    write. Raises ValidationError for a reversed date range and ExportError when the file
    cannot be written; the target is then left as it was.
    """
    path = Path(path)
    return save_xlsx(ledger_bytes(db, path, year=year, start=start, end=end, mask=mask,
                                  progress=progress, today=today), path)


def ledger_bytes(db: Database, path: Path, *, year: int | None = None, start: date | None = None,
                 end: date | None = None, mask: bool = False, progress: Progress | None = None,
                 today: date | None = None) -> bytes:
    """The ledger's .xlsx file, made in memory (``path``: where it will go, named in errors).

    ``mask`` masks personal data on every sheet (core.masking: ID numbers, birth dates,
    phones, addresses, numbers in text; docs/privacy.md).
    ``progress(percent, text)`` is called before each sheet and before saving; an exception it
    raises (e.g. to cancel) propagates.
    ``today`` (default: the real date) is the 生成日期; while the period runs, the roll and the
    checks are taken on it rather than on the period's end (LedgerPeriod.as_of).
    """
    today = today or date.today()
    ctx = _context(db, resolve(year, start, end, today), mask, today)
    wb = new_workbook()
    steps = _steps()
    for index, (name, build) in enumerate(steps):
        _report(progress, index * 100 // (len(steps) + 1), f"正在生成“{name}”…")
        build(wb, ctx)
    _report(progress, len(steps) * 100 // (len(steps) + 1), "正在保存文件…")
    wb.active = 0
    return workbook_bytes(wb, path)


def sheet_names() -> list[str]:
    """The ledger's sheets in order."""
    return [name for name, _ in _steps()]


def _context(db: Database, period: LedgerPeriod, mask: bool, today: date) -> LedgerContext:
    return LedgerContext(db, period, today, branch.heading_name(db), mask,
                         meetings_in(db, period, held_by=today))


def _report(progress: Progress | None, percent: int, text: str) -> None:
    if progress is not None:
        progress(percent, text)


def _steps() -> list[tuple[str, Callable[[Workbook, LedgerContext], object]]]:
    meetings = [(name, partial(_meeting_sheet, name=name, kind=kind))
                for kind, name in meeting_sheets.MEETING_SHEETS]
    return [(cover.SHEET_NAME, _cover), (roster.SHEET_NAME, _roster), *meetings,
            (meeting_sheets.THEME_DAY_SHEET,
             partial(_meeting_sheet, name=meeting_sheets.THEME_DAY_SHEET, kind=THEME_DAY)),
            (register_sheets.TALKS_SHEET, _talks),
            (register_sheets.APPRAISAL_SHEET, _appraisal),
            (transfer_sheets.IN_SHEET, _transfers_in), (transfer_sheets.OUT_SHEET, _transfers_out),
            (recruitment_sheet.SHEET_NAME, recruitment_sheet.build),
            (dues_sheets.REGISTER_SHEET, _dues_register), (dues_sheets.SUMMARY_SHEET, _dues_summary),
            (attendance_sheet.SHEET_NAME, _attendance),
            (completion_sheet.SHEET_NAME, _completion)]


# ---------------------------------------------------------------- one builder per sheet

def _cover(wb: Workbook, ctx: LedgerContext) -> None:
    cover.add_cover(wb, ctx.db, ctx.branch_name, ctx.period, ctx.today, sheet_names()[1:],
                    mask=ctx.mask)


def _roster(wb: Workbook, ctx: LedgerContext) -> None:
    table = roster.roster_table(ctx.db, ctx.period.as_of, include_left_since=ctx.period.start)
    add_sheet(wb, roster.SHEET_NAME, table, mask=ctx.mask, freeze_columns=2)


def _meeting_sheet(wb: Workbook, ctx: LedgerContext, *, name: str, kind: str) -> None:
    meeting_sheets.add_meeting_sheet(wb, name, kind, ctx.meetings, ctx.branch_name, ctx.period,
                                     mask=ctx.mask)


def _talks(wb: Workbook, ctx: LedgerContext) -> None:
    register_sheets.add_talks_sheet(wb, talks_in(ctx.db, ctx.period), ctx.branch_name,
                                    ctx.period, mask=ctx.mask)


def _appraisal(wb: Workbook, ctx: LedgerContext) -> None:
    register_sheets.add_appraisal_sheet(wb, ctx.db, ctx.branch_name, ctx.period,
                                        mask=ctx.mask)


def _transfers_in(wb: Workbook, ctx: LedgerContext) -> None:
    transfer_sheets.add_in_sheet(wb, ctx.db, ctx.branch_name, ctx.period, mask=ctx.mask)


def _transfers_out(wb: Workbook, ctx: LedgerContext) -> None:
    transfer_sheets.add_out_sheet(wb, ctx.db, ctx.branch_name, ctx.period, mask=ctx.mask)


def _dues_data(ctx: LedgerContext) -> list[dues_sheets.DuesYear]:
    if "dues" not in ctx.shared:
        ctx.shared["dues"] = [dues_sheets.read_year(ctx.db, y, min(ctx.period.as_of, date(y, 12, 31)))
                              for y in ctx.period.years]
    return ctx.shared["dues"]


def _dues_register(wb: Workbook, ctx: LedgerContext) -> None:
    dues_sheets.add_register_sheet(wb, ctx.db, ctx.branch_name, ctx.period, mask=ctx.mask,
                                   data=_dues_data(ctx))


def _dues_summary(wb: Workbook, ctx: LedgerContext) -> None:
    dues_sheets.add_summary_sheet(wb, ctx.db, ctx.branch_name, ctx.period, mask=ctx.mask,
                                  data=_dues_data(ctx))


def _attendance(wb: Workbook, ctx: LedgerContext) -> None:
    attendance_sheet.add_attendance_sheet(wb, ctx.db, ctx.branch_name, ctx.period,
                                          mask=ctx.mask)


def _completion(wb: Workbook, ctx: LedgerContext) -> None:
    completion_sheet.add_completion_sheet(wb, ctx.db, ctx.branch_name, ctx.period, ctx.today,
                                          mask=ctx.mask)
