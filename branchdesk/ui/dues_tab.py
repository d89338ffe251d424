"""党费 tab: members × the 12 months of a year (已交 / 部分 / 未交 / 免交 / not due), totals per
member and per month, 本月已交 for many members at once, then the exceptions; the 签收表 and
公示表; the year's bases from the finance office's Excel."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import (QCheckBox, QComboBox, QFileDialog, QHBoxLayout, QLabel,
                               QMessageBox, QVBoxLayout)

from branchdesk.core import dues
from branchdesk.core.errors import BranchdeskError
from branchdesk.core.dues import MemberDues
from branchdesk.ui.errors import confirm, show_error
from branchdesk.ui.models import Column
from branchdesk.ui.record_tab import Button, RecordTab

STATE_COLORS = {dues.UNPAID: "#c0392b", dues.PART: "#9a5b00", dues.EXEMPTED: "#666666"}


def _color(month: dues.MonthState) -> str | None:
    """Red for a month behind; the month under way, still to be paid (待交), is not."""
    if month.state == dues.UNPAID and month.current:
        return None
    return STATE_COLORS.get(month.state)


def dues_columns(show_money) -> list[Column]:
    """姓名, 交纳类别, 月应交, 1月 … 12月, 应交合计, 已交合计, 交至年月. ``show_money()``:
    whether amounts are shown (an amount gives the band, and so the income, away)."""
    def money(value) -> str:
        return (dues.yuan(value) or "") if show_money() else "＊＊"

    def month(index: int) -> Column:
        return Column(f"{index + 1}月", lambda d: d.months[index].text,
                      color=lambda d: _color(d.months[index]),
                      tooltip=lambda d: _month_tip(d.months[index], show_money()))
    return [
        Column("姓名", lambda d: d.member.name,
               sort=lambda d: d.member.search_key.split("|")[-1]),
        Column("交纳类别", lambda d: d.category_text() or "未登记",
               color=lambda d: None if d.base else "#c0392b"),
        Column("月应交", lambda d: money(d.monthly_due), sort=lambda d: d.monthly_due or 0),
        *[month(i) for i in range(12)],
        Column("应交合计", lambda d: money(d.due_total), sort=lambda d: d.due_total),
        Column("已交合计", lambda d: money(d.paid_total), sort=lambda d: d.paid_total),
        Column("交至", lambda d: dues.month_label(d.paid_to) if d.paid_to else "—",
               sort=lambda d: d.paid_to or ""),
    ]


def _month_tip(state: dues.MonthState, show_money: bool) -> str:
    parts = [dues.STATE_TEXT[state.state] or "不在本支部或尚未到期"]
    if state.pending:
        parts = ["预备党员：待登记上级党委审批日期后交纳"]
    if show_money and state.due is not None:
        parts.append(f"应交 {dues.yuan(state.due)} 元，已交 {dues.yuan(state.paid)} 元")
    if state.late:
        parts.append("补交（超过规定期限）" if state.overdue else "补交")
    if state.ahead:
        parts.append("预交")
    if state.relief:
        parts.append(state.relief)
    return "；".join(parts)


class DuesTab(RecordTab):
    NOT_SELECTED = ("请先在表格中选中一名党员。", "未选择党员")
    STRETCH_COLUMN = None

    def __init__(self, db, parent=None, *, lazy: bool = False, today: date | None = None):
        self.today = today or date.today()
        self.show_money = QCheckBox("显示金额")
        super().__init__(db, dues_columns(self.show_money.isChecked),
                         lambda d: d.member.search_key, parent)
        layout = QVBoxLayout(self)
        layout.addLayout(self._top())
        layout.addWidget(self.record_view())
        self.totals = QLabel()
        self.totals.setWordWrap(True)
        layout.addWidget(self.totals)
        layout.addLayout(self.button_row(
            [Button("本月已交…", self.quick_entry, "勾选已交本月党费的党员，一次登记（含补交）"),
             Button("登记交纳…", self.add_record, "为选中的党员登记一笔党费"),
             Button("交纳类别和基数…", self.edit_base),
             Button("少交/免交/缓交…", self.add_relief),
             Button("入党审批…", self.add_approval, "预备党员：登记上级党委审批日期"),
             Button("删除最近一笔", self.delete_selected, "删除选中党员最近登记的一笔党费")],
            [Button("导入基数…", self.import_bases, "从财务部门的 Excel 导入本年度的计算基数"),
             Button("签收表…", self.print_month), Button("公示表…", self.print_notice),
             Button("党费标准…", self.edit_standards)]))
        self.fill_now_or_later(lazy)

    def _top(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.year = QComboBox()
        for year in range(self.today.year + 1, self.today.year - 11, -1):
            self.year.addItem(f"{year}年", year)
        self.year.setCurrentIndex(1)
        self.year.currentIndexChanged.connect(lambda _: self.refresh())
        self.month = QComboBox()
        for n in range(1, 13):
            self.month.addItem(f"{n}月", n)
        self.month.setCurrentIndex(self.today.month - 1)
        self.show_money.toggled.connect(lambda _: self.view.viewport().update())
        self.show_money.setToolTip("金额可推算出收入，默认不显示")
        self.count_label = QLabel()
        for widget in (QLabel("年度"), self.year, QLabel("本月"), self.month,
                       self.search_box("搜索姓名（可用拼音或首字母）"), self.show_money):
            row.addWidget(widget)
        row.addStretch()
        row.addWidget(self.count_label)
        return row

    # ------------------------------------------------------------ reading
    @property
    def chosen_year(self) -> int:
        return self.year.currentData()

    @property
    def chosen_month(self) -> str:
        return f"{self.chosen_year}-{self.month.currentData():02d}"

    def refresh(self) -> None:
        rows = dues.year_table(self.db, self.chosen_year, self.today)
        self.show_records(rows)
        self._show_totals(rows)

    def record_key(self, record: MemberDues):
        return record.member.id

    def update_count(self) -> None:
        self.count_label.setText(f"共 {self.proxy.rowCount()} 人")

    def _show_totals(self, rows: list[MemberDues]) -> None:
        paid = [sum(1 for d in rows if d.months[i].state == dues.PAID) for i in range(12)]
        owing = [sum(1 for d in rows if d.months[i].state != dues.NOT_DUE) for i in range(12)]
        months = "　".join(f"{i + 1}月 {paid[i]}/{owing[i]}" for i in range(12) if owing[i])
        due, got = sum(d.due_total for d in rows), sum(d.paid_total for d in rows)
        self.totals.setText(f"各月已交足人数/应交人数：{months or '—'}\n"
                            f"全支部应交 {dues.yuan(due)} 元，已交 {dues.yuan(got)} 元"
                            f"（截至 {self.today:%Y-%m-%d}）")

    def show_target(self, target: dict) -> None:
        """A 工作台 finding: its year, and its member selected."""
        year = target.get("year")
        index = self.year.findData(year) if year else -1
        if index >= 0 and index != self.year.currentIndex():
            self.year.setCurrentIndex(index)
        if target.get("id"):
            self.select_record(target["id"])

    # ------------------------------------------------------------ entering
    def quick_entry(self) -> None:
        from branchdesk.ui.dialogs.dues_dialogs import QuickEntryDialog

        people = [d.member for d in self.proxy.shown_records()]
        if QuickEntryDialog(self.db, people, self.chosen_month, self, today=self.today).exec():
            self.after_change()

    def add_record(self) -> None:
        from branchdesk.ui.dialogs.dues_dialogs import PaymentDialog

        record = self.require_selected()
        if record and PaymentDialog(self.db, record.member, self.chosen_month, self,
                                    today=self.today).exec():
            self.after_change(record.member.id)

    edit_selected = add_record  # double-click or Enter: a payment for that member

    def edit_base(self) -> None:
        from branchdesk.ui.dialogs.dues_dialogs import BaseDialog

        record = self.require_selected()
        if record and BaseDialog(self.db, record.member, self.chosen_year, self).exec():
            self.after_change(record.member.id)

    def add_relief(self) -> None:
        from branchdesk.ui.dialogs.dues_dialogs import ReliefDialog

        record = self.require_selected()
        if record and ReliefDialog(self.db, record.member, self.chosen_month, self).exec():
            self.after_change(record.member.id)

    def add_approval(self) -> None:
        from branchdesk.ui.dialogs.dues_dialogs import ApprovalDialog

        record = self.require_selected()
        if record and ApprovalDialog(self.db, record.member, self).exec():
            self.after_change(record.member.id)

    def delete_selected(self) -> None:
        record = self.require_selected()
        if record is None:
            return
        paid = dues.payments(self.db, record.member.id)
        if not paid:
            show_error(self, f"{record.member.name}还没有登记过党费。", "没有可删除的记录")
            return
        last = paid[-1]
        self.delete_confirmed("删除党费记录", f"删除{record.member.name}于{last.paid_on}交纳的 "
                              f"{dues.yuan(last.amount_fen)} 元吗？",
                              lambda: dues.delete_payment(self.db, last.id))

    def edit_standards(self) -> None:
        from branchdesk.ui.dialogs.dues_dialogs import DuesSettingsDialog

        if DuesSettingsDialog(self.db, self).exec():
            self.after_change()

    # ------------------------------------------------------------ files and paper
    def import_bases(self) -> None:
        from branchdesk.core.importing import dues_base

        path, _ = QFileDialog.getOpenFileName(self, "导入党费计算基数", "",
                                              "Excel 文件 (*.xlsx *.xls)")
        if not path:
            return
        try:
            plan = dues_base.plan_file(self.db, path, self.chosen_year)
        except BranchdeskError as exc:
            show_error(self, exc)
            return
        if plan.rejected:
            lines = "\n".join(str(r) for r in plan.rejected[:8])
            show_error(self, f"有 {len(plan.rejected)} 行不能导入，没有写入任何数据：\n{lines}",
                       "不能导入")
            return
        existing = sum(1 for r in plan.accepted if r.existing)
        notes = "\n".join(str(r) for r in plan.accepted if r.warnings)[:800]
        question = (f"将导入 {len(plan.accepted)} 人的{self.chosen_year}年计算基数"
                    + (f"，其中 {existing} 人已有同日基数，将更新" if existing else "") + "。"
                    + (f"\n\n请核对：\n{notes}" if notes else ""))
        if not confirm(self, "导入党费计算基数", question, yes="导入"):
            return
        try:
            result = dues_base.apply(self.db, plan, update_existing=True)
        except BranchdeskError as exc:
            show_error(self, exc)
            return
        QMessageBox.information(self, "导入完成", result.summary())
        self.after_change()

    def print_month(self) -> None:
        from branchdesk.core import printing
        from branchdesk.ui.print.preview import preview_signin

        preview_signin(self, printing.dues_signin_sheet(self.db, self.chosen_month))

    def print_notice(self) -> None:
        from branchdesk.core import printing
        from branchdesk.ui.print.preview import preview_signin

        preview_signin(self, printing.dues_notice(self.db, self.chosen_year))
