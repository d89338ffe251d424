"""The short branch name used in printed and ledger titles."""

from __future__ import annotations

from datetime import date

import pytest

from branchdesk.core import branch, settings
from branchdesk.core.ledger.roster import roster_table
from branchdesk.core.meetings import GENERAL, LECTURE, Meeting
from branchdesk.core.printing import minutes_page, signin_sheet

OFFICIAL = "中共星河机械厂第一支部委员会"


@pytest.mark.parametrize("full, short", [
    (OFFICIAL, "星河机械厂第一支部"),
    ("中国共产党星河机械厂第一支部委员会", "星河机械厂第一支部"),
    ("中共星河机械厂机关党支部", "星河机械厂机关党支部"),
    ("中共星河机械厂总支部委员会", "星河机械厂总支部"),
    ("  星河机械厂第一党支部 ", "星河机械厂第一党支部"),  # already short
    ("中共星河机械厂委员会", "星河机械厂委员会"),  # a 委员会 not of a 支部 stays
    ("中共", "中共"), ("", "")])
def test_short_name_drops_party_prefix_and_committee_suffix(full, short):
    assert branch.short_name(full) == short


def test_title_name_is_derived_until_set(fresh_db):
    assert branch.title_name(fresh_db) == ""
    settings.put(fresh_db, {"branch_name": OFFICIAL})
    assert branch.title_name(fresh_db) == "星河机械厂第一支部"
    settings.put(fresh_db, {"branch_short_name": "星河一支部"})
    assert branch.title_name(fresh_db) == "星河一支部"
    settings.put(fresh_db, {"branch_short_name": "  "})  # cleared: derived again
    assert branch.title_name(fresh_db) == "星河机械厂第一支部"


def test_exported_files_are_headed_by_the_title_name_or_a_plain_word(fresh_db):
    assert branch.heading_name(fresh_db) == "党支部"  # no name yet
    settings.put(fresh_db, {"branch_name": OFFICIAL})
    assert branch.heading_name(fresh_db) == "星河机械厂第一支部"


def test_official_name_does_not_say_committee_in_titles(fresh_db):
    """"中共××第一支部委员会" used to print "…支部委员会支部党员大会签到表"."""
    settings.put(fresh_db, {"branch_name": OFFICIAL})
    meeting = Meeting(kind=GENERAL, date="2026-03-05")
    assert signin_sheet(fresh_db, meeting).title == "星河机械厂第一支部党员大会签到表"
    assert minutes_page(fresh_db, meeting).title == "星河机械厂第一支部党员大会记录"
    lecture = Meeting(kind=LECTURE, date="2026-03-05")
    assert signin_sheet(fresh_db, lecture).title == "星河机械厂第一支部党课签到表"
    assert roster_table(fresh_db, date(2026, 3, 5)).title == "星河机械厂第一支部党员花名册"


def test_ledger_titles_use_the_short_name_and_the_cover_the_full_one(fresh_db, tmp_path):
    from openpyxl import load_workbook

    from branchdesk.core.ledger.yearly import export_ledger

    settings.put(fresh_db, {"branch_name": OFFICIAL})
    path = export_ledger(fresh_db, tmp_path / "台账.xlsx", year=2026)
    wb = load_workbook(path)
    titles = [ws["A1"].value for ws in wb.worksheets[1:]]
    assert all(str(t).startswith("星河机械厂第一支部") for t in titles), titles
    assert not any("委员会支部" in str(t) for t in titles)
    cover = [str(c.value) for row in wb.worksheets[0].iter_rows() for c in row if c.value]
    assert "星河机械厂第一支部工作台账（2026年度）" in cover and OFFICIAL in cover
