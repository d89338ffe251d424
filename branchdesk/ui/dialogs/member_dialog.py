"""Add or edit a member: every field of the roll, with messages beside the fields."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QFormLayout, QLabel,
                               QGridLayout, QGroupBox, QHBoxLayout, QInputDialog, QLineEdit,
                               QMessageBox, QPushButton,
                               QPlainTextEdit, QTableWidget, QTableWidgetItem, QTabWidget,
                               QVBoxLayout, QWidget, QHeaderView, QAbstractItemView)

from branchdesk.core import branch, idcard, lifecycle, meetings, members, settings, transfers
from branchdesk.core.errors import BranchdeskError, ValidationError
from branchdesk.core.dates import parse_date
from branchdesk.core.members import Member
from branchdesk.ui.errors import show_error
from branchdesk.ui.widgets import (ERROR_STYLE, DateEdit, Field, dialog_buttons, fit_to_screen,
                                  scrolled, tab_through)

TEXT_FIELDS = ("name", "ethnicity", "id_number", "native_place", "job", "party_post", "phone",
               "address", "mobile_destination", "mobile_contact", "introducers")
DATE_FIELDS = ("birth_date", "join_date", "full_date", "branch_join_date", "lost_contact_date",
               "mobile_since")
NOTE_STYLE = "color: #555555;"


class RowsTable(QWidget):
    """A page of the member form that is a list of rows typed in place: an explanatory note,
    the table, a message line for the core's complaint, and 增加/删除所选 buttons. Subclasses
    give HEADERS, ``add_row(item)`` and ``items()``."""

    HEADERS: list[str] = []

    def __init__(self, note: str, add_text: str, new_item, items: list, parent=None):
        """``new_item()``: the row 增加 adds (dated today)."""
        super().__init__(parent)
        layout = QVBoxLayout(self)
        label = QLabel(note)
        label.setWordWrap(True)
        layout.addWidget(label)
        self.table = QTableWidget(0, len(self.HEADERS))
        self.table.setHorizontalHeaderLabels(self.HEADERS)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        layout.addWidget(self.table)
        self.message = QLabel()
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setWordWrap(True)
        self.message.hide()
        layout.addWidget(self.message)
        row = QHBoxLayout()
        add, remove = QPushButton(add_text), QPushButton("删除所选")
        add.clicked.connect(lambda: self.add_row(new_item()))
        remove.clicked.connect(lambda: self.table.removeRow(self.table.currentRow()))
        row.addWidget(add)
        row.addWidget(remove)
        row.addStretch()
        layout.addLayout(row)
        for item in items:
            self.add_row(item)

    def add_row(self, item) -> None:
        raise NotImplementedError

    def _text(self, row: int, column: int) -> str:
        item = self.table.item(row, column)
        return item.text().strip() if item else ""

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))


class ExemptionTable(RowsTable):
    """The periods in which organisational life is 不作硬性要求 for the member: 情形, 起止日期,
    原因. The core checks them when the member is saved."""

    HEADERS = ["情形", "起始日期", "截止日期（可不填）", "原因及批准情况"]

    def __init__(self, items: list[members.Exemption], parent=None):
        super().__init__(
            "年老体弱、患病、残疾，或经支部同意长期外出的党员，参加组织活动和学习教育可不作"
            "硬性要求（《中国共产党党员教育管理工作条例》第二十三条）。登记后，工作台不再就缺席"
            "提醒；台账的出勤统计注明原因。", "增加一项",
            lambda: members.Exemption(members.EXEMPTION_KINDS[0], date.today().isoformat()),
            items, parent)

    def add_row(self, item: members.Exemption) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        kinds = QComboBox()
        kinds.addItems(members.EXEMPTION_KINDS)
        kinds.setCurrentText(item.kind)
        self.table.setCellWidget(row, 0, kinds)
        for column, text in enumerate((item.start_date, item.end_date or "", item.reason), 1):
            self.table.setItem(row, column, QTableWidgetItem(text))

    def items(self) -> list[members.Exemption]:
        """The rows as typed (the core parses the dates and checks the reasons)."""
        return [members.Exemption(self.table.cellWidget(r, 0).currentText(), self._text(r, 1),
                                  self._text(r, 2) or None, self._text(r, 3))
                for r in range(self.table.rowCount())]


class ContactTable(RowsTable):
    """The contacts kept with a member who is away (流动党员, 出国出境): 日期, 方式, 情况."""

    HEADERS = ["联系日期", "方式", "了解到的情况"]

    def __init__(self, items: list[transfers.Contact], months: int, parent=None):
        """``months``: after how long without a contact the 工作台 reminds (a setting)."""
        super().__init__(
            "流动党员和出国出境党员，支部应经常保持联系：每次联系（电话、微信、视频、当面等）"
            f"请登记在这里。连续 {months} 个月没有联系记录的，工作台会提醒（可在“检查规则”中调整）。",
            "增加联系记录", lambda: transfers.Contact(date.today().isoformat()), items, parent)

    def add_row(self, item: transfers.Contact) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        ways = QComboBox()
        ways.addItems(transfers.CONTACT_WAYS)
        ways.setEditable(True)
        ways.setCurrentText(item.way)
        self.table.setItem(row, 0, QTableWidgetItem(item.date or ""))
        self.table.setCellWidget(row, 1, ways)
        self.table.setItem(row, 2, QTableWidgetItem(item.note))

    def items(self) -> list[transfers.Contact]:
        """The rows as typed (the core parses the dates)."""
        return [transfers.Contact(self._text(r, 0), self.table.cellWidget(r, 1).currentText(),
                                  self._text(r, 2)) for r in range(self.table.rowCount())]


class LetterPage(QWidget):
    """组织关系转接: the 介绍信 received when the member came (editable), and the latest 转出
    with its 回执 (the day it came back is entered here)."""

    def __init__(self, letters: list[transfers.Letter], parent=None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        incoming = [x for x in letters if x.direction == transfers.IN]
        outgoing = [x for x in letters if x.direction == transfers.OUT]
        self.letter_out = outgoing[-1] if outgoing else None
        self.receipt = None
        if self.letter_out is not None:  # the 转出 first: while pending, it is what matters
            layout.addWidget(self._out_box(self.letter_out))
        layout.addWidget(self._in_box(incoming[-1] if incoming else None))
        self.message = QLabel()
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setWordWrap(True)
        self.message.hide()
        layout.addWidget(self.message)
        layout.addStretch()

    def _in_box(self, letter: transfers.Letter | None) -> QGroupBox:
        box = QGroupBox("转入时收到的组织关系介绍信")
        form = QFormLayout(box)
        self.in_date, self.in_number = DateEdit(), QLineEdit()
        self.in_place, self.in_dues = QLineEdit(), QLineEdit()
        self.in_place.setPlaceholderText("如：示例县委组织部、某单位党支部")
        self.in_dues.setPlaceholderText("如 2026-11")
        if letter is not None:
            self.in_date.set_value(letter.letter_date)
            self.in_number.setText(letter.letter_number)
            self.in_place.setText(letter.place)
            self.in_dues.setText(letter.dues_paid_to)
        for label, editor in (("介绍信日期", self.in_date), ("介绍信编号", self.in_number),
                              ("从何处转来", self.in_place), ("党费交至年月", self.in_dues)):
            form.addRow(label, editor)
        note = QLabel("新转入的党员，请登记收到的介绍信；没有的可不填。")
        note.setStyleSheet(NOTE_STYLE)
        form.addRow(note)
        return box

    def _out_box(self, letter: transfers.Letter) -> QGroupBox:
        box = QGroupBox("转出（组织关系介绍信）")
        form = QFormLayout(box)
        until = letter.valid_until
        for label, text in (("介绍信日期", letter.letter_date), ("介绍信编号", letter.letter_number),
                            ("转往", letter.place), ("有效期至", f"{until:%Y-%m-%d}（{letter.valid_months} 个月）"),
                            ("党费交至年月", letter.dues_paid_to or "（未填写）")):
            form.addRow(label, QLabel(text))
        self.receipt = DateEdit(placeholder="回执退回后填写，如 2026-12-01")
        self.receipt.set_value(letter.receipt_date)
        form.addRow("回执收到日期", self.receipt)
        self.out_state = QLabel(self._state(letter))
        self.out_state.setWordWrap(True)
        self.out_state.setStyleSheet("color: #b9770e;" if letter.pending else NOTE_STYLE)
        form.addRow(self.out_state)
        return box

    @staticmethod
    def _state(letter: transfers.Letter) -> str:
        if not letter.pending:
            return f"已于 {letter.receipt_date} 收到回执，转接完成。"
        return (f"待回执：回执退回前本支部仍负责管理。介绍信有效期至 {letter.valid_until:%Y-%m-%d}，"
                "过期仍未收到回执的，工作台会提醒。")

    def letter_in(self) -> transfers.Letter | None:
        """The 转入 letter as typed, or None when every field is empty."""
        values = [self.in_date.text().strip(), self.in_number.text().strip(),
                  self.in_place.text().strip(), self.in_dues.text().strip()]
        if not any(values):
            return None
        return transfers.Letter(transfers.IN, values[0], values[1], values[2],
                                dues_paid_to=values[3])

    def receipt_change(self) -> tuple[int, str | None] | None:
        """(the 转出 letter's id, the 回执 day as typed) when it was changed, else None."""
        if self.receipt is None:
            return None
        typed = self.receipt.text().strip() or None
        if typed == self.letter_out.receipt_date:
            return None
        return self.letter_out.id, typed

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))


class MemberDialog(QDialog):
    """Edits a copy of the member; nothing is saved until 保存 succeeds."""

    def __init__(self, db, member: Member | None = None, parent=None):
        super().__init__(parent)
        self.db = db
        self.original = member
        self.saved: Member | None = None
        self.setWindowTitle("编辑党员信息" if member else "新增党员")
        self.fields: dict[str, Field] = {}
        self._from_saving: set[str] = set()  # fields whose message came from the database
        self._build()
        self._load(member or Member())
        self._recheck_on_edit()
        for flag, detail in (("lost_contact", "lost_contact_date"), ("mobile", "mobile_destination"),
                             ("mobile", "mobile_contact")):
            box = self.fields[flag].editor  # the date / destination only mean something when ticked
            box.toggled.connect(self.fields[detail].editor.setEnabled)
            self.fields[detail].editor.setEnabled(box.isChecked())
        for signal in (self.fields["mobile"].editor.toggled,
                       self.fields["mobile_since"].editor.textChanged):
            signal.connect(lambda *_: self._update_mobile_note())
        self._update_mobile_note()
        tab_through(self)
        fit_to_screen(self, 820, 640)

    # ------------------------------------------------------------ building
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        self.tabs = QTabWidget()
        self.tabs.addTab(scrolled(self._form_page()), "基本信息")
        self.exemptions = ExemptionTable(
            members.exemptions(self.db, self.original.id) if self.original else [])
        self.tabs.addTab(self.exemptions, "不作硬性要求")
        member_id = self.original.id if self.original else None
        self.contacts = ContactTable(transfers.contacts(self.db, member_id) if member_id else [],
                                     settings.get(self.db, "mobile_contact_months"))
        self.tabs.addTab(self.contacts, "联系记录")
        self.letters = LetterPage(transfers.letters(self.db, member_id) if member_id else [])
        self.tabs.addTab(self.letters, "组织关系转接")
        if self.original is not None:
            self.tabs.addTab(self._attendance_page(), "出勤记录")
            self.tabs.addTab(self._history_page(), "变动记录")
        layout.addWidget(self.tabs)
        buttons = dialog_buttons(self, "保存", "取消")
        layout.addWidget(buttons)

    def _form_page(self) -> QWidget:
        page = QWidget()
        grid = QGridLayout(page)
        grid.addWidget(self._box("基本信息", ["name", "gender", "ethnicity", "id_number",
                                          "birth_date", "native_place", "education"]), 0, 0)
        grid.addWidget(self._box("党员信息", ["category", "group_id", "join_date", "full_date",
                                          "branch_join_date", "introducers", "party_post"]), 0, 1)
        grid.addWidget(self._box("工作与联系方式", ["job", "phone", "address"]), 1, 0)
        grid.addWidget(self._box("党籍状态", ["party_status", "lost_contact", "lost_contact_date",
                                          "mobile", "mobile_since", "mobile_destination",
                                          "mobile_contact"]), 1, 1)
        grid.addWidget(self._box("备注", ["notes"]), 2, 0, 1, 2)
        return page

    def _box(self, title: str, names: list[str]) -> QGroupBox:
        box = QGroupBox(title)
        form = QFormLayout(box)
        for name in names:
            self.fields[name] = Field(self._editor(name))
            label = "" if name in ("lost_contact", "mobile") else members.LABELS[name]
            form.addRow(label, self.fields[name])
            if name == "mobile_since":  # whether the dates make the member 流动
                self.mobile_note = QLabel()
                self.mobile_note.setWordWrap(True)
                self.mobile_note.setStyleSheet(NOTE_STYLE)
                form.addRow("", self.mobile_note)
        return box

    def _editor(self, name: str) -> QWidget:
        if name == "birth_date":  # 出生年月 to the month is completed from the ID number
            editor = DateEdit(placeholder="可由身份证号自动填写", keep_month=True)
            editor.editingFinished.connect(self._fill_from_id)
            return editor
        if name in DATE_FIELDS:
            return DateEdit()
        if name in ("gender", "category", "education", "party_status"):
            return self._combo(name)
        if name == "group_id":
            combo = QComboBox()
            combo.addItem("（未分组）", None)
            for group in branch.groups(self.db):
                combo.addItem(group.name, group.id)
            return combo
        if name in ("lost_contact", "mobile"):
            return QCheckBox("失联（联系不上）" if name == "lost_contact" else "流动党员（外出半年以上未转关系）")
        if name == "mobile_since":
            return DateEdit(placeholder="离开本地的日期，如 2026-05-01")
        if name == "notes":
            edit = QPlainTextEdit()
            edit.setFixedHeight(60)
            return edit
        edit = QLineEdit()
        if name == "id_number":
            edit.setPlaceholderText("18位，最后一位可以是X")
            edit.editingFinished.connect(self._fill_from_id)
        if name == "phone":
            edit.setPlaceholderText("手机号或座机，如 010-12345678")
        if name == "mobile_contact":
            edit.setPlaceholderText("负责联系的人及方式，如：王某（当地党组织）")
        return edit

    def _update_mobile_note(self) -> None:
        months = settings.get(self.db, "mobile_months")
        note = lifecycle.mobile_note(self.member(), date.today(), months) \
            if self.fields["mobile_since"].editor.value() else ""
        self.mobile_note.setText(note)
        self.mobile_note.setVisible(bool(note))

    def _combo(self, name: str) -> QComboBox:
        combo = QComboBox()
        options = {"gender": ("",) + members.GENDERS, "category": members.CATEGORIES,
                   "education": ("",) + members.EDUCATIONS, "party_status": members.PARTY_STATUSES}
        combo.addItems(list(options[name]))
        combo.setEditable(name == "education")
        return combo

    def _table(self, headers: list[str], rows: list[list[str]]) -> QTableWidget:
        table = QTableWidget(len(rows), len(headers))
        table.setHorizontalHeaderLabels(headers)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        table.horizontalHeader().setStretchLastSection(True)
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                table.setItem(r, c, QTableWidgetItem(text))
        return table

    def _attendance_page(self) -> QWidget:
        records = meetings.member_history(self.db, self.original.id)
        rows = [[r.date, meetings.SHORT_NAMES.get(r.kind, r.kind), r.title, r.status, r.reason]
                for r in records]
        self.attendance_table = self._table(["日期", "类型", "议题/主题", "出勤", "原因"], rows)
        return self._with_summary(self.attendance_table, records)

    def _with_summary(self, table: QTableWidget, records) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        statuses = [r.status for r in records]
        years = sorted({r.date[:4] for r in records})
        span = "" if not years else (f"{years[0]}年" if len(years) == 1 else f"{years[0]}—{years[-1]}年")
        summary = (f"{span}共应参加 {len(statuses)} 次，出席 {statuses.count('出席')} 次，"
                   f"请假 {statuses.count('请假')} 次，缺席 {statuses.count('缺席')} 次"
                   if statuses else "还没有应参加的会议记录。")
        from PySide6.QtWidgets import QLabel

        layout.addWidget(QLabel(summary))
        layout.addWidget(table)
        return page

    def _history_page(self) -> QWidget:
        rows = [[h["date"], h["kind"], h["reason"]] for h in members.history(self.db, self.original.id)]
        table = self._table(["日期", "变动类型", "原因/说明"], rows)
        if rows:
            return table
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(QLabel("暂无组织关系变动记录（转入、转出、转正、党小组调整等会记在这里）。"))
        layout.addWidget(table)
        return page

    # ------------------------------------------------------------ values
    def _load(self, m: Member) -> None:
        for name in TEXT_FIELDS:
            self.fields[name].editor.setText(getattr(m, name) or "")
        for name in DATE_FIELDS:
            self.fields[name].editor.set_value(getattr(m, name))
        for name in ("gender", "category", "education", "party_status"):
            self.fields[name].editor.setCurrentText(getattr(m, name) or "")
        combo = self.fields["group_id"].editor
        combo.setCurrentIndex(max(combo.findData(m.group_id), 0))
        self.fields["lost_contact"].editor.setChecked(m.lost_contact)
        self.fields["mobile"].editor.setChecked(m.mobile)
        self.fields["notes"].editor.setPlainText(m.notes)

    def member(self) -> Member:
        """The member as typed (dates as typed too; the core parses them)."""
        base = self.original or Member()
        values = {name: self.fields[name].editor.text() for name in TEXT_FIELDS + DATE_FIELDS}
        values.update({name: self.fields[name].editor.currentText()
                       for name in ("gender", "category", "education", "party_status")})
        values["group_id"] = self.fields["group_id"].editor.currentData()
        values["lost_contact"] = self.fields["lost_contact"].editor.isChecked()
        values["mobile"] = self.fields["mobile"].editor.isChecked()
        values["notes"] = self.fields["notes"].editor.toPlainText()
        return replace(base, **values)

    def _fill_from_id(self) -> None:
        """Birth date and sex from the ID number, where they are empty (or the birth date is
        given only to the month and agrees with it)."""
        number = self.fields["id_number"].editor.text()
        birth = self.fields["birth_date"].editor
        completed = members.completed_birth_date(birth.text(), number)
        if completed is None:
            return
        birth.set_value(completed)
        info = idcard.parse(idcard.normalise(number))
        if not self.fields["gender"].editor.currentText():
            self.fields["gender"].editor.setCurrentText(info.gender)

    # ------------------------------------------------------------ messages
    def _recheck_on_edit(self) -> None:
        for name, field in self.fields.items():
            editor = field.editor
            signal = (editor.toggled if isinstance(editor, QCheckBox)
                      else editor.currentTextChanged if isinstance(editor, QComboBox)
                      else editor.textChanged)
            signal.connect(lambda *_, name=name: self._recheck(name))
            if isinstance(editor, QLineEdit):  # date fields too
                editor.editingFinished.connect(lambda name=name: self._check_left(name))

    def _recheck(self, edited: str) -> None:
        """Messages already shown follow the fields as they are edited: gone once the value is
        right (for this field or a related one, e.g. 性别 and 身份证号), updated while it is still
        wrong. Other fields stay quiet while typing (an error shows on leaving the field, the
        rest at 保存). A message from the database (身份证号已属于…) stays until its own field
        is edited; 保存 checks it again."""
        self._from_saving.discard(edited)
        shown = [name for name, field in self.fields.items()
                 if field.has_message() and name not in self._from_saving]
        if not shown:
            return
        _, issues = members.prepare(self.member())
        for name in shown:
            self._show_issue(name, issues)

    def _check_left(self, name: str) -> None:
        """Leaving a field with a wrong value shows its message at once (not the others'). An
        empty one says nothing yet: the form opens in 姓名, and Tab passes through fields not
        filled in yet; what is missing is said at 保存."""
        if not self.fields[name].editor.text().strip():
            return
        if not self.fields[name].has_message():
            _, issues = members.prepare(self.member())
            if name in issues.errors:
                self._show_issue(name, issues)

    def _show_issue(self, name: str, issues: members.Issues) -> None:
        field = self.fields[name]
        if name in issues.errors:
            field.show_message(issues.errors[name], error=True)
        elif name in issues.warnings:
            field.show_message(issues.warnings[name], error=False)
        else:
            field.clear_message()

    # ------------------------------------------------------------ saving
    def _show_saving_error(self, exc: ValidationError) -> None:
        """Put the message where the problem is: a page of its own, or beside a field."""
        pages = {"exemptions": self.exemptions, "contacts": self.contacts,
                 "letter_in": self.letters, "receipt_date": self.letters}
        for key, page in pages.items():
            if key in exc.fields:
                page.show_message(exc.fields[key])
                self.tabs.setCurrentWidget(page)
                return
        self.show_issues(members.Issues(errors=exc.fields), from_saving=True)
    def show_issues(self, issues: members.Issues, *, from_saving: bool = False) -> None:
        self._from_saving = set(issues.errors) if from_saving else set()
        for name in self.fields:
            self._show_issue(name, issues)

    def save(self) -> None:
        candidate = self.member()
        _, issues = members.prepare(candidate)
        self.show_issues(issues)
        self.exemptions.show_message("")
        if issues.errors:
            self.tabs.setCurrentIndex(0)
            return
        if issues.warnings and not self._accept_warnings(issues):
            return
        self._write(candidate)

    def _accept_warnings(self, issues: members.Issues) -> bool:
        text = "\n".join(f"· {w}" for w in issues.warnings.values())
        answer = QMessageBox.question(self, "请确认", f"以下内容请核对：\n{text}\n\n仍然保存吗？")
        return answer == QMessageBox.StandardButton.Yes

    def _full_date_reason(self, candidate: Member) -> str | None:
        """When a 预备党员 becomes 正式 on another day than the end of the 预备期: the reason,
        asked for (None: the user cancelled); "" when the days agree."""
        old = self.original
        if old is None or old.category != "预备党员" or candidate.category != "正式党员":
            return ""
        try:
            on = parse_date(candidate.full_date) or date.today()
        except ValueError:
            return ""
        warning = members.full_date_mismatch(self.db, old, on)
        if warning is None:
            return ""
        reason, ok = QInputDialog.getText(self, "转正日期与预备期满之日不同",
                                          f"{warning}：\n（如：支部大会延期召开，经上级批准）")
        return reason.strip() if ok else None  # left empty: recorded as 未注明原因

    def _write(self, candidate: Member) -> None:
        reason = self._full_date_reason(candidate)
        if reason is None:
            return
        for page in (self.exemptions, self.contacts, self.letters):
            page.show_message("")
        try:
            self.saved = transfers.save_member(
                self.db, candidate, exemptions=self.exemptions.items(),
                contacts=self.contacts.items(), letter_in=self.letters.letter_in(),
                receipt=self.letters.receipt_change(), full_date_reason=reason)
        except ValidationError as exc:
            self._show_saving_error(exc)
            return
        except BranchdeskError as exc:
            show_error(self, exc)
            return
        self.accept()
