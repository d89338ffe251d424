"""The member lifecycle checks (工作台): 失联, 停止党籍, 流动党员, 出国出境, 转出 awaiting its 回执.

Pure functions over plain data (a member, the dates read from their history, contacts and
letters, the settings as a dict) give the findings; ``findings`` reads that data and calls
them. Every threshold is a setting; docs/rules.md gives each one's source article. A date
"N months after" is the same day N months later (dates.add_months): the finding appears on
that day, not the day after.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from branchdesk.core import members, settings, transfers
from branchdesk.core.dates import add_months, add_years, from_iso
from branchdesk.core.db import Database
from branchdesk.core.members import Exemption, Member
from branchdesk.core.rules import DUE, MEMBER, MISSING, WARNING, Finding, points_at
from branchdesk.core.transfers import Contact, Letter

AWAY_KIND = "经支部同意长期外出"  # an exemption of this kind means the member is away


@dataclass(frozen=True)
class Dates:
    """What a member's history says, read once: since when 党籍 is stopped (None: not
    stopped, or stopped without a dated record), since when abroad, and their contacts."""

    suspended_since: date | None = None
    abroad_since: date | None = None
    contacts: tuple[date, ...] = ()

    def last_contact(self, since: date) -> date:
        """The latest contact on or after ``since``, else ``since`` itself."""
        return max((c for c in self.contacts if c >= since), default=since)


# ---------------------------------------------------------------- pure checks

def lost_contact(m: Member, as_of: date, months: int) -> Finding | None:
    """失联: once ``months`` have passed since the 失联日期, suggest 停止党籍 (第三十四条);
    without a date there is no deadline, and the finding asks for the date."""
    if not m.lost_contact or m.party_status != "正常":
        return None
    since = from_iso(m.lost_contact_date)
    target = points_at(MEMBER, m.id)
    if since is None:
        return Finding(WARNING, "member", "lost_contact_undated",
                       f"{m.name}已标记失联，但没有失联日期，无法计算期限：请在党员信息中填写失联日期",
                       target=target)
    due = add_months(since, months)
    if as_of < due:
        return None
    return Finding(MISSING, "member", "lost_contact",
                   f"{m.name}自{since:%Y-%m-%d}失去联系，已满 {months} 个月：应按规定启动停止党籍"
                   "程序（《中国共产党党员教育管理工作条例》第三十四条）", due=due.isoformat(),
                   target=target)


def suspended(m: Member, since: date | None, as_of: date, years: int) -> Finding | None:
    """停止党籍 for ``years`` and still unreachable: the 除名 procedure (第三十四条). A
    停止党籍 without a dated record asks for its date."""
    if m.party_status != "停止党籍":
        return None
    target = points_at(MEMBER, m.id)
    if since is None:
        return Finding(WARNING, "member", "suspended_undated",
                       f"{m.name}的党籍已停止，但变动记录中没有停止党籍的日期，无法计算期限："
                       "请在“组织关系变动”中登记停止党籍及其日期", target=target)
    due = add_years(since, years)
    if as_of < due:
        return None
    return Finding(MISSING, "member", "suspended_expired",
                   f"{m.name}自{since:%Y-%m-%d}停止党籍，已满 {years} 年：如仍无法取得联系，"
                   "应按程序予以除名（《中国共产党党员教育管理工作条例》第三十四条）",
                   due=due.isoformat(), target=target)


def mobile(m: Member, dates: Dates, as_of: date, months: int) -> Finding | None:
    """A 流动党员 without a contact recorded for ``months`` (counted from the 外出日期 when
    none is recorded); one without a 外出日期 is asked for it."""
    if not m.mobile:
        return None
    target = points_at(MEMBER, m.id)
    since = from_iso(m.mobile_since)
    if since is None:
        return Finding(WARNING, "member", "mobile_undated",
                       f"{m.name}是流动党员，但没有外出日期：请在党员信息中填写外出日期，"
                       "以便按期提醒联系", target=target)
    return _no_contact(m, dates.last_contact(since), since, as_of, months, "mobile_contact",
                       "流动党员")


def abroad(m: Member, dates: Dates, as_of: date, months: int) -> Finding | None:
    """A member abroad (出国出境) without a contact recorded for ``months``."""
    since = dates.abroad_since
    if since is None:
        return None
    return _no_contact(m, dates.last_contact(since), since, as_of, months, "abroad_contact",
                       "出国出境党员")


def _no_contact(m: Member, last: date, since: date, as_of: date, months: int, rule: str,
                who: str) -> Finding | None:
    due = add_months(last, months)
    if as_of < due:
        return None
    when = f"最近一次联系在{last:%Y-%m-%d}" if last != since else f"自{since:%Y-%m-%d}外出以来没有联系记录"
    return Finding(MISSING, "member", rule,
                   f"{who}{m.name}已满 {months} 个月没有联系记录（{when}）：请与其取得联系并登记",
                   due=due.isoformat(), target=points_at(MEMBER, m.id))


def away_unflagged(m: Member, exemptions: list[Exemption], as_of: date,
                   months: int) -> Finding | None:
    """Away ``months`` without transferring makes a member 流动: said when the 外出日期, or
    an open 经支部同意长期外出 exemption, shows it and the member is not marked 流动党员."""
    if m.mobile:
        return None
    starts = [from_iso(m.mobile_since)] + [
        date.fromisoformat(x.start_date) for x in exemptions
        if x.kind == AWAY_KIND and x.covers(as_of)]
    since = min((d for d in starts if d), default=None)
    if since is None or as_of < add_months(since, months):
        return None
    return Finding(WARNING, "member", "away_unflagged",
                   f"{m.name}自{since:%Y-%m-%d}外出已满 {months} 个月，未转组织关系，按规定属于流动党员："
                   "请在党员信息中勾选“流动党员”，填写外出流向和联系人", target=points_at(MEMBER, m.id))


def transfer_out(m: Member, letter: Letter, as_of: date) -> Finding | None:
    """A 转出 awaiting its 回执: 待回执 while the 介绍信 is valid (through its last day), a 缺项
    once it has expired. Nothing once the 回执 is recorded, however late."""
    if not letter.pending or letter.valid_until is None:
        return None
    until, target = letter.valid_until, points_at(MEMBER, m.id)
    where = f"转往{letter.place}" if letter.place else "转出"
    if as_of <= until:
        return Finding(DUE, "member", "transfer_receipt_due",
                       f"{m.name}已于{letter.letter_date}{where}，介绍信有效期至{until:%Y-%m-%d}，"
                       "尚未收到回执：回执退回前本支部仍负责管理", due=until.isoformat(), target=target)
    return Finding(MISSING, "member", "transfer_receipt_overdue",
                   f"{m.name}{letter.letter_date}{where}的介绍信已于{until:%Y-%m-%d}过期，仍未收到回执："
                   "请与接收党组织联系，确认是否已报到（《中国共产党党员教育管理工作条例》第二十五条）",
                   due=until.isoformat(), target=target)


def check(m: Member, dates: Dates, exemptions: list[Exemption], letters: list[Letter],
          as_of: date, conf: dict) -> list[Finding]:
    """Every lifecycle finding about one member. An on-roll member gets the 失联, 停止党籍,
    流动 and 出国出境 checks; anyone gets the 回执 check of their latest 转出."""
    found: list[Finding | None] = []
    if m.active:
        found += [lost_contact(m, as_of, conf["lost_contact_months"]),
                  suspended(m, dates.suspended_since, as_of, conf["suspended_years"]),
                  mobile(m, dates, as_of, conf["mobile_contact_months"]),
                  abroad(m, dates, as_of, conf["abroad_contact_months"])]
        if dates.abroad_since is None:
            found.append(away_unflagged(m, exemptions, as_of, conf["mobile_months"]))
    outs = [x for x in letters
            if x.direction == transfers.OUT and x.letter_date <= as_of.isoformat()]
    if outs and not m.active and m.status == transfers.OUT:
        found.append(transfer_out(m, as_on(outs[-1], as_of), as_of))
    return [f for f in found if f is not None]


def as_on(letter: Letter, day: date) -> Letter:
    """The letter as it stood on ``day``: a 回执 that came back later was still awaited."""
    if letter.receipt_date and letter.receipt_date > day.isoformat():
        return replace(letter, receipt_date=None)
    return letter


def dates_from(events: list[dict], contacts: list[Contact], as_of: date) -> Dates:
    """Dates from a member's history (RollBook.events: oldest first) up to ``as_of``."""
    past = [e for e in events if e["date"] <= as_of]
    stopped = None
    for e in past:
        if e["kind"] in ("停止党籍", "恢复党籍"):
            stopped = e["date"] if e["kind"] == "停止党籍" else None
    return Dates(stopped, members.abroad_in(past),
                 tuple(date.fromisoformat(c.date) for c in contacts if c.date <= as_of.isoformat()))


# ---------------------------------------------------------------- reading

def findings(db: Database, year: int, as_of: date, conf: dict | None = None, *,
             book: members.RollBook | None = None) -> list[Finding]:
    """The lifecycle findings on ``as_of`` (``year`` is the 工作台's; the state checked is
    the one on ``as_of``): members on the roll, and those transferred out awaiting a 回执."""
    conf = conf or settings.get_all(db)
    book = book or members.RollBook(db)
    contacts = transfers.contacts_by_member(db)
    letters: dict[int, list[Letter]] = {}
    for letter in transfers.all_letters(db):
        letters.setdefault(letter.member_id, []).append(letter)
    out = []
    for m in book.members:
        if not (m.active or m.id in letters):
            continue
        dates = dates_from(book.events(m.id), contacts.get(m.id, []), as_of)
        out += check(m, dates, book.exemptions(m.id), letters.get(m.id, []), as_of, conf)
    return out


def mobile_note(m: Member, today: date, months: int) -> str:
    """What the member dialog says beside the 外出日期: whether the dates make the member 流动
    (away ``months`` without transferring), or when they will."""
    since = from_iso(m.mobile_since)
    if since is None:
        return ""
    reached = add_months(since, months)
    if today >= reached:
        return "" if m.mobile else f"外出已满 {months} 个月，未转组织关系的，属于流动党员，请勾选“流动党员”"
    if m.mobile:
        return f"外出未满 {months} 个月（{reached:%Y-%m-%d} 满），按规定尚不属于流动党员，请核对"
    return f"外出满 {months} 个月（{reached:%Y-%m-%d}）仍未转组织关系的，属于流动党员"
