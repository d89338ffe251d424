"""The 党员花名册: one row per member on the roll on a given date, as an .xlsx to print."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from branchdesk.core.db import Database

from branchdesk.core import branch, members
from branchdesk.core.dates import from_iso, long_cn
from branchdesk.core.ledger.saving import save_workbook
from branchdesk.core import masking
from branchdesk.core.ledger.styles import (DATE, ID, LONG_TEXT, NUMBER, PHONE, TEXT, Column,
                                           Table, add_sheet, new_workbook)
from branchdesk.core.members import Member, RollEntry

SHEET_NAME = "党员花名册"
COLUMNS = (
    Column("序号", NUMBER),
    Column("姓名", TEXT, max_width=4),
    Column("性别", TEXT, max_width=2),
    Column("民族", TEXT, max_width=3),
    Column("出生日期", DATE, private=masking.BIRTH),
    Column("公民身份号码", ID),
    Column("籍贯", TEXT, max_width=4),
    Column("学历", TEXT, max_width=4),
    Column("人员类别", TEXT, max_width=4),
    Column("党小组", TEXT, max_width=5),
    Column("入党日期", DATE),
    Column("转正日期", DATE),
    Column("工作岗位/职务", LONG_TEXT, max_width=7),
    Column("党内职务", TEXT, max_width=5),
    Column("联系电话", PHONE),
    Column("家庭住址", LONG_TEXT, max_width=8, private=masking.ADDRESS),
    Column("党籍状态", TEXT, max_width=4),
    Column("备注", LONG_TEXT, max_width=10),
)


@dataclass(frozen=True)
class Departure:
    """A member who left the roll: when, how (转出, 去世 …) and the recorded reason."""

    on: date
    kind: str
    reason: str = ""

    def remark(self) -> str:
        return f"{self.on.isoformat()} {self.kind}" + (f"（{self.reason}）" if self.reason else "")


def export_members(db: Database, path: Path | str, *, as_of: date | None = None,
                   mask: bool = False, include_left_since: date | None = None) -> Path:
    """Write the 党员花名册 for ``as_of`` (default today) to ``path`` and return the path.

    ``mask`` shows personal data as core.masking masks it. With ``include_left_since``, members
    who left the roll from that date up to ``as_of`` are listed after the others, marked in
    备注. Raises ExportError when the file cannot be written (e.g. open in Excel).
    """
    as_of = as_of or date.today()
    wb = new_workbook()
    add_sheet(wb, SHEET_NAME, roster_table(db, as_of, include_left_since),
              mask=mask, freeze_columns=2)
    return save_workbook(wb, path)


def roster_table(db: Database, as_of: date, include_left_since: date | None = None) -> Table:
    """Title, subtitle, columns and rows of the 花名册 (without writing any file)."""
    order = {g.id: index for index, g in enumerate(branch.groups(db))}
    current = sorted(members.roll_as_of(db, as_of), key=lambda e: _sort_key(e, order))
    left = _left_since(db, include_left_since, as_of) if include_left_since else []
    names = branch.group_names(db)
    rows = [_row(e, names, as_of) for e in current]
    rows += [_row(e, names, as_of, departure) for e, departure in left]
    for number, row in enumerate(rows, start=1):
        row[0] = number
    title = f"{branch.title_name(db)}党员花名册"
    return Table(title, _subtitle(current, as_of, len(left), include_left_since), COLUMNS, rows)


def _sort_key(entry: RollEntry, order: dict[int, int]) -> tuple[int, int]:
    return order.get(entry.group_id, len(order)), entry.member.id or 0


def _subtitle(current: list[RollEntry], as_of: date, left_count: int,
              since: date | None) -> str:
    full = sum(1 for e in current if e.category == "正式党员")
    text = (f"截至 {long_cn(as_of)}　共 {len(current)} 人（正式党员 {full} 人，"
            f"预备党员 {len(current) - full} 人）")
    if left_count:
        text += f"；另列 {long_cn(since)}以来离开本支部的 {left_count} 人"
    return text


def _row(entry: RollEntry, group_names: dict[int, str], as_of: date,
         departure: Departure | None = None) -> list[object]:
    m = entry.member
    full_date = m.full_date if entry.category == "正式党员" else None
    return [None, m.name, m.gender, m.ethnicity, m.birth_date, m.id_number, m.native_place,
            m.education, entry.category, group_names.get(entry.group_id, ""), m.join_date,
            full_date, m.job, m.party_post, m.phone, m.address, _party_status(entry, as_of),
            remarks(m, departure)]


def _party_status(entry: RollEntry, as_of: date) -> str:
    # Suspensions recorded as status changes are dated; a flag set by hand is only "now".
    now_suspended = entry.member.party_status == "停止党籍" and as_of >= date.today()
    return "停止党籍" if entry.suspended or now_suspended else "正常"


def remarks(member: Member, departure: Departure | None = None) -> str:
    """备注 text: departure, 流动党员 and 失联 flags, then the member's own notes."""
    parts = [departure.remark()] if departure else []
    if member.mobile:
        destination, since = member.mobile_destination, member.mobile_since
        parts.append("流动党员" + (f"（{since}外出）" if since else "")
                     + (f"，外出流向：{destination}" if destination else ""))
    if member.lost_contact:
        since = member.lost_contact_date
        parts.append("失联" + (f"（{since}起）" if since else ""))
    if member.notes:
        parts.append(member.notes)
    return "；".join(parts)


# ---------------------------------------------------------------- members who left

def _left_since(db: Database, since: date, as_of: date) -> list[tuple[RollEntry, Departure]]:
    """Members off the roll on ``as_of`` who left between ``since`` and ``as_of``."""
    book = members.RollBook(db)
    found = []
    for member in book.members:
        if book.entry(member, as_of) is not None:
            continue
        departure = _last_departure(book, member, as_of)
        if departure and departure.on >= since:
            found.append((_entry_before(book, member, departure.on), departure))
    return sorted(found, key=lambda pair: (pair[1].on, pair[0].member.id))


def _last_departure(book: members.RollBook, member: Member, as_of: date) -> Departure | None:
    events = [Departure(h["date"], h["kind"], h["reason"] or "")
              for h in book.events(member.id) if h["kind"] in members.LEAVE_KINDS]
    if not events and not member.active and member.left_date:
        events = [Departure(from_iso(member.left_date), member.status)]
    events = [d for d in events if d.on <= as_of]
    return events[-1] if events else None


def _entry_before(book: members.RollBook, member: Member, left_on: date) -> RollEntry:
    """The member's roll entry on the day before leaving (group and category then)."""
    entry = book.entry(member, left_on - timedelta(days=1))
    return entry or RollEntry(member, member.group_id, member.category, False)
