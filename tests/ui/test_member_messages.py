"""Messages under the member form's fields follow the fields as they are edited: a corrected
value loses its red message at once, not only at the next 保存. All numbers are fictional."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from branchdesk.core import members
from branchdesk.ui.dialogs.member_dialog import MemberDialog

WRONG_CHECK = "110105194912310021"  # the check character should be X
RIGHT = "11010519491231002X"


def message(dialog, name: str) -> str:
    field = dialog.fields[name]
    return "" if field.message.isHidden() else field.message.text()


def test_corrected_id_number_loses_its_message_before_saving(app, fresh_db, qtbot):
    dialog = MemberDialog(fresh_db)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.fields["name"].editor.setText("赵六")
    qtbot.keyClicks(dialog.fields["id_number"].editor, WRONG_CHECK)
    dialog.save()
    assert "校验位不正确" in message(dialog, "id_number")
    editor = dialog.fields["id_number"].editor
    qtbot.keyClick(editor, Qt.Key.Key_Backspace)
    assert message(dialog, "id_number") == "身份证号应为18位（最后一位可以是X）"  # says why now
    qtbot.keyClicks(editor, "x")
    assert message(dialog, "id_number") == ""  # right now: no red line left under it
    assert members.count(fresh_db) == 0  # nothing saved by the check


def test_leaving_a_field_with_a_wrong_value_says_so(app, fresh_db, qtbot):
    dialog = MemberDialog(fresh_db)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    editor = dialog.fields["id_number"].editor
    editor.setFocus()
    qtbot.keyClicks(editor, WRONG_CHECK)
    assert message(dialog, "id_number") == ""  # not while typing a field that had no message
    qtbot.keyClick(editor, Qt.Key.Key_Tab)
    assert "校验位不正确" in message(dialog, "id_number")
    assert message(dialog, "name") == ""  # 请填写姓名 waits for 保存


def test_a_warning_follows_the_field_it_depends_on(app, fresh_db, qtbot, monkeypatch):
    """性别与身份证号不一致 goes when either the 性别 or the number is put right."""
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    dialog = MemberDialog(fresh_db)
    qtbot.addWidget(dialog)
    dialog.fields["name"].editor.setText("钱七")
    dialog.fields["id_number"].editor.setText(RIGHT)
    dialog.fields["gender"].editor.setCurrentText("男")
    dialog.fields["phone"].editor.setText("12345")
    dialog.save()
    assert "性别与身份证号不一致" in message(dialog, "gender")
    assert "联系电话格式不对" in message(dialog, "phone")
    dialog.fields["gender"].editor.setCurrentText("女")
    assert message(dialog, "gender") == ""
    assert "联系电话格式不对" in message(dialog, "phone")  # other fields keep theirs
    assert message(dialog, "name") == ""  # and fields without a message stay quiet


def test_a_message_from_saving_goes_when_its_field_is_edited(app, fresh_db, qtbot):
    """身份证号已被使用 comes from the database at 保存; editing the number clears it."""
    members.add(fresh_db, members.Member(name="孙八", id_number=RIGHT))
    dialog = MemberDialog(fresh_db)
    qtbot.addWidget(dialog)
    dialog.fields["name"].editor.setText("周九")
    dialog.fields["id_number"].editor.setText(RIGHT)
    dialog.save()
    duplicate = message(dialog, "id_number")
    assert duplicate and members.count(fresh_db) == 1
    dialog.fields["name"].editor.setText("周九九")
    assert message(dialog, "id_number") == duplicate  # still the same number
    dialog.fields["id_number"].editor.setText("")
    assert message(dialog, "id_number") == ""
