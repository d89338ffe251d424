"""组织关系转接 and 联系记录: the 介绍信 of each 转出 and 转入, and the contacts the branch
keeps with its 流动 and 出国出境 members (党员教育管理工作条例 第二十五条, 第三十四条).

A 转出 is pending from the day of its 介绍信 until the 回执 comes back: the member is off the
roll from that day (docs/rules.md says why), but the branch stays responsible, and the 工作台
reminds it until the 回执 is recorded. The letter is valid ``valid_months`` (3 by default,
the ``transfer_letter_months`` setting) up to and including ``valid_until``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from branchdesk.core import members, tables
from branchdesk.core.dates import add_months, from_iso, normalise_month, parse_date, to_iso
from branchdesk.core.db import Database, ensure_writable
from branchdesk.core.errors import NotFoundError, ValidationError

OUT, IN = "转出", "转入"
CONTACT_WAYS = ("电话", "微信", "视频", "当面", "书信", "其他")


@dataclass(frozen=True)
class Letter:
    """One 组织关系介绍信: ``place`` is where the member goes (转出) or comes from (转入);
    ``dues_paid_to`` is 党费交至年月 (YYYY-MM); ``receipt_date`` the day its 回执 came back
    (转出 only). Dates are ISO text once checked."""

    direction: str
    letter_date: str | None
    letter_number: str = ""
    place: str = ""
    valid_months: int = 3
    dues_paid_to: str = ""
    receipt_date: str | None = None
    note: str = ""
    member_id: int | None = None
    id: int | None = None

    @property
    def valid_until(self) -> date | None:
        """The last day the letter is valid: the same day ``valid_months`` later."""
        start = from_iso(self.letter_date)
        return add_months(start, self.valid_months) if start else None

    @property
    def pending(self) -> bool:
        """A 转出 whose 回执 has not come back."""
        return self.direction == OUT and not self.receipt_date


@dataclass(frozen=True)
class Contact:
    """Contact made with a member who is away (流动党员, 出国出境): when, how, what was said."""

    date: str | None
    way: str = "电话"
    note: str = ""
    member_id: int | None = None
    id: int | None = None


# ---------------------------------------------------------------- checking

def check_letter(letter: Letter, today: date | None = None) -> Letter:
    """The letter with its dates as ISO text and 党费交至 as YYYY-MM; ValidationError naming
    the field otherwise (letter_date, valid_months, dues_paid_to, receipt_date)."""
    today = today or date.today()
    errors: dict[str, str] = {}
    issued = _date(letter.letter_date, "letter_date", "介绍信日期", errors)
    if issued is None and "letter_date" not in errors:
        errors["letter_date"] = "请填写介绍信开具日期"
    elif issued and issued > today:
        errors["letter_date"] = "介绍信日期不能晚于今天"
    receipt = _date(letter.receipt_date, "receipt_date", "回执日期", errors)
    if receipt and issued and receipt < issued:
        errors["receipt_date"] = "回执日期不能早于介绍信日期"
    elif receipt and receipt > today:
        errors["receipt_date"] = "回执日期不能晚于今天"
    if not 1 <= letter.valid_months <= 12:
        errors["valid_months"] = "介绍信有效期应为 1～12 个月"
    dues = normalise_month(letter.dues_paid_to or "")
    if dues and len(dues) != 7:
        errors["dues_paid_to"] = "党费交至年月请写成 2026-11 或 2026年11月"
    if errors:
        raise ValidationError(errors)
    return replace(letter, letter_date=to_iso(issued), receipt_date=to_iso(receipt),
                   dues_paid_to=dues, letter_number=letter.letter_number.strip(),
                   place=letter.place.strip(), note=letter.note.strip())


def _date(raw: str | None, name: str, label: str, errors: dict[str, str]) -> date | None:
    try:
        return parse_date(raw)
    except ValueError as exc:
        errors[name] = f"{label}：{exc}"
        return None


def check_contacts(items: list[Contact], today: date | None = None) -> list[Contact]:
    """The contacts with ISO dates and trimmed notes; ValidationError on ``contacts`` naming
    the first problem (第 N 条, counted from 1)."""
    today = today or date.today()
    out = []
    for number, item in enumerate(items, 1):
        where = f"第 {number} 条联系记录" if len(items) > 1 else "联系记录"
        try:
            on = parse_date(item.date)
        except ValueError as exc:
            raise ValidationError({"contacts": f"{where}：{exc}"}) from None
        if on is None:
            raise ValidationError({"contacts": f"{where}请填写联系日期"})
        if on > today:
            raise ValidationError({"contacts": f"{where}的日期不能晚于今天"})
        out.append(replace(item, date=on.isoformat(), way=item.way.strip() or "其他",
                           note=item.note.strip()))
    return out


# ---------------------------------------------------------------- 转出 and 转入

def transfer_out(db: Database, member_id: int, letter: Letter, *,
                 today: date | None = None) -> Letter:
    """Record a 转出 on the day of its 介绍信: the member leaves the roll (members.change_status)
    and the letter is kept, pending until record_receipt."""
    ensure_writable(db)
    checked = check_letter(replace(letter, direction=OUT), today)
    reason = f"转往{checked.place}" if checked.place else checked.note
    with db.atomic():
        members.change_status(db, member_id, OUT, date.fromisoformat(checked.letter_date), reason)
        return _insert(db, member_id, checked)


def transfer_in(db: Database, member_id: int, letter: Letter, *,
                today: date | None = None) -> Letter:
    """Record the 转入 of a member who left this branch before, with the 介绍信 received."""
    ensure_writable(db)
    checked = check_letter(replace(letter, direction=IN, receipt_date=None), today)
    reason = f"从{checked.place}转入" if checked.place else checked.note
    with db.atomic():
        members.change_status(db, member_id, IN, date.fromisoformat(checked.letter_date), reason)
        return _insert(db, member_id, checked)


def save_letter_in(db: Database, member_id: int, letter: Letter | None, *,
                   today: date | None = None) -> Letter | None:
    """Keep the 转入 介绍信 of a member entered on the roll (the latest one is replaced);
    ``letter`` None removes it. The roll itself is not changed."""
    ensure_writable(db)
    checked = None if letter is None else check_letter(
        replace(letter, direction=IN, receipt_date=None), today)
    current = latest(db, member_id, IN)
    with db.atomic():
        if current and checked is None:
            db.execute("DELETE FROM transfers WHERE id = ?", [current.id])
        elif current:
            tables.update(db, "transfers", current.id, _row(checked))
            return replace(checked, member_id=member_id, id=current.id)
        elif checked:
            return _insert(db, member_id, checked)
    return None


def record_receipt(db: Database, letter_id: int, on: date | str | None, *,
                   today: date | None = None) -> Letter:
    """Record (or clear, with None) the day the 回执 of a 转出 came back."""
    ensure_writable(db)
    letter = get(db, letter_id)
    if letter.direction != OUT:
        raise ValidationError({"receipt_date": "只有转出的介绍信才有回执"})
    checked = check_letter(replace(letter, receipt_date=on if on is None or isinstance(on, str)
                                   else on.isoformat()), today)
    tables.update(db, "transfers", letter_id, {"receipt_date": checked.receipt_date})
    return get(db, letter_id)


def _row(letter: Letter) -> dict:
    return {"direction": letter.direction, "letter_date": letter.letter_date,
            "letter_number": letter.letter_number, "place": letter.place,
            "valid_months": letter.valid_months, "dues_paid_to": letter.dues_paid_to,
            "receipt_date": letter.receipt_date, "note": letter.note}


def _insert(db: Database, member_id: int, letter: Letter) -> Letter:
    new_id = tables.insert(db, "transfers", {"member_id": member_id, **_row(letter)})
    return replace(letter, member_id=member_id, id=new_id)


# ---------------------------------------------------------------- reading

_LETTER = ("SELECT direction, letter_date, letter_number, place, valid_months, dues_paid_to, "
           "receipt_date, note, member_id, id FROM transfers")


def get(db: Database, letter_id: int) -> Letter:
    row = db.execute(f"{_LETTER} WHERE id = ?", [letter_id]).fetchone()
    if row is None:
        raise NotFoundError("找不到这份介绍信的记录，请刷新后重试。")
    return Letter(*row)


def letters(db: Database, member_id: int) -> list[Letter]:
    """The member's letters, oldest first."""
    return [Letter(*row) for row in db.execute(
        f"{_LETTER} WHERE member_id = ? ORDER BY letter_date, id", [member_id])]


def latest(db: Database, member_id: int, direction: str) -> Letter | None:
    found = [x for x in letters(db, member_id) if x.direction == direction]
    return found[-1] if found else None


def all_letters(db: Database) -> list[Letter]:
    """Every letter, oldest first."""
    return [Letter(*row) for row in db.execute(f"{_LETTER} ORDER BY letter_date, id")]


def between(db: Database, direction: str, first: date, last: date) -> list[Letter]:
    """The letters of ``direction`` dated ``first`` to ``last``, oldest first."""
    return [Letter(*row) for row in db.execute(
        f"{_LETTER} WHERE direction = ? AND letter_date BETWEEN ? AND ? ORDER BY letter_date, id",
        [direction, first.isoformat(), last.isoformat()])]


def pending_out_ids(db: Database) -> set[int]:
    """The members whose latest 转出 awaits its 回执 (and who have not come back since)."""
    latest_by: dict[int, Letter] = {}
    for letter in all_letters(db):
        latest_by[letter.member_id] = letter
    return {mid for mid, x in latest_by.items() if x.pending}


# ---------------------------------------------------------------- contacts

_CONTACT = "SELECT date, way, note, member_id, id FROM member_contacts"


def contacts(db: Database, member_id: int) -> list[Contact]:
    """The member's contacts, oldest first."""
    return [Contact(*row) for row in db.execute(
        f"{_CONTACT} WHERE member_id = ? ORDER BY date, id", [member_id])]


def contacts_by_member(db: Database) -> dict[int, list[Contact]]:
    out: dict[int, list[Contact]] = {}
    for row in db.execute(f"{_CONTACT} ORDER BY date, id"):
        out.setdefault(row[3], []).append(Contact(*row))
    return out


def save_contacts(db: Database, member_id: int, items: list[Contact], *,
                  today: date | None = None) -> list[Contact]:
    """Replace the member's contacts with ``items`` (checked first: nothing is written when
    one is wrong)."""
    ensure_writable(db)
    checked = check_contacts(items, today)
    members.get(db, member_id)
    with db.atomic():
        db.execute("DELETE FROM member_contacts WHERE member_id = ?", [member_id])
        for item in checked:
            tables.insert(db, "member_contacts", {"member_id": member_id, "date": item.date,
                                                  "way": item.way, "note": item.note},
                          stamps=(tables.CREATED,))
    return contacts(db, member_id)


# ---------------------------------------------------------------- the member form

def save_member(db: Database, member: members.Member, *, exemptions: list[members.Exemption],
                contacts: list[Contact], letter_in: Letter | None,
                receipt: tuple[int, str | None] | None = None, full_date_reason: str = "",
                today: date | None = None) -> members.Member:
    """Save the member form in one transaction: the member (members.add or update), their
    contacts, the 转入 介绍信 received, and the 回执 of a 转出 (``receipt``: the letter's id and
    the day, or None for the day). The contacts and letters are checked before anything is
    written; ValidationError names ``contacts``, ``letter_in`` or ``receipt_date``."""
    ensure_writable(db)
    checked_contacts = check_contacts(contacts, today)
    try:
        checked_in = None if letter_in is None else check_letter(
            replace(letter_in, direction=IN, receipt_date=None), today)
    except ValidationError as exc:
        raise ValidationError({"letter_in": "转入介绍信：" + "；".join(exc.fields.values())}) from None
    with db.atomic():
        if member.id is None:
            saved = members.add(db, member, today=today, exemptions=exemptions)
        else:
            saved = members.update(db, member, today=today, exemptions=exemptions,
                                   full_date_reason=full_date_reason)
        save_contacts(db, saved.id, checked_contacts, today=today)
        save_letter_in(db, saved.id, checked_in, today=today)
        if receipt is not None:
            record_receipt(db, receipt[0], receipt[1], today=today)
    return members.get(db, saved.id)
