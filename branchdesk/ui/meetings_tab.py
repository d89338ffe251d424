"""The meetings tab (会议记录): 三会一课 and 组织生活会, with attendance counts, print and 民主评议.

主题党日 share the core and the attendance model but have a tab of their own.
"""

from __future__ import annotations

import importlib
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout

from branchdesk.core import branch, meetings
from branchdesk.core.errors import BranchdeskError
from branchdesk.core.meetings import MEETING_KINDS, MeetingSummary
from branchdesk.ui.errors import show_error
from branchdesk.ui.models import Column
from branchdesk.ui.record_tab import RecordTab
from branchdesk.ui.widgets import LATE_HINT, HelpLink

LATE_COLOR = "#c0392b"
PLANNED_COLOR = "#1f618d"  # a meeting dated after today: a plan
CENTER = Qt.AlignmentFlag.AlignCenter
SUBJECT_COLUMN = 3


def time_range(m: meetings.Meeting) -> str:
    return "–".join(t for t in (m.start_time, m.end_time) if t)


def kind_label(m: meetings.Meeting) -> str:
    """The meeting's name; a 组织生活会 also says how it was held: 组织生活会（支委会）."""
    if m.kind != meetings.LIFE or m.held_as in ("", meetings.GENERAL):
        return m.title
    held = m.group_name if m.held_as == meetings.GROUP and m.group_name else \
        meetings.SHORT_NAMES.get(m.held_as, m.held_as)
    return f"{m.title}（{held}）"


def subject(m: meetings.Meeting) -> str:
    """议题 (several, joined) or, for a 党课, its 题目."""
    return m.lecture_title or "；".join(m.topics)


def number_column(title: str, value) -> Column:
    """A column of counts, centred (the meeting and 主题党日 tables share it)."""
    return Column(title, value, align=CENTER)


def count_columns() -> list[Column]:
    """应到 实到 请假 缺席. Before attendance is recorded (a plan) only 应到 is known: the people
    its sign-in sheet lists; the others stay blank rather than 0."""
    def cell(name):
        return lambda s: getattr(s.counts, name) if s.attendance_recorded or name == "expected" \
            else ""
    return [number_column(title, cell(name)) for title, name in (
        ("应到", "expected"), ("实到", "present"), ("请假", "leave"), ("缺席", "absent"))]


def meeting_columns() -> list[Column]:
    return [
        Column("日期", lambda s: s.meeting.date + ("（计划）" if s.meeting.is_planned() else ""),
               sort=lambda s: s.meeting.date,
               color=lambda s: PLANNED_COLOR if s.meeting.is_planned() else None,
               tooltip=lambda s: "会议尚未召开：出勤情况在会后登记" if s.meeting.is_planned() else ""),
        Column("时间", lambda s: time_range(s.meeting)),
        Column("类型/名称", lambda s: kind_label(s.meeting)),
        Column("议题/题目", lambda s: subject(s.meeting), tooltip=lambda s: subject(s.meeting)),
        Column("地点", lambda s: s.meeting.place),
        Column("主持人", lambda s: s.meeting.host_name),
        *count_columns(),
        number_column("附件", lambda s: s.attachment_count or ""),
        Column("补录", lambda s: "补录" if s.meeting.late_entry else "", align=CENTER,
               color=lambda s: LATE_COLOR if s.meeting.late_entry else None,
               tooltip=lambda s: LATE_HINT if s.meeting.late_entry else ""),
    ]


# What to lay out (branchdesk.core.printing) and how to preview it (branchdesk.ui.print.preview).
PRINTS = {"signin": ("signin_sheet", "preview_signin"),
          "minutes": ("minutes_page", "preview_minutes")}


def print_functions(what: str):
    """The layout and preview functions, imported only when a print button is pressed."""
    layout_name, preview_name = PRINTS[what]
    layout = importlib.import_module("branchdesk.core.printing")
    preview = importlib.import_module("branchdesk.ui.print.preview")
    return getattr(layout, layout_name), getattr(preview, preview_name)


class MeetingsTab(RecordTab):
    KINDS = MEETING_KINDS
    STRETCH_COLUMN = SUBJECT_COLUMN
    NOT_SELECTED = ("请先在表格中选中一次会议。", "未选择会议")

    def __init__(self, db, parent=None, *, lazy: bool = False):
        """``lazy``: read the data when the tab is first shown, not now (start-up is quicker
        when only the first tab has to be filled before the window appears)."""
        super().__init__(db, self._columns(), None, parent)  # the search runs in the core
        self._build()
        self.fill_now_or_later(lazy)

    def _columns(self) -> list[Column]:
        return meeting_columns()

    # ------------------------------------------------------------ layout
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.addLayout(self._filters())
        layout.addWidget(self.record_view())
        layout.addLayout(self.button_row(
            [("新建会议", self.add_meeting), ("编辑", self.edit_selected),
             ("删除", self.delete_selected), ("打印签到表", self.print_signin),
             ("打印会议记录", self.print_minutes)],
            trailing=[("民主评议…", self.open_appraisal)]))

    def _filters(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.search_box("搜索议题、内容、决议、地点或党课题目", lambda _: self._reload())
        self.kind = self._combo([("全部类型", None)] + [(k, k) for k in self.KINDS])
        self.year = self._combo([])
        self.group = self._combo([])
        self.count_label = QLabel()
        for widget in (self.search, self.kind, self.year, self.group):
            row.addWidget(widget)
        row.setStretch(0, 1)
        row.addWidget(self.count_label)
        row.addWidget(HelpLink("late", "什么是补录？", LATE_HINT))
        return row

    def _combo(self, items: list[tuple[str, object]]) -> QComboBox:
        combo = QComboBox()
        for text, data in items:
            combo.addItem(text, data)
        combo.currentIndexChanged.connect(self._reload)
        return combo

    # ------------------------------------------------------------ data
    def refresh(self) -> None:
        """Reload filters' choices (years, 党小组) and the list."""
        self._refill(self.year, [("全部年份", None)] + [(f"{y}年", y) for y in self._years()],
                     default=date.today().year)
        self._refill(self.group, [("全部党小组", None)]
                     + [(g.name, g.id) for g in branch.groups(self.db)])
        self._reload()

    def _years(self) -> list[int]:
        return sorted(set(meetings.years(self.db)) | {date.today().year}, reverse=True)

    @staticmethod
    def _refill(combo: QComboBox, items: list[tuple[str, object]], default=None) -> None:
        current = combo.currentData() if combo.count() else default
        combo.blockSignals(True)
        combo.clear()
        for text, data in items:
            combo.addItem(text, data)
        combo.setCurrentIndex(max(combo.findData(current), 0))
        combo.blockSignals(False)

    def _reload(self) -> None:
        kind = self.kind.currentData()
        rows = meetings.list_meetings(self.db, year=self.year.currentData(),
                                      kinds=(kind,) if kind else self.KINDS,
                                      group_id=self.group.currentData(), text=self.search.text())
        self.show_records(rows)

    def update_count(self) -> None:
        rows = self.model.records
        late = sum(1 for s in rows if s.meeting.late_entry)
        self.count_label.setText(f"共 {len(rows)} 次" + (f"（补录 {late} 次）" if late else ""))

    def record_key(self, record: MeetingSummary) -> int:
        return record.meeting.id

    def select_meeting(self, meeting_id: int) -> bool:
        return self.select_record(meeting_id)

    def _require_selection(self) -> meetings.Meeting | None:
        """The selected meeting, read afresh with its attendance and 整改 items."""
        summary = self.require_selected()
        if summary is None:
            return None
        try:
            return meetings.get(self.db, summary.meeting.id)
        except BranchdeskError as exc:
            show_error(self, exc)
            self.refresh()
            return None

    # ------------------------------------------------------------ actions
    def add_meeting(self) -> None:
        from branchdesk.ui.dialogs.meeting_dialog import MeetingDialog

        dialog = MeetingDialog(self.db, None, self, kind=self.kind.currentData() or self.KINDS[0],
                               group_id=self.group.currentData())
        self._run(dialog)

    def edit_selected(self) -> None:
        from branchdesk.ui.dialogs.meeting_dialog import MeetingDialog

        meeting = self._require_selection()
        if meeting:
            self._run(MeetingDialog(self.db, meeting, self))

    def _run(self, dialog) -> None:
        dialog.exec()
        dialog.deleteLater()
        if dialog.saved:  # also after 取消 following a partly failed save (attachments)
            self.after_change(dialog.saved)

    def delete_selected(self) -> None:
        summary = self.require_selected()
        if summary is None:
            return
        m = summary.meeting
        self.delete_confirmed("删除会议记录", f"确定删除{m.date}的“{m.title}”记录吗？"
                              "出勤记录和附件也会删除，且不能恢复。",
                              lambda: meetings.delete(self.db, m.id))

    def after_change(self, meeting: meetings.Meeting | None = None) -> None:
        """Refresh; select ``meeting`` (just saved), clearing the filters that hide it."""
        self.refresh()
        if meeting is not None and not self.select_meeting(meeting.id):
            self._reveal(meeting)
        self.changed.emit()

    def _reveal(self, meeting: meetings.Meeting) -> None:
        """Clear the filters that hide a meeting just saved, and select it."""
        self.set_filters(year=meeting.the_date.year)
        self.select_meeting(meeting.id)

    def set_filters(self, *, kind: str | None = None, year: int | None = None,
                    group_id: int | None = None, text: str = "") -> None:
        for combo, value in ((self.kind, kind), (self.year, year), (self.group, group_id)):
            combo.blockSignals(True)
            combo.setCurrentIndex(max(combo.findData(value), 0))
            combo.blockSignals(False)
        self.search.blockSignals(True)
        self.search.setText(text)
        self.search.blockSignals(False)
        self._reload()

    def show_target(self, target: dict) -> None:
        """Show what a 工作台 finding or cell points at: one meeting, or a kind in a year."""
        if target.get("id"):
            try:
                self._reveal(meetings.get(self.db, target["id"]))
            except BranchdeskError as exc:
                show_error(self, exc)
            return
        kind = target.get("kind")
        self.set_filters(kind=kind if kind in self.KINDS else None, year=target.get("year"),
                         group_id=target.get("group_id"))
        for meeting_id in target.get("ids") or []:
            if self.select_meeting(meeting_id):
                break

    # ------------------------------------------------------------ print and 民主评议
    def print_signin(self) -> None:
        self._print("signin")

    def print_minutes(self) -> None:
        self._print("minutes")

    def _print(self, what: str) -> None:
        """Preview (then print or save as PDF) the selected meeting's sheet or minutes."""
        meeting = self._require_selection()
        if meeting is None:
            return
        try:
            lay_out, preview = print_functions(what)
        except (ImportError, AttributeError):
            show_error(self, "打印功能暂不可用（缺少打印模块）。请重新安装本软件后再试。", "无法打印")
            return
        try:
            preview(self, lay_out(self.db, meeting))
        except BranchdeskError as exc:
            show_error(self, exc)

    def open_appraisal(self) -> None:
        self.appraise(None)

    def appraise(self, year: int | None) -> None:
        """The 民主评议 dialog for ``year`` (None: the year it is usually done for)."""
        from branchdesk.ui.dialogs.appraisal_dialog import AppraisalDialog

        dialog = AppraisalDialog(self.db, self, year=year)
        accepted = dialog.exec()
        dialog.deleteLater()
        if accepted:
            self.changed.emit()
