"""What goes on a printed 发展党员全程纪实表: one person's personal details and the 25 steps of
the 细则 stage by stage, with dates, people, 考察/思想汇报/公示 and the history.

Laid out as a ``printing.MinutesPage`` (a bordered header form, headed sections, signature
line), so the same painter (ui/print/minutes.py) prints it on screen, to PDF and into the U盘
package. No Qt here.
"""

from __future__ import annotations

from datetime import date

from branchdesk.core import masking, recruitment as rc, settings
from branchdesk.core.branch import heading_name
from branchdesk.core.db import Database
from branchdesk.core.dates import long_cn
from branchdesk.core.files import safe_name
from branchdesk.core.printing import FormField, MinutesPage, Section

FORM_NAME = "发展党员全程纪实表"
SIGNATURES = ("填表人签名", "党支部书记签名")
_STAGE_NUMBERS = "一二三四五"


def file_name(r: rc.Recruit) -> str:
    """赵晓明_发展党员全程纪实表.pdf, safe on every file system."""
    return safe_name(f"{r.name}_{FORM_NAME}.pdf")


def record_page(db: Database, r: rc.Recruit, as_of: date, *, mask: bool = False) -> MinutesPage:
    """``r``'s 纪实表 as of ``as_of``. ``mask``: the ID number and birth date masked as the roll
    masks them, and ID or phone numbers typed into notes too (core/masking.py)."""
    conf = settings.get_all(db)
    text = masking.free_text if mask else str
    rows = timeline_sections(r, rc.timeline(r, conf, as_of), text)
    rows += _entry_sections(r, text) + [_history_section(db, r, text)]
    return MinutesPage(f"{heading_name(db)}{FORM_NAME}", f"截至{long_cn(as_of)}",
                       _header(r, mask), rows, SIGNATURES, file_name(r))


def _header(r: rc.Recruit, mask: bool) -> list[list[FormField]]:
    number = masking.id_number(r.id_number) if mask and r.id_number else (r.id_number or "")
    birth = masking.birth(r.birth_date) if mask and r.birth_date else (r.birth_date or "")
    return [[FormField("姓名", r.name), FormField("性别", r.gender)],
            [FormField("出生日期", str(birth)), FormField("民族", r.ethnicity)],
            [FormField("公民身份号码", number), FormField("学历", r.education)],
            [FormField("工作岗位/职务", r.job or "")],
            [FormField("所处阶段", rc.stage(r)), FormField("状态", r.status)]]


def timeline_sections(r: rc.Recruit, rows: list[rc.TimelineRow], text=str) -> list[Section]:
    """One section per stage, one line per step: 序号 name date (or what is owed) and details."""
    out = []
    for stage, name in rc.STAGE_NAMES.items():
        lines = [_step_line(row, text) for row in rows if row.step.stage == stage]
        out.append(Section(f"{_STAGE_NUMBERS[stage - 1]}、{name}", "\n".join(lines)))
    return out


def _step_line(row: rc.TimelineRow, text) -> str:
    s = row.step
    if row.status == rc.DONE:
        state = long_cn(row.date)
    elif row.status in (rc.PENDING, rc.LATE) and row.due:
        state = f"{row.status}（应于{long_cn(row.due)}前）"
    else:
        state = row.status
    detail = f"　{text(row.detail)}" if row.detail else ""
    return f"{s.number}. {s.name}：{state}{detail}"


def _entry_sections(r: rc.Recruit, text) -> list[Section]:
    out = []
    for kind in (rc.REVIEW, rc.REPORT, rc.PUBLICITY):
        found = r.entries_of(kind)
        if not found:
            continue
        lines = [(f"{e.date}至{e.end_date}" if e.end_date else e.date)
                 + (f"　{text(e.notes)}" if e.notes else "") for e in found]
        out.append(Section(f"{kind}记录（{len(found)}次）", "\n".join(lines)))
    return out


def _history_section(db: Database, r: rc.Recruit, text) -> Section:
    lines = [f"{h['date']}　{h['kind']}" + (f"：{text(h['reason'])}" if h["reason"] else "")
             for h in rc.history(db, r.id)]
    return Section("变动记录", "\n".join(lines))
