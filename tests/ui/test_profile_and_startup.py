from datetime import date
import sqlite3

from PySide6.QtWidgets import QMessageBox

from branchdesk.core import branch, members, settings
from branchdesk.core.db import open_db
from branchdesk.core.migrations import latest_version
from branchdesk.ui import startup
from branchdesk.ui.dialogs.profile_dialog import ProfileDialog


def test_first_run_profile_saves_branch_groups(app, fresh_db, qtbot):
    dialog = ProfileDialog(fresh_db, first_run=True)
    qtbot.addWidget(dialog)
    assert dialog.committee is None  # no members yet: committee is set later
    dialog.save()
    assert "请填写支部名称" in dialog.branch_name.message.text()
    dialog.branch_name.editor.setText("测试单位第一党支部")
    dialog.parent_org.setText("中共测试单位委员会")
    dialog.term_start.editor.setText("2024.12.20")
    dialog.add_group()
    dialog.add_group()
    dialog.save()
    assert dialog.result() == 1
    assert settings.get(fresh_db, "branch_name") == "测试单位第一党支部"
    assert settings.get(fresh_db, "term_start") == "2024-12-20"
    assert [g.name for g in branch.groups(fresh_db)] == ["第一党小组", "第二党小组"]
    assert not startup.needs_setup(fresh_db)
    today = date.today()  # the 工作台 checks from the month the branch started using the app
    assert settings.get(fresh_db, "records_start") == date(today.year, today.month, 1).isoformat()


def test_profile_sets_committee_and_secretary(app, fresh_db, qtbot):
    a = members.add(fresh_db, members.Member(name="甲"))
    members.add(fresh_db, members.Member(name="乙"))
    settings.put(fresh_db, {"branch_name": "某支部", "setup_done": True})
    dialog = ProfileDialog(fresh_db)
    qtbot.addWidget(dialog)
    dialog._add_seat("书记", a.id)
    dialog.save()
    assert [(s.member_name, s.role) for s in branch.committee(fresh_db)] == [("甲", "书记")]
    assert settings.get(fresh_db, "secretary_name") == "甲"


def test_start_with_too_new_file_opens_read_only(app, db_path, monkeypatch):
    open_db(db_path).close()
    conn = sqlite3.connect(db_path)
    conn.execute(f"PRAGMA user_version = {latest_version() + 5}")
    conn.commit()
    conn.close()
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: warnings.append(a[2]))
    db = startup.open_start_database(db_path)
    assert db.read_only and "只读" in warnings[0]


def test_first_run_can_open_the_demo(app, db_path, monkeypatch):
    monkeypatch.setattr(startup.WelcomeDialog, "exec", lambda self: startup.WelcomeDialog.DEMO)
    db = startup.open_start_database(db_path)
    assert db.path.name == startup.DEMO_FILENAME
    assert members.count(db) > 30
    assert members.count(open_db(db_path)) == 0  # the user's own file stays empty


def test_renaming_and_reordering_groups_keeps_members(app, fresh_db, qtbot):
    branch.save_groups(fresh_db, ["第一党小组", "第二党小组"])
    first = branch.groups(fresh_db)[0].id
    members.add(fresh_db, members.Member(name="甲", group_id=first))
    settings.put(fresh_db, {"branch_name": "某支部", "setup_done": True})
    dialog = ProfileDialog(fresh_db)
    qtbot.addWidget(dialog)
    dialog.groups.item(0).setText("机关党小组")
    dialog.groups.setCurrentRow(1)
    dialog._move_group(-1)
    dialog.save()
    assert [g.name for g in branch.groups(fresh_db)] == ["第二党小组", "机关党小组"]
    assert members.list_members(fresh_db)[0].group_name == "机关党小组"


def test_deleting_a_group_with_members_is_refused(app, fresh_db, qtbot, monkeypatch):
    from branchdesk.ui.dialogs import profile_dialog

    branch.save_groups(fresh_db, ["第一党小组"])
    members.add(fresh_db, members.Member(name="甲", group_id=branch.groups(fresh_db)[0].id))
    dialog = ProfileDialog(fresh_db)
    qtbot.addWidget(dialog)
    dialog.branch_name.editor.setText("某支部")
    shown = []
    monkeypatch.setattr(profile_dialog, "show_error", lambda parent, exc: shown.append(str(exc)))
    dialog.groups.setCurrentRow(0)
    dialog.remove_group()
    dialog.save()
    assert shown and "还有党员" in shown[0]
    assert [g.name for g in branch.groups(fresh_db)] == ["第一党小组"]


def test_title_name_follows_the_full_name_until_edited(app, fresh_db, qtbot):
    """The short name for titles is derived as the full name is typed, can be changed, and
    what is saved is what the sign-in sheet prints."""
    from branchdesk.core.meetings import GENERAL, Meeting
    from branchdesk.core.printing import signin_sheet

    dialog = ProfileDialog(fresh_db, first_run=True)
    qtbot.addWidget(dialog)
    dialog.branch_name.editor.setText("中共星河机械厂第一支部委员会")
    assert dialog.short_name.text() == "星河机械厂第一支部"
    dialog.save()
    assert settings.get(fresh_db, "branch_short_name") == "星河机械厂第一支部"
    meeting = Meeting(kind=GENERAL, date="2026-03-05")
    assert signin_sheet(fresh_db, meeting).title == "星河机械厂第一支部党员大会签到表"

    dialog = ProfileDialog(fresh_db)
    qtbot.addWidget(dialog)
    dialog.short_name.setText("星河一支部")
    dialog.branch_name.editor.setText("中共星河机械厂第二支部委员会")
    assert dialog.short_name.text() == "星河一支部"  # written by hand: kept
    dialog.save()
    assert signin_sheet(fresh_db, meeting).title == "星河一支部党员大会签到表"


def test_each_group_gets_its_leader_from_its_own_members(app, fresh_db, qtbot):
    branch.save_groups(fresh_db, ["第一党小组", "第二党小组"])
    first, second = [g.id for g in branch.groups(fresh_db)]
    a = members.add(fresh_db, members.Member(name="甲", group_id=first, join_date="2000-01-01"))
    members.add(fresh_db, members.Member(name="乙", group_id=second, join_date="2000-01-01"))
    settings.put(fresh_db, {"branch_name": "某支部", "setup_done": True})
    dialog = ProfileDialog(fresh_db)
    qtbot.addWidget(dialog)
    assert not dialog.leader.isEnabled()  # nothing selected yet
    dialog.groups.setCurrentRow(0)
    assert [dialog.leader.itemText(i) for i in range(dialog.leader.count())] == ["（未设）", "甲"]
    dialog.leader.setCurrentIndex(1)
    dialog.leader.activated.emit(1)
    dialog.add_group()
    assert not dialog.leader.isEnabled() and "保存后" in dialog.leader_note.text()
    dialog.groups.setCurrentRow(0)
    assert dialog.leader.currentText() == "甲"
    dialog.save()
    assert dialog.result() == 1
    assert [g.leader_id for g in branch.groups(fresh_db)][:2] == [a.id, None]
    dialog.show()
    dialog.grab().save("/tmp/profile_leader.png")


def test_start_in_a_folder_nobody_can_write_opens_read_only(app, db_path, monkeypatch):
    import errno
    import os

    from branchdesk.core import single_writer

    open_db(db_path).close()
    real_open = os.open

    def read_only_folder(path, flags, *args):  # as os.open answers in a read-only folder
        if str(path).endswith(".lock"):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, flags, *args)

    monkeypatch.setattr(single_writer.os, "open", read_only_folder)
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: warnings.append(a[2]))
    db = startup.open_start_database(db_path)
    assert db is not None and db.read_only
    assert "只读" in warnings[0] and "文件夹" in warnings[0]
    db.close()
