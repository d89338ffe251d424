"""党费 dialogs: a payment, 本月已交 for many members, a member's 交纳类别/基数, a 减免/缓交,
a 预备党员's 入党审批, and the 党费标准 settings. Each collects input, calls one
core function (core/dues.py) and shows its error in Chinese."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFormLayout,
                               QFrame, QLabel, QLineEdit, QListWidget, QListWidgetItem,
                               QScrollArea, QSpinBox, QVBoxLayout, QWidget)

from branchdesk.core import dues, settings
from branchdesk.core.errors import BranchdeskError, ValidationError
from branchdesk.core.members import Member
from branchdesk.ui.errors import confirm, show_error
from branchdesk.ui.widgets import DateEdit, dialog_buttons, fit_to_screen, tab_through


def _amount(edit: QLineEdit, label: str, *, required: bool = True) -> int | None:
    """分 from a typed amount; ValidationError naming the field when it is not one."""
    text = edit.text().strip()
    if not text:
        if required:
            raise ValidationError({label: f"请填写{label}"})
        return None
    try:
        return dues.parse_yuan(text)
    except ValueError as exc:
        raise ValidationError({label: f"{label}：{exc}"}) from None


def _month(edit: QLineEdit, label: str, *, required: bool = True) -> str | None:
    text = edit.text().strip()
    if not text:
        if required:
            raise ValidationError({label: f"请填写{label}"})
        return None
    try:
        return dues.parse_month(text)
    except ValueError as exc:
        raise ValidationError({label: f"{label}：{exc}"}) from None


def _iso(edit: DateEdit) -> str:
    value = edit.value()
    return value.isoformat() if value else edit.text().strip()


class PaymentDialog(QDialog):
    """登记交纳: the amount (default what is owed through the month), the date, the months it
    is for as the payer says, 收款人, 方式, 备注."""

    def __init__(self, db, member: Member, month: str, parent=None, *, today: date | None = None):
        super().__init__(parent)
        self.db, self.member, self.today = db, member, today or date.today()
        self.setWindowTitle(f"登记党费交纳：{member.name}")
        form = QFormLayout(self)
        owed = dues.DuesBook(db).outstanding(member, month)
        self.amount = QLineEdit(dues.yuan(owed) if owed else "")
        self.amount.setPlaceholderText("如 45.00")
        self.paid_on = DateEdit()
        self.paid_on.set_value(self.today)
        self.first, self.last = QLineEdit(month), QLineEdit(month)
        self.receiver = QLineEdit()
        self.method = QComboBox()
        self.method.addItems(dues.METHODS)
        self.note = QLineEdit()
        hint = QLabel(f"截至{dues.month_label(month)}尚欠 {dues.yuan(owed)} 元。" if owed else
                      "尚未登记交纳类别或基数，或已交清。")
        hint.setWordWrap(True)
        form.addRow(hint)
        for label, widget in (("交纳金额（元）", self.amount), ("交纳日期", self.paid_on),
                              ("所交月份（起）", self.first), ("所交月份（止）", self.last),
                              ("收款人", self.receiver), ("交纳方式", self.method),
                              ("备注", self.note)):
            form.addRow(label, widget)
        form.addRow(QLabel("交纳的金额先补足最早未交的月份，多交的计入以后月份。"))
        form.addRow(dialog_buttons(self))
        tab_through(self)
        fit_to_screen(self, 420, 380)

    def save(self) -> None:
        try:
            payment = dues.Payment(self.member.id, _iso(self.paid_on),
                                   _amount(self.amount, "交纳金额"), _month(self.first, "起始月份"),
                                   _month(self.last, "截止月份"), self.receiver.text(),
                                   self.method.currentText(), self.note.text())
            dues.add_payment(self.db, payment, today=self.today)
        except BranchdeskError as exc:
            show_error(self, exc)
            return
        self.accept()


class QuickEntryDialog(QDialog):
    """本月已交: every member owing the month ticked, with what each owes through it (补交
    included); untick those who did not pay, then record all in one go."""

    def __init__(self, db, people: list[Member], month: str, parent=None, *,
                 today: date | None = None):
        super().__init__(parent)
        self.db, self.month, self.today = db, month, today or date.today()
        self.setWindowTitle(f"{dues.month_label(month)}已交")
        layout = QVBoxLayout(self)
        top = QFormLayout()
        self.paid_on = DateEdit()
        self.paid_on.set_value(min(self.today, dues.last_day(month)) if month <= dues.month_of(
            self.today) else self.today)
        self.receiver = QLineEdit()
        self.method = QComboBox()
        self.method.addItems(dues.METHODS)
        top.addRow("交纳日期", self.paid_on)
        top.addRow("收款人", self.receiver)
        top.addRow("交纳方式", self.method)
        layout.addLayout(top)
        layout.addWidget(QLabel("默认全部已交，请取消勾选未交的党员："))
        self.entries = dues.quick_entries(db, [m.id for m in people], month)
        self.list = QListWidget()
        for entry in self.entries:
            self.list.addItem(self._item(entry))
        self.list.itemChanged.connect(self._update_total)
        layout.addWidget(self.list)
        self.total = QLabel()
        layout.addWidget(self.total)
        self.buttons = dialog_buttons(self, "登记")
        layout.addWidget(self.buttons)
        self._update_total()
        tab_through(self)
        fit_to_screen(self, 460, 620)

    def _item(self, entry: dues.QuickEntry) -> QListWidgetItem:
        text = f"{entry.member.name}　{dues.yuan(entry.amount)} 元" if entry.amount else \
            f"{entry.member.name}　（{entry.problem}）"
        item = QListWidgetItem(text)
        if entry.amount:
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
        else:
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled)
        return item

    def chosen(self) -> list[dues.QuickEntry]:
        return [e for i, e in enumerate(self.entries)
                if e.amount and self.list.item(i).checkState() == Qt.CheckState.Checked]

    def _update_total(self, *_) -> None:
        chosen = self.chosen()
        self.total.setText(f"共 {len(chosen)} 人，合计 {dues.yuan(sum(e.amount for e in chosen))} 元")

    def save(self) -> None:
        chosen = self.chosen()
        if not chosen:
            show_error(self, "没有勾选任何党员。", "未登记")
            return
        try:
            paid_on = self.paid_on.value()
            if paid_on is None:
                raise ValidationError({"paid_on": "请填写交纳日期，如 2026-03-10"})
            dues.record_quick(self.db, chosen, self.month, paid_on,
                              receiver=self.receiver.text(), method=self.method.currentText(),
                              today=self.today)
        except BranchdeskError as exc:
            show_error(self, exc)
            return
        self.accept()


class BaseDialog(QDialog):
    """A member's 交纳类别 and 计算基数 from a date (a new record; the history is listed)."""

    def __init__(self, db, member: Member, year: int, parent=None):
        super().__init__(parent)
        self.db, self.member = db, member
        self.conf = settings.get_all(db)
        self.setWindowTitle(f"交纳类别和计算基数：{member.name}")
        form = QFormLayout(self)
        history = dues.bases(db, member.id)
        self.category = QComboBox()
        self.category.addItems(dues.CATEGORIES)
        if history:
            self.category.setCurrentText(history[-1].category)
        self.start = DateEdit()
        self.start.set_value(f"{year}-01-01")
        self.base = QLineEdit()
        self.base.setPlaceholderText("税后月工资收入或实际领取的离退休费，如 4500")
        self.fixed = QLineEdit()
        self.fixed.setPlaceholderText("农民党员：支部确定的每月金额（0.2～1 元），留空按党费标准")
        self.extra = QLineEdit()
        self.extra.setPlaceholderText("自愿每月多交的金额，可留空")
        self.note = QLineEdit()
        self.preview = QLabel()
        for label, widget in (("交纳类别", self.category), ("执行日期", self.start),
                              ("计算基数（元）", self.base), ("每月金额（元）", self.fixed),
                              ("自愿多交（元）", self.extra), ("备注", self.note),
                              ("每月应交", self.preview)):
            form.addRow(label, widget)
        lines = [f"{b.start_date} 起　{b.category}　" + (
            f"基数 {dues.yuan(b.base_fen)} 元" if b.base_fen is not None else "固定金额")
            for b in history]
        past = QLabel("已登记：\n" + "\n".join(lines) if lines else "尚未登记。")
        past.setWordWrap(True)
        form.addRow(past)
        form.addRow(QLabel("基数每年按财务部门提供的工资收入核定一次，工资变动时从变动当月起执行。"))
        form.addRow(dialog_buttons(self))
        for signal in (self.category.currentTextChanged, self.base.textChanged,
                       self.fixed.textChanged, self.extra.textChanged):
            signal.connect(self._update_preview)
        self._update_preview()
        tab_through(self)
        fit_to_screen(self, 480, 460)

    def record(self) -> dues.Base:
        return dues.Base(self.member.id, _iso(self.start), self.category.currentText(),
                         _amount(self.base, "计算基数", required=False),
                         _amount(self.fixed, "每月金额", required=False),
                         _amount(self.extra, "自愿多交", required=False) or 0, self.note.text())

    def _update_preview(self, *_) -> None:
        try:
            due = dues.monthly_due(self.record(), self.conf)
        except (BranchdeskError, ValueError):
            due = None
        rated = self.category.currentText() in dues.RATED
        self.base.setEnabled(rated)
        self.fixed.setEnabled(self.category.currentText() == dues.FARMER)
        self.preview.setText(f"{dues.yuan(due)} 元" if due is not None else "—")

    def save(self) -> None:
        try:
            dues.set_base(self.db, self.record())
        except BranchdeskError as exc:
            show_error(self, exc)
            return
        self.accept()


class ReliefDialog(QDialog):
    """少交/免交 (生活困难: 支部党员大会讨论、上级党委批准, both dates) or 缓交 with a reason."""

    def __init__(self, db, member: Member, month: str, parent=None):
        super().__init__(parent)
        self.db, self.member = db, member
        self.setWindowTitle(f"少交、免交或缓交：{member.name}")
        form = QFormLayout(self)
        self.kind = QComboBox()
        self.kind.addItems(dues.RELIEF_KINDS)
        self.first, self.last = QLineEdit(month), QLineEdit()
        self.last.setPlaceholderText("留空：一直有效")
        self.amount = QLineEdit()
        self.amount.setPlaceholderText("少交：每月交纳的金额")
        self.meeting, self.approval = DateEdit(), DateEdit()
        self.reason = QLineEdit()
        for label, widget in (("类型", self.kind), ("起始月份", self.first),
                              ("截止月份", self.last), ("少交后每月（元）", self.amount),
                              ("支部党员大会讨论日期", self.meeting),
                              ("上级党委批准日期", self.approval), ("原因", self.reason)):
            form.addRow(label, widget)
        note = QLabel("生活困难的党员少交或免交党费，须经支部党员大会讨论、报上级党委批准。"
                      "缓交：登记暂未交纳的原因，欠交的月份仍需补交。")
        note.setWordWrap(True)
        form.addRow(note)
        form.addRow(dialog_buttons(self))
        tab_through(self)
        fit_to_screen(self, 460, 400)

    def save(self) -> None:
        try:
            dues.add_relief(self.db, dues.Relief(
                self.member.id, self.kind.currentText(), _month(self.first, "起始月份"),
                _month(self.last, "截止月份", required=False),
                _amount(self.amount, "少交金额", required=False), _iso(self.meeting) or None,
                _iso(self.approval) or None, self.reason.text()))
        except BranchdeskError as exc:
            show_error(self, exc)
            return
        self.accept()


class ApprovalDialog(QDialog):
    """A 预备党员's 入党审批: the day the 上级党委 approved; the months since the 支部大会 fall
    due then. (The 党费交至年月 of a 转入 or 转出 is entered with its 介绍信.)"""

    def __init__(self, db, member: Member, parent=None):
        super().__init__(parent)
        self.db, self.member = db, member
        self.setWindowTitle(f"入党审批：{member.name}")
        form = QFormLayout(self)
        known = [e for e in dues.events(db, member.id) if e.kind == dues.APPROVED]
        self.on = DateEdit()
        self.on.set_value(known[-1].date if known else "")
        self.note = QLineEdit(known[-1].note if known else "")
        form.addRow("上级党委审批日期", self.on)
        form.addRow("备注", self.note)
        note = QLabel(f"预备党员自支部党员大会通过之月（入党日期 {member.join_date or '未填写'}）起"
                      "交纳党费；上级党委审批之前的月份，在登记审批日期后计入应交。"
                      "转入、转出的党费交至年月，请在党员信息的“组织关系转接”中随介绍信填写。")
        note.setWordWrap(True)
        form.addRow(note)
        form.addRow(dialog_buttons(self))
        tab_through(self)
        fit_to_screen(self, 460, 260)

    def save(self) -> None:
        try:
            dues.record_event(self.db, dues.Event(self.member.id, dues.APPROVED, _iso(self.on),
                                                  None, self.note.text()))
        except BranchdeskError as exc:
            show_error(self, exc)
            return
        self.accept()


class DuesSettingsDialog(QDialog):
    """党费标准: bands, rates, flat amounts, rounding and 预交, with 恢复默认."""

    def __init__(self, db, parent=None):
        super().__init__(parent)
        self.db = db
        self.setWindowTitle("党费标准")
        layout = QVBoxLayout(self)
        note = QLabel("默认值依据中组部《关于中国共产党党费收缴、使用和管理的规定》"
                      "（中组发〔2008〕3号）。比例以万分之一计：50 即 0.5%。")
        note.setWordWrap(True)
        layout.addWidget(note)
        inner = QWidget()
        form = QFormLayout(inner)
        self.spins: dict[str, QSpinBox] = {}
        self.boxes: dict[str, QCheckBox] = {}
        for spec in settings.dues_settings():
            if isinstance(spec.default, bool):
                self.boxes[spec.key] = QCheckBox(spec.label)
                form.addRow("", self.boxes[spec.key])
                continue
            spin = QSpinBox()
            spin.setRange(spec.minimum or 0, spec.maximum or 9999)
            self.spins[spec.key] = spin
            form.addRow(spec.label, spin)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(inner)
        layout.addWidget(scroll)
        layout.addWidget(dialog_buttons(self, "保存", "取消", extra=[
            ("恢复默认", QDialogButtonBox.ButtonRole.ResetRole, self.restore)]))
        self.load(settings.get_all(db))
        tab_through(self)
        fit_to_screen(self, 560, 640)

    def load(self, values: dict) -> None:
        for key, spin in self.spins.items():
            spin.setValue(values[key])
        for key, box in self.boxes.items():
            box.setChecked(values[key])

    def restore(self) -> None:
        if confirm(self, "恢复默认", "把党费标准恢复为全国统一的默认值吗？（保存后生效）",
                   yes="恢复默认"):
            self.load({s.key: s.default for s in settings.dues_settings()})

    def save(self) -> None:
        values = {key: spin.value() for key, spin in self.spins.items()}
        values.update({key: box.isChecked() for key, box in self.boxes.items()})
        try:
            settings.put(self.db, values)
        except BranchdeskError as exc:
            show_error(self, exc)
            return
        self.accept()
