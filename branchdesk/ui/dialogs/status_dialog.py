"""Record a status change (组织关系变动): 转出, 转入, 去世, 停止党籍, 转正 …"""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import (QComboBox, QDialog, QFormLayout, QGroupBox, QLabel,
                               QLineEdit, QSpinBox, QVBoxLayout)

from branchdesk.core import members, settings, transfers
from branchdesk.core.dates import add_months, add_years
from branchdesk.core.errors import BranchdeskError, ValidationError
from branchdesk.ui.errors import confirm, show_error
from branchdesk.ui.widgets import DateEdit, Field, dialog_buttons


HINTS = {
    "转正": "日期为预备期满、经支部党员大会讨论通过的转正日期（党龄从此日算起），默认为预备期满之日。",
    "延长预备期": "日期为支部党员大会决定延长的日期。预备期只能延长一次，期限 6～12 个月；"
                  "工作台按延长后的期满日提醒讨论转正。",
    "取消预备党员资格": "登记后该同志不再列入党员名册，历史记录保留。",
    "转出": "日期为组织关系介绍信的开具日期。登记后不再计入应到人数，但回执退回前本支部仍负责管理："
            "收到回执后，请在党员信息的“组织关系转接”中填写回执日期。如是支委，请到“设置 → 支部信息”调整支委会。",
    "转入": "日期为收到介绍信、重新编入本支部的日期。",
    members.ABROAD: "出国出境期间，支部应定期与其联系（每次联系请在党员信息的“联系记录”中登记），"
                    "满 6 个月没有联系记录的，工作台会提醒。",
    members.OBSERVED: "日期为处分决定生效之日。留党察看期间没有表决权、选举权和被选举权"
                      "（党章第四十条），不计入党员大会有表决权的应到人数，也不能担任支委。",
    members.RESTORED: "留党察看期满、确已改正错误的，经支部党员大会讨论、上级党组织批准，恢复党员权利。",
}


class StatusDialog(QDialog):
    def __init__(self, db, member: members.Member, parent=None):
        super().__init__(parent)
        self.db, self.member = db, member
        self.setWindowTitle(f"组织关系变动 — {member.name}")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"{member.name}　当前状态：{member.status}，{member.category}，"
                                f"党籍{member.party_status}"))
        form = QFormLayout()
        self.kind = QComboBox()
        self.kind.addItems(self._kinds())
        self.when = Field(DateEdit())
        self.when.editor.set_value(date.today())
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("如：调往某单位党支部；经支部大会讨论同意转正")
        form.addRow("变动类型", self.kind)
        form.addRow("日期", self.when)
        self._when_label = form.labelForField(self.when)
        self.months = QSpinBox()
        self.months.setSuffix(" 个月")
        self.months.valueChanged.connect(lambda _: self._update_hint())
        form.addRow("期限", self.months)
        self._months_label = form.labelForField(self.months)
        self.reason_field = Field(self.reason)
        form.addRow("原因/说明", self.reason_field)
        layout.addLayout(form)
        self.letter_box = self._letter_box()
        layout.addWidget(self.letter_box)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #555555;")
        layout.addWidget(self.hint)
        self.kind.currentTextChanged.connect(self._kind_changed)
        self.when.editor.date_changed.connect(self._update_hint)
        self._kind_changed(self.kind.currentText())
        self.setMinimumWidth(560)
        layout.addWidget(QLabel("说明：党员离开本支部后仍保留在名册历史中，过去的会议记录照常显示其姓名。"))
        buttons = dialog_buttons(self, "登记", "取消")
        layout.addWidget(buttons)

    def _letter_box(self) -> QGroupBox:
        """The 组织关系介绍信 of a 转出 or 转入: number, where to / from, validity, 党费交至."""
        box = QGroupBox("组织关系介绍信")
        form = QFormLayout(box)
        self.letter_number, self.place, self.dues = QLineEdit(), QLineEdit(), QLineEdit()
        self.letter_number.setPlaceholderText("如：示组转字〔2026〕8号")
        self.dues.setPlaceholderText("如 2026-11")
        if self.member.active:  # a 转出: the 交至年月 the 党费 book shows (core/dues.py)
            from branchdesk.core import dues

            self.dues.setText(dues.paid_to(self.db, self.member.id) or "")
        self.valid = QSpinBox()
        self.valid.setRange(1, 12)
        self.valid.setSuffix(" 个月")
        self.valid.setValue(settings.get(self.db, "transfer_letter_months"))
        self.valid.valueChanged.connect(lambda _: self._update_hint())
        self.letter_fields = {"letter_number": Field(self.letter_number),
                              "place": Field(self.place), "valid_months": Field(self.valid),
                              "dues_paid_to": Field(self.dues)}
        labels = {"letter_number": "介绍信编号", "place": "转往", "valid_months": "有效期",
                  "dues_paid_to": "党费交至年月"}
        for key, field in self.letter_fields.items():
            form.addRow(labels[key], field)
        self._place_label = form.labelForField(self.letter_fields["place"])
        self._valid_label = form.labelForField(self.letter_fields["valid_months"])
        return box

    def _kinds(self) -> list[str]:
        if not self.member.active:
            return ["转入", "其他"]
        leave = [k for k in members.LEAVE_KINDS if k != "取消预备党员资格"]
        observed = members.observation(self.db, self.member.id) is not None
        away = members.abroad_since(self.db, self.member.id) is not None
        kinds = leave + ["停止党籍" if self.member.party_status == "正常" else "恢复党籍",
                         members.RESTORED if observed else members.OBSERVED,
                         members.RETURNED if away else members.ABROAD, "其他"]
        if self.member.category == "预备党员":
            extended = self._probation_end() != self._first_probation_end()
            kinds[:0] = ["转正", *([] if extended else ["延长预备期"]), "取消预备党员资格"]
        return kinds

    def _kind_changed(self, kind: str) -> None:
        """转正 and 延长预备期 default to the day the 预备期 ends, not to today."""
        ends = self._probation_end()
        if kind in ("转正", "延长预备期") and ends:
            self.when.editor.set_value(min(ends, date.today()) if kind == "延长预备期" else ends)
        elif ends and self.when.editor.value() == ends:
            self.when.editor.set_value(date.today())
        self._update_hint()

    def _update_hint(self) -> None:
        kind, ends = self.kind.currentText(), self._probation_end()
        timed = kind in ("延长预备期", members.OBSERVED)
        self.months.setVisible(timed)
        self._months_label.setVisible(timed)
        self._months_range(kind)
        lettered = kind in (transfers.OUT, transfers.IN)
        self.letter_box.setVisible(lettered)
        self._place_label.setText("转往" if kind == transfers.OUT else "从何处转来")
        self._when_label.setText("介绍信日期" if kind == transfers.OUT else "日期")
        for widget in (self._valid_label, self.letter_fields["valid_months"]):
            widget.setVisible(kind == transfers.OUT)
        hint = HINTS.get(kind, "")
        if kind == "停止党籍":
            years = settings.get(self.db, "suspended_years")
            hint = (f"日期为停止党籍的决定日期，记入变动记录。停止党籍满 {years} 年仍无法取得联系的，"
                    "工作台会提醒按程序予以除名（《中国共产党党员教育管理工作条例》第三十四条）。")
        if kind == "延长预备期" and ends:
            hint += f"\n延长后预备期至 {add_months(ends, self.months.value()):%Y-%m-%d} 届满。"
        on = self.when.editor.value()
        if kind == members.OBSERVED and on:
            hint += f"\n察看期至 {add_months(on, self.months.value()):%Y-%m-%d}。"
        if kind == transfers.OUT and on:
            hint += f"\n介绍信有效期至 {add_months(on, self.valid.value()):%Y-%m-%d}。"
        self.hint.setText(hint)
        self._full_date_warning()

    def _full_date_warning(self) -> str | None:
        """Beside 原因/说明: a 转正日期 other than the end of the 预备期 needs a reason."""
        on = self.when.editor.value()
        warning = members.full_date_mismatch(self.db, self.member, on) \
            if self.kind.currentText() == "转正" and on else None
        if warning:
            self.reason_field.show_message(warning, error=False)
        else:
            self.reason_field.clear_message()
        return warning

    def _months_range(self, kind: str) -> None:
        """延长预备期: 6–12 months; 留党察看: one year or two."""
        low, high = members.OBSERVATION_MONTHS if kind == members.OBSERVED \
            else members.EXTENSION_MONTHS
        self.months.blockSignals(True)
        self.months.setRange(low, high)
        self.months.setSingleStep(high - low if kind == members.OBSERVED else 1)
        self.months.blockSignals(False)

    def _first_probation_end(self) -> date | None:
        joined = self.member.join_date
        return add_years(date.fromisoformat(joined), 1) if joined else None

    def _probation_end(self) -> date | None:
        if self.member.category != "预备党员":
            return None
        return members.probation_ends(self.db, [self.member])[self.member.id]

    def save(self) -> None:
        on = self.when.editor.value()
        if on is None:
            self.when.show_message("请填写日期，如 2026-11-29", error=True)
            return
        kind = self.kind.currentText()
        if self._full_date_warning() and not self.reason.text().strip():
            self.reason_field.show_message(self._full_date_warning() + "：请填写在“原因/说明”中",
                                           error=True)
            self.reason.setFocus()
            return
        if kind in members.LEAVE_KINDS and not confirm(
                self, "确认变动", f"确定为{self.member.name}登记“{kind}”吗？登记后其不再计入应到人数。",
                yes="登记"):
            return
        try:
            self._record(kind, on)
        except ValidationError as exc:
            if not self._show_letter_errors(exc):
                show_error(self, exc)
            return
        except BranchdeskError as exc:
            show_error(self, exc)
            return
        self.accept()

    def _record(self, kind: str, on: date) -> None:
        if kind in (transfers.OUT, transfers.IN):
            letter = transfers.Letter(kind, on.isoformat(), self.letter_number.text(),
                                      self.place.text(), self.valid.value(), self.dues.text(),
                                      note=self.reason.text())
            record = transfers.transfer_out if kind == transfers.OUT else transfers.transfer_in
            record(self.db, self.member.id, letter)
            return
        timed = kind in ("延长预备期", members.OBSERVED)
        members.change_status(self.db, self.member.id, kind, on, self.reason.text(),
                              months=self.months.value() if timed else None)

    def _show_letter_errors(self, exc: ValidationError) -> bool:
        """Messages about the letter beside its fields (its date is the 日期 above)."""
        shown = False
        for key, text in exc.fields.items():
            field = self.letter_fields.get(key) or (self.when if key == "letter_date" else None)
            if field is not None:
                field.show_message(text, error=True)
                shown = True
        return shown
