"""主题党日 tab: one record per activity, the month it counts for, and a twelve-month view."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout

from branchdesk.core import meetings
from branchdesk.core.meetings import THEME_DAY
from branchdesk.ui.meetings_tab import LATE_COLOR, MeetingsTab, count_columns, number_column
from branchdesk.ui.models import Column

DONE_STYLE = "background:#d5f5e3; border:1px solid #9bd3ae; padding:4px;"
EMPTY_STYLE = "background:#fadbd8; border:1px solid #e6a5a0; padding:4px;"
DUE_STYLE = "background:#fdebd0; border:1px solid #e5c07b; padding:4px;"  # as 待完成 on 工作台
FUTURE_STYLE = "background:#ffffff; border:1px solid #dddddd; padding:4px; color:#999999;"
GREY_STYLE = "background:#f2f3f4; border:1px solid #dddddd; padding:4px; color:#777777;"
# A month without a theme day of its own, in the state the 工作台 gives its period: done (by
# another month of a longer period), still to do, missed, before checking began, 不适用.
MONTH_STATES = {"done": ("✓", DONE_STYLE), "due": ("待开展", DUE_STYLE),
                "missing": ("未开展", EMPTY_STYLE), "future": ("", FUTURE_STYLE),
                "untracked": ("—", GREY_STYLE), "n/a": ("不适用", GREY_STYLE)}


def theme_day_columns() -> list[Column]:
    return [
        Column("计入月份", lambda s: s.meeting.period),
        Column("日期", lambda s: s.meeting.date),
        Column("主题", lambda s: "；".join(s.meeting.topics), tooltip=lambda s: "；".join(s.meeting.topics)),
        Column("形式", lambda s: s.meeting.activity_form),
        Column("地点", lambda s: s.meeting.place),
        Column("组织者", lambda s: s.meeting.organiser),
        *count_columns(),
        number_column("附件", lambda s: s.attachment_count or ""),
        Column("补录", lambda s: "补录" if s.meeting.late_entry else "", align=Qt.AlignmentFlag.AlignCenter,
               color=lambda s: LATE_COLOR if s.meeting.late_entry else None),
    ]


class ThemeDaysTab(MeetingsTab):
    """The meetings list narrowed to 主题党日, with the months of the year above it."""

    KINDS = (THEME_DAY,)
    STRETCH_COLUMN = 2  # 主题

    def _columns(self) -> list[Column]:
        return theme_day_columns()

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.addLayout(self._filters())
        self.kind.hide()
        self.group.hide()
        self.search.setPlaceholderText("搜索主题、内容或地点")
        layout.addLayout(self._months())
        layout.addWidget(self.record_view())
        layout.addLayout(self.button_row([
            ("新建主题党日", self.add_meeting), ("编辑", self.edit_selected),
            ("删除", self.delete_selected), ("打印签到表", self.print_signin),
            ("打印活动记录", self.print_minutes)]))

    def _months(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.month_labels = []
        for month in range(1, 13):
            label = QLabel(f"{month}月")
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            # Twelve cards of equal width share the row: on a 1024-pixel screen a theme wraps
            # onto another line instead of widening the window past the screen's edge.
            label.setWordWrap(True)
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            label.setMinimumWidth(56)
            self.month_labels.append(label)
            row.addWidget(label, 1)
        return row

    def _reload(self) -> None:
        super()._reload()
        self._fill_months()

    def _fill_months(self) -> None:
        """Each month of the chosen year in the state the 工作台 gives it (by the month a theme
        day counts for); the whole theme is in the tooltip."""
        from datetime import date

        from branchdesk.core import rules

        year = self.year.currentData() or date.today().year
        counted = meetings.theme_days_by_month(self.db, year)  # not every year's list and counts
        cells = rules.theme_day_row(self.db, year).cells
        for month, label in enumerate(self.month_labels, start=1):
            cell = next(c for c in cells if c.period.start.month <= month <= c.period.end.month)
            themes = counted.get(month)
            text, style = MONTH_STATES.get(cell.status, ("", FUTURE_STYLE))
            if themes:
                text = "✓ " + _short(themes[0])
            label.setText(f"{month}月\n{text}")
            label.setToolTip("；".join(themes) if themes else rules.STATUS_TEXT[cell.status])
            label.setStyleSheet(DONE_STYLE if themes else style)


def _short(theme: str, length: int = 6) -> str:
    """The start of a theme for a month card, with … when it goes on."""
    return theme if len(theme) <= length else theme[:length - 1] + "…"
