"""The attendance panel of a meeting: who was expected, who came, who was on leave and why.

Totals (应到 / 实到 / 请假 / 缺席) are always counted from the rows, never typed. The list
starts as the expected list the core derives from the meeting's kind, date and 党小组; the
secretary can add someone not expected (a member of another 党小组 who attended) or take
someone off. Those adjustments survive a later change of kind or date.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLabel,
                               QLineEdit, QPushButton, QTableWidget, QTableWidgetItem,
                               QVBoxLayout, QWidget)

from branchdesk.core import meetings, quorum
from branchdesk.core.meetings import ABSENT, LEAVE, PRESENT, STATUSES, AttendanceEntry
from branchdesk.ui.widgets import ERROR_STYLE, WARNING_STYLE

STATUS_COLORS = {LEAVE: "#b9770e", ABSENT: "#c0392b"}
NAME, POST, STATUS, REASON, EXCUSED = range(5)


def post_text(entry: AttendanceEntry) -> str:
    """党小组 and 职务 in one cell: 第一党小组 · 书记 (第一党小组 · 组长, not the group twice)."""
    role = entry.role
    if entry.group_name and role.startswith(entry.group_name):
        role = role[len(entry.group_name):]
    return " · ".join(p for p in (entry.group_name, role) if p)


class AttendanceWidget(QWidget):
    changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list[AttendanceEntry] = []  # who each table row is; marks live in the cells
        self._roll: list[AttendanceEntry] = []  # everyone on the roll on the meeting date
        self.added: set[int] = set()
        self.removed: set[int] = set()
        self._planned = False
        self._voters: set[int] | None = None  # for a 党员大会: who has a vote that day
        self._election = False
        self._conf: dict = {}
        self._build()

    # ------------------------------------------------------------ layout
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.totals = QLabel()
        self.totals.setStyleSheet("font-weight: bold;")
        layout.addWidget(self.totals)
        self.voting = QLabel()  # 有表决权 应到/实到, and whether enough came
        self.voting.setWordWrap(True)
        self.voting.hide()
        layout.addWidget(self.voting)
        layout.addWidget(self._table())
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.hide()
        layout.addWidget(self.message)
        layout.addLayout(self._buttons())
        self._update_totals()

    def _table(self) -> QTableWidget:
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(["姓名", "党小组/职务", "出勤情况", "请假/缺席原因",
                                              "不计入应到"])
        self.table.setColumnHidden(EXCUSED, True)
        self.table.horizontalHeaderItem(EXCUSED).setToolTip(
            "换届选举时，因病不能表达本人意志、长期外出等情况经批准不计入应到会人数的党员")
        self.table.itemChanged.connect(self._item_changed)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setDefaultSectionSize(30)
        header = self.table.horizontalHeader()
        for column, width in ((NAME, 76), (POST, 150), (STATUS, 80)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            self.table.setColumnWidth(column, width)
        header.setStretchLastSection(True)
        return self.table

    def _buttons(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.all_present_button = QPushButton("全部出席")
        self.all_present_button.setToolTip("把名单中所有人标为出席（已填的原因会清空）")
        self.all_present_button.clicked.connect(self.mark_all_present)
        self.remove_button = QPushButton("移出名单")
        self.remove_button.setToolTip("不应参加本次会议的人（如已调离）可移出应到名单")
        self.remove_button.clicked.connect(self.remove_selected)
        self.candidates = QComboBox()
        self.candidates.setMinimumContentsLength(12)
        self.add_button = QPushButton("添加到名单")
        self.add_button.clicked.connect(self.add_selected_candidate)
        for widget in (self.all_present_button, self.remove_button, QLabel("　添加人员："),
                       self.candidates, self.add_button):
            row.addWidget(widget)
        row.addStretch()
        return row

    # ------------------------------------------------------------ loading
    def set_roll(self, roll: list[AttendanceEntry]) -> None:
        """Everyone who could be added (the roll on the meeting date)."""
        self._roll = list(roll)
        self._refresh_candidates()

    def load(self, entries: list[AttendanceEntry], expected_ids: set[int] | None = None) -> None:
        """Show stored attendance; with ``expected_ids``, remember how it differs from them."""
        shown = {e.member_id for e in entries}
        if expected_ids is not None:
            self.added, self.removed = shown - expected_ids, expected_ids - shown
        self._set_rows(entries)

    def apply_expected(self, fresh: list[AttendanceEntry]) -> None:
        """A new expected list (marks kept by the core), with this meeting's adjustments."""
        current = {e.member_id: e for e in self.entries()}
        rows = [e for e in fresh if e.member_id not in self.removed]
        fresh_ids = {e.member_id for e in fresh}
        for entry in self._roll:
            if entry.member_id in self.added and entry.member_id not in fresh_ids:
                rows.append(current.get(entry.member_id, entry))
        self._set_rows(rows)

    def _set_rows(self, entries: list[AttendanceEntry]) -> None:
        self._rows = [replace(e) for e in entries]
        self.table.setRowCount(0)
        for entry in self._rows:
            self._append_row(entry)
        self._refresh_candidates()
        self._after_edit()

    def _append_row(self, entry: AttendanceEntry) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        self.table.setItem(row, NAME, QTableWidgetItem(entry.name))
        self.table.setItem(row, POST, QTableWidgetItem(post_text(entry)))
        self.table.setCellWidget(row, STATUS, self._status_combo(entry.status))
        self.table.setCellWidget(row, REASON, self._reason_edit(entry.reason))
        excused = QTableWidgetItem("")
        excused.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
        excused.setCheckState(Qt.CheckState.Checked if entry.excused else Qt.CheckState.Unchecked)
        self.table.blockSignals(True)
        self.table.setItem(row, EXCUSED, excused)
        self.table.blockSignals(False)
        self._style_row(row)

    def _item_changed(self, item: QTableWidgetItem) -> None:
        if item.column() == EXCUSED:  # the 不计入应到 box
            self._after_edit()

    def _status_combo(self, status: str) -> QComboBox:
        combo = QComboBox()
        combo.addItems(list(STATUSES))
        combo.setCurrentText(status)
        combo.currentTextChanged.connect(self._after_edit)
        return combo

    def _reason_edit(self, reason: str) -> QLineEdit:
        edit = QLineEdit(reason)
        edit.textChanged.connect(self._after_edit)
        return edit

    # ------------------------------------------------------------ reading
    def status_combo(self, row: int) -> QComboBox:
        return self.table.cellWidget(row, STATUS)

    def reason_edit(self, row: int) -> QLineEdit:
        return self.table.cellWidget(row, REASON)

    def row_of(self, member_id: int) -> int:
        ids = [e.member_id for e in self._rows]
        return ids.index(member_id) if member_id in ids else -1

    def entries(self) -> list[AttendanceEntry]:
        """The attendance as marked; a reason is kept only for 请假 and 缺席."""
        out = []
        for row, entry in enumerate(self._rows):
            status = self.status_combo(row).currentText()
            reason = self.reason_edit(row).text().strip() if status != PRESENT else ""
            excused = self._election and status != PRESENT and \
                self.table.item(row, EXCUSED).checkState() == Qt.CheckState.Checked
            out.append(replace(entry, status=status, reason=reason, excused=excused))
        return out

    def set_voting(self, voters: set[int] | None, conf: dict, *, election: bool = False) -> None:
        """Show the 有表决权 figures of a 党员大会 (``voters``: who has a vote that day; None
        for other kinds), and at a 换届选举 the 不计入应到 column. ``conf``: the settings."""
        self._voters, self._conf, self._election = voters, conf, election and voters is not None
        self.table.setColumnHidden(EXCUSED, not self._election)
        self._after_edit()

    def counts(self) -> meetings.Counts:
        return meetings.count(self.entries())

    def missing_reasons(self) -> list[str]:
        """Names of people on leave or absent without a reason."""
        return [e.name for e in self.entries() if e.status != PRESENT and not e.reason]

    # ------------------------------------------------------------ editing
    def set_mark(self, member_id: int, status: str, reason: str = "") -> None:
        row = self.row_of(member_id)
        self.status_combo(row).setCurrentText(status)
        self.reason_edit(row).setText(reason)

    def mark_all_present(self) -> None:
        for row in range(self.table.rowCount()):
            self.status_combo(row).setCurrentText(PRESENT)
            self.reason_edit(row).clear()

    def remove_selected(self) -> None:
        rows = sorted({i.row() for i in self.table.selectedIndexes()}, reverse=True)
        for row in rows:
            member_id = self._rows[row].member_id
            if member_id in self.added:
                self.added.discard(member_id)
            else:
                self.removed.add(member_id)
        self._set_rows([e for i, e in enumerate(self.entries()) if i not in rows])

    def add_selected_candidate(self) -> None:
        member_id = self.candidates.currentData()
        if member_id is not None:
            self.add_member(member_id)

    def add_member(self, member_id: int) -> None:
        entry = next((e for e in self._roll if e.member_id == member_id), None)
        if entry is None or self.row_of(member_id) >= 0:
            return
        if member_id in self.removed:
            self.removed.discard(member_id)
        else:
            self.added.add(member_id)
        self._set_rows(self.entries() + [replace(entry, status=PRESENT, reason="")])

    def set_planned(self, planned: bool) -> None:
        """A meeting not held yet: the list shows who is expected (as its sign-in sheet does)
        and cannot be marked; the totals say 应到 only, not 实到 everyone."""
        self._planned = planned
        self.setEnabled(not planned)
        self._update_totals()

    # ------------------------------------------------------------ feedback
    def _after_edit(self) -> None:
        for row in range(self.table.rowCount()):
            self._style_row(row)
        self._update_totals()
        self.changed.emit()

    def _style_row(self, row: int) -> None:
        status = self.status_combo(row).currentText()
        color = STATUS_COLORS.get(status)
        self.table.item(row, NAME).setData(Qt.ItemDataRole.ForegroundRole,
                                           QBrush(QColor(color)) if color else None)
        edit = self.reason_edit(row)
        edit.setEnabled(status != PRESENT)
        edit.setPlaceholderText("" if status == PRESENT else "请填写原因，如 出差、病假")
        missing = status != PRESENT and not edit.text().strip()
        edit.setStyleSheet("QLineEdit { border: 1px solid #c0392b; }" if missing else "")
        excused = self.table.item(row, EXCUSED)
        if excused is not None:  # only someone absent can be left out of the count
            flags = Qt.ItemFlag.ItemIsUserCheckable | (
                Qt.ItemFlag.ItemIsEnabled if status != PRESENT else Qt.ItemFlag.NoItemFlags)
            if excused.flags() != flags:
                self.table.blockSignals(True)
                excused.setFlags(flags)
                self.table.blockSignals(False)

    def _update_totals(self) -> None:
        c = self.counts()
        if self._planned:
            self.totals.setText(f"应到 {c.expected} 人")
            self.show_message("", error=False)
            self._update_voting()
            return
        rate = f"　出席率 {c.rate:.0%}" if c.rate is not None else ""
        self.totals.setText(f"应到 {c.expected} 人　实到 {c.present} 人　请假 {c.leave} 人　"
                            f"缺席 {c.absent} 人{rate}")
        missing = self.missing_reasons()
        self.show_message(f"{'、'.join(missing)} 请假或缺席，尚未填写原因。" if missing else "",
                          error=False)
        self._update_voting()

    def _update_voting(self) -> None:
        self.voting.setVisible(self._voters is not None)
        if self._voters is None:
            return
        v = quorum.voting_counts(self.entries(), self._voters)
        noun = "有选举权" if self._election else "有表决权"
        if self._planned:  # not held yet: who is entitled, nothing to judge
            self.voting.setText(f"其中{noun}：应到 {v.expected} 人")
            self.voting.setStyleSheet("")
            return
        text = f"其中{noun}：应到 {v.expected} 人　实到 {v.present} 人"
        if v.excused:
            text += f"（经批准不计入应到 {v.excused} 人）"
        problem = quorum.shortfall(v, self._conf, election=self._election)
        self.voting.setText(text + (f"\n{problem}" if problem else ""))
        self.voting.setStyleSheet(ERROR_STYLE if problem else "")

    def show_message(self, text: str, *, error: bool) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(ERROR_STYLE if error else WARNING_STYLE)
        self.message.setVisible(bool(text))

    def _refresh_candidates(self) -> None:
        shown = {e.member_id for e in self._rows}
        self.candidates.clear()
        for entry in self._roll:
            if entry.member_id not in shown:
                label = f"{entry.name}（{entry.group_name}）" if entry.group_name else entry.name
                self.candidates.addItem(label, entry.member_id)
        self.candidates.setEnabled(self.candidates.count() > 0)
        self.add_button.setEnabled(self.candidates.count() > 0)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt override
        if event.key() == Qt.Key.Key_Delete and self.table.hasFocus():
            self.remove_selected()
            return
        super().keyPressEvent(event)
