"""The member roll tab (党员名册): search, filters, add/edit, status changes, import/export."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QFileDialog, QHBoxLayout,
                               QHeaderView, QLabel, QLineEdit, QPushButton, QTableView,
                               QVBoxLayout)

from branchdesk.core import branch, masking, members
from branchdesk.core.errors import BranchdeskError
from branchdesk.ui.errors import confirm, show_error
from branchdesk.ui.widgets import LazyTab
from branchdesk.ui.models import Column, FilterProxy, RecordTableModel, fit_columns


def member_columns(show_private: callable) -> list[Column]:
    def private(value, masker):
        return lambda m: value(m) if show_private() else masker(value(m) or "")

    def flags(m):
        parts = ["流动：" + m.mobile_destination if m.mobile else "", "失联" if m.lost_contact else "",
                 "" if m.active else f"{m.left_date or ''} {m.status}"]
        text = "；".join(p for p in parts + [m.notes] if p)
        return text if show_private() else masking.free_text(text)

    return [
        Column("姓名", lambda m: m.name, sort=lambda m: m.search_key.split("|")[-1]),
        Column("性别", lambda m: m.gender),
        Column("民族", lambda m: m.ethnicity),
        Column("出生日期", private(lambda m: m.birth_date, masking.birth)),
        Column("公民身份号码", private(lambda m: m.id_number, masking.id_number)),
        Column("籍贯", lambda m: m.native_place),
        Column("学历", lambda m: m.education),
        Column("人员类别", lambda m: m.category,
               color=lambda m: "#b9770e" if m.category == "预备党员" else None),
        Column("党小组", lambda m: m.group_name),
        Column("入党日期", lambda m: m.join_date),
        Column("转正日期", lambda m: m.full_date),
        Column("工作岗位/职务", lambda m: m.job),
        Column("党内职务", lambda m: m.party_post),
        Column("联系电话", private(lambda m: m.phone, masking.phone)),
        Column("家庭住址", private(lambda m: m.address, masking.address)),
        Column("入党介绍人", lambda m: m.introducers),
        Column("党籍状态", lambda m: m.party_status,
               color=lambda m: "#c0392b" if m.party_status != "正常" else None),
        Column("状态", lambda m: m.status, color=lambda m: None if m.active else "#7f8c8d"),
        Column("备注", flags),
    ]


class MembersTab(LazyTab):
    changed = Signal()

    def __init__(self, db, parent=None, *, lazy: bool = False):
        """``lazy``: read the data when the tab is first shown, not now (start-up is quicker
        when only the first tab has to be filled before the window appears)."""
        super().__init__(parent)
        self.db = db
        self.show_private = QCheckBox("显示身份证号和电话")
        self.model = RecordTableModel(member_columns(self.show_private.isChecked), self)
        self.proxy = FilterProxy(lambda m: m.search_key, self)
        self.proxy.setSourceModel(self.model)
        self._roll_counts, self._roll_counts_for = "", None
        self._build()
        self.fill_now_or_later(lazy)

    # ------------------------------------------------------------ layout
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.addLayout(self._filters())
        layout.addWidget(self._table())
        layout.addLayout(self._buttons())

    def _filters(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setPlaceholderText("搜索姓名、拼音或首字母（如 zs 找到 张三）")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._search)
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

    def _table(self) -> QTableView:
        self.view = QTableView()
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.verticalHeader().setDefaultSectionSize(26)
        self.view.doubleClicked.connect(lambda _: self.edit_selected())
        return self.view

    def _buttons(self) -> QHBoxLayout:
        row = QHBoxLayout()
        for text, slot in (("新增党员", self.add_member), ("编辑", self.edit_selected),
                           ("组织关系变动…", self.change_status), ("删除", self.delete_selected),
                           ("导入花名册…", self.import_roster), ("导出花名册…", self.export_roster)):
            button = QPushButton(text)
            button.clicked.connect(slot)
            row.addWidget(button)
            setattr(self, "button_" + slot.__name__, button)
        row.addStretch()
        return row

    # ------------------------------------------------------------ data
    def refresh(self) -> None:
        self._refresh_groups()
        self.model.set_rows(members.list_members(self.db, include_left=True))
        self._apply_filters()
        fit_columns(self.view)

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
        self._update_count()

    def _search(self, text: str) -> None:
        self.proxy.set_text(text)
        self._update_count()

    def _privacy_toggled(self) -> None:
        fit_columns(self.view)  # full numbers are wider than masked ones
        self.view.viewport().update()

    def _update_count(self) -> None:
        if self._roll_counts_for is not self.model.records:  # the counts change with the rows only
            active = [m for m in self.model.records if m.active]
            probation = sum(1 for m in active if m.category == "预备党员")
            self._roll_counts = (f"在册 {len(active)} 人"
                                 f"（正式 {len(active) - probation}，预备 {probation}）")
            self._roll_counts_for = self.model.records
        self.count_label.setText(f"显示 {self.proxy.rowCount()} 人　{self._roll_counts}")

    def selected(self) -> members.Member | None:
        rows = self.view.selectionModel().selectedRows()
        return self.proxy.record_at(rows[0].row()) if rows else None

    def select_member(self, member_id: int) -> None:
        for row in range(self.proxy.rowCount()):
            if self.proxy.record_at(row).id == member_id:
                self.view.selectRow(row)
                return

    # ------------------------------------------------------------ actions
    def add_member(self) -> None:
        from branchdesk.ui.dialogs.member_dialog import MemberDialog

        dialog = MemberDialog(self.db, None, self)
        if dialog.exec() and dialog.saved:
            self._after_change(dialog.saved.id)

    def edit_selected(self) -> None:
        from branchdesk.ui.dialogs.member_dialog import MemberDialog

        member = self._require_selection()
        if member:
            dialog = MemberDialog(self.db, member, self)
            if dialog.exec():
                self._after_change(member.id)

    def change_status(self) -> None:
        from branchdesk.ui.dialogs.status_dialog import StatusDialog

        member = self._require_selection()
        if member and StatusDialog(self.db, member, self).exec():
            self._after_change(member.id)

    def delete_selected(self) -> None:
        member = self._require_selection()
        if not member or not confirm(self, "删除党员", f"确定删除“{member.name}”吗？\n"
                                     "只适用于录入错误的人员；已离开本支部的党员请用“组织关系变动”登记。",
                                     yes="删除"):
            return
        try:
            members.delete(self.db, member.id)
        except BranchdeskError as exc:
            show_error(self, exc)
            return
        self._after_change(None)

    def _require_selection(self) -> members.Member | None:
        member = self.selected()
        if member is None:
            show_error(self, "请先在表格中选中一名党员。", "未选择党员")
        return member

    def _after_change(self, member_id: int | None) -> None:
        self.refresh()
        if member_id is not None:
            self.select_member(member_id)
        self.changed.emit()

    def import_roster(self) -> None:
        from branchdesk.ui.dialogs.import_dialog import ImportDialog

        path, _ = QFileDialog.getOpenFileName(self, "选择花名册文件", str(Path.home()),
                                              "Excel 文件 (*.xlsx *.xls);;所有文件 (*)")
        if path and ImportDialog(self.db, Path(path), self).exec():
            self._after_change(None)

    def export_roster(self) -> None:
        from branchdesk.ui.tasks import export_roster_interactive

        export_roster_interactive(self, self.db)
