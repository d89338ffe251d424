"""The 工作完成情况 sheet: the 工作台's year grid (activity × month) and its findings, taken from
rules.report so the ledger says exactly what the 工作台 says."""

from __future__ import annotations

from copy import copy
from datetime import date, timedelta

from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet
from branchdesk.core.db import Database

from branchdesk.core import masking, rules, settings
from branchdesk.core.dates import long_cn
from branchdesk.core.ledger.blocks import copy_style, merge
from branchdesk.core.ledger.period import LedgerPeriod
from branchdesk.core.ledger.styles import (FIRST_DATA_ROW, HEADER_ROW, TEXT, Column, Table,
                                           add_sheet, row_height, set_print_layout, shown,
                                           write_cell)
from branchdesk.core.meetings import GROUP

SHEET_NAME = "工作完成情况"
COLUMNS = (Column("检查项目", TEXT, max_width=8),
           *(Column(f"{month}月", TEXT, width=3) for month in range(1, 13)))
CELL_TEXT = {rules.MISSING: "缺", rules.DUE: "待完成", rules.FUTURE: "", rules.UNTRACKED: "—",
             rules.NOT_APPLICABLE: "不适用"}
NO_FINDINGS = "未发现缺项或待完成事项"
# The findings table below the grid: 类别 | 事项 (months 1–10) | 期间 (months 11–12).
_FINDING_SPANS = ((1, 1), (2, 11), (12, 13))


def add_completion_sheet(wb: Workbook, db: Database, branch_name: str,
                         period: LedgerPeriod, today: date | None = None, *,
                         mask: bool = False) -> Worksheet:
    """The grid of every year in the period, then the findings, as on ``period.as_of`` (for a
    year the period covers whole, up to ``today`` while its 组织生活会 window is open).
    ``mask``: the grid's and the findings' text as core/masking.py shows it."""
    conf = settings.get_all(db)
    today = today or date.today()
    reports = [rules.report(db, year, as_of=as_of(period, year, conf, today))
               for year in period.years]
    rows, spans = grid_rows(reports, period)
    title = f"{branch_name}工作完成情况"
    subtitle = (f"{period.label}　截至 {long_cn(reports[-1].as_of)}　"
                "图例：✓ 已完成；缺 期限已过未完成；待完成 尚在期限内"
                + ("；— 开始检查之前" if any(r.has_untracked for r in reports) else "")
                + ("；不适用 无人应参加（如没有党员、未设支委会）"
                   if any(c.status == rules.NOT_APPLICABLE for r in reports for row in r.grid
                          for c in row.cells) else "")
                + ("；补 含补录的记录" if any(c.late for r in reports for row in r.grid
                                           for c in row.cells) else ""))
    ws = add_sheet(wb, SHEET_NAME, Table(title, subtitle, COLUMNS, rows), freeze_columns=1,
                   mask=mask)
    for row, column, width in spans:
        merge(ws, row, column, row, column + width - 1)
    first = FIRST_DATA_ROW + len(rows) + 1
    last = write_findings(ws, first, reports, mask)
    set_print_layout(ws, len(COLUMNS), last)
    # Pages after the first continue the findings, so their header is the one repeated
    # (Excel, WPS and LibreOffice repeat title rows only from the page where they appear).
    ws.print_title_rows = f"{first + 1}:{first + 1}"
    return ws


def as_of(period: LedgerPeriod, year: int, conf: dict, today: date) -> date:
    """The day a year is checked on: the period's as-of day; for a year the period covers
    whole, ``today`` if later, while the year's 组织生活会 and 民主评议 may still be held (the
    2026年度 meeting held in January 2027 counts), and at most the day after that window
    closed (rules.window_end; 1 April of the next year by default)."""
    if period.start > date(year, 1, 1) or period.end < date(year, 12, 31):
        return period.as_of
    return min(max(period.as_of, today), rules.window_end(year, conf) + timedelta(days=1))


def grid_rows(reports: list[rules.Report], period: LedgerPeriod):
    """Table rows of the grids and the (row, first column, width) of cells spanning months."""
    rows, spans = [], []
    for report in reports:
        prefix = f"{report.year}年 " if len(reports) > 1 else ""
        for grid_row in report.grid:
            values = [prefix + activity_label(grid_row)] + [None] * 12
            for cell in grid_row.cells:
                column = cell.period.start.month
                values[column] = cell_text(cell, period)
                width = cell.period.end.month - column + 1
                if width > 1:
                    spans.append((FIRST_DATA_ROW + len(rows), column + 1, width))
            rows.append(values)
    return rows, spans


def activity_label(row: rules.GridRow) -> str:
    """支委会, 第一党小组会, 民主评议 …"""
    if row.kind != GROUP:
        return row.activity
    return row.activity + ("会" if row.activity.endswith("党小组") else "党小组会")


def cell_text(cell: rules.Cell, period: LedgerPeriod) -> str:
    """✓ (or ✓ 2次), 缺, 待完成; empty for a future period or one outside the ledger's dates."""
    if cell.period.end < period.start or cell.period.start > period.end:
        return ""
    return cell.text if cell.status == rules.DONE else CELL_TEXT.get(cell.status, "")


# ---------------------------------------------------------------- findings

def write_findings(ws: Worksheet, first: int, reports: list[rules.Report],
                   mask: bool = False) -> int:
    """The findings table from row ``first``; returns its last row. ``mask``: ID and phone
    numbers in the findings masked (core/masking.py)."""
    heading = ws.cell(first, 1)
    write_cell(heading, f"存在的问题和待完成事项（截至 {long_cn(reports[-1].as_of)}）")
    heading.font = copy(ws.cell(HEADER_ROW, 1).font)
    merge(ws, first, 1, first, len(COLUMNS))
    _finding_row(ws, first + 1, ["类别", "事项", "期间"], header=True)
    lines = [finding_line(f, r, len(reports) > 1) for r in reports for f in r.findings]
    if mask:
        lines = [[masking.free_text(text) for text in line] for line in lines]
    for offset, values in enumerate(lines or [["", NO_FINDINGS, ""]], start=2):
        _finding_row(ws, first + offset, values)
    return first + 1 + max(len(lines), 1)


def finding_line(finding: rules.Finding, report: rules.Report, with_year: bool) -> list[str]:
    """[类别, 事项, 期间] of one finding."""
    message = f"{report.year}年 {finding.message}" if with_year else finding.message
    when = finding.period or finding.due or ""
    return [rules.STATUS_TEXT[finding.severity], message, when]


def _finding_row(ws: Worksheet, row: int, values: list[str], header: bool = False) -> None:
    model = ws.cell(HEADER_ROW if header else FIRST_DATA_ROW, 2)
    widths = []
    for (first, last), value in zip(_FINDING_SPANS, values):
        for column in range(first, last + 1):
            copy_style(model, ws.cell(row, column))
        write_cell(ws.cell(row, first), value)
        if last > first:
            merge(ws, row, first, row, last)
        widths.append(sum(ws.column_dimensions[get_column_letter(c)].width
                          for c in range(first, last + 1)))
    if not header:
        ws.cell(row, 2).alignment = Alignment(horizontal="left", vertical="center",
                                              wrap_text=True)
    ws.row_dimensions[row].height = row_height([shown(v, TEXT) for v in values], widths)
