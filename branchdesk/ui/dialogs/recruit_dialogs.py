"""Dialogs of the 发展党员 tab: a person's details (with the application date when new), one
step of the 25 with its people, vote and documents, and a 考察 / 思想汇报 / 公示 entry."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import (QComboBox, QDialog, QFormLayout, QLabel, QLineEdit, QListWidget,
                               QListWidgetItem, QPlainTextEdit, QSpinBox, QVBoxLayout)
from PySide6.QtCore import Qt

from branchdesk.core import meetings, members, quorum, recruitment as rc
from branchdesk.core.errors import BranchdeskError, ValidationError
from branchdesk.core.members import EDUCATIONS, GENDERS
from branchdesk.ui.attachment_panel import AttachmentPanel
from branchdesk.ui.errors import show_error
from branchdesk.ui.widgets import DateEdit, dialog_buttons, fit_to_screen, tab_through

MEMBER_ROLE = Qt.ItemDataRole.UserRole + 7


def _combo(items, current: str = "", editable: bool = False) -> QComboBox:
    box = QComboBox()
    box.setEditable(editable)
    box.addItems(["", *items])
    box.setCurrentText(current)
    return box


class PersonDialog(QDialog):
    """New applicant (with the date the 入党申请书 was received) or a person's details."""

    def __init__(self, db, person: rc.Recruit | None = None, parent=None):
        super().__init__(parent)
        self.db, self.person, self.saved = db, person, None
        self.setWindowTitle("编辑发展党员信息" if person else "新增入党申请人")
        p = person or rc.Recruit()
        form = QFormLayout(self)
        self.fields = {name: QLineEdit(getattr(p, name) or "") for name in
                       ("name", "ethnicity", "id_number", "native_place", "job", "phone",
                        "address")}
        self.gender = _combo(GENDERS, p.gender)
        self.education = _combo(EDUCATIONS, p.education)
        self.birth = DateEdit(placeholder="可留空，由身份证号自动填写")
        self.birth.set_value(p.birth_date or "")
        self.notes = QPlainTextEdit(p.notes)
        self.notes.setFixedHeight(60)
        self.applied = DateEdit()
        labels = {"name": "姓名", "ethnicity": "民族", "id_number": "公民身份号码",
                  "native_place": "籍贯", "job": "工作岗位/职务", "phone": "联系电话",
                  "address": "家庭住址"}
        form.addRow(labels["name"], self.fields["name"])
        if person is None:
            form.addRow("递交入党申请书日期", self.applied)
        form.addRow("性别", self.gender)
        for name in ("ethnicity", "id_number"):
            form.addRow(labels[name], self.fields[name])
        form.addRow("出生日期", self.birth)
        form.addRow("学历", self.education)
        for name in ("native_place", "job", "phone", "address"):
            form.addRow(labels[name], self.fields[name])
        form.addRow("备注", self.notes)
        self.error = QLabel()
        self.error.setStyleSheet("color: #c0392b")
        self.error.setWordWrap(True)
        form.addRow(self.error)
        form.addRow(dialog_buttons(self))
        tab_through(self)
        fit_to_screen(self, 520, 560)

    def value(self) -> rc.Recruit:
        base = self.person or rc.Recruit()
        values = {name: edit.text() for name, edit in self.fields.items()}
        return rc.Recruit(**{**{k: getattr(base, k) for k in rc.PERSONAL}, **values,
                             "gender": self.gender.currentText(),
                             "education": self.education.currentText(),
                             "birth_date": self.birth.text().strip() or None,
                             "id_number": values["id_number"].strip() or None,
                             "notes": self.notes.toPlainText()},
                          id=base.id, status=base.status, member_id=base.member_id)

    def save(self) -> None:
        try:
            if self.person is None:
                self.saved = rc.add(self.db, self.value(), self.applied.text())
            else:
                self.saved = rc.update(self.db, self.value())
        except BranchdeskError as exc:
            self._show(exc)
            return
        self.accept()

    def _show(self, exc: BranchdeskError) -> None:
        if isinstance(exc, ValidationError):
            self.error.setText("；".join(exc.fields.values()))
        else:
            show_error(self, exc)


class StepDialog(QDialog):
    """Record (or correct) one step: its date, the people it names, the 培训's last day and
    学时, the 支部大会's vote, notes, and the documents that go with it."""

    def __init__(self, db, person: rc.Recruit, number: int | None = None, parent=None):
        super().__init__(parent)
        self.db, self.person, self.saved = db, person, None
        self.setWindowTitle(f"登记发展步骤：{person.name}")
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.step = QComboBox()
        for s in rc.STEPS:
            if s.number not in rc.CONTINUING and s.number != rc.APPLY or s.number in person.steps:
                self.step.addItem(f"第{s.number}步　{s.name}", s.number)
        first = number or rc.next_step(person) or rc.APPLY
        self.step.setCurrentIndex(max(0, self.step.findData(first)))
        self.step.currentIndexChanged.connect(lambda _: self._load())
        self.date = DateEdit()
        self.date.date_changed.connect(lambda: self._fill_people(self._chosen()))
        self.end = DateEdit(placeholder="集中培训的最后一天")
        self.hours = QSpinBox()
        self.hours.setRange(0, 500)
        self.hours.setSpecialValueText("未填")
        self.votes = [QSpinBox() for _ in range(3)]
        for box in self.votes:
            box.setRange(0, 10000)
        self.meeting = QComboBox()  # the 党员大会 record of a 支部大会 (steps 15 and 23)
        self.meeting.addItem("（不关联）", None)
        for summary in meetings.list_meetings(db, kinds=(meetings.GENERAL,)):
            m = summary.meeting
            self.meeting.addItem(f"{m.date}　{'；'.join(m.topics)[:30]}", m.id)
        self.meeting.activated.connect(lambda _: self._meeting_chosen())
        self.people = QListWidget()
        self.people.setMaximumHeight(120)
        self.outside = QLineEdit()
        self.outside.setPlaceholderText("谈话人姓名（上级党委的组织员等不在名册上的人）")
        self.notes = QPlainTextEdit()
        self.notes.setFixedHeight(60)
        rows = [("步骤", self.step), ("党员大会记录", self.meeting), ("日期", self.date),
                ("结束日期", self.end), ("学时", self.hours),
                ("应到会有表决权人数", self.votes[0]), ("实到有表决权人数", self.votes[1]),
                ("赞成人数", self.votes[2]), ("从名册中选择", self.people),
                ("或填写姓名", self.outside), ("情况说明", self.notes)]
        self._rows = {}
        for label, widget in rows:
            form.addRow(label, widget)
            self._rows[label] = widget
        layout.addLayout(form)
        self.files = AttachmentPanel(db, rc.STEP_OWNER,
                                     examples="入党申请书、政审材料、志愿书、会议记录等扫描件")
        layout.addWidget(QLabel("本步骤的材料"))
        layout.addWidget(self.files)
        self.error = QLabel()
        self.error.setStyleSheet("color: #c0392b")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        layout.addWidget(dialog_buttons(self))
        self._form = form
        self._load()
        tab_through(self)
        fit_to_screen(self, 620, 720)

    def number(self) -> int:
        return self.step.currentData()

    def _load(self) -> None:
        n = self.number()
        record = self.person.steps.get(n)
        self.date.set_value(record.date if record else "")
        self.end.set_value(record.end_date if record and record.end_date else "")
        self.hours.setValue(record.hours or 0 if record else 0)
        for box, value in zip(self.votes, (record.voters, record.present, record.ayes)
                              if record else (0, 0, 0)):
            box.setValue(value or 0)
        self.notes.setPlainText(record.notes if record else "")
        self.meeting.setCurrentIndex(max(0, self.meeting.findData(record.meeting_id if record
                                                                   else None)))
        chosen = {p.member_id for p in record.people} if record else set()
        self.outside.setText(next((p.name for p in record.people if p.member_id is None), "")
                             if record else "")
        self._fill_people(chosen)
        label = self._form.labelForField(self.people)
        label.setText(f"{rc.STEP[n].people}（从名册中选）" if rc.STEP[n].people else "")
        for label, shown in (("结束日期", n == rc.TRAINING), ("学时", n == rc.TRAINING),
                             ("党员大会记录", n in (rc.GENERAL_MEETING, 23)),
                             ("应到会有表决权人数", n == rc.GENERAL_MEETING),
                             ("实到有表决权人数", n == rc.GENERAL_MEETING),
                             ("赞成人数", n == rc.GENERAL_MEETING),
                             ("从名册中选择", bool(rc.STEP[n].people)),
                             ("或填写姓名", n in (rc.TALK, 16))):
            self._form.setRowVisible(self._rows[label], shown)
        self.files.load(record.id if record else None)

    def _meeting_chosen(self) -> None:
        """A 党员大会 record chosen: its date, and for the 支部大会 its voting counts."""
        meeting_id = self.meeting.currentData()
        if meeting_id is None:
            return
        m = meetings.get(self.db, meeting_id)
        self.date.set_value(m.date)
        if self.number() == rc.GENERAL_MEETING and m.attendance:
            counts = quorum.meeting_counts(self.db, m)
            self.votes[0].setValue(counts.expected)
            self.votes[1].setValue(counts.present)

    def _chosen(self) -> set:
        return {self.people.item(i).data(MEMBER_ROLE) for i in range(self.people.count())
                if self.people.item(i).checkState() == Qt.CheckState.Checked}

    def _fill_people(self, chosen: set) -> None:
        """The 正式党员 on the roll on the step's date (today while it is empty), those
        already chosen first."""
        self.people.clear()
        day = self.date.value() or date.today()
        roll = [e for e in members.roll_as_of(self.db, day) if e.category == "正式党员"]
        for entry in sorted(roll, key=lambda e: e.member.id not in chosen):
            item = QListWidgetItem(entry.member.name)
            item.setData(MEMBER_ROLE, entry.member.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if entry.member.id in chosen
                               else Qt.CheckState.Unchecked)
            self.people.addItem(item)

    def value(self) -> rc.StepRecord:
        n = self.number()
        people = [rc.Person(self.people.item(i).text(), self.people.item(i).data(MEMBER_ROLE))
                  for i in range(self.people.count())
                  if self.people.item(i).checkState() == Qt.CheckState.Checked]
        if self.outside.text().strip() and n in (rc.TALK, 16):
            people.append(rc.Person(self.outside.text().strip()))
        meeting = n == rc.GENERAL_MEETING
        return rc.StepRecord(
            n, self.date.text(),
            meeting_id=self.meeting.currentData() if n in (rc.GENERAL_MEETING, 23) else None, end_date=self.end.text().strip() or None if n == rc.TRAINING else None,
            hours=self.hours.value() or None if n == rc.TRAINING else None,
            voters=self.votes[0].value() if meeting else None,
            present=self.votes[1].value() if meeting else None,
            ayes=self.votes[2].value() if meeting else None,
            notes=self.notes.toPlainText(), people=people if rc.STEP[n].people else [])

    def save(self) -> None:
        try:
            self.saved = rc.record_step(self.db, self.person.id, self.value())
            self.files.apply(rc.step_id(self.db, self.person.id, self.number()))
        except ValidationError as exc:
            self.error.setText("；".join(exc.fields.values()))
            return
        except BranchdeskError as exc:
            show_error(self, exc)
            return
        self.accept()


class EntryDialog(QDialog):
    """A 考察, a 思想汇报 or a 公示 (with its last day), with its documents."""

    def __init__(self, db, person: rc.Recruit, kind: str = rc.REVIEW, parent=None):
        super().__init__(parent)
        self.db, self.person, self.saved = db, person, None
        self.setWindowTitle(f"登记考察、思想汇报或公示：{person.name}")
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.kind = QComboBox()
        self.kind.addItems(rc.ENTRY_KINDS)
        self.kind.setCurrentText(kind)
        self.date = DateEdit()
        self.end = DateEdit(placeholder="公示的截止日期")
        self.notes = QPlainTextEdit()
        self.notes.setFixedHeight(70)
        for label, widget in (("类别", self.kind), ("日期", self.date), ("截止日期", self.end),
                              ("情况", self.notes)):
            form.addRow(label, widget)
        layout.addLayout(form)
        self.files = AttachmentPanel(db, rc.ENTRY_OWNER,
                                     examples="思想汇报、考察记录、公示材料等扫描件")
        self.files.load(None)
        layout.addWidget(self.files)
        self.error = QLabel()
        self.error.setStyleSheet("color: #c0392b")
        layout.addWidget(self.error)
        layout.addWidget(dialog_buttons(self))
        tab_through(self)
        fit_to_screen(self, 560, 520)

    def save(self) -> None:
        entry = rc.Entry(self.kind.currentText(), self.date.text(), self.end.text().strip() or None,
                         self.notes.toPlainText())
        try:
            self.saved = rc.add_entry(self.db, self.person.id, entry)
            self.files.apply(self.saved.id)
        except ValidationError as exc:
            self.error.setText("；".join(exc.fields.values()))
            return
        except BranchdeskError as exc:
            show_error(self, exc)
            return
        self.accept()
