"""Add or edit a meeting record (三会一课, 组织生活会): details, attendance, minutes, 整改,
attachments. Nothing is written until 保存 succeeds; on an error every typed value stays."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QCheckBox, QComboBox, QCompleter, QDialog, QDialogButtonBox, QFormLayout,
                               QFrame, QGroupBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
                               QPlainTextEdit, QPushButton, QScrollArea, QSplitter, QTableWidget,
                               QTableWidgetItem, QTabWidget, QVBoxLayout, QWidget)

from branchdesk.core import attachments, branch, meetings, quorum, settings
from branchdesk.core.dates import (normalise_month, normalise_time, normalise_year, parse_date,
                                   parse_deadline)
from branchdesk.core.errors import BranchdeskError, ValidationError
from branchdesk.core.meetings import (GENERAL, LECTURE, LIFE, LIFE_HELD_AS, THEME_DAY,
                                      MEETING_KINDS, SHORT_NAMES, AttendanceEntry, Meeting,
                                      Rectification)
from branchdesk.ui.attachment_panel import AttachmentPanel
from branchdesk.ui.attendance_widget import AttendanceWidget
from branchdesk.ui.errors import confirm, show_error
from branchdesk.ui.widgets import (ERROR_STYLE, LATE_HINT, WARNING_STYLE, DateEdit, Field, HelpLink,
                                  beside, dialog_buttons, fit_to_screen, keep_place, tab_through)

INFO_TAB, CONTENT_TAB, RECTIFY_TAB, FILES_TAB = range(4)
TAB_OF_FIELD = {"rectifications": RECTIFY_TAB}
LABELS = {"kind": "会议类型", "held_as": "召开形式", "group_id": "党小组", "date": "日期",
          "time": "时间", "place": "地点", "host_id": "主持人", "recorder_id": "记录人",
          "lecturer": "主讲人", "lecture_title": "党课题目", "observers": "列席人员",
          "period": "计入月份", "activity_form": "活动形式", "organiser": "组织者",
          "election": "换届选举"}
ACTIVITY_FORMS = ("集中学习", "志愿服务", "参观学习", "研讨交流", "实践活动", "其他")
THEME_ONLY = ("period", "activity_form", "organiser")


class RectificationTable(QWidget):
    """整改事项 of a 组织生活会: problem, measure, owner, due date, done."""

    HEADERS = ["问题", "整改措施", "责任人", "完成时限", "已完成"]

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("组织生活会查摆的问题及整改措施（检查时要求有整改清单）。"
                                "完成时限可写 2026-12-31 或 2026年12月。"))
        self.table = QTableWidget(0, len(self.HEADERS))
        self.table.setHorizontalHeaderLabels(self.HEADERS)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        for column in (2, 3, 4):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.table)
        self.message = QLabel()
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.hide()
        layout.addWidget(self.message)
        layout.addLayout(self._buttons())

    def _buttons(self) -> QHBoxLayout:
        row = QHBoxLayout()
        add, remove = QPushButton("添加一项"), QPushButton("删除所选")
        add.clicked.connect(lambda: self.add_row(Rectification("")))
        remove.clicked.connect(self.remove_selected)
        row.addWidget(add)
        row.addWidget(remove)
        row.addStretch()
        return row

    def load(self, items: list[Rectification]) -> None:
        self.table.setRowCount(0)
        for item in items:
            self.add_row(item)

    def add_row(self, item: Rectification) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        for column, text in enumerate((item.problem, item.measure, item.owner, item.due_date or "")):
            self.table.setItem(row, column, QTableWidgetItem(text))
        done = QTableWidgetItem("")
        done.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled
                      | Qt.ItemFlag.ItemIsSelectable)
        done.setCheckState(Qt.CheckState.Checked if item.done else Qt.CheckState.Unchecked)
        self.table.setItem(row, 4, done)

    def remove_selected(self) -> None:
        for row in sorted({i.row() for i in self.table.selectedIndexes()}, reverse=True):
            self.table.removeRow(row)

    def _text(self, row: int, column: int) -> str:
        item = self.table.item(row, column)
        return item.text().strip() if item else ""

    def items(self) -> tuple[list[Rectification], str | None]:
        """The filled rows, and an error message for an unreadable due date."""
        out, error = [], None
        for row in range(self.table.rowCount()):
            problem, measure, owner, due = (self._text(row, c) for c in range(4))
            if not any((problem, measure, owner, due)):
                continue
            try:
                parsed = parse_deadline(due)
            except ValueError as exc:
                parsed, error = None, f"第 {row + 1} 项的完成时限：{exc}"
            done = self.table.item(row, 4).checkState() == Qt.CheckState.Checked
            out.append(Rectification(problem or "（未填写问题）", measure, owner,
                                     parsed.isoformat() if parsed else None, done))
        return out, error

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))


class MeetingDialog(QDialog):
    """Edits a copy of the meeting; ``saved`` holds the stored record after 保存."""

    def __init__(self, db, meeting: Meeting | None = None, parent=None, *,
                 kind: str = GENERAL, group_id: int | None = None):
        super().__init__(parent)
        self.db = db
        self.original = meeting
        self.theme_day = (meeting.kind if meeting else kind) == THEME_DAY
        self.saved: Meeting | None = None
        self.fields: dict[str, Field] = {}
        self._loading = True
        self._build()
        self._load(meeting or Meeting(kind=kind, date=date.today().isoformat(), group_id=group_id))
        self._loading = False
        self._as_loaded = self.meeting()
        tab_through(self)
        self._fit_screen(1080, 690)

    # ------------------------------------------------------------ building
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        self.late_label = QLabel()
        self.late_label.setStyleSheet(WARNING_STYLE + " font-weight: bold;")
        keep_place(self.late_label)  # a date moved past the 补录 limit must not move the form
        self.late_label.hide()
        self.late_help = HelpLink("late", tooltip=LATE_HINT)
        self.late_help.hide()
        layout.addLayout(beside(self.late_label, self.late_help))
        self.tabs = QTabWidget()
        self.attendance = AttendanceWidget()
        self.rectifications = RectificationTable()
        self.files = AttachmentPanel(self.db, attachments.MEETING)
        noun = "活动" if self.theme_day else "会议"
        for page, title in ((self._info_page(), f"{noun}信息与出勤"), (self._content_page(), f"{noun}内容"),
                            (self.rectifications, "整改事项"), (self.files, "附件")):
            self.tabs.addTab(page, title)
        layout.addWidget(self.tabs)
        layout.addWidget(self._button_box())
        self.files.changed.connect(self._update_files_tab)

    def _button_box(self) -> QDialogButtonBox:
        buttons = dialog_buttons(self, "保存", "取消")
        return buttons

    def _info_page(self) -> QSplitter:
        """Details on the left, attendance on the right: the two things entered together."""
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self._details_column())
        box = QGroupBox("出勤情况")
        box_layout = QVBoxLayout(box)
        self.planned_label = QLabel("会议日期在今天之后：现在保存为计划，出勤情况在会后登记"
                                    "（签到表可以先打印）。")
        self.planned_label.setWordWrap(True)
        self.planned_label.setStyleSheet(WARNING_STYLE + " font-weight: bold;")
        keep_place(self.planned_label)  # nor the attendance list, when it crosses today
        self.planned_label.hide()
        box_layout.addWidget(self.planned_label)
        box_layout.addWidget(self.attendance)
        splitter.addWidget(box)
        splitter.setChildrenCollapsible(False)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([420, 560])
        return splitter

    def _details_column(self) -> QScrollArea:
        inner = QWidget()
        inner.setMinimumWidth(370)
        layout = QVBoxLayout(inner)
        layout.setContentsMargins(0, 0, 4, 0)
        self.forms: dict[str, QFormLayout] = {}
        layout.addWidget(self._form_box("基本情况", ["kind", "held_as", "election", "group_id",
                                                 "date", "period", "time", "place",
                                                 "activity_form"]))
        layout.addWidget(self._form_box("人员", ["host_id", "recorder_id", "organiser", "lecturer",
                                               "lecture_title", "observers"]))
        layout.addWidget(self._topics_box(), 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(inner)
        scroll.setMinimumWidth(380)
        return scroll

    def _form_box(self, title: str, names: list[str]) -> QGroupBox:
        box = QGroupBox(title)
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for name in names:
            form.addRow(LABELS[name], self._row_widget(name))
            self.forms[name] = form
        return box

    def _row_widget(self, name: str) -> QWidget:
        if name == "time":
            return self._time_row()
        self.fields[name] = Field(self._editor(name))
        return self.fields[name]

    def _time_row(self) -> QWidget:
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        for name, example in (("start_time", "如 14:30"), ("end_time", "如 16:00")):
            edit = QLineEdit()
            edit.setPlaceholderText(example)
            edit.setMinimumWidth(72)
            edit.setMaximumWidth(110)
            edit.editingFinished.connect(lambda e=edit: e.setText(normalise_time(e.text())))
            self.fields[name] = Field(edit)
            layout.addWidget(self.fields[name], 0, Qt.AlignmentFlag.AlignTop)
            if name == "start_time":
                layout.addWidget(QLabel("至"), 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(QLabel("（可不填）"), 0, Qt.AlignmentFlag.AlignTop)
        layout.addStretch()
        return row

    def _editor(self, name: str) -> QWidget:
        if name == "kind":
            return self._kind_combo()
        if name == "held_as":
            return self._held_as_combo()
        if name == "group_id":
            return self._group_combo()
        if name == "date":
            editor = DateEdit(placeholder="如 2026-11-29")
            editor.date_changed.connect(self._on_date_changed)
            return editor
        if name in ("host_id", "recorder_id"):
            return QComboBox()
        if name == "election":
            box = QCheckBox("本次大会进行换届选举")
            box.setToolTip("有选举权的党员到会须超过应到会人数的五分之四（检查规则中可调整）；"
                           "经批准不计入应到会人数的党员，在出勤名单“不计入应到”一栏勾选并写明原因。")
            box.toggled.connect(self._update_voting)
            return box
        if name == "activity_form":
            combo = QComboBox()
            combo.setEditable(True)
            combo.addItems(ACTIVITY_FORMS)
            return combo
        return self._line_edit(name)

    def _line_edit(self, name: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setPlaceholderText({"place": "如 党员活动室", "lecturer": "如 支部书记 张某",
                                 "lecture_title": "党课的题目",
                                 "observers": "如 上级党委组织员（列席指导），多人用顿号分开",
                                 "period": "如 2026-03（默认为活动日期所在月份）",
                                 "organiser": "如 支部委员会"}.get(name, ""))
        return edit

    def _kind_combo(self) -> QComboBox:
        combo = QComboBox()
        for kind in ((THEME_DAY,) if self.theme_day else MEETING_KINDS):
            combo.addItem(kind, kind)
        combo.currentIndexChanged.connect(self._on_context_changed)
        return combo

    def _held_as_combo(self) -> QComboBox:
        combo = QComboBox()
        for kind in LIFE_HELD_AS:
            combo.addItem(f"以{SHORT_NAMES[kind]}形式召开", kind)
        combo.currentIndexChanged.connect(self._on_context_changed)
        return combo

    def _group_combo(self) -> QComboBox:
        combo = QComboBox()
        combo.addItem("（请选择党小组）", None)
        for group in branch.groups(self.db):
            combo.addItem(group.name, group.id)
        combo.currentIndexChanged.connect(self._on_context_changed)
        return combo

    def _topics_box(self) -> QGroupBox:
        box = QGroupBox("活动主题" if self.theme_day else "议题（每行一个）")
        layout = QVBoxLayout(box)
        edit = QPlainTextEdit()
        edit.setPlaceholderText("如：\n学习《中国共产党支部工作条例（试行）》\n研究本季度党员发展工作")
        edit.setTabChangesFocus(True)
        edit.setMinimumHeight(90)
        self.fields["topics"] = Field(edit)
        layout.addWidget(self.fields["topics"])
        return box

    def _content_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.content = QPlainTextEdit()
        self.content.setPlaceholderText("会议的主要内容：传达学习了什么、谁发言、发言要点、讨论情况……")
        self.resolution = QPlainTextEdit()
        self.resolution.setPlaceholderText("如：经举手表决，应到 N 人，实到 N 人，同意 N 人，一致通过……")
        self.resolution.setFixedHeight(110)
        self.outcome = QPlainTextEdit()
        self.outcome.setPlaceholderText("活动取得的成效、党员的收获和反响……")
        self.outcome.setFixedHeight(110)
        layout.addWidget(QLabel("活动内容" if self.theme_day else "会议内容（讨论情况、发言要点）"))
        layout.addWidget(self.content, 1)
        layout.addWidget(QLabel("成效" if self.theme_day else "决议 / 表决结果"))
        layout.addWidget(self.outcome if self.theme_day else self.resolution)
        return page

    def _fit_screen(self, width: int, height: int) -> None:
        """The preferred size, shrunk to fit a small (1366×768) laptop screen."""
        fit_to_screen(self, width, height)

    # ------------------------------------------------------------ loading
    def _load(self, m: Meeting) -> None:
        self._select(self.fields["kind"].editor, m.kind, m.kind)
        self._select(self.fields["held_as"].editor, m.held_as or GENERAL)
        self._select(self.fields["group_id"].editor, m.group_id)
        self.fields["election"].editor.setChecked(m.election)
        self.fields["date"].editor.set_value(m.date)
        for name in ("start_time", "end_time", "place", "lecturer", "lecture_title", "observers",
                     "period", "organiser"):
            self.fields[name].editor.setText(getattr(m, name))
        self.fields["activity_form"].editor.setCurrentText(m.activity_form or ACTIVITY_FORMS[0])
        self.outcome.setPlainText(m.outcome)
        self.fields["topics"].editor.setPlainText("\n".join(m.topics))
        self.content.setPlainText(m.content)
        self.resolution.setPlainText(m.resolution)
        self.rectifications.load(m.rectifications)
        self._load_people(m)
        self._load_attendance(m)
        self.files.load(m.id)
        self._update_visibility()
        self._update_voting()
        self._update_late_label()
        self._update_planned()
        self._update_title()

    @staticmethod
    def _select(combo: QComboBox, value, missing_text: str | None = None) -> None:
        index = combo.findData(value)
        if index < 0 and missing_text:  # e.g. a 主题党日 opened here: keep its kind
            combo.addItem(missing_text, value)
            index = combo.count() - 1
        combo.setCurrentIndex(max(index, 0))

    def _load_people(self, m: Meeting) -> None:
        roll = self._roll()
        host = m.host_id
        if host is None and m.id is None:  # a new record: whoever usually chairs it
            host = meetings.default_host(self.db, m.kind, self._meeting_date(), m.group_id)
        self._fill_people(self.fields["host_id"].editor, roll, host, m.host_name)
        self._fill_people(self.fields["recorder_id"].editor, roll, m.recorder_id, m.recorder_name)
        names = [e.name for e in roll]
        completer = QCompleter(names, self)
        self.fields["lecturer"].editor.setCompleter(completer)

    def _load_attendance(self, m: Meeting) -> None:
        self.attendance.set_roll(self._roll())
        if m.id is None or not m.attendance:  # new, or planned and now to be recorded
            self._recompute_attendance()
            return
        expected = meetings.expected_entries(self.db, m.kind, m.the_date, m.group_id, m.held_as)
        self.attendance.load(m.attendance, {e.member.id for e in expected})

    # ------------------------------------------------------------ roll and people
    def _meeting_date(self) -> date:
        return self.fields["date"].editor.value() or date.today()

    def _roll(self) -> list[AttendanceEntry]:
        """Everyone on the roll on the meeting date, with their 党小组 and 职务."""
        return meetings.default_attendance(self.db, GENERAL, self._meeting_date())

    @staticmethod
    def _fill_people(combo: QComboBox, roll: list[AttendanceEntry], keep: int | None,
                     keep_name: str = "") -> None:
        combo.blockSignals(True)
        combo.clear()
        combo.addItem("（未填写）", None)
        for entry in roll:
            combo.addItem(entry.name, entry.member_id)
        if keep is not None and combo.findData(keep) < 0:
            combo.addItem(keep_name or f"（编号 {keep}）", keep)  # not on the roll that day
        combo.setCurrentIndex(max(combo.findData(keep), 0))
        combo.blockSignals(False)

    # ------------------------------------------------------------ reacting to changes
    def _on_context_changed(self) -> None:
        if self._loading:
            return
        self._update_visibility()
        self._recompute_attendance()
        self._update_title()
        self._update_voting()

    def _on_date_changed(self) -> None:
        if self._loading:
            return
        roll = self._roll()
        for name in ("host_id", "recorder_id"):
            combo = self.fields[name].editor
            self._fill_people(combo, roll, combo.currentData(), combo.currentText())
        self.attendance.set_roll(roll)
        self._recompute_attendance()
        self._update_late_label()
        self._update_planned()
        self._update_title()
        self._update_voting()
        self._update_period_hint()

    def _update_planned(self) -> None:
        on = self.fields["date"].editor.value()
        planned = on is not None and on > date.today()
        self.planned_label.setVisible(planned)
        self.attendance.set_planned(planned)

    def _update_title(self) -> None:
        """新建/编辑会议记录 — the kind (or 党小组) and the date being edited, as they are now;
        新建/编辑主题党日记录 and the date."""
        verb = "编辑" if self.original is not None and self.original.id is not None else "新建"
        on = self.fields["date"].editor.value()
        when = f"（{on.isoformat()}）" if on else ""
        if self.theme_day:
            self.setWindowTitle(f"{verb}主题党日记录{when}")
            return
        group = self.fields["group_id"].editor
        named = Meeting(kind=self._kind(), group_name=group.currentText() if group.currentData()
                        else "")
        self.setWindowTitle(f"{verb}会议记录 — {named.title}{when}")

    def _recompute_attendance(self) -> None:
        """The expected list for the current kind/date/党小组, keeping marks and adjustments."""
        probe = self.meeting()
        probe.date = self._meeting_date().isoformat()
        self.attendance.apply_expected(meetings.refresh_attendance(self.db, probe))
        if meetings.needs_group(probe) and probe.group_id is None:
            self.attendance.show_message("请先在左边选择党小组，应到名单会按党小组生成。", error=False)

    def _kind(self) -> str:
        return self.fields["kind"].editor.currentData()

    def _update_visibility(self) -> None:
        kind = self._kind()
        probe = Meeting(kind=kind, held_as=self.fields["held_as"].editor.currentData())
        shown = {"held_as": kind == LIFE, "group_id": meetings.needs_group(probe),
                 "lecturer": kind == LECTURE, "lecture_title": kind == LECTURE,
                 **{name: kind == THEME_DAY for name in THEME_ONLY},
                 "period": kind in (THEME_DAY, LIFE), "election": kind == GENERAL}
        for name, visible in shown.items():
            self.forms[name].setRowVisible(self.fields[name], visible)
        self.tabs.setTabVisible(RECTIFY_TAB, kind == LIFE)
        label = self.forms["period"].labelForField(self.fields["period"])
        label.setText("计入年度" if kind == LIFE else LABELS["period"])
        self._update_period_hint()

    def _update_period_hint(self) -> None:
        """A 组织生活会 counts for the year it is for: held by the end of March (a setting),
        for the previous year unless the secretary says otherwise."""
        editor = self.fields["period"].editor
        if self._kind() != LIFE:
            editor.setPlaceholderText("如 2026-03（默认为活动日期所在月份）")
            return
        window = settings.get(self.db, "life_window_month")
        default = meetings.counted_year(self._meeting_date(), window)
        rule = f"1—{window}月召开的计入上一年度" if window else "计入召开的年度"
        editor.setPlaceholderText(f"留空为 {default}（{rule}）")

    def _update_voting(self, *_signal_args) -> None:
        """For a 党员大会 (or a 组织生活会 held as one), the 有表决权 figures under the totals."""
        kind, held_as = self._kind(), self.fields["held_as"].editor.currentData()
        decides = kind == GENERAL or (kind == LIFE and held_as == GENERAL)
        voters = quorum.voters_on(self.db, self._meeting_date()) if decides else None
        self.attendance.set_voting(voters, settings.get_all(self.db),
                                   election=kind == GENERAL
                                   and self.fields["election"].editor.isChecked())

    def _update_files_tab(self) -> None:
        count = self.files.count()
        self.tabs.setTabText(FILES_TAB, f"附件（{count}）" if count else "附件")

    def _update_late_label(self) -> None:
        self.late_label.setText(self._late_text())
        self.late_label.setVisible(bool(self.late_label.text()))
        self.late_help.setVisible(bool(self.late_label.text()))

    def _late_text(self) -> str:
        m = self.original
        if m is not None and m.id is not None:
            if not m.late_entry:
                return ""
            days = (date.fromisoformat(m.created_at[:10]) - m.the_date).days
            return f"本记录为补录（会后 {days} 天录入）"
        on, limit = self.fields["date"].editor.value(), settings.get(self.db, "late_entry_days")
        if on and meetings.is_late_entry(on, date.today(), limit):
            return (f"会议日期距今已 {(date.today() - on).days} 天，保存后本记录将标记为“补录”"
                    f"（会后超过 {limit} 天录入即为补录）")
        return ""

    # ------------------------------------------------------------ values
    def meeting(self) -> Meeting:
        """The meeting as typed; fields that do not apply to the kind are left empty."""
        kind, text = self._kind(), (lambda name: self.fields[name].editor.text())
        topics = self.fields["topics"].editor.toPlainText().splitlines()
        base = replace(self.original) if self.original else Meeting()
        return replace(
            base, kind=kind, date=self._date_text(), start_time=normalise_time(text("start_time")),
            end_time=normalise_time(text("end_time")), place=text("place"),
            host_id=self.fields["host_id"].editor.currentData(),
            recorder_id=self.fields["recorder_id"].editor.currentData(),
            group_id=self.fields["group_id"].editor.currentData(), observers=text("observers"),
            topics=topics, content=self.content.toPlainText(),
            resolution=self.resolution.toPlainText(),
            lecturer=text("lecturer") if kind == LECTURE else "",
            lecture_title=text("lecture_title") if kind == LECTURE else "",
            held_as=self.fields["held_as"].editor.currentData() if kind == LIFE else "",
            election=kind == GENERAL and self.fields["election"].editor.isChecked(),
            **self._theme_values(kind),
            attendance=self.attendance.entries(),
            rectifications=self.rectifications.items()[0] if kind == LIFE else [])

    def _theme_values(self, kind: str) -> dict:
        if kind == LIFE:  # its 计入年度; empty: the core takes the default
            return {"period": normalise_year(self.fields["period"].editor.text()),
                    "activity_form": "", "organiser": "", "outcome": ""}
        if kind != THEME_DAY:
            return {"period": "", "activity_form": "", "organiser": "", "outcome": ""}
        return {"period": normalise_month(self.fields["period"].editor.text()),
                "activity_form": self.fields["activity_form"].editor.currentText().strip(),
                "organiser": self.fields["organiser"].editor.text().strip(),
                "outcome": self.outcome.toPlainText()}

    def _date_text(self) -> str:
        editor = self.fields["date"].editor
        value = editor.value()
        return value.isoformat() if value else editor.text().strip()

    def _local_errors(self) -> dict[str, str]:
        """Problems the core cannot name well: an unreadable date or due date."""
        errors = {}
        try:
            parse_date(self.fields["date"].editor.text())
        except ValueError as exc:
            errors["date"] = str(exc)
        if self._kind() == LIFE and self.rectifications.items()[1]:
            errors["rectifications"] = self.rectifications.items()[1]
        return errors

    # ------------------------------------------------------------ saving
    def show_errors(self, errors: dict[str, str]) -> None:
        for name, field in self.fields.items():
            if name in errors:
                field.show_message(errors[name], error=True)
            else:
                field.clear_message()
        if "attendance" in errors:
            self.attendance.show_message(errors["attendance"], error=True)
        self.rectifications.show_message(errors.get("rectifications", ""))
        if errors:
            self.tabs.setCurrentIndex(TAB_OF_FIELD.get(next(iter(errors)), INFO_TAB))

    def save(self) -> None:
        errors = self._local_errors()
        self.show_errors(errors)
        if errors or not self._accept_missing_reasons() or not self._accept_absent_chair():
            return
        try:
            self.saved = meetings.save(self.db, self.meeting())
        except ValidationError as exc:
            self.show_errors(exc.fields)
            return
        except BranchdeskError as exc:
            show_error(self, exc)
            return
        self.original = self.saved  # a retry after an attachment error updates, never re-inserts
        self._as_loaded = self.meeting()
        if self._apply_attachments():
            self.accept()

    def _accept_missing_reasons(self) -> bool:
        missing = self.attendance.missing_reasons()
        if not missing:
            return True
        return confirm(self, "请确认", f"{'、'.join(missing)} 请假或缺席，尚未填写原因。\n"
                       "检查时一般要求写明请假、缺席原因。仍然保存吗？", yes="仍然保存")

    def _accept_absent_chair(self) -> bool:
        warning = meetings.absent_chair_warning(self.meeting())
        return warning is None or confirm(self, "请确认", warning + "仍然保存吗？", yes="仍然保存")

    def _apply_attachments(self) -> bool:
        try:
            self.files.apply(self.saved.id)
        except BranchdeskError as exc:
            self.tabs.setCurrentIndex(FILES_TAB)
            show_error(self, f"会议记录已保存，但附件未能全部保存：{exc}", "附件未保存")
            return False
        return True

    def has_changes(self) -> bool:
        return (self.meeting() != self._as_loaded or bool(self.files.pending)
                or bool(self.files.to_remove))

    def reject(self) -> None:
        """取消, Esc and the window's close button ask before throwing typing away."""
        if self.has_changes() and not confirm(self, "放弃修改", "会议记录有未保存的修改，"
                                              "关闭后这些修改将丢失。确定关闭吗？", yes="放弃修改"):
            return
        super().reject()

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt override
        """Enter moves to the next field: a half-filled record is never saved by accident."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) \
                and not isinstance(self.focusWidget(), QPushButton):
            self.focusNextChild()
            return
        super().keyPressEvent(event)

