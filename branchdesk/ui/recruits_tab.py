"""发展党员 tab: the people in the pipeline by stage with each one's next step and deadline
(overdue in red), and the selected person's page: the 25-step timeline (纪实) with what is
done, due and missing, and one click from 支部大会 + 审批 to the roll."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QHBoxLayout, QHeaderView,
                               QInputDialog, QLabel, QListWidget, QPushButton, QSplitter,
                               QTableWidget, QTableWidgetItem, QTabWidget, QVBoxLayout, QWidget)

from branchdesk.core import branch, recruitment as rc, settings
from branchdesk.core.errors import BranchdeskError
from branchdesk.ui.errors import confirm, show_error
from branchdesk.ui.models import Column
from branchdesk.ui.record_tab import Button, RecordTab

RED, GREEN, ORANGE, GREY = "#c0392b", "#1e7b34", "#9a5b00", "#7f8c8d"
STATUS_COLORS = {rc.DONE: GREEN, rc.LATE: RED, rc.MISSING: ORANGE, rc.PENDING: "#1f4e9a",
                 rc.LATER: GREY}


class Row:
    """One person as the list shows them on a day: the record and what is owed."""

    def __init__(self, r: rc.Recruit, conf: dict, as_of: date):
        self.recruit, self.id, self.name = r, r.id, r.name
        self.stage = rc.stage(r)
        owed = rc.obligations(r, conf)
        self.next = owed[0] if owed else None
        self.overdue = any(d.overdue(as_of) for d in owed)


def recruit_columns() -> list[Column]:
    def due(row: Row) -> str:
        if row.next is None:
            return ""
        if row.next.due:
            return f"{row.next.due}前" + ("（已逾期）" if row.next.overdue(date.today()) else "")
        return f"{row.next.not_before}起可办" if row.next.not_before else ""

    return [
        Column("姓名", lambda r: r.name),
        Column("所处阶段", lambda r: r.stage, sort=lambda r: rc.STAGE_ORDER.index(r.stage)),
        Column("下一步", lambda r: f"第{r.next.step}步 {r.next.name}" if r.next else "",
               color=lambda r: RED if r.overdue else None),
        Column("期限", due, sort=lambda r: str(r.next.due) if r.next and r.next.due else "9",
               color=lambda r: RED if r.overdue else None),
        Column("状态", lambda r: r.recruit.status,
               color=lambda r: GREY if r.recruit.status in (rc.PAUSED, rc.WITHDRAWN) else None),
        # Last: on a small screen it is the one cut short, not the next step or its deadline.
        Column("递交申请", lambda r: str(r.recruit.on(rc.APPLY) or "")),
    ]


class RecruitsTab(RecordTab):
    NOT_SELECTED = ("请先在左侧名单中选中一个人。", "未选择")
    LIST_SHARE = 0.58  # at most this much of the tab's width goes to the list

    def __init__(self, db, parent=None, *, lazy: bool = False):
        super().__init__(db, recruit_columns(), lambda r: r.recruit.search_key, parent)
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.search_box("搜索姓名（可用拼音或首字母）")
        self.show_closed = QCheckBox("显示已终止、已转正的")
        self.show_closed.toggled.connect(lambda _: self.refresh())
        self.count_label = QLabel()
        for widget in (self.search, self.show_closed):
            top.addWidget(widget)
        top.addStretch()
        top.addWidget(self.count_label)
        layout.addLayout(top)
        split = self.split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.record_view())
        split.addWidget(self._person_page())
        split.setSizes([560, 640])
        split.setStretchFactor(1, 1)  # a wider window widens the person's page, not the list
        self._split_moved = False  # once the secretary drags the divider, it stays put
        split.splitterMoved.connect(lambda *_: setattr(self, "_split_moved", True))
        layout.addWidget(split, 1)
        layout.addLayout(self.button_row([
            Button("新增入党申请人", self.add_person, "登记收到的入党申请书"),
            ("编辑信息", self.edit_selected),
            Button("登记步骤", self.record_step, "登记25个步骤中的一步：日期、人员、材料"),
            Button("登记考察/思想汇报/公示", self.add_entry),
            Button("接收入名册", self.admit, "支部大会通过并经上级党委审批后，作为预备党员列入党员名册"),
            Button("打印纪实表", self.print_record, "发展党员全程纪实表：预览、打印或另存为PDF"),
        ], trailing=[("暂缓/终止…", self.pause_or_withdraw), ("删除", self.delete_selected)]))
        self.fill_now_or_later(lazy)

    # ------------------------------------------------------------ the person's page
    def _person_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        self.heading = QLabel("在左侧选中一个人，这里显示其发展党员全程纪实。")
        self.heading.setWordWrap(True)
        self.heading.setStyleSheet("font-weight: bold")
        self.timeline = QTableWidget(0, 5)
        self.timeline.setHorizontalHeaderLabels(["步骤", "名称", "情况", "日期/期限", "说明"])
        self.timeline.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.timeline.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.timeline.verticalHeader().setVisible(False)
        self.timeline.verticalHeader().setDefaultSectionSize(24)
        self.timeline.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        # 说明 is elided to the width left (whole in its tooltip); never a sideways scroll of a
        # few pixels that hides the last letters of every row.
        self.timeline.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.timeline.cellDoubleClicked.connect(lambda row, _: self.record_step(row + 1))
        pages = QTabWidget()
        steps = QWidget()
        inner = QVBoxLayout(steps)
        inner.addWidget(self.timeline, 1)
        inner.addWidget(QLabel("双击一个步骤即可登记或修改它。"))
        pages.addTab(steps, "全程纪实")
        pages.addTab(self._entries_page(), "考察、思想汇报和公示")
        self.history = QListWidget()
        pages.addTab(self.history, "变动记录")
        layout.addWidget(self.heading)
        layout.addWidget(pages, 1)
        return page

    def _entries_page(self) -> QWidget:
        page = QWidget()
        inner = QVBoxLayout(page)
        self.entries = QTableWidget(0, 5)
        self.entries.setHorizontalHeaderLabels(["类别", "日期", "截止日期", "情况", "材料"])
        self.entries.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.entries.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.entries.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.entries.verticalHeader().setVisible(False)
        self.entries.verticalHeader().setDefaultSectionSize(24)
        self.entries.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        inner.addWidget(self.entries, 1)
        row = QHBoxLayout()
        for text, slot in (("新增…", self.add_entry), ("删除所选", self.remove_entry)):
            button = QPushButton(text)
            button.clicked.connect(slot)
            row.addWidget(button)
        row.addStretch()
        inner.addLayout(row)
        return page

    def on_selected(self, row) -> None:
        self.button_admit.setEnabled(bool(row) and _admissible(row.recruit))
        self._show_entries(row.recruit if row else None)
        if row is None:
            self.timeline.setRowCount(0)
            self.heading.setText("在左侧选中一个人，这里显示其发展党员全程纪实。")
            return
        r = row.recruit
        extra = f"，预备期至 {r.probation_end}" if r.probation_end else ""
        self.heading.setText(f"{r.name}　{row.stage}（{r.status}）{extra}")
        lines = rc.timeline(r, self.conf, date.today())
        self.timeline.setRowCount(len(lines))
        for i, line in enumerate(lines):
            when = str(line.date) if line.date else (f"{line.due}前" if line.due else "")
            for col, text in enumerate((str(line.step.number), line.step.name, line.status, when,
                                        line.detail)):
                item = QTableWidgetItem(text)
                item.setToolTip(text if col == 4 else "")
                if col in (2, 3):
                    item.setForeground(QBrush(QColor(STATUS_COLORS[line.status])))
                self.timeline.setItem(i, col, item)
        # 说明 takes the rest of the width and is cut short (whole in its tooltip): fitted to
        # its text it pushed the table into sideways scrolling on a small screen.
        for column in range(4):
            self.timeline.resizeColumnToContents(column)

    def _show_entries(self, r: rc.Recruit | None) -> None:
        from branchdesk.core import attachments

        found = list(reversed(r.entries)) if r else []
        self.entries.setRowCount(len(found))
        for i, e in enumerate(found):
            count = len(attachments.list_for(self.db, rc.ENTRY_OWNER, e.id))
            for col, text in enumerate((e.kind, e.date, e.end_date or "", e.notes,
                                        f"{count} 个" if count else "")):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, e.id)
                self.entries.setItem(i, col, item)
        self.entries.resizeColumnsToContents()
        self.history.clear()
        for h in rc.history(self.db, r.id) if r else []:
            self.history.addItem(f"{h['date']}　{h['kind']}" + (f"：{h['reason']}" if h["reason"] else ""))

    def remove_entry(self) -> None:
        rows = self.entries.selectionModel().selectedRows()
        if (row := self.require_selected()) is None or not rows:
            if row is not None:
                show_error(self, "请先在列表中选中一条考察、思想汇报或公示记录。", "未选择记录")
            return
        item = self.entries.item(rows[0].row(), 0)
        question = f"确定删除{row.name}{self.entries.item(rows[0].row(), 1).text()}的{item.text()}记录（连同其材料）吗？"
        if not confirm(self, "删除", question, yes="删除"):
            return
        try:
            rc.remove_entry(self.db, item.data(Qt.ItemDataRole.UserRole))
        except BranchdeskError as exc:
            show_error(self, exc)
            return
        self.after_change(row.id)

    # ------------------------------------------------------------ data
    def refresh(self) -> None:
        self.conf = settings.get_all(self.db)
        today = date.today()
        self.show_records([Row(r, self.conf, today) for r in
                           rc.list_recruits(self.db, include_closed=self.show_closed.isChecked())])
        self._fit_split()
        self.on_selected(self.selected())

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        # After the layout has passed the new width on to the splitter, not before.
        QTimer.singleShot(0, self._fit_split)

    def _fit_split(self) -> None:
        """Give the list the width its columns need (up to LIST_SHARE of the tab) and the
        person's page the rest: a fixed split cut 下一步 and hid 期限 on a 1024-pixel screen.
        A divider the secretary has dragged is left where it is."""
        total = sum(self.split.sizes())
        if self._split_moved or total <= 0:
            return
        view, header = self.view, self.view.horizontalHeader()
        last = header.count() - 1  # stretched: its fitted width is not kept, so measure it
        columns = sum(header.sectionSize(i) for i in range(last) if not header.isSectionHidden(i))
        columns += max(header.sectionSizeHint(last), view.sizeHintForColumn(last))
        scroll = view.style().pixelMetric(view.style().PixelMetric.PM_ScrollBarExtent, None, view)
        needed = columns + view.verticalHeader().width() + 2 * view.frameWidth() + scroll
        left = min(needed, int(total * self.LIST_SHARE))
        self.split.setSizes([left, total - left])

    def update_count(self) -> None:
        rows = self.proxy.shown_records()
        late = sum(1 for r in rows if r.overdue)
        self.count_label.setText(f"共 {len(rows)} 人" + (f"，{late} 人有逾期事项" if late else ""))

    def show_target(self, target: dict) -> None:
        """A 工作台 finding about a person: select them."""
        if target.get("id"):
            if not self.select_record(target["id"]) and not self.show_closed.isChecked():
                self.show_closed.setChecked(True)
                self.select_record(target["id"])

    # ------------------------------------------------------------ actions
    def add_person(self) -> None:
        from branchdesk.ui.dialogs.recruit_dialogs import PersonDialog

        dialog = PersonDialog(self.db, parent=self)
        if dialog.exec() and dialog.saved:
            self.after_change(dialog.saved.id)

    add_record = add_person  # Ctrl+N (ui/actions.py)

    def edit_selected(self) -> None:
        from branchdesk.ui.dialogs.recruit_dialogs import PersonDialog

        if (row := self.require_selected()) is None:
            return
        dialog = PersonDialog(self.db, row.recruit, parent=self)
        if dialog.exec() and dialog.saved:
            self.after_change(row.id)

    def record_step(self, number: int | None = None) -> None:
        from branchdesk.ui.dialogs.recruit_dialogs import EntryDialog, StepDialog

        if (row := self.require_selected()) is None:
            return
        if number in rc.CONTINUING:
            dialog = EntryDialog(self.db, row.recruit, parent=self)
        else:
            dialog = StepDialog(self.db, row.recruit, number or None, parent=self)
        if dialog.exec() and dialog.saved:
            self.after_change(row.id)

    def add_entry(self) -> None:
        from branchdesk.ui.dialogs.recruit_dialogs import EntryDialog

        if (row := self.require_selected()) is None:
            return
        dialog = EntryDialog(self.db, row.recruit, parent=self)
        if dialog.exec() and dialog.saved:
            self.after_change(row.id)

    def admit(self) -> None:
        """支部大会 passed and 审批 recorded: put the person on the roll as a 预备党员."""
        if (row := self.require_selected()) is None:
            return
        r = row.recruit
        if not _admissible(r):
            show_error(self, "须支部大会通过（第15步）并经上级党委审批（第17步）后，才能接收入名册。",
                       "还不能接收")
            return
        groups = branch.groups(self.db)
        names = ["（暂不编入党小组）", *[g.name for g in groups]]
        choice, ok = QInputDialog.getItem(
            self, "接收为预备党员",
            f"{r.name}将作为预备党员列入党员名册，入党日期为支部大会通过之日"
            f"（{r.on(rc.GENERAL_MEETING)}），预备期一年。\n编入党小组：", names, 0, False)
        if not ok:
            return
        group = next((g.id for g in groups if g.name == choice), None)
        try:
            rc.admit(self.db, r.id, group_id=group)
        except BranchdeskError as exc:
            show_error(self, exc)
            return
        self.after_change(r.id)

    def print_record(self) -> None:
        from branchdesk.core import recruitment_print
        from branchdesk.ui.print.preview import preview_minutes

        if (row := self.require_selected()) is None:
            return
        preview_minutes(self, recruitment_print.record_page(self.db, row.recruit, date.today()))

    def pause_or_withdraw(self) -> None:
        if (row := self.require_selected()) is None:
            return
        r = row.recruit
        if r.status == rc.PAUSED:
            actions = ["恢复培养", "终止发展"]
        elif r.status == rc.ACTIVE:
            actions = ["暂缓发展", "终止发展"]
        else:
            show_error(self, f"{r.name}目前为“{r.status}”，不能暂缓或终止。", "不能更改")
            return
        action, ok = QInputDialog.getItem(self, "暂缓或终止", f"{r.name}：", actions, 0, False)
        if not ok:
            return
        reason, ok = QInputDialog.getText(self, action, f"{action}的原因（将记入变动记录）：")
        if not ok:
            return
        do = {"暂缓发展": rc.pause, "终止发展": rc.withdraw, "恢复培养": rc.resume}[action]
        try:
            do(self.db, r.id, date.today(), reason)
        except BranchdeskError as exc:
            show_error(self, exc)
            return
        self.after_change(r.id)

    def delete_selected(self) -> None:
        if (row := self.require_selected()) is None:
            return
        self.delete_confirmed("删除", f"确定删除“{row.name}”的全部发展党员记录吗？（仅用于录错的人；"
                              "已撤回申请等请用“暂缓/终止”，记录会保留）",
                              lambda: rc.delete(self.db, row.id))


def _admissible(r: rc.Recruit) -> bool:
    return r.status == rc.ACTIVE and bool(r.on(rc.GENERAL_MEETING)) and bool(r.on(rc.APPROVAL))
