"""The branch profile (支部基本情况): name, parent organisation, 书记, 党小组, committee, term."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QListWidget, QListWidgetItem, QComboBox, QDialog, QFormLayout, QGroupBox,
                               QHBoxLayout, QLabel, QLineEdit, QPushButton,
                               QSpinBox, QTableWidget, QVBoxLayout, QHeaderView)

from branchdesk.core import branch, members, settings
from branchdesk.core.errors import BranchdeskError, ValidationError
from branchdesk.ui.errors import show_error
from branchdesk.ui.widgets import DateEdit, Field, fit_to_screen, dialog_buttons


LEADER = Qt.ItemDataRole.UserRole + 1  # a group item's 党小组组长 (member id)


class ProfileDialog(QDialog):
    """Also the first-run set-up: everything here can be changed later from 设置 → 支部信息."""

    def __init__(self, db, parent=None, *, first_run: bool = False):
        super().__init__(parent)
        self.db = db
        self.first_run = first_run
        self.setWindowTitle("设置我的党支部" if first_run else "支部信息")
        layout = QVBoxLayout(self)
        if first_run:
            layout.addWidget(QLabel("请填写本支部的基本情况。这些内容会出现在签到表和台账上，以后可以随时修改。"))
        layout.addWidget(self._profile_box())
        # 党小组 beside the 支委, not under them: on a 768-pixel screen the committee table
        # then shows every seat instead of two and a half.
        lists = QHBoxLayout()
        lists.addWidget(self._groups_box(), 2)
        lists.addWidget(self._committee_box(), 3)
        layout.addLayout(lists, 1)
        buttons = dialog_buttons(self, "保存", "取消")
        layout.addWidget(buttons)
        fit_to_screen(self, 860, 600)

    def _profile_box(self) -> QGroupBox:
        values = settings.get_all(self.db)
        box = QGroupBox("基本情况")
        form = QFormLayout(box)
        self.branch_name = Field(QLineEdit(values["branch_name"]))
        self._full_name = values["branch_name"]  # the name the title name was derived from
        self.branch_name.editor.setPlaceholderText("如：中共某某单位机关第一支部委员会")
        self.short_name = QLineEdit(branch.title_name(self.db))
        self.short_name.setPlaceholderText("如：某某单位机关第一支部")
        self.short_name.setToolTip("签到表、会议记录和台账的标题用这个名称，"
                                   "如“某某单位机关第一支部党员大会签到表”")
        self.branch_name.editor.textChanged.connect(self._follow_short_name)
        self.parent_org = QLineEdit(values["parent_org"])
        self.parent_org.setPlaceholderText("如：中共某某单位委员会")
        self.secretary = QLineEdit(values["secretary_name"])
        self.term_start = Field(DateEdit(placeholder="如 2024-12-20"))
        self.term_start.editor.set_value(values["term_start"])
        self.term_years = QSpinBox()
        self.term_years.setRange(1, 5)
        self.term_years.setSuffix(" 年")
        self.term_years.setValue(values["term_years"])
        form.addRow("支部名称 *", self.branch_name)
        form.addRow("标题中的名称", self.short_name)
        form.addRow("上级党组织", self.parent_org)
        form.addRow("支部书记", self.secretary)
        form.addRow("本届选举日期", self.term_start)
        form.addRow("任期", self.term_years)
        return box

    def _follow_short_name(self, full_name: str) -> None:
        """Keep the title name derived from the full name until the user writes another."""
        derived_before = branch.short_name(self._full_name)
        self._full_name = full_name
        if self.short_name.text().strip() in ("", derived_before):
            self.short_name.setText(branch.short_name(full_name))

    def _groups_box(self) -> QGroupBox:
        box = QGroupBox("党小组（双击名称可改名，组内党员不变）")
        layout = QHBoxLayout(box)
        column = QVBoxLayout()
        self.groups = QListWidget()
        for group in branch.groups(self.db):
            self._add_group_item(group.name, group.id).setData(LEADER, group.leader_id)
        column.addWidget(self.groups)
        column.addLayout(self._leader_row())
        layout.addLayout(column, 1)
        buttons = QVBoxLayout()
        for text, slot in (("增加", self.add_group), ("上移", lambda: self._move_group(-1)),
                           ("下移", lambda: self._move_group(1)), ("删除", self.remove_group)):
            button = QPushButton(text)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addStretch()
        layout.addLayout(buttons)
        return box

    def _leader_row(self) -> QHBoxLayout:
        """The 党小组组长 of the selected group: one of its members (it chairs the 党小组会)."""
        row = QHBoxLayout()
        self.leader = QComboBox()
        self.leader.setMinimumWidth(160)
        self.leader_note = QLabel()
        self.leader_note.setStyleSheet("color: #555555;")
        row.addWidget(QLabel("所选党小组的组长"))
        row.addWidget(self.leader)
        row.addWidget(self.leader_note, 1)
        self.groups.currentItemChanged.connect(self._show_leader)
        self.leader.activated.connect(self._choose_leader)
        self._show_leader(None)
        return row

    def _show_leader(self, item: QListWidgetItem | None, *_previous) -> None:
        group_id = item.data(Qt.ItemDataRole.UserRole) if item else None
        people = [m for m in members.list_members(self.db, group_id=group_id)] if group_id else []
        self.leader.clear()
        self.leader.addItem("（未设）", None)
        for m in people:
            self.leader.addItem(m.name, m.id)
        self.leader.setCurrentIndex(max(self.leader.findData(item.data(LEADER) if item else None), 0))
        self.leader.setEnabled(bool(people))
        self.leader_note.setText("" if people else (
            "先选中一个党小组" if item is None else "该党小组还没有党员（新建的党小组保存后再设组长）"))

    def _choose_leader(self, *_index) -> None:
        item = self.groups.currentItem()
        if item is not None:
            item.setData(LEADER, self.leader.currentData())

    def group_leaders(self) -> dict[int, int | None]:
        """group id -> the 组长 chosen (existing groups only)."""
        items = [self.groups.item(i) for i in range(self.groups.count())]
        return {item.data(Qt.ItemDataRole.UserRole): item.data(LEADER) for item in items
                if item.data(Qt.ItemDataRole.UserRole) is not None}

    def _add_group_item(self, name: str, group_id: int | None) -> QListWidgetItem:
        item = QListWidgetItem(name)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
        item.setData(Qt.ItemDataRole.UserRole, group_id)
        self.groups.addItem(item)
        return item

    def add_group(self) -> None:
        number = self.groups.count() + 1
        numeral = "一二三四五六七八九十"[number - 1] if number <= 10 else str(number)
        item = self._add_group_item(f"第{numeral}党小组", None)
        self.groups.setCurrentItem(item)
        self.groups.editItem(item)

    def _move_group(self, step: int) -> None:
        row = self.groups.currentRow()
        if 0 <= row + step < self.groups.count() and row >= 0:
            item = self.groups.takeItem(row)
            self.groups.insertItem(row + step, item)
            self.groups.setCurrentRow(row + step)

    def remove_group(self) -> None:
        row = self.groups.currentRow()
        if row >= 0:
            self.groups.takeItem(row)  # refused on 保存 if the group still has members

    def group_pairs(self) -> list[tuple[int | None, str]]:
        items = [self.groups.item(i) for i in range(self.groups.count())]
        return [(item.data(Qt.ItemDataRole.UserRole), item.text()) for item in items]

    def _committee_box(self) -> QGroupBox:
        box = QGroupBox("支部委员会（支委）")
        layout = QVBoxLayout(box)
        note = QLabel("正式党员7人以上的支部设支部委员会，由3至5人组成，一般不超过7人；不足7人的支部"
                      "不设支委会，只登记书记（可有副书记）。预备党员和留党察看期间的党员不能担任。")
        note.setWordWrap(True)
        note.setStyleSheet("color: #555555;")
        layout.addWidget(note)
        self.people = members.list_members(self.db)
        if not self.people:
            layout.addWidget(QLabel("录入党员后，可以在这里设置书记、副书记和各委员。"))
            self.committee = None
            return box
        self.committee = QTableWidget(0, 2)
        self.committee.setHorizontalHeaderLabels(["职务", "党员"])
        self.committee.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        for seat in branch.committee(self.db):
            if seat.end_date is None:
                self._add_seat(seat.role, seat.member_id)
        row = QHBoxLayout()
        add, remove = QPushButton("增加一行"), QPushButton("删除选中行")
        add.clicked.connect(lambda: self._add_seat("委员", None))
        remove.clicked.connect(lambda: self.committee.removeRow(self.committee.currentRow()))
        row.addWidget(add)
        row.addWidget(remove)
        row.addStretch()
        self.committee_date = DateEdit()
        self.committee_date.set_value(date.today())
        since = QHBoxLayout()
        since.addWidget(QLabel("支委调整自此日起生效"))
        since.addWidget(self.committee_date, 1)
        layout.addWidget(self.committee)
        layout.addLayout(row)
        layout.addLayout(since)
        return box

    def _add_seat(self, role: str, member_id: int | None) -> None:
        row = self.committee.rowCount()
        self.committee.insertRow(row)
        roles = QComboBox()
        roles.addItems(branch.COMMITTEE_ROLES)
        roles.setCurrentText(role)
        people = QComboBox()
        people.addItem("（请选择）", None)
        for m in self.people:
            people.addItem(m.name, m.id)
        people.setCurrentIndex(max(people.findData(member_id), 0))
        self.committee.setCellWidget(row, 0, roles)
        self.committee.setCellWidget(row, 1, people)

    def seats(self) -> list[branch.CommitteeSeat]:
        if self.committee is None:
            return []
        seats = []
        for row in range(self.committee.rowCount()):
            member_id = self.committee.cellWidget(row, 1).currentData()
            if member_id is not None:
                seats.append(branch.CommitteeSeat(None, member_id,
                                                  self.committee.cellWidget(row, 0).currentText()))
        return seats

    def save(self) -> None:
        term = self.term_start.editor.value()
        if self.term_start.editor.text().strip() and term is None:
            self.term_start.show_message("日期无法识别，请写成 2024-12-20", error=True)
            return
        has_committee = self.committee is not None  # no table before anyone is on the roll
        try:
            branch.save_profile(self.db, self.profile(term), self.group_pairs(),
                                self.seats() if has_committee else None,
                                effective=self.committee_date.value() if has_committee else None,
                                first_run=self.first_run, leaders=self.group_leaders())
        except ValidationError as exc:
            if "branch_name" in exc.fields:
                self.branch_name.show_message(exc.fields["branch_name"], error=True)
            else:
                show_error(self, exc)
            return
        except BranchdeskError as exc:
            show_error(self, exc)
            return
        self.accept()

    def profile(self, term: date | None) -> branch.Profile:
        """The 基本情况 as typed (the core trims and checks it)."""
        return branch.Profile(self.branch_name.editor.text(), short_name=self.short_name.text(),
                              parent_org=self.parent_org.text(), secretary_name=self.secretary.text(),
                              term_start=term, term_years=self.term_years.value())
