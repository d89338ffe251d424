"""Add or edit a 谈心谈话 record."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QFormLayout,
                               QLabel, QLineEdit, QListWidget, QListWidgetItem, QPlainTextEdit,
                               QHBoxLayout, QVBoxLayout, QWidget)

from branchdesk.core import members, talks
from branchdesk.core.errors import BranchdeskError, ValidationError
from branchdesk.core.pinyin import matches
from branchdesk.ui.errors import show_error
from branchdesk.ui.widgets import (DateEdit, Field, HelpLink, beside, dialog_buttons, fit_to_screen,
                                  scrolled, tab_through)

OUTSIDE = -1


class TalkDialog(QDialog):
    def __init__(self, db, talk: talks.Talk | None = None, parent=None):
        super().__init__(parent)
        self.db = db
        self.original = talk
        self.saved: talks.Talk | None = None
        self.people = members.list_members(db, include_left=True)
        self.setWindowTitle("编辑谈心谈话记录" if talk and talk.id else "新增谈心谈话记录")
        self._build()
        self._load(talk or talks.Talk(date=date.today().isoformat()))
        tab_through(self)
        fit_to_screen(self, 760, 640)

    def _build(self) -> None:
        body = QWidget()  # scrolls, above the buttons, when the screen is too low for it
        inner = QVBoxLayout(body)
        inner.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        top.addLayout(self._left_form(), 3)
        top.addWidget(self._targets_box(), 2)
        inner.addLayout(top)
        inner.addLayout(self._text_form())
        self.late_label = QLabel()
        self.late_label.setStyleSheet("color: #9a5b00;")
        self.late_help = HelpLink("late", tooltip="录入时间晚于谈话日期的记录标为“补录”。")
        self.late_help.hide()
        inner.addLayout(beside(self.late_label, self.late_help))
        layout = QVBoxLayout(self)
        layout.addWidget(scrolled(body))
        layout.addWidget(dialog_buttons(self, "保存", "取消"))

    def _left_form(self) -> QFormLayout:
        form = QFormLayout()
        self.when = Field(DateEdit())
        self.place = QLineEdit()
        self.talker = QComboBox()
        self.talker.addItem("（请选择）", None)
        for m in self.people:
            if m.active:
                self.talker.addItem(m.name, m.id)
        self.talker.addItem("外单位/上级人员（填写姓名）", OUTSIDE)
        self.talker_name = QLineEdit()
        self.talker_name.setPlaceholderText("如：上级党委副书记 某某")
        self.talker_field = Field(self.talker)
        self.talker.currentIndexChanged.connect(self._talker_changed)
        self.form = self._combo(talks.FORMS)
        self.occasion = self._combo(talks.OCCASIONS)
        self.topic = QLineEdit()
        for label, widget in (("谈话日期 *", self.when), ("地点", self.place),
                              ("谈话人 *", self.talker_field), ("外单位谈话人", self.talker_name),
                              ("谈话形式", self.form), ("谈话缘由", self.occasion), ("主题", self.topic)):
            form.addRow(label, widget)
        return form

    def _combo(self, items) -> QComboBox:
        combo = QComboBox()
        combo.addItems(list(items))
        return combo

    def _targets_box(self) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        self.target_filter = QLineEdit()
        self.target_filter.setPlaceholderText("筛选姓名或拼音首字母")
        self.target_filter.textChanged.connect(self._filter_targets)
        self.targets = QListWidget()
        self.targets.setMinimumHeight(240)  # a dozen names at once, not a peephole
        for m in self.people:
            item = QListWidgetItem(m.name if m.active else f"{m.name}（{m.status}）")
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            item.setData(Qt.ItemDataRole.UserRole, m.id)
            item.setData(Qt.ItemDataRole.UserRole + 1, m.search_key)
            item.setHidden(not m.active)
            self.targets.addItem(item)
        self.targets_field = Field(self.targets)
        self.targets.itemChanged.connect(lambda _: self._show_chosen())
        self.chosen = QLabel()
        self.chosen.setWordWrap(True)
        layout.addWidget(QLabel("谈话对象 *（可多选）"))
        layout.addWidget(self.target_filter)
        layout.addWidget(self.targets_field)
        layout.addWidget(self.chosen)
        return box

    def _text_form(self) -> QFormLayout:
        form = QFormLayout()
        self.content = QPlainTextEdit()
        self.feedback = QPlainTextEdit()
        self.follow_up = QPlainTextEdit()
        for edit in (self.content, self.feedback, self.follow_up):
            edit.setMinimumHeight(70)
        self.followed_up = QCheckBox("后续措施已落实")
        form.addRow("内容要点", self.content)
        form.addRow("对象意见/反映问题", self.feedback)
        form.addRow("后续措施", self.follow_up)
        form.addRow("", self.followed_up)
        return form

    # ------------------------------------------------------------ values
    def _load(self, t: talks.Talk) -> None:
        self.when.editor.set_value(t.date)
        self.place.setText(t.place)
        if t.talker_id is not None:
            self.talker.setCurrentIndex(max(self.talker.findData(t.talker_id), 0))
        elif t.talker_name:
            self.talker.setCurrentIndex(self.talker.findData(OUTSIDE))
            self.talker_name.setText(t.talker_name)
        self._talker_changed()
        self.form.setCurrentText(t.form)
        self.occasion.setCurrentText(t.occasion)
        self.topic.setText(t.topic)
        self.content.setPlainText(t.content)
        self.feedback.setPlainText(t.feedback)
        self.follow_up.setPlainText(t.follow_up)
        self.followed_up.setChecked(t.followed_up)
        self.set_targets(t.target_ids)
        if t.late_entry:
            self.late_label.setText("本记录为补录（录入时间晚于谈话日期）。")
            self.late_help.show()

    def set_targets(self, ids: list[int]) -> None:
        for row in range(self.targets.count()):
            item = self.targets.item(row)
            checked = item.data(Qt.ItemDataRole.UserRole) in ids
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            if checked:
                item.setHidden(False)
                self.targets.scrollToItem(item)
        self._show_chosen()

    def _show_chosen(self) -> None:
        names = [self.targets.item(r).text() for r in range(self.targets.count())
                 if self.targets.item(r).checkState() == Qt.CheckState.Checked]
        self.chosen.setText("已选：" + ("、".join(names) if names else "（无）"))
        if len(names) > 1 and self.form.currentText() == talks.INDIVIDUAL:
            self.form.setCurrentText(talks.GROUP_TALK)  # a 个别谈话 has one 谈话对象

    def target_ids(self) -> list[int]:
        return [self.targets.item(r).data(Qt.ItemDataRole.UserRole) for r in range(self.targets.count())
                if self.targets.item(r).checkState() == Qt.CheckState.Checked]

    def _filter_targets(self, text: str) -> None:
        for row in range(self.targets.count()):
            item = self.targets.item(row)
            checked = item.checkState() == Qt.CheckState.Checked
            item.setHidden(not checked and not matches(item.data(Qt.ItemDataRole.UserRole + 1), text))

    def _talker_changed(self) -> None:
        self.talker_name.setEnabled(self.talker.currentData() == OUTSIDE)

    def talk(self) -> talks.Talk:
        talker = self.talker.currentData()
        base = self.original or talks.Talk()
        when = self.when.editor.value()
        return replace(base, date=when.isoformat() if when else "",
                       place=self.place.text().strip(),
                       talker_id=None if talker in (None, OUTSIDE) else talker,
                       talker_name=self.talker_name.text() if talker == OUTSIDE else "",
                       form=self.form.currentText(), occasion=self.occasion.currentText(),
                       topic=self.topic.text().strip(), content=self.content.toPlainText(),
                       feedback=self.feedback.toPlainText(), follow_up=self.follow_up.toPlainText(),
                       followed_up=self.followed_up.isChecked(), target_ids=self.target_ids())

    # ------------------------------------------------------------ saving
    def save(self) -> None:
        for field in (self.when, self.talker_field, self.targets_field):
            field.clear_message()
        try:
            self.saved = talks.save(self.db, self.talk())
        except ValidationError as exc:
            self._show(exc.fields)
            return
        except BranchdeskError as exc:
            show_error(self, exc)
            return
        self.accept()

    def _show(self, errors: dict[str, str]) -> None:
        if self.when.editor.text().strip() and not self.when.editor.value():
            errors["date"] = "日期无法识别，请写成 2026-03-15"
        for key, field in (("date", self.when), ("talker", self.talker_field),
                           ("targets", self.targets_field)):
            if key in errors:
                field.show_message(errors[key], error=True)
