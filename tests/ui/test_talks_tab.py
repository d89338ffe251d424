

from branchdesk.core import branch, members, talks
from branchdesk.ui.dialogs.talk_dialog import TalkDialog
from branchdesk.ui.talks_tab import TalksTab


def make_branch(db):
    ids = {n: members.add(db, members.Member(name=n, join_date="2000-01-01")).id
           for n in ("书记甲", "委员乙", "党员丙")}
    branch.save_committee(db, [branch.CommitteeSeat(None, ids["书记甲"], "书记"),
                               branch.CommitteeSeat(None, ids["委员乙"], "组织委员")])
    return ids


def test_add_talk_from_a_coverage_gap(app, fresh_db, qtbot, monkeypatch):
    ids = make_branch(fresh_db)
    tab = TalksTab(fresh_db)
    qtbot.addWidget(tab)
    assert [tab.uncovered.item(i).text() for i in range(tab.uncovered.count())] == ["党员丙"]

    def fill_and_save(dialog):
        assert dialog.talker.currentData() == ids["书记甲"]
        assert dialog.target_ids() == [ids["党员丙"]]
        assert "党员丙" in dialog.chosen.text()
        dialog.topic.setText("了解思想状况")
        dialog.save()
        return dialog.result()

    monkeypatch.setattr(TalkDialog, "exec", fill_and_save)
    tab.uncovered.itemDoubleClicked.emit(tab.uncovered.item(0))
    assert tab.uncovered.count() == 0
    saved = talks.list_talks(fresh_db)[0]
    assert (saved.talker_name, saved.target_names, saved.topic) == ("书记甲", ["党员丙"], "了解思想状况")
    assert tab.model.rowCount() == 1


def test_committee_pair_gap_and_grid(app, fresh_db, qtbot, monkeypatch):
    make_branch(fresh_db)
    tab = TalksTab(fresh_db)
    qtbot.addWidget(tab)
    assert tab.committee_gaps.item(0).text() == "书记甲 — 委员乙"
    cell = tab.grid.item(2, 1)  # 党员丙 × 委员乙
    assert cell.text() == "未谈"
    monkeypatch.setattr(TalkDialog, "exec", lambda d: (d.save(), d.result())[1])
    tab.grid.cellDoubleClicked.emit(2, 1)
    assert tab.grid.item(2, 1).text() == "1次"
    assert talks.list_talks(fresh_db)[0].talker_name == "委员乙"
    # 党员丙 has talked with a 支委 now: the cell of the other 支委 is no longer a gap …
    other = tab.grid.item(2, 0)
    assert other.text() == "" and "不是缺口" in other.toolTip()
    # … while a pair of 支委 who have not talked still is
    assert tab.grid.item(1, 0).text() == "未谈"


def test_dialog_requires_talker_and_target_and_keeps_input(app, fresh_db, qtbot):
    make_branch(fresh_db)
    dialog = TalkDialog(fresh_db)
    qtbot.addWidget(dialog)
    dialog.topic.setText("主题不丢")
    dialog.save()
    assert dialog.result() == 0
    assert "谈话人" in dialog.talker_field.message.text()
    assert "谈话对象" in dialog.targets_field.message.text()
    assert dialog.topic.text() == "主题不丢"
    assert talks.list_talks(fresh_db) == []


def test_outside_talker_and_filter(app, fresh_db, qtbot):
    ids = make_branch(fresh_db)
    dialog = TalkDialog(fresh_db)
    qtbot.addWidget(dialog)
    dialog.talker.setCurrentIndex(dialog.talker.count() - 1)
    assert dialog.talker_name.isEnabled()
    dialog.talker_name.setText("上级党委书记")
    dialog.target_filter.setText("sj")
    visible = [dialog.targets.item(i).text() for i in range(dialog.targets.count())
               if not dialog.targets.item(i).isHidden()]
    assert visible == ["书记甲"]
    dialog.set_targets([ids["书记甲"]])
    dialog.when.editor.setText("2026.3.5")
    dialog.save()
    saved = talks.list_talks(fresh_db)[0]
    assert (saved.talker_name, saved.date, saved.talker_id) == ("上级党委书记", "2026-03-05", None)


def test_model_and_search(app, demo_db, qtbot, qtmodeltester):
    tab = TalksTab(demo_db)
    qtbot.addWidget(tab)
    qtmodeltester.check(tab.model)
    total = tab.proxy.rowCount()
    assert total > 20
    tab.search.setText("组织生活会")
    assert tab.proxy.rowCount() == 0  # occasion is not searched; topic text is
    tab.search.setText("征求")
    assert 0 < tab.proxy.rowCount() < total
    assert tab.count_label.text() == f"显示 {tab.proxy.rowCount()} 条（共 {total} 条）"
    tab.search.setText("")
    assert tab.count_label.text() == f"共 {total} 条"


def test_register_search_finds_people_by_pinyin_initials(app, fresh_db, qtbot):
    ids = make_branch(fresh_db)
    talks.save(fresh_db, talks.Talk(date="2026-03-05", talker_id=ids["书记甲"],
                                    target_ids=[ids["委员乙"]], topic="了解思想动态"))
    tab = TalksTab(fresh_db)
    qtbot.addWidget(tab)
    tab.year.setCurrentIndex(tab.year.findData(2026))
    assert tab.proxy.rowCount() == 1
    tab.search.setText("wyy")  # 委员乙, by initials
    assert tab.proxy.rowCount() == 1
    tab.search.setText("shuji")  # 书记甲, by pinyin
    assert tab.proxy.rowCount() == 1
    tab.search.setText("zzz")
    assert tab.proxy.rowCount() == 0


def test_topic_column_takes_the_spare_width(app, demo_db, qtbot):
    from branchdesk.ui.talks_tab import TOPIC_COLUMN

    tab = TalksTab(demo_db)
    qtbot.addWidget(tab)
    assert tab.model.column_titles()[TOPIC_COLUMN] == "主题"
    assert "落实情况" in tab.model.column_titles()
