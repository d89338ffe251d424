"""The 发展党员工作台账 sheet: one row per person in the pipeline during the period, with the
dates of the main steps, the stage, and the next step with its deadline (core/recruitment.py)."""

from __future__ import annotations

from datetime import date

from openpyxl.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from branchdesk.core import masking, recruitment as rc, settings
from branchdesk.core.db import Database
from branchdesk.core.ledger.blocks import RecordTable, add_record_sheet
from branchdesk.core.ledger.period import LedgerPeriod
from branchdesk.core.ledger.styles import DATE, LONG_TEXT, NUMBER, TEXT, Column

SHEET_NAME = "发展党员"

# The main steps shown as date columns (numbers of rc.STEPS), with their short headers.
MAIN_STEPS = ((rc.APPLY, "申请入党"), (rc.TALK, "谈话"), (rc.ACTIVIST, "确定积极分子"),
              (rc.CANDIDATE, "确定发展对象"), (rc.VETTING, "政治审查"), (rc.TRAINING, "集中培训"),
              (rc.GENERAL_MEETING, "支部大会"), (rc.APPROVAL, "上级党委审批"),
              (rc.FULL_APPROVAL, "转正"))

COLUMNS = (
    Column("序号", NUMBER, width=2), Column("姓名", TEXT, max_width=4),
    Column("性别", TEXT, width=2), Column("出生日期", DATE, private=masking.BIRTH),
    Column("工作岗位/职务", TEXT, max_width=6),
    *(Column(header, DATE) for _, header in MAIN_STEPS),
    Column("培养联系人", TEXT, max_width=5), Column("入党介绍人", TEXT, max_width=5),
    Column("所处阶段", TEXT, max_width=4), Column("下一步", TEXT, max_width=9),
    Column("期限", DATE), Column("备注", LONG_TEXT),
)
_WEIGHTS = {"备注": 2.0}


def build(wb: Workbook, ctx) -> Worksheet:
    """The yearly ledger's step (core/ledger/yearly.py): ``ctx`` is its LedgerContext."""
    return add_recruitment_sheet(wb, ctx.db, ctx.branch_name, ctx.period, mask=ctx.mask)


def add_recruitment_sheet(wb: Workbook, db: Database, branch_name: str, period: LedgerPeriod,
                          *, mask: bool = False) -> Worksheet:
    """People whose application came by the period's end and whose record was still open at
    its start (not withdrawn or 转正 before it), in stage order. ``mask``: birth dates to the
    year and ID or phone numbers in the text masked, as on the roll (core/masking.py)."""
    conf = settings.get_all(db)
    people = [r for r in rc.list_recruits(db) if in_period(db, r, period)]
    rows = [person_row(n, r, conf, period.as_of) for n, r in enumerate(people, start=1)]
    late = sum(1 for r in people if rc.overdue(r, conf, period.as_of))
    subtitle = f"{period.label}　共 {len(rows)} 人" + (f"，其中 {late} 人有逾期事项" if late else "")
    table = RecordTable(f"{branch_name}发展党员工作台账", subtitle, COLUMNS, rows, _WEIGHTS,
                        notes=["步骤编号见《中国共产党发展党员工作细则》25个步骤；"
                               "日期为该步骤完成的日期，空白为尚未进行。"] if rows else ())
    return add_record_sheet(wb, SHEET_NAME, table, mask=mask)


def in_period(db: Database, r: rc.Recruit, period: LedgerPeriod) -> bool:
    """Whether ``r`` belongs on the sheet of ``period`` (also the U盘 package's 纪实表)."""
    applied = r.on(rc.APPLY)
    if applied is None or applied > period.end:
        return False
    closed = r.on(rc.FULL_APPROVAL)
    if r.status == rc.WITHDRAWN:
        ends = [h["date"] for h in rc.history(db, r.id) if h["kind"] == "终止发展"]
        closed = date.fromisoformat(ends[-1]) if ends else None
    return closed is None or closed >= period.start


def person_row(number: int, r: rc.Recruit, conf: dict, as_of: date) -> list[object]:
    owed = rc.obligations(r, conf)
    first = owed[0] if owed else None
    late = [d for d in owed if d.overdue(as_of)]
    notes = ["已逾期：" + "、".join(d.name for d in late)] if late else []
    if r.status in (rc.PAUSED, rc.WITHDRAWN):
        notes.append(r.status)
    return [number, r.name, r.gender, r.birth_date, r.job,
            *(r.on(step) for step, _ in MAIN_STEPS),
            _people(r, rc.CONTACTS), _people(r, rc.INTRODUCERS), rc.stage(r),
            f"第{first.step}步 {first.name}" if first else "",
            first.due if first else None, "；".join(notes)]


def _people(r: rc.Recruit, step: int) -> str:
    record = r.steps.get(step)
    return "、".join(p.name for p in record.people) if record else ""
