"""工作台: the year at a glance — what is done, due and missing — and what needs attention."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QGridLayout, QHBoxLayout, QHeaderView,
                               QLabel, QListWidget, QListWidgetItem, QPushButton, QSplitter,
                               QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from branchdesk.core import meetings, rules
from branchdesk.ui.charts import BarChart
from branchdesk.ui.widgets import HelpLink

COLORS = {rules.DONE: "#d5f5e3", rules.DUE: "#fdebd0", rules.MISSING: "#fadbd8",
          rules.FUTURE: "#ffffff", rules.UNTRACKED: "#f2f3f4", rules.NOT_APPLICABLE: "#f2f3f4"}
# Why a cell is 不适用, in its tooltip.
NOT_APPLICABLE_WHY = {meetings.COMMITTEE: "未设支部委员会（支委不足3人），不要求召开支委会",
                      meetings.GROUP: "该党小组没有党员，不要求召开党小组会"}
ICONS = {rules.MISSING: "✗ 缺项", rules.DUE: "… 待完成", rules.WARNING: "! 提醒"}
RULE_HINT = ("绿色 ✓：这一期有记录；橙色“某月某日前”：期限未到；红色“缺”：这一期已经结束，"
             "却没有一条记录。多久开一次按“设置 → 检查规则”计算。")
# Said in the tooltip of each cell of that status: why the cell looks as it does.
HINTS = {rules.MISSING: "这一期已经结束，没有记录，所以标为“缺”。已经开展的，补录进来即可。",
       rules.DUE: "这一期还没结束，在这个日期前完成即可。",
       rules.UNTRACKED: "开始用本软件记录之前的期限，不算缺。"}
TARGET_ROLE = Qt.ItemDataRole.UserRole + 10
GRID_ROWS_SHOWN = 11  # rows always in view; a branch with many 党小组 scrolls past them


class DashboardTab(QWidget):
    """Emits ``navigate(target)`` when the user clicks a cell or a finding to go and fix it."""

    navigate = Signal(dict)

    def __init__(self, db, parent=None, *, as_of: date | None = None):
        super().__init__(parent)
        self.db = db
        self.fixed_as_of = as_of
        self.report: rules.Report | None = None
        self._build()
        self.refresh(quick=True)

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.addLayout(self._header())
        # The grid keeps the height of its rows (up to GRID_ROWS_SHOWN of them) and the
        # findings and charts below take what is left: on a 768-pixel screen every row of the
        # year, 谈心谈话全覆盖 and 民主评议 included, is in view without scrolling.
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self._grid_widget())
        split.addWidget(self._lower())
        split.setStretchFactor(0, 0)
        split.setStretchFactor(1, 1)
        split.setChildrenCollapsible(False)
        layout.addWidget(split)

    def _header(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.year = QComboBox()
        this_year = date.today().year
        for year in range(this_year, this_year - 10, -1):
            self.year.addItem(f"{year}年", year)
        self.year.currentIndexChanged.connect(lambda _: self.refresh())
        self.summary = QLabel()
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        refresh = QPushButton("刷新")
        refresh.clicked.connect(self.refresh)
        row.addWidget(QLabel("年度"))
        row.addWidget(self.year)
        row.addWidget(self.summary, 1)
        row.addWidget(HelpLink("dashboard", "颜色和“缺”是什么意思？", RULE_HINT))
        row.addWidget(refresh)
        return row

    def _grid_widget(self) -> QTableWidget:
        self.grid = QTableWidget()
        self.grid.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.grid.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        # One line per cell: rows measured while the window was still narrow came out two
        # lines tall ("12月31日前" wrapped) and stayed so after it grew.
        self.grid.setWordWrap(False)
        self.grid.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.grid.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.grid.cellDoubleClicked.connect(self._open_cell)
        self.grid.setToolTip("双击格子可转到相应记录")
        return self.grid

    def _lower(self) -> QWidget:
        box = QWidget()
        layout = QGridLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        self.findings = QListWidget()
        self.findings.setWordWrap(True)
        self.findings.itemDoubleClicked.connect(self._open_finding)
        self.counts = QLabel()
        self.counts.setTextFormat(Qt.TextFormat.RichText)
        self.rate_chart = BarChart("每月出席率", percent=True)
        self.activity_chart = BarChart("每月活动次数")
        # The two charts side by side, not stacked: under the grid, a 768-pixel screen has
        # height for one chart but width for two.
        layout.addWidget(QLabel("需要注意的事项（双击转到相应位置）"), 0, 0)
        layout.addWidget(self.findings, 1, 0)
        layout.addWidget(self.counts, 0, 1, 1, 2)
        layout.addWidget(self.rate_chart, 1, 1)
        layout.addWidget(self.activity_chart, 1, 2)
        for column, stretch in enumerate((5, 3, 3)):
            layout.setColumnStretch(column, stretch)
        layout.setRowStretch(1, 1)
        return box

    # ------------------------------------------------------------ data
    def refresh(self, *, quick: bool = False) -> None:
        """Show the year's report. ``quick`` (the first showing, at start-up): the 党费
        findings are added just after, once the window is on the screen."""
        year = self.year.currentData()
        as_of = self.fixed_as_of if self.fixed_as_of else None
        self.report = rules.report(self.db, year, as_of, later=not quick)
        self._fill_grid(self.report)
        self._fill_findings(self.report)
        self._fill_summary(self.report)
        self.rate_chart.set_values(self.report.monthly_rate)
        self.activity_chart.set_values([v or None for v in self.report.monthly_activities])
        if quick:  # queued twice: the second call goes behind the window's first paint
            QTimer.singleShot(0, self, lambda: QTimer.singleShot(0, self, self._complete))

    def _complete(self) -> None:
        """The findings left for later by a quick refresh (a newer refresh has them all)."""
        if self.report is not None and not self.report.complete and not self.db.closed:
            # (closed: the window was rebuilt around another file before this came round)
            rules.complete(self.db, self.report)
            self._fill_findings(self.report)
            self._fill_summary(self.report)

    def _fill_grid(self, report: rules.Report) -> None:
        # Rows are sized to their contents once, after filling: sized as each label and cell
        # arrives, a branch with thirty 党小组 took a tenth of a second for this alone.
        rows = self.grid.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.grid.clear()
        self.grid.clearSpans()  # clear() keeps merged cells; the rows may have moved
        self.grid.setRowCount(len(report.grid))
        self.grid.setColumnCount(12)
        self.grid.setHorizontalHeaderLabels([f"{m}月" for m in range(1, 13)])
        self.grid.setVerticalHeaderLabels([r.activity for r in report.grid])
        for index, row in enumerate(report.grid):
            self._fill_row(index, row)
        rows.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        # No empty grey band under the last row: the grid is as tall as its rows (the
        # findings below get the rest); a branch with many 党小组 scrolls as before.
        grid = self.grid
        chrome = grid.horizontalHeader().sizeHint().height() + 2 * grid.frameWidth() + 2
        grid.setMaximumHeight(chrome + rows.length())
        shown = sum(rows.sectionSize(i) for i in range(min(rows.count(), GRID_ROWS_SHOWN)))
        grid.setMinimumHeight(chrome + shown)

    def _fill_row(self, index: int, row: rules.GridRow) -> None:
        for cell in row.cells:
            first, last = cell.period.start.month - 1, cell.period.end.month - 1
            item = QTableWidgetItem(cell.text or ("" if cell.status == rules.FUTURE else "缺"))
            item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            item.setBackground(QBrush(QColor(COLORS[cell.status])))
            late = f"（其中 {cell.late} 次为补录）" if cell.late else ""
            until = f"，可至{cell.due_by:%Y年%m月%d日}前补开（计入{cell.period.start.year}年度）" \
                if cell.until and cell.status == rules.DUE else ""
            why = NOT_APPLICABLE_WHY.get(row.kind, "本期没有党员") \
                if cell.status == rules.NOT_APPLICABLE else ""
            hint = HINTS.get(cell.status, "")
            item.setToolTip(f"{row.activity} {cell.period.label}：{rules.STATUS_TEXT[cell.status]}"
                            f"{late}{until}{'：' + why if why else ''}"
                            + (f"\n{hint}（按 F1 查看说明）" if hint else ""))
            if cell.status == rules.NOT_APPLICABLE:
                item.setForeground(QBrush(QColor("#888888")))
            item.setData(TARGET_ROLE, {**row.target, "ids": cell.meeting_ids,
                                       "year": cell.period.start.year})
            self.grid.setItem(index, first, item)
            if last > first:
                self.grid.setSpan(index, first, 1, last - first + 1)

    def _fill_findings(self, report: rules.Report) -> None:
        self.findings.clear()
        order = {rules.MISSING: 0, rules.DUE: 1, rules.WARNING: 2}
        for finding in sorted(report.findings, key=lambda f: order[f.severity]):
            item = QListWidgetItem(f"{ICONS[finding.severity]}　{finding.message}")
            item.setForeground(QBrush(QColor("#c0392b" if finding.severity == rules.MISSING
                                             else "#9a5b00" if finding.severity == rules.DUE
                                             else "#555555")))
            item.setData(TARGET_ROLE, finding.target)
            self.findings.addItem(item)
        if not report.findings:
            self.findings.addItem("本年度没有需要注意的事项。" if report.has_untracked
                                  else "本年度各项工作均已完成，没有需要注意的事项。")

    def _fill_summary(self, report: rules.Report) -> None:
        missing = sum(1 for f in report.findings if f.severity == rules.MISSING)
        due = sum(1 for f in report.findings if f.severity == rules.DUE)
        rate = f"{report.attendance_rate * 100:.1f}%" if report.attendance_rate is not None else "—"
        shown_as_of = min(report.as_of, date(report.year, 12, 31))  # a past year: its last day
        self.summary.setText(f"　截至 {shown_as_of:%Y-%m-%d}：<b style='color:#c0392b'>缺项 {missing}</b>"
                             f"　<b style='color:#9a5b00'>待完成 {due}</b>　本年出席率 <b>{rate}</b>"
                             + (f"　<span style='color:#666666'>“—” 为开始检查（{report.records_start}）"
                                "之前，不计缺项</span>" if report.has_untracked else ""))
        c = report.counts
        self.counts.setText(f"<b>党员 {c['total']} 人</b>：正式党员 {c['正式党员']}，预备党员 {c['预备党员']}"
                            f"；其中流动党员 {c['流动党员']} 人")

    # ------------------------------------------------------------ navigation
    def _open_cell(self, row: int, column: int) -> None:
        item = self.grid.item(row, column)
        if item is not None:
            self.navigate.emit(item.data(TARGET_ROLE))

    def open_current(self) -> None:
        """Enter: go where the focused cell or finding points, as a double click does."""
        if self.findings.hasFocus():
            if self.findings.currentItem() is not None:
                self._open_finding(self.findings.currentItem())
        else:
            self._open_cell(self.grid.currentRow(), self.grid.currentColumn())

    def _open_finding(self, item: QListWidgetItem) -> None:
        target = item.data(TARGET_ROLE)
        if target:
            self.navigate.emit(target)


def kind_name(kind: str) -> str:
    return meetings.SHORT_NAMES.get(kind, kind)
