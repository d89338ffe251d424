"""The member roll tab (党员名册): search, filters, add/edit, status changes, import/export."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QCheckBox, QComboBox, QFileDialog, QHBoxLayout, QLabel, QVBoxLayout

from branchdesk.core import branch, masking, members, transfers
from branchdesk.ui.models import Column, fit_columns
from branchdesk.ui.record_tab import RecordTab


def member_columns(show_private: callable, pending: callable = set) -> list[Column]:
    """``pending()``: the ids of members whose 转出 awaits its 回执 (备注: 转出（待回执）)."""
    def private(value, masker):
        return lambda m: value(m) if show_private() else masker(value(m) or "")

    def flags(m):
        parts = ["流动：" + m.mobile_destination if m.mobile else "", "失联" if m.lost_contact else "",
                 "" if m.active else f"{m.left_date or ''} {m.status}"
                 + ("（待回执）" if m.id in pending() else "")]
        text = "；".join(p for p in parts + [m.notes] if p)
        return text if show_private() else masking.free_text(text)

    return [
        Column("姓名", lambda m: m.name, sort=lambda m: m.search_key.split("|")[-1]),
        Column("性别", lambda m: m.gender),
        Column("民族", lambda m: m.ethnicity),
        Column("出生日期", private(lambda m: m.birth_date, masking.birth)),
        Column("公民身份号码", private(lambda m: m.id_number, masking.id_number)),
        Column("籍贯", private(lambda m: m.native_place, masking.free_text)),
        Column("学历", lambda m: m.education),
        Column("人员类别", lambda m: m.category,
               color=lambda m: "#b9770e" if m.category == "预备党员" else None),
        Column("党小组", lambda m: m.group_name),
        Column("入党日期", lambda m: m.join_date),
        Column("转正日期", lambda m: m.full_date),
        Column("工作岗位/职务", private(lambda m: m.job, masking.free_text)),
        Column("党内职务", lambda m: m.party_post),
        Column("联系电话", private(lambda m: m.phone, masking.phone)),
        Column("家庭住址", private(lambda m: m.address, masking.address)),
        Column("入党介绍人", private(lambda m: m.introducers, masking.free_text)),
        Column("党籍状态", lambda m: m.party_status,
               color=lambda m: "#c0392b" if m.party_status != "正常" else None),
        Column("状态", lambda m: m.status, color=lambda m: "#b9770e" if m.id in pending() else
               None if m.active else "#7f8c8d"),
        Column("备注", flags),
    ]


class MembersTab(RecordTab):
    NOT_SELECTED = ("请先在表格中选中一名党员。", "未选择党员")

    def __init__(self, db, parent=None, *, lazy: bool = False):
        """``lazy``: read the data when the tab is first shown, not now (start-up is quicker
        when only the first tab has to be filled before the window appears)."""
        show_private = QCheckBox("显示完整个人信息")
        show_private.setToolTip("不勾选时，身份证号只显示地区，出生日期只到月，电话只显示前后几位，"
                                "住址只到区县，备注等文字中的身份证号和电话同样隐藏")
        self._pending: set[int] = set()  # members whose 转出 awaits its 回执
        super().__init__(db, member_columns(show_private.isChecked, lambda: self._pending),
                         lambda m: m.search_key, parent)
        self.show_private = show_private
        self._roll_counts, self._roll_counts_for = "", None
        self._build()
        self.fill_now_or_later(lazy)

    # ------------------------------------------------------------ layout
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.addLayout(self._filters())
        layout.addWidget(self.record_view())
        layout.addLayout(self.button_row([
            ("新增党员", self.add_member), ("编辑", self.edit_selected),
            ("组织关系变动…", self.change_status), ("删除", self.delete_selected),
            ("导入花名册…", self.import_roster), ("导出花名册…", self.export_roster)]))

    def _filters(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.search_box("搜索姓名、拼音或首字母（如 zs 找到 张三）")
        self.category = self._combo(["全部类别", *members.CATEGORIES])
        self.group = QComboBox()
        self.group.currentIndexChanged.connect(self._apply_filters)
        self.status = self._combo(["在册党员", "已离开（转出等）", "全部"])
        self.show_private.toggled.connect(self._privacy_toggled)
        self.count_label = QLabel()
        for widget in (self.search, self.category, self.group, self.status, self.show_private):
            row.addWidget(widget)
        row.addStretch()
        row.addWidget(self.count_label)
        return row

    def _combo(self, items: list[str]) -> QComboBox:
        combo = QComboBox()
        combo.addItems(items)
        combo.currentIndexChanged.connect(self._apply_filters)
        return combo

    # ------------------------------------------------------------ data
    def refresh(self) -> None:
        self._refresh_groups()
        self._pending = transfers.pending_out_ids(self.db)
        self.show_records(members.list_members(self.db, include_left=True))
        self._apply_filters()

    def _refresh_groups(self) -> None:
        current = self.group.currentData()
        self.group.blockSignals(True)
        self.group.clear()
        self.group.addItem("全部党小组", None)
        for g in branch.groups(self.db):
            self.group.addItem(g.name, g.id)
        self.group.setCurrentIndex(max(self.group.findData(current), 0))
        self.group.blockSignals(False)

    def _apply_filters(self) -> None:
        category = self.category.currentText() if self.category.currentIndex() else None
        group = self.group.currentData()
        status = self.status.currentIndex()
        self.proxy.set_predicate("category", (lambda m: m.category == category) if category else None)
        self.proxy.set_predicate("group", (lambda m: m.group_id == group) if group else None)
        self.proxy.set_predicate("status", None if status == 2 else
                                 (lambda m: m.active) if status == 0 else (lambda m: not m.active))
        self.update_count()

    def _privacy_toggled(self) -> None:
        self.proxy.resort()  # an order taken from full birth dates would tell the hidden days
        fit_columns(self.view)  # full numbers are wider than masked ones
        self.view.viewport().update()

    def update_count(self) -> None:
        if self._roll_counts_for is not self.model.records:  # the counts change with the rows only
            active = [m for m in self.model.records if m.active]
            probation = sum(1 for m in active if m.category == "预备党员")
            self._roll_counts = (f"在册 {len(active)} 人"
                                 f"（正式 {len(active) - probation}，预备 {probation}）")
            self._roll_counts_for = self.model.records
        self.count_label.setText(f"显示 {self.proxy.rowCount()} 人　{self._roll_counts}")

    def select_member(self, member_id: int) -> bool:
        """Select the member's row; one hidden by the filters (e.g. a 转出 awaiting its 回执,
        which a 工作台 finding points at) is shown by widening them first."""
        if self.select_record(member_id):
            return True
        if not any(m.id == member_id for m in self.model.records):
            return False
        self.search.clear()
        for combo in (self.category, self.group, self.status):
            combo.setCurrentIndex(2 if combo is self.status else 0)
        return self.select_record(member_id)

    # ------------------------------------------------------------ actions
    def add_member(self) -> None:
        from branchdesk.ui.dialogs.member_dialog import MemberDialog

        dialog = MemberDialog(self.db, None, self)
        if dialog.exec() and dialog.saved:
            self.after_change(dialog.saved.id)

    def edit_selected(self) -> None:
        from branchdesk.ui.dialogs.member_dialog import MemberDialog

        member = self.require_selected()
        if member:
            dialog = MemberDialog(self.db, member, self)
            if dialog.exec():
                self.after_change(member.id)

    def change_status(self) -> None:
        from branchdesk.ui.dialogs.status_dialog import StatusDialog

        member = self.require_selected()
        if member and StatusDialog(self.db, member, self).exec():
            self.after_change(member.id)

    def delete_selected(self) -> None:
        member = self.require_selected()
        if member:
            self.delete_confirmed("删除党员", f"确定删除“{member.name}”吗？\n"
                                  "只适用于录入错误的人员；已离开本支部的党员请用“组织关系变动”登记。",
                                  lambda: members.delete(self.db, member.id))

    def import_roster(self) -> None:
        from branchdesk.ui.dialogs.import_dialog import ImportDialog

        path, _ = QFileDialog.getOpenFileName(self, "选择花名册文件", str(Path.home()),
                                              "Excel 文件 (*.xlsx *.xls);;所有文件 (*)")
        if path and ImportDialog(self.db, Path(path), self).exec():
            self.after_change(None)

    def export_roster(self) -> None:
        from branchdesk.ui.tasks import export_roster_interactive

        export_roster_interactive(self, self.db)
