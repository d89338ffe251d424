"""党费: 交纳类别 and 计算基数 with their history, reliefs, payments, and what each month owes.

The rules (关于中国共产党党费收缴、使用和管理的规定, 中组发〔2008〕3号) and their articles are in
docs/rules.md; every band, rate, flat amount and the rounding are settings (group ``dues``).

Money is integer 分 everywhere; amounts are computed with Decimal and rounded ROUND_HALF_UP
(Decimal's default is half-even, which would turn 3001 × 0.5% = 15.005 into 15.00, not 15.01).

Which months a payment pays is never stored: all of a member's payments (up to the day asked
about) fill their owed months oldest first, so a correction to a base or a payment re-sorts
everything consistently. A payment made after the month it fills is 补交 there, before it 预交.

Two layers as in rules.py: ``monthly_due``, ``allocate``, ``month_states`` and the
``check_*`` functions are pure; ``DuesBook`` reads the tables once and ``year_table`` /
``findings`` use it. This module owns every SQL statement on the dues_* tables.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from branchdesk.core import members, settings, tables, transfers
from branchdesk.core.db import Database, ensure_writable
from branchdesk.core.dates import add_months, parse_date
from branchdesk.core.errors import NotFoundError, ValidationError
from branchdesk.core.members import Member

# 交纳类别. RATED ones pay a share of a base; the others a flat monthly amount.
WORKING, RETIRED = "在职", "离退休"
FARMER, STUDENT, UNEMPLOYED = "农民", "学生", "下岗失业"
RELIEF_FUNDS, SUBSISTENCE = "依靠抚恤或救济", "领取最低生活保障金"
CATEGORIES = (WORKING, RETIRED, FARMER, STUDENT, UNEMPLOYED, RELIEF_FUNDS, SUBSISTENCE)
RATED = (WORKING, RETIRED)
CATEGORY_ALIASES = {"在职党员": WORKING, "离退休党员": RETIRED, "离休": RETIRED, "退休": RETIRED,
                    "农民党员": FARMER, "学生党员": STUDENT, "下岗": UNEMPLOYED, "失业": UNEMPLOYED,
                    "下岗失业党员": UNEMPLOYED, "低保": SUBSISTENCE}
# Reliefs: 免交/少交 for 生活困难 need the 支部大会 date and the 上级党委's approval (art. 8);
# 缓交 is a recorded reason the months stay owed for (no 党章第九条 prompt while it runs).
EXEMPT, REDUCED, DEFERRED = "免交", "少交", "缓交"
RELIEF_KINDS = (EXEMPT, REDUCED, DEFERRED)
METHODS = ("现金", "转账", "线上")
# 转入/转出 with the 党费交至年月 of their 介绍信 come from core/transfers.py; the 上级党委's
# approval of a 预备党员 (入党审批) is kept here.
TRANSFER_IN, TRANSFER_OUT, APPROVED = "转入", "转出", "入党审批"
EVENT_KINDS = (APPROVED,)

# A month's state, as the tab, the ledger and ``branchdesk dues --json`` show it.
PAID, PART, UNPAID, NOT_DUE, EXEMPTED = "paid", "part", "unpaid", "not_due", "exempt"
STATE_TEXT = {PAID: "已交", PART: "部分", UNPAID: "未交", NOT_DUE: "", EXEMPTED: "免交"}

LOOKBACK_MONTHS = 24  # how far back the 工作台 looks for unpaid months
DUES = "dues"  # the record kind findings point at (ui/places.py shows it on the 党费 tab)


# ---------------------------------------------------------------- money

def yuan(fen: int | None) -> str | None:
    """30.00 for 3000 分 (None stays None): how amounts are shown and printed."""
    if fen is None:
        return None
    sign = "-" if fen < 0 else ""
    return f"{sign}{abs(fen) // 100}.{abs(fen) % 100:02d}"


def parse_yuan(text: object) -> int:
    """分 from a typed or imported amount in 元 ("3,001.5", "3001元", 3001.5); ValueError
    with a Chinese message when it is not an amount. Rounded half up to the 分."""
    raw = str(text if text is not None else "").strip().replace(",", "").replace("，", "")
    raw = raw.removesuffix("元").strip().replace("￥", "").replace("¥", "")
    try:
        value = Decimal(raw)
    except ArithmeticError:
        raise ValueError(f"“{text}”不是金额，请写成如 3000 或 3000.50") from None
    if not value.is_finite() or value < 0:
        raise ValueError(f"“{text}”不是有效的金额")
    if value > 10_000_000:
        raise ValueError(f"金额“{text}”过大，请核对")
    return int((value * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Band:
    upper_fen: int | None  # inclusive; None: no upper limit
    bp: int  # rate in 万分之一: 150 is 1.5%


def bands(category: str, conf: dict) -> list[Band]:
    """The rate bands of a RATED category, from the settings (national defaults: 在职 ≤3000
    0.5%, ≤5000 1%, ≤10000 1.5%, above 2%; 离退休 ≤5000 0.5%, above 1%)."""
    if category == RETIRED:
        return [Band(conf["dues_retired_band_max"] * 100, conf["dues_retired_rate1_bp"]),
                Band(None, conf["dues_retired_rate2_bp"])]
    return [Band(conf["dues_band1_max"] * 100, conf["dues_rate1_bp"]),
            Band(conf["dues_band2_max"] * 100, conf["dues_rate2_bp"]),
            Band(conf["dues_band3_max"] * 100, conf["dues_rate3_bp"]),
            Band(None, conf["dues_rate4_bp"])]


def rate_bp(category: str, base_fen: int, conf: dict) -> int:
    """The rate (万分之一) for ``base_fen`` of a RATED category: the first band whose upper
    limit the base does not exceed (a base of exactly 3000.00 is in the 0.5% band)."""
    return next(b.bp for b in bands(category, conf) if b.upper_fen is None or base_fen <= b.upper_fen)


def rate_text(bp: int) -> str:
    """1.5% for 150."""
    text = f"{Decimal(bp) / 100:f}".rstrip("0").rstrip(".") if bp % 100 else str(bp // 100)
    return f"{text}%"


def round_money(value: Decimal, conf: dict) -> int:
    """``value`` 分 rounded half up to the 分, or to the 角 when dues_round_jiao is set."""
    step = Decimal(10) if conf["dues_round_jiao"] else Decimal(1)
    return int((value / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step)


@dataclass(frozen=True)
class Base:
    """A member's 交纳类别 and 计算基数 from ``start_date`` on (its month and after, until a
    later one). ``base_fen`` for RATED categories; ``fixed_fen`` a flat amount the branch
    decided (农民党员; default from the settings); ``extra_fen`` 自愿多交 each month."""

    member_id: int
    start_date: str
    category: str
    base_fen: int | None = None
    fixed_fen: int | None = None
    extra_fen: int = 0
    note: str = ""
    id: int | None = None

    @property
    def month(self) -> str:
        return self.start_date[:7]


def monthly_due(base: Base, conf: dict) -> int | None:
    """The 应交 for one month under ``base`` in 分, or None when a RATED category has no base."""
    if base.category in RATED:
        if base.base_fen is None:
            return None
        share = Decimal(base.base_fen) * rate_bp(base.category, base.base_fen, conf) / 10000
        return round_money(share, conf) + base.extra_fen
    if base.fixed_fen is not None:
        return base.fixed_fen + base.extra_fen
    flat = conf["dues_farmer_fen"] if base.category == FARMER else conf["dues_flat_fen"]
    return flat + base.extra_fen


def base_rate(base: Base | None, conf: dict) -> tuple[str | None, str | None]:
    """(基数 in 元 as text, rate as "1.5%") for ``base``; None for flat categories / no base."""
    if base is None or base.category not in RATED or base.base_fen is None:
        return None, None
    return yuan(base.base_fen), rate_text(rate_bp(base.category, base.base_fen, conf))


# ---------------------------------------------------------------- months

def month_of(day: date | str) -> str:
    return (day.isoformat() if isinstance(day, date) else day)[:7]


def next_month(month: str) -> str:
    year, number = int(month[:4]), int(month[5:7])
    return f"{year + number // 12}-{number % 12 + 1:02d}"


def previous_month(month: str) -> str:
    year, number = int(month[:4]), int(month[5:7])
    return f"{year - 1}-12" if number == 1 else f"{year}-{number - 1:02d}"


def month_span(first: str, last: str) -> tuple[str, ...]:
    """Every month from ``first`` to ``last`` (YYYY-MM), both included."""
    return _span(first, last)


@lru_cache(maxsize=1024)
def _span(first: str, last: str) -> tuple[str, ...]:
    out, month = [], first
    while month <= last:
        out.append(month)
        month = next_month(month)
    return tuple(out)


@lru_cache(maxsize=4096)
def first_day(month: str) -> date:
    return date(int(month[:4]), int(month[5:7]), 1)


@lru_cache(maxsize=4096)
def last_day(month: str) -> date:
    return add_months(first_day(month), 1) - timedelta(days=1)


def month_label(month: str) -> str:
    """2026年3月."""
    return f"{int(month[:4])}年{int(month[5:7])}月"


def parse_month(value: object) -> str:
    """YYYY-MM from 2026-03, 2026.3, 2026年3月, a date, or an Excel date cell; ValueError with a
    Chinese message otherwise."""
    if isinstance(value, date):
        return month_of(value)
    text = str(value or "").strip().replace("年", "-").replace("月", "").replace(".", "-") \
        .replace("/", "-")
    parts = [p for p in text.split("-") if p]
    if len(parts) >= 2 and parts[0].isdigit() and parts[1].isdigit():
        year, month = int(parts[0]), int(parts[1])
        if 1900 <= year <= 2200 and 1 <= month <= 12:
            return f"{year}-{month:02d}"
    raise ValueError(f"“{value}”不是年月，请写成如 2026-03 或 2026年3月")


# ---------------------------------------------------------------- records

@dataclass(frozen=True)
class Relief:
    """免交 / 少交 (``amount_fen`` a month) for months ``start_month``–``end_month`` (None: open),
    after the 支部大会 (``meeting_date``) and the 上级党委's approval (``approval_date``); or
    缓交 with a reason."""

    member_id: int
    kind: str
    start_month: str
    end_month: str | None = None
    amount_fen: int | None = None
    meeting_date: str | None = None
    approval_date: str | None = None
    reason: str = ""
    id: int | None = None

    def covers(self, month: str) -> bool:
        return self.start_month <= month and (self.end_month is None or month <= self.end_month)


@dataclass(frozen=True)
class Payment:
    member_id: int
    paid_on: str
    amount_fen: int
    first_month: str = ""  # the months the payer said it is for (shown; the filling is computed)
    last_month: str = ""
    receiver: str = ""
    method: str = "现金"
    note: str = ""
    id: int | None = None


@dataclass(frozen=True)
class Event:
    """The 上级党委's approval of a 预备党员 (入党审批, recorded here), or a 转入 / 转出 with
    the 党费交至年月 of its 介绍信 (``paid_to``; read from core/transfers.py)."""

    member_id: int
    kind: str
    date: str
    paid_to: str | None = None
    note: str = ""
    id: int | None = None


def set_base(db: Database, base: Base) -> Base:
    """Add or replace (same member and start date) a 交纳类别/基数 record. ValidationError
    for an unknown category, a RATED one without a base, or a bad date."""
    ensure_writable(db)
    base = check_base(base)
    members.get(db, base.member_id)
    with db.atomic():
        upsert_base(db, base)
    return next(b for b in bases(db, base.member_id) if b.start_date == base.start_date)


def upsert_base(db: Database, base: Base) -> None:
    """Write a checked ``base`` (check_base) inside the caller's transaction, replacing the
    member's record from the same date."""
    db.execute("INSERT INTO dues_bases (member_id, start_date, category, base_fen, fixed_fen, "
               "extra_fen, note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
               "ON CONFLICT(member_id, start_date) DO UPDATE SET category = excluded.category, "
               "base_fen = excluded.base_fen, fixed_fen = excluded.fixed_fen, "
               "extra_fen = excluded.extra_fen, note = excluded.note",
               [base.member_id, base.start_date, base.category, base.base_fen, base.fixed_fen,
                base.extra_fen, base.note, tables.now()])


def check_base(base: Base) -> Base:
    """``base`` with its date as ISO text; ValidationError naming what to fix."""
    if base.category not in CATEGORIES:
        raise ValidationError({"category": f"交纳类别应为：{'、'.join(CATEGORIES)}"})
    try:
        start = parse_date(base.start_date)
    except ValueError as exc:
        raise ValidationError({"start_date": str(exc)}) from None
    if start is None:
        raise ValidationError({"start_date": "请填写基数的执行日期"})
    if base.category in RATED and base.base_fen is None:
        raise ValidationError({"base_fen": f"{base.category}党员请填写计算基数（月收入）"})
    if base.category == FARMER and base.fixed_fen is not None and not 20 <= base.fixed_fen <= 100:
        raise ValidationError({"fixed_fen": "农民党员每月交纳 0.2～1 元"})
    return replace(base, start_date=start.isoformat(), note=base.note.strip())


def bases(db: Database, member_id: int) -> list[Base]:
    """The member's 交纳类别/基数 records, oldest first."""
    rows = db.execute(f"SELECT {_BASE_COLUMNS} FROM dues_bases WHERE member_id = ? "
                      "ORDER BY start_date", [member_id]).fetchall()
    return [Base(*row) for row in rows]


def delete_base(db: Database, base_id: int) -> None:
    ensure_writable(db)
    with db.atomic():
        db.execute("DELETE FROM dues_bases WHERE id = ?", [base_id])


def add_relief(db: Database, relief: Relief) -> int:
    """Record a 免交/少交 (both dates required: 支部大会 讨论, 上级党委 批准) or a 缓交."""
    ensure_writable(db)
    relief = check_relief(relief)
    members.get(db, relief.member_id)
    with db.atomic():
        return db.execute(
            "INSERT INTO dues_reliefs (member_id, kind, amount_fen, start_month, end_month, "
            "meeting_date, approval_date, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [relief.member_id, relief.kind, relief.amount_fen, relief.start_month,
             relief.end_month, relief.meeting_date, relief.approval_date, relief.reason]).lastrowid


def check_relief(relief: Relief) -> Relief:
    if relief.kind not in RELIEF_KINDS:
        raise ValidationError({"kind": f"请选择{'、'.join(RELIEF_KINDS)}之一"})
    try:
        start, end = parse_month(relief.start_month), (
            parse_month(relief.end_month) if relief.end_month else None)
        meeting, approval = parse_date(relief.meeting_date), parse_date(relief.approval_date)
    except ValueError as exc:
        raise ValidationError({"dates": str(exc)}) from None
    if end is not None and end < start:
        raise ValidationError({"end_month": "截止月份不能早于起始月份"})
    if relief.kind != DEFERRED and (meeting is None or approval is None):
        raise ValidationError({"approval_date": f"{relief.kind}党费须经支部党员大会讨论、报上级党委"
                                                "批准，请填写两个日期"})
    if meeting and approval and approval < meeting:
        raise ValidationError({"approval_date": "上级党委批准日期不能早于支部党员大会日期"})
    if relief.kind == REDUCED and not relief.amount_fen:
        raise ValidationError({"amount_fen": "请填写少交后每月交纳的金额"})
    if not relief.reason.strip():
        raise ValidationError({"reason": "请写明原因（如：因病生活困难）"})
    return replace(relief, start_month=start, end_month=end,
                   meeting_date=meeting.isoformat() if meeting else None,
                   approval_date=approval.isoformat() if approval else None,
                   amount_fen=relief.amount_fen if relief.kind == REDUCED else None,
                   reason=relief.reason.strip())


def reliefs(db: Database, member_id: int) -> list[Relief]:
    rows = db.execute(f"SELECT {_RELIEF_COLUMNS} FROM dues_reliefs WHERE member_id = ? "
                      "ORDER BY start_month, id", [member_id]).fetchall()
    return [Relief(*row) for row in rows]


def delete_relief(db: Database, relief_id: int) -> None:
    ensure_writable(db)
    with db.atomic():
        db.execute("DELETE FROM dues_reliefs WHERE id = ?", [relief_id])


def add_payment(db: Database, payment: Payment, *, today: date | None = None) -> int:
    """Record a payment. ValidationError for a zero amount, a date after today, an unknown
    method, or money for later months when 预交 is not allowed (settings ``dues_prepay``)."""
    ensure_writable(db)
    payment = check_payment(payment, today or date.today())
    member = members.get(db, payment.member_id)
    if not settings.get(db, "dues_prepay"):
        _refuse_prepay(db, member, payment)
    with db.atomic():
        return _insert_payment(db, payment)


def add_payments(db: Database, items: list[Payment], *, today: date | None = None) -> int:
    """Record many payments in one transaction (each checked as add_payment checks it, except
    the 预交 refusal): all or none. Returns how many were written."""
    ensure_writable(db)
    rows = [check_payment(p, today or date.today()) for p in items]
    with db.atomic():
        db.conn.executemany(
            "INSERT INTO dues_payments (member_id, paid_on, amount_fen, first_month, last_month, "
            "receiver, method, note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(p.member_id, p.paid_on, p.amount_fen, p.first_month, p.last_month, p.receiver,
              p.method, p.note, tables.now()) for p in rows])
    return len(rows)


def _insert_payment(db: Database, p: Payment) -> int:
    return db.execute(
        "INSERT INTO dues_payments (member_id, paid_on, amount_fen, first_month, last_month, "
        "receiver, method, note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [p.member_id, p.paid_on, p.amount_fen, p.first_month, p.last_month, p.receiver,
         p.method, p.note, tables.now()]).lastrowid


def check_payment(p: Payment, today: date) -> Payment:
    try:
        paid_on = parse_date(p.paid_on)
        first = parse_month(p.first_month) if p.first_month else ""
        last = parse_month(p.last_month) if p.last_month else first
    except ValueError as exc:
        raise ValidationError({"paid_on": str(exc)}) from None
    if paid_on is None:
        raise ValidationError({"paid_on": "请填写交纳日期"})
    if paid_on > today:
        raise ValidationError({"paid_on": "交纳日期不能晚于今天"})
    if p.amount_fen <= 0:
        raise ValidationError({"amount_fen": "交纳金额应大于 0"})
    if p.method not in METHODS:
        raise ValidationError({"method": f"交纳方式应为{'、'.join(METHODS)}之一"})
    if first and last < first:
        raise ValidationError({"last_month": "截止月份不能早于起始月份"})
    return replace(p, paid_on=paid_on.isoformat(), first_month=first, last_month=last,
                   receiver=p.receiver.strip(), note=p.note.strip())


def _refuse_prepay(db: Database, member: Member, payment: Payment) -> None:
    book = DuesBook(db, as_of=date.fromisoformat(payment.paid_on))
    owed = book.outstanding(member, month_of(payment.paid_on))
    if owed is not None and payment.amount_fen > owed:
        raise ValidationError({"amount_fen": f"本支部不允许预交党费：{member.name}截至本月应交 "
                                             f"{yuan(owed)} 元，本次交纳 {yuan(payment.amount_fen)} 元"})


def payments(db: Database, member_id: int | None = None) -> list[Payment]:
    where, params = ("WHERE member_id = ?", [member_id]) if member_id is not None else ("", [])
    rows = db.execute(f"SELECT {_PAYMENT_COLUMNS} FROM dues_payments {where} "
                      "ORDER BY paid_on, id", params).fetchall()
    return [Payment(*row) for row in rows]


def delete_payment(db: Database, payment_id: int) -> None:
    ensure_writable(db)
    with db.atomic():
        if db.execute("DELETE FROM dues_payments WHERE id = ?", [payment_id]).rowcount == 0:
            raise NotFoundError("找不到这笔党费记录，可能已被删除")


def record_event(db: Database, event: Event) -> int:
    """Record a 预备党员's 入党审批 (the 上级党委's approval; a later one replaces it). The
    党费交至年月 of a 转入 or 转出 goes with its 介绍信 (core/transfers.py)."""
    ensure_writable(db)
    if event.kind not in EVENT_KINDS:
        raise ValidationError({"kind": f"未知的类型：{event.kind}"})
    try:
        on = parse_date(event.date)
        paid_to = parse_month(event.paid_to) if event.paid_to else None
    except ValueError as exc:
        raise ValidationError({"date": str(exc)}) from None
    if on is None:
        raise ValidationError({"date": "请填写日期"})
    members.get(db, event.member_id)
    with db.atomic():
        if event.kind == APPROVED:  # one approval per member: a correction replaces it
            db.execute("DELETE FROM dues_events WHERE member_id = ? AND kind = ?",
                       [event.member_id, APPROVED])
        return db.execute("INSERT INTO dues_events (member_id, kind, date, paid_to, note) "
                          "VALUES (?, ?, ?, ?, ?)", [event.member_id, event.kind, on.isoformat(),
                                                     paid_to, event.note.strip()]).lastrowid


def events(db: Database, member_id: int) -> list[Event]:
    rows = db.execute(f"SELECT {_EVENT_COLUMNS} FROM dues_events WHERE member_id = ? "
                      "ORDER BY date, id", [member_id]).fetchall()
    return [Event(*row) for row in rows]


_BASE_COLUMNS = "member_id, start_date, category, base_fen, fixed_fen, extra_fen, note, id"
_RELIEF_COLUMNS = ("member_id, kind, start_month, end_month, amount_fen, meeting_date, "
                   "approval_date, reason, id")
_PAYMENT_COLUMNS = ("member_id, paid_on, amount_fen, first_month, last_month, receiver, method, "
                    "note, id")
_EVENT_COLUMNS = "member_id, kind, date, paid_to, note, id"


# ---------------------------------------------------------------- what each month owes

@dataclass
class Owed:
    """One month a member owes this branch: ``due`` in 分 (None: no base known), whether a
    relief covers it, and ``falls_due``: the day it becomes payable (a 预备党员's months
    before the 上级党委's approval fall due on the approval; None: not yet known)."""

    month: str
    due: int | None
    relief: str = ""  # 免交 / 少交 / 缓交
    falls_due: date | None = None


@dataclass
class Filled:
    """What the payments put into one month: ``paid`` 分; ``late`` some of it paid after the
    month (补交), ``ahead`` some before it (预交); ``last_paid`` the latest payment day."""

    paid: int = 0
    late: bool = False
    ahead: bool = False
    last_paid: str = ""
    slices: list[tuple[str, int]] = field(default_factory=list)  # (payment day, 分) put in


def allocate(owed: list[Owed], paid: list[tuple[str, int]], taken: int = 0
             ) -> tuple[dict[str, Filled], int]:
    """Fill the ``owed`` months (oldest first) with the ``paid`` payments ((day, 分), in the
    order they were made: by day, then as entered): each
    payment tops up the oldest month not yet fully paid, then the next. Months with no known
    due are passed over. ``taken``: 分 the months before ``owed`` took first (owed_before).
    Returns month -> Filled and the credit left (分, overpayment)."""
    filled: dict[str, Filled] = {}
    open_months = [o for o in owed if o.due]
    index, credit = 0, 0
    for paid_on, money in paid:
        used = money if money < taken else taken  # went into earlier months
        money, taken = money - used, taken - used
        while money and index < len(open_months):
            o = open_months[index]
            slot = filled.setdefault(o.month, Filled())
            room = o.due - slot.paid
            take = money if money < room else room
            slot.paid += take
            money -= take
            slot.late |= paid_on[:7] > o.month
            slot.ahead |= paid_on[:7] < o.month
            slot.last_paid = max(slot.last_paid, paid_on)
            slot.slices.append((paid_on, take))
            if slot.paid >= o.due:
                index += 1
        credit += money
    return filled, credit


@dataclass
class MonthState:
    month: str
    state: str  # PAID, PART, UNPAID, NOT_DUE, EXEMPTED
    due: int | None  # 分; None when not owed here or no base known
    paid: int  # 分 put into the month
    late: bool = False  # 补交
    ahead: bool = False  # 预交
    relief: str = ""
    pending: bool = False  # owed, not payable yet (a 预备党员 awaiting the 上级党委's approval)
    last_paid: str = ""
    slices: list[tuple[str, int]] = field(default_factory=list)  # (payment day, 分)
    overdue: bool = False  # some of it paid more than dues_makeup_months after the month
    current: bool = False  # the month under way (as of the book's day): owed, not yet late

    @property
    def text(self) -> str:
        """已交 / 部分 / 未交 / 免交 / "" and 补 or 预 after it: what a grid cell says; 待交 for
        the month under way while unpaid (dues are paid within the month: not yet behind)."""
        if self.state == UNPAID and self.current:
            return "待交"
        base = STATE_TEXT[self.state]
        if self.state in (PAID, PART) and (self.late or self.ahead):
            return base + ("·补" if self.late else "·预")
        if self.state == NOT_DUE and self.pending:
            return "待审批"
        return base


def month_states(months: list[str], owed: list[Owed], filled: dict[str, Filled],
                 as_of: date, makeup_months: int = 6) -> list[MonthState]:
    """The state of each of ``months`` as of ``as_of``: a month owed, payable and not paid by
    then is 未交 from its first day (so the month under way shows 未交 until paid). Money put
    into a month more than ``makeup_months`` after it marks it ``overdue`` (补交 is normally
    made within 6 months: settings dues_makeup_months)."""
    by_month = {o.month: o for o in owed}
    now = month_of(as_of)
    out = []
    for month in months:
        o, f = by_month.get(month), filled.get(month, Filled())
        if o is None:
            out.append(MonthState(month, NOT_DUE, None, f.paid))
            continue
        # Waiting for the 上级党委's approval (not merely a month still to come).
        pending = o.falls_due is None or first_day(month) < o.falls_due > as_of
        extra = dict(late=f.late, ahead=f.ahead, relief=o.relief, last_paid=f.last_paid,
                     slices=f.slices, overdue=f.late and any(
                         months_between(month, day[:7]) > makeup_months for day, _ in f.slices
                         if day))
        if o.due == 0:
            state = EXEMPTED
        elif o.due is not None and f.paid >= o.due:
            state = PAID
        elif f.paid:
            state = PART
        else:
            state = NOT_DUE if month > now or pending else UNPAID
        out.append(MonthState(month, state, o.due, f.paid, pending=pending and state == NOT_DUE,
                              current=month == now, **extra))
    return out


def owed_months(person: Member, book: "DuesBook", last: str, first: str | None = None
                ) -> list[Owed]:
    """The months ``person`` owes this branch from ``first`` (default: the first base record;
    none without either) to ``last``: months on the roll (on the month's first or last day)
    with 党籍 not stopped, narrowed by a 转入's 交至年月 (months up to it were paid at the old
    branch) and widened by a 转出's (months up to it stay here, months after it go to the new
    branch). The months before ``first`` are owed_before's."""
    history = book.bases.get(person.id, [])
    start = first or (history[0].month if history else None)
    if start is None:
        return []
    rule = book.rule(person)
    return [o for o in map(rule, month_span(start, last)) if o is not None]


def _rule(person: Member, book: "DuesBook"):
    """month -> the Owed for it, or None when ``person`` does not owe it here."""
    history = book.bases.get(person.id, [])
    starts = [b.start_date[:7] for b in history]  # bisected for the record in force
    moves = [e for e in book.events.get(person.id, []) if e.kind != APPROVED and e.paid_to]
    days, states = book.owing_changes(person)
    steady = states[0] if len(set(states)) == 1 else None  # the same state all along
    reliefs = book.reliefs.get(person.id, [])
    payable = _payable(person, book)

    def owed(month: str) -> Owed | None:
        owes = _transferred(moves, month) if moves else None
        if owes is None:
            owes = steady if steady is not None else (
                states[bisect_right(days, first_day(month)) - 1]
                or states[bisect_right(days, last_day(month)) - 1])
        if not owes:
            return None
        at = bisect_right(starts, month)
        base = history[at - 1] if at else None
        due = book.due(base) if base else None
        relief = next((r for r in reliefs if r.covers(month)), None) if reliefs else None
        if relief is not None and relief.kind != DEFERRED:
            due = 0 if relief.kind == EXEMPT else relief.amount_fen
        return Owed(month, due, relief.kind if relief else "", payable(month))
    return owed


def _breaks(person: Member, book: "DuesBook") -> set[str]:
    """The months where what ``person`` owes may differ from the month before: base records,
    reliefs, 交至年月, days the roll changes (a month is judged on its first and last day),
    acceptance and approval. Between two of them every month owes the same."""
    out = {b.month for b in book.bases.get(person.id, [])}
    for r in book.reliefs.get(person.id, []):
        out |= {r.start_month} | ({next_month(r.end_month)} if r.end_month else set())
    for e in book.events.get(person.id, []):
        for month in (e.date[:7], e.paid_to):
            if month:
                out |= {month, next_month(month)}
    for day in book.owing_changes(person)[0][1:]:
        out |= {month_of(day), next_month(month_of(day))}
    if person.join_date:
        out |= {month_of(person.join_date), next_month(month_of(person.join_date))}
    return out


def months_between(first: str, last: str) -> int:
    """How many months from ``first`` up to (not including) ``last``."""
    return (int(last[:4]) - int(first[:4])) * 12 + int(last[5:7]) - int(first[5:7])


@dataclass
class Before:
    """What the months before a window owe, in runs of equal months (start, end exclusive,
    Owed or None): enough to know how much of the payments they take, and the 交至年月."""

    total: int = 0  # 分 owed before the window (months with a known 应交)
    runs: list[tuple[str, str, Owed | None]] = field(default_factory=list)


def owed_before(person: Member, book: "DuesBook", window: str) -> Before:
    """The months from the first base record to before ``window``, as runs (fast: a handful of
    steps for years of history)."""
    history = book.bases.get(person.id, [])
    if not history or history[0].month >= window:
        return Before()
    start = history[0].month
    points = sorted({start} | {m for m in _breaks(person, book) if start < m < window})
    rule, out = book.rule(person), Before()
    for a, b in zip(points, points[1:] + [window]):
        o = rule(a)
        out.runs.append((a, b, o))
        if o is not None and o.due:
            out.total += o.due * months_between(a, b)
    return out


def _transferred(moves: list[Event], month: str) -> bool | None:
    """Whether a 转入's or 转出's 交至年月 decides ``month``: False for months paid at the old
    branch, or the new branch's to collect; True for months owed here off the roll; None when
    neither says (the roll decides)."""
    for e in moves:
        moved = e.date[:7]
        if e.kind == TRANSFER_IN and moved <= month <= e.paid_to:
            return False  # paid at the old branch up to its 交至年月
        if e.kind == TRANSFER_IN and e.paid_to < month < moved:
            return True  # not paid at the old branch: owed here from the month after
        if e.kind == TRANSFER_OUT and e.paid_to < month <= moved:
            return False  # the new branch collects from the month after 交至年月
        if e.kind == TRANSFER_OUT and moved < month <= e.paid_to:
            return True  # paid ahead here before leaving
    return None


def _payable(person: Member, book: "DuesBook"):
    """month -> the day it becomes payable: its first day, except a 预备党员's months from the
    支部大会 to the 上级党委's approval, payable once the approval is recorded (None: not yet)."""
    accepted = _accepted_here(person)
    approval = next((date.fromisoformat(e.date) for e in book.events.get(person.id, [])
                     if e.kind == APPROVED), None)
    approved_in = month_of(approval) if approval else ""
    waiting = approval is None and (person.category == "预备党员" or (
        person.full_date is not None and person.full_date > book.as_of.isoformat()))

    def payable(month: str) -> date | None:
        if accepted is None or month < accepted:
            return first_day(month)
        if approval is not None:
            return max(first_day(month), approval) if month <= approved_in else first_day(month)
        return None if waiting else first_day(month)
    return payable


def _accepted_here(person: Member) -> str | None:
    """The month the 支部大会 of this branch accepted ``person`` (入党日期), when it did: not
    for a member who joined elsewhere and transferred in later."""
    if not person.join_date:
        return None
    if person.branch_join_date and person.branch_join_date > person.join_date:
        return None
    return month_of(person.join_date)


def _in_force(history: list[Base], month: str) -> Base | None:
    found = None
    for b in history:
        if b.month > month:
            break
        found = b
    return found


# ---------------------------------------------------------------- a year, member by member

@dataclass
class MemberDues:
    """One member's 党费 for a year as of a day."""

    member: Member
    base: Base | None  # in force in the year's last month owed (or the latest)
    months: list[MonthState]
    credit: int  # 分 paid beyond every month computed (预交 for next year and after)
    paid_to: str | None  # 交至年月: every owed month up to it is paid or exempt
    bases_in_year: bool  # a base record dated in the year (or a flat category)
    as_of: date
    filled: dict[str, Filled] = field(default_factory=dict, repr=False)  # every month computed
    monthly_due: int | None = None  # 分 a month under ``base`` (no relief), None without one

    @property
    def due_total(self) -> int:
        """应交 for the months payable by the day asked about (not later months, even paid)."""
        now = month_of(self.as_of)
        return sum(m.due or 0 for m in self.months
                   if m.month <= now and m.state != NOT_DUE)

    @property
    def paid_total(self) -> int:
        """Paid into the year's months (预交 for later months of the year included)."""
        return sum(m.paid for m in self.months)

    @property
    def unpaid_total(self) -> int:
        return sum((m.due or 0) - m.paid for m in self.months if m.state in (UNPAID, PART))

    def category_text(self) -> str:
        return self.base.category if self.base else ""


class DuesBook:
    """Every dues record and the roll, read once; answers for any member and year.

    Payments made before ``since`` (default: January two years before ``as_of``'s year, as far
    back as the 工作台 looks) are read as one sum per member: in date order they fill the
    oldest months first, so they matter one by one only when they reach the months asked
    about, and then that member's payments are read in full (``_payments``).
    """

    def __init__(self, db: Database, *, as_of: date | None = None,
                 roll: members.RollBook | None = None, conf: dict | None = None,
                 since: str | None = None):
        self.as_of = as_of or date.today()
        self.since = since or f"{self.as_of.year - 2}-01-01"
        self._db = db
        self.conf = conf or settings.get_all(db)
        self.roll = roll or members.RollBook(db)
        self.bases = _grouped(db, f"SELECT {_BASE_COLUMNS} FROM dues_bases ORDER BY start_date",
                              Base)
        self.reliefs = _grouped(db, f"SELECT {_RELIEF_COLUMNS} FROM dues_reliefs "
                                    "ORDER BY start_month, id", Relief)
        self.events = _grouped(db, f"SELECT {_EVENT_COLUMNS} FROM dues_events ORDER BY date, id",
                               Event)
        for letter in transfers.all_letters(db):  # the 介绍信's 党费交至年月
            if letter.dues_paid_to and letter.letter_date:
                self.events.setdefault(letter.member_id, []).append(
                    Event(letter.member_id, letter.direction, letter.letter_date,
                          letter.dues_paid_to, letter.note))
        # Payments as (day, 分) in the order they fill months: plain tuples, as there are many.
        self.paid: dict[int, list[tuple[str, int]]] = {}
        for member_id, paid_on, amount in db.execute(
                "SELECT member_id, paid_on, amount_fen FROM dues_payments "
                "WHERE paid_on >= ? AND paid_on <= ? ORDER BY paid_on, id",
                [self.since, self.as_of.isoformat()]).fetchall():
            self.paid.setdefault(member_id, []).append((paid_on, amount))
        self._earlier = dict(db.execute(
            "SELECT member_id, SUM(amount_fen) FROM dues_payments WHERE paid_on < ? "
            "GROUP BY member_id", [self.since]).fetchall())
        self._dues: dict[int, int | None] = {}
        self._runs: dict[tuple[int, str], Before] = {}
        self._steps: dict[int, tuple[list[date], list[bool]]] = {}
        self._rules: dict[int, object] = {}
        self._years: dict[tuple[int, int], MemberDues] = {}

    def rule(self, person: Member):
        """_rule for ``person``, made once per book."""
        if person.id not in self._rules:
            self._rules[person.id] = _rule(person, self)
        return self._rules[person.id]

    def owing_changes(self, person: Member) -> tuple[list[date], list[bool]]:
        """RollBook.owing_changes, worked out once per member."""
        if person.id not in self._steps:
            self._steps[person.id] = self.roll.owing_changes(person)
        return self._steps[person.id]

    def total_paid(self, person: Member) -> int:
        """分 the member paid up to ``as_of``, in all."""
        return self._earlier.get(person.id, 0) + sum(a for _, a in self.paid.get(person.id, []))

    def _payments(self, person: Member, taken: int) -> list[tuple[str, int]]:
        """The member's payments in order, the ones before ``since`` as one sum when the
        ``taken`` 分 owed before the months asked about use all of it (else read in full)."""
        earlier = self._earlier.get(person.id, 0)
        if not earlier:
            return self.paid.get(person.id, [])
        if earlier <= taken:
            return [("", earlier)] + self.paid.get(person.id, [])
        return self._db.execute("SELECT paid_on, amount_fen FROM dues_payments WHERE member_id = ? "
                                "AND paid_on <= ? ORDER BY paid_on, id",
                                [person.id, self.as_of.isoformat()]).fetchall()

    def due(self, base: Base) -> int | None:
        """monthly_due under this book's settings, worked out once per base record."""
        key = id(base)  # the book's own records, alive as long as the book
        if key not in self._dues:
            self._dues[key] = monthly_due(base, self.conf)
        return self._dues[key]

    def timeline(self, person: Member, last: str, first: str | None = None
                 ) -> tuple[list[Owed], dict[str, Filled], int]:
        """The months owed from ``first`` (default: the first base) to ``last`` (and on, while
        money is left: 预交), how the payments fill them, and the credit left. The months
        before ``first`` take their share of the payments first (owed_before)."""
        history = self.bases.get(person.id, [])
        first = first or (history[0].month if history else None)
        if first is None:
            return [], {}, 0
        before = self._before(person, first)
        paid = self._payments(person, before.total)
        owed = owed_months(person, self, last, first)
        filled, credit = allocate(owed, paid, before.total)
        if credit and owed and self.conf["dues_prepay"]:
            owed += owed_months(person, self, _months_after(last, 24), first)[len(owed):]
            filled, credit = allocate(owed, paid, before.total)
        return owed, filled, credit

    def _before(self, person: Member, window: str) -> Before:
        key = (person.id, window)
        if key not in self._runs:
            self._runs[key] = owed_before(person, self, window)
        return self._runs[key]

    def paid_to(self, person: Member, owed: list[Owed], filled: dict[str, Filled]) -> str | None:
        """交至年月: the last month of the unbroken run of paid (or exempt) owed months from
        the first, the months before ``owed`` included."""
        if not owed:
            return None
        before = self._before(person, owed[0].month)
        money = self.total_paid(person)
        done = None
        for a, b, o in before.runs:
            if o is None:
                continue
            if o.due is None:
                return done
            full = months_between(a, b) if o.due == 0 else min(money // o.due, months_between(a, b))
            if full:
                done = _months_after(a, full - 1)
            if full < months_between(a, b):
                return done
            money -= o.due * full
        return _paid_to(owed, filled) or done  # None: the run broke at the window's start

    def member_year(self, person: Member, year: int) -> MemberDues:
        """``person``'s months of ``year`` (worked out once per book)."""
        if (person.id, year) not in self._years:
            self._years[(person.id, year)] = self._member_year(person, year)
        return self._years[(person.id, year)]

    def _member_year(self, person: Member, year: int) -> MemberDues:
        months = [f"{year}-{n:02d}" for n in range(1, 13)]
        last = max(months[-1], month_of(self.as_of))
        owed, filled, credit = self.timeline(person, last, months[0])
        states = month_states(months, owed, filled, self.as_of, self.conf["dues_makeup_months"])
        in_year = [o.month for o in owed if o.month[:4] == str(year)]
        history = self.bases.get(person.id, [])
        base = _in_force(history, in_year[-1] if in_year else months[-1])
        dated = any(b.start_date[:4] == str(year) for b in history) or (
            base is not None and base.category not in RATED)
        spill = sum(f.paid for m, f in filled.items() if m > months[-1])
        return MemberDues(person, base, states, credit + spill,
                          self.paid_to(person, owed, filled), dated, self.as_of, filled,
                          self.due(base) if base else None)

    def outstanding(self, person: Member, through: str) -> int | None:
        """分 still owed for the months up to ``through`` (None when a month's due is unknown
        or nothing is owed at all)."""
        owed, filled, _ = self.timeline(person, through)
        before = self._before(person, owed[0].month) if owed else Before()
        if not owed or any(o.due is None for o in owed) or \
                any(o is not None and o.due is None for _, _, o in before.runs):
            return None
        return sum(o.due - filled.get(o.month, Filled()).paid for o in owed if o.month <= through)

    def people(self, year: int) -> list[Member]:
        """Members on the roll at some time in ``year`` (up to the day asked about), roll order."""
        first = date(year, 1, 1)
        last = min(date(year, 12, 31), max(self.as_of, first))
        days = [d for n in range(1, 13) for d in (first_day(f"{year}-{n:02d}"),
                                                  last_day(f"{year}-{n:02d}")) if d <= last]
        return [m for m in self.roll.members
                if not (not m.active and m.left_date and m.left_date < first.isoformat())
                and self._owes_any(m, days or [first])]

    def _owes_any(self, person: Member, days: list[date]) -> bool:
        changes, states = self.owing_changes(person)
        return any(states[bisect_right(changes, d) - 1] for d in days)


def _months_after(month: str, count: int) -> str:
    index = int(month[:4]) * 12 + int(month[5:7]) - 1 + count
    return f"{index // 12}-{index % 12 + 1:02d}"


def _paid_to(owed: list[Owed], filled: dict[str, Filled]) -> str | None:
    """The last month of the unbroken run of paid (or exempt) owed months from the first."""
    done = None
    for o in owed:
        if o.due is None or filled.get(o.month, Filled()).paid < o.due:
            break
        done = o.month
    return done


def _grouped(db: Database, sql: str, kind, params: list | None = None) -> dict[int, list]:
    out: dict[int, list] = {}
    for row in db.execute(sql, params or []).fetchall():
        out.setdefault(row[0], []).append(kind(*row))
    return out


_SHARED: dict[tuple, tuple[Database, DuesBook]] = {}


def shared_book(db: Database, as_of: date, conf: dict | None = None,
                roll: members.RollBook | None = None) -> DuesBook:
    """A DuesBook for ``as_of``, the same one again while nothing in the database (or the
    settings) changed: the ledger's 党费 sheets and its 工作完成情况 (the 工作台's findings)
    then read and work out the dues once."""
    import json

    conf = conf or settings.get_all(db)
    changes = db.execute("PRAGMA data_version").fetchone()[0], db.conn.total_changes
    # The database object is kept with its book, so its id cannot be reused while cached.
    key = (id(db), as_of, json.dumps(conf, sort_keys=True, default=str), changes)
    if key not in _SHARED:
        _SHARED.clear()  # one at a time: a book holds every payment
        _SHARED[key] = (db, DuesBook(db, as_of=as_of, conf=conf, roll=roll))
    return _SHARED[key][1]


def year_table(db: Database, year: int, as_of: date | None = None, *,
               book: DuesBook | None = None) -> list[MemberDues]:
    """Every member on the roll at some time in ``year``, in roll order, with their months."""
    book = book or shared_book(db, as_of or date.today())
    return [book.member_year(m, year) for m in book.people(year)]


def paid_to(db: Database, member_id: int, as_of: date | None = None) -> str | None:
    """The member's 党费交至年月 as of a day (for the 介绍信 of a 转出)."""
    book = DuesBook(db, as_of=as_of)
    person = members.get(db, member_id)
    owed, filled, _ = book.timeline(person, month_of(book.as_of), month_of(book.as_of))
    return book.paid_to(person, owed, filled)


# ---------------------------------------------------------------- entering many at once

@dataclass
class QuickEntry:
    """The 本月已交 quick entry for one member: ``amount`` 分 (everything owed up to the month,
    补交 included), or why it cannot be entered."""

    member: Member
    amount: int | None
    problem: str = ""


def quick_entries(db: Database, member_ids: list[int], month: str, *,
                  book: DuesBook | None = None) -> list[QuickEntry]:
    """What 本月已交 would record for each member: the amount owed through ``month``."""
    book = book or DuesBook(db)
    out = []
    for member_id in member_ids:
        person = members.get(db, member_id)
        owed = book.outstanding(person, month)
        if owed is None:
            out.append(QuickEntry(person, None, "尚未登记交纳类别或计算基数"))
        elif owed <= 0:
            out.append(QuickEntry(person, 0, "已交至本月"))
        else:
            out.append(QuickEntry(person, owed))
    return out


def record_quick(db: Database, entries: list[QuickEntry], month: str, paid_on: date, *,
                 receiver: str = "", method: str = "现金", today: date | None = None) -> int:
    """Record each entry with an amount as one payment for ``month``, in one transaction;
    returns how many were recorded."""
    return add_payments(db, [Payment(e.member.id, paid_on.isoformat(), e.amount, month, month,
                                     receiver, method) for e in entries if e.amount], today=today)


# ---------------------------------------------------------------- 工作台

def findings(db: Database, year: int, as_of: date, conf: dict | None = None, *,
             roll: members.RollBook | None = None) -> list:
    """The 党费 findings of the 工作台 (docs/rules.md, 党费) for the members on the roll on
    ``as_of``: months unpaid, the 党章第九条 prompt, bases not set for ``year``, 预备党员."""
    book = shared_book(db, as_of, conf, roll)
    people = [e.member for e in book.roll.on(as_of) if not e.suspended]
    since = book.conf["records_start"] or None  # months before it are not judged
    recent = {m.id: recent_states(book, m, since) for m in people}
    return check_dues(people, recent, book, year)


def recent_states(book: DuesBook, person: Member, since: str | None) -> list[MonthState]:
    """The member's states over the LOOKBACK_MONTHS complete months before ``book.as_of``'s
    month, none before ``since`` (the 开始检查的日期)."""
    last = previous_month(month_of(book.as_of))
    first = month_of(add_months(first_day(last), 1 - LOOKBACK_MONTHS))
    if since:
        first = max(first, month_of(since))
    if first > last:
        return []
    owed, filled, _ = book.timeline(person, last, first)
    return month_states(month_span(first, last), owed, filled, book.as_of,
                        book.conf["dues_makeup_months"])


def check_dues(people: list[Member], recent: dict[int, list[MonthState]], book: DuesBook,
               year: int) -> list:
    """Findings from plain data: each member's recent complete months (recent_states)."""
    from branchdesk.core.rules import WARNING, Finding, points_at

    out, conf = [], book.conf
    for m in people:
        months = recent.get(m.id, [])
        run = unpaid_run(months)
        owing = [s for s in months if s.state in (UNPAID, PART) and s.due is not None]
        target = points_at(DUES, m.id, year=year)
        if len(run) >= conf["dues_unpaid_leave_months"]:
            out.append(Finding(WARNING, "member", "dues_inactive",
                               f"{m.name}已连续 {len(run)} 个月未交纳党费（{_span_text(run)}），"
                               "也未登记缓交原因。请及时谈心谈话，了解情况（党章第九条：无正当理由"
                               "连续六个月不交纳党费的，被认为是自行脱党，由支部大会决定除名）",
                               target=target))
        elif len(owing) >= conf["dues_unpaid_warn_months"]:
            # No amount: the 工作台's findings go into the (masked) ledger, and an amount
            # gives the band, and so the income, away.
            out.append(Finding(WARNING, "member", "dues_unpaid",
                               f"{m.name}有 {len(owing)} 个月党费未交足（{_span_text(owing)}），"
                               "请提醒按月交纳", target=target))
    out += _bases_missing(people, book, year)
    out += _probationers(people, recent, book, year)
    return out


def unpaid_run(months: list[MonthState]) -> list[MonthState]:
    """The run of wholly unpaid months ending with the last one, none of them 缓交 and each
    with a known 应交 (a month without a base is the bases finding's business)."""
    run: list[MonthState] = []
    for s in reversed(months):
        if s.state != UNPAID or s.due is None or s.relief == DEFERRED:
            break
        run.insert(0, s)
    return run


def _span_text(months: list[MonthState]) -> str:
    first, last = months[0].month, months[-1].month
    if first == last:
        return month_label(first)
    to = f"{int(last[5:7])}月" if first[:4] == last[:4] else month_label(last)
    return f"{month_label(first)}至{to}"


def _bases_missing(people: list[Member], book: DuesBook, year: int) -> list:
    from branchdesk.core.rules import WARNING, Finding, points_at

    if year > book.as_of.year:
        return []
    missing = []
    for m in people:
        history = book.bases.get(m.id, [])
        latest = _in_force(history, f"{year}-12")
        if latest is not None and latest.category not in RATED:
            continue
        if not any(b.start_date[:4] == str(year) for b in history):
            missing.append(m.name)
    if not missing:
        return []
    names = "、".join(missing[:5]) + ("等" if len(missing) > 5 else "")
    return [Finding(WARNING, "branch", "dues_bases",
                    f"{len(missing)} 名党员尚未登记{year}年党费计算基数（{names}）。"
                    "每年按财务部门提供的工资收入核定一次，可从 Excel 导入",
                    period=f"{year}年", target=points_at(DUES, None, year=year))]


def _probationers(people: list[Member], recent: dict[int, list[MonthState]], book: DuesBook,
                  year: int) -> list:
    from branchdesk.core.rules import WARNING, Finding, points_at

    out = []
    for m in people:
        accepted = _accepted_here(m)
        if m.category != "预备党员" or accepted is None:
            continue
        history = book.bases.get(m.id, [])
        approved = any(e.kind == APPROVED for e in book.events.get(m.id, []))
        first = next((s for s in recent.get(m.id, []) if s.month == accepted), None)
        if not history or history[0].month > accepted:
            why = "尚未登记交纳类别和计算基数"
        elif not approved:
            why = "请登记上级党委审批日期，此前各月党费在审批后交纳"
        elif first is not None and first.state == UNPAID:
            why = "接收当月的党费尚未交纳"
        else:
            continue
        out.append(Finding(WARNING, "member", "dues_probationer",
                           f"预备党员{m.name}自{month_label(accepted)}（支部党员大会接收之月）起"
                           f"应交纳党费：{why}", target=points_at(DUES, m.id, year=year)))
    return out
