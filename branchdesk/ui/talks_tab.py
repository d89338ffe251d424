"""谈心谈话 tab: the register, and the yearly coverage with one-click new talks from gaps."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLabel,
                               QListWidget, QListWidgetItem, QSplitter, QTableWidget,
                               QTableWidgetItem, QTabWidget, QVBoxLayout, QWidget)

from branchdesk.core import members, talks
from branchdesk.ui.models import Column
from branchdesk.ui.record_tab import RecordTab

PAIR_ROLE = Qt.ItemDataRole.UserRole + 5
DONE, GAP = "done", "gap"  # the two coloured kinds of cell in the coverage grid


TOPIC_COLUMN = 5  # 主题 in talk_columns(): the column that takes the spare width


def talk_columns() -> list[Column]:
    return [
        Column("日期", lambda t: t.date),
        Column("谈话人", lambda t: t.talker_name),
        Column("谈话对象", lambda t: "、".join(t.target_names)),
        Column("形式", lambda t: t.form),
        Column("缘由", lambda t: t.occasion),
        Column("主题", lambda t: t.topic, tooltip=lambda t: t.topic),
        Column("反映问题", lambda t: t.feedback.replace("\n", " ")[:40],
               tooltip=lambda t: t.feedback),
        Column("落实情况", lambda t: ("已落实" if t.followed_up else "待落实") if t.follow_up.strip() else "",
               color=lambda t: "#9a5b00" if t.follow_up.strip() and not t.followed_up else None),
        Column("补录", lambda t: "补录" if t.late_entry else "", color=lambda t: "#c0392b"),
    ]


def year_combo(extra_years: list[int]) -> QComboBox:
    combo = QComboBox()
    this_year = date.today().year
    for year in sorted(set(extra_years) | {this_year}, reverse=True):
        combo.addItem(f"{year}年", year)
    return combo


class TalksTab(RecordTab):
    STRETCH_COLUMN = TOPIC_COLUMN
    NOT_SELECTED = ("请先在表格中选中一条谈话记录。", "未选择记录")

    def __init__(self, db, parent=None, *, lazy: bool = False):
        """``lazy``: read the data when the tab is first shown, not now (start-up is quicker
        when only the first tab has to be filled before the window appears)."""
        super().__init__(db, talk_columns(), self._search_key, parent)
        self._name_keys: dict[int, str] = {}  # member id -> 张三|zs|zhangsan (members.search_key)
        layout = QVBoxLayout(self)
        self.inner = QTabWidget()
        self.inner.addTab(self._register_page(), "谈话记录")
        self.inner.addTab(self._coverage_page(), "覆盖情况")
        layout.addWidget(self.inner)
        self.fill_now_or_later(lazy)

    # ------------------------------------------------------------ register
    def _register_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        row = QHBoxLayout()
        self.year = year_combo(talks.years(self.db))
        self.year.currentIndexChanged.connect(lambda _: self.refresh())
        self.search_box("搜索谈话人、谈话对象（可用拼音或首字母）或主题")
        self.count_label = QLabel()
        for widget in (QLabel("年度"), self.year, self.search):
            row.addWidget(widget)
        row.addStretch()
        row.addWidget(self.count_label)
        layout.addLayout(row)
        layout.addWidget(self.record_view())
        layout.addLayout(self.button_row([("新增谈话记录", self.add_talk),
                                          ("编辑", self.edit_selected),
                                          ("删除", self.delete_selected)]))
        return page

    # ------------------------------------------------------------ coverage
    def _coverage_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        row = QHBoxLayout()
        self.coverage_year = year_combo(talks.years(self.db))
        self.coverage_year.currentIndexChanged.connect(lambda _: self.refresh_coverage())
        self.coverage_summary = QLabel()
        row.addWidget(QLabel("年度"))
        row.addWidget(self.coverage_year)
        row.addWidget(self.coverage_summary, 1)
        layout.addLayout(row)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self._gap_lists())
        split.addWidget(self._grid())
        split.setSizes([320, 800])
        layout.addWidget(split, 1)
        layout.addWidget(QLabel("双击一个缺口（或表格中的空格）即可新增这两人之间的谈话记录。"))
        return page

    def _gap_lists(self) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        self.uncovered = QListWidget()
        self.committee_gaps = QListWidget()
        for widget in (self.uncovered, self.committee_gaps):
            widget.itemDoubleClicked.connect(lambda item: self.add_talk(item.data(PAIR_ROLE)))
        layout.addWidget(QLabel("本年尚未与任何支委谈话的党员"))
        layout.addWidget(self.uncovered)
        layout.addWidget(QLabel("支委之间尚未谈话"))
        layout.addWidget(self.committee_gaps)
        return box

    def _grid(self) -> QTableWidget:
        self.grid = QTableWidget()
        self.grid.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.grid.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.grid.cellDoubleClicked.connect(
            lambda r, c: self.add_talk(self.grid.item(r, c).data(PAIR_ROLE)))
        return self.grid

    # ------------------------------------------------------------ data
    def _search_key(self, t: talks.Talk) -> str:
        """Names (also by pinyin and initials, as in the 党员名册) and the topic."""
        people = [t.talker_id, *t.target_ids]
        keys = [self._name_keys.get(i, "") for i in people if i is not None]
        return " ".join([t.talker_name, *t.target_names, *keys, t.topic]).lower()

    def refresh(self) -> None:
        self._name_keys = {m.id: m.search_key for m in members.list_members(self.db, include_left=True)}
        self.show_records(talks.list_talks(self.db, year=self.year.currentData()))
        self.refresh_coverage()

    def update_count(self) -> None:
        total, shown = self.model.rowCount(), self.proxy.rowCount()
        self.count_label.setText(f"共 {total} 条" if shown == total else f"显示 {shown} 条（共 {total} 条）")

    def refresh_coverage(self) -> None:
        cv = talks.coverage(self.db, self.coverage_year.currentData())
        first_seat = cv.committee[0][0] if cv.committee else None
        self.uncovered.clear()
        for mid, name in cv.members_without_committee_talk():
            self._gap_item(self.uncovered, name, (first_seat, mid))
        self.committee_gaps.clear()
        for (a, an), (b, bn) in cv.committee_pairs_missing():
            self._gap_item(self.committee_gaps, f"{an} — {bn}", (a, b))
        self._fill_grid(cv)
        gaps = len(cv.members_without_committee_talk()) + len(cv.committee_pairs_missing())
        self.coverage_summary.setText(
            f"　支委 {len(cv.committee)} 人，其他党员 {len(cv.members)} 人；" +
            ("全部已覆盖。" if not gaps else f"还有 {gaps} 处缺口。"))

    def _gap_item(self, widget: QListWidget, text: str, pair) -> None:
        item = QListWidgetItem(text)
        item.setData(PAIR_ROLE, pair)
        widget.addItem(item)

    def _fill_grid(self, cv: talks.Coverage) -> None:
        people = cv.committee + cv.members
        self.grid.clear()
        self.grid.setRowCount(len(people))
        self.grid.setColumnCount(len(cv.committee))
        self.grid.setHorizontalHeaderLabels([f"支委 {n}" for _, n in cv.committee])
        self.grid.setVerticalHeaderLabels([n for _, n in people])
        # Two brushes for all the cells: a new QColor and QBrush per cell, for a big branch's
        # thousands of cells, made this the slowest part of the tab.
        brushes = {DONE: QBrush(QColor("#d5f5e3")), GAP: QBrush(QColor("#fadbd8"))}
        covered = set(self._covered_members(cv))
        for r, (mid, _) in enumerate(people):
            for c, (cid, _) in enumerate(cv.committee):
                self.grid.setItem(r, c, self._grid_item(cv, mid, cid, mid in covered, brushes))

    @staticmethod
    def _covered_members(cv: talks.Coverage) -> list[int]:
        """Members (not on the committee) who have talked with at least one 支委: enough."""
        uncovered = {m for m, _ in cv.members_without_committee_talk()}
        return [m for m, _ in cv.members if m not in uncovered]

    def _grid_item(self, cv: talks.Coverage, mid: int, cid: int, covered: bool,
                   brushes: dict[str, QBrush]) -> QTableWidgetItem:
        """A talk held (green, 1次); a gap (red, 未谈): every pair of 支委, and every 支委 for a
        member nobody on the committee has talked with yet; otherwise blank — a member needs
        one 支委, not all of them."""
        if mid == cid:
            item = QTableWidgetItem("—")
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            return item
        n = cv.count(mid, cid)
        item = QTableWidgetItem(f"{n}次" if n else ("" if covered else "未谈"))
        item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
        if n or not covered:
            item.setBackground(brushes[DONE if n else GAP])
        item.setData(PAIR_ROLE, (cid, mid))
        item.setToolTip("已谈" if n else ("该党员已与其他支委谈过，不是缺口；双击可再记录一次谈话"
                                          if covered else "缺口：双击新增这两人之间的谈话记录"))
        return item

    # ------------------------------------------------------------ actions
    def add_talk(self, pair=None) -> None:
        from branchdesk.ui.dialogs.talk_dialog import TalkDialog

        start = talks.Talk(date=date.today().isoformat())
        if pair and pair[0] is not None:
            start.talker_id, start.target_ids = pair[0], [pair[1]]
        dialog = TalkDialog(self.db, start, self)
        if dialog.exec():
            self.after_change()

    def edit_selected(self) -> None:
        from branchdesk.ui.dialogs.talk_dialog import TalkDialog

        talk = self.require_selected()
        if talk and TalkDialog(self.db, talks.get(self.db, talk.id), self).exec():
            self.after_change(talk.id)

    def delete_selected(self) -> None:
        talk = self.selected()  # nothing selected: Del and 删除 do nothing
        if talk is not None:
            self.delete_confirmed("删除谈话记录", f"确定删除 {talk.date} {talk.talker_name} 与 "
                                  f"{'、'.join(talk.target_names)} 的谈话记录吗？",
                                  lambda: talks.delete(self.db, talk.id))

    def show_target(self, target: dict) -> None:
        self.inner.setCurrentIndex(1)
