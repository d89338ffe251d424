"""Invisible format characters never reach the database."""

from __future__ import annotations

import sys
import unicodedata

import pytest
from hypothesis import given, strategies as st

from branchdesk.core import branch, members, settings
from branchdesk.core.members import Member
from branchdesk.core.text import clean

FORMAT = [chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Cf"]


def test_every_format_character_of_this_unicode_version_is_removed():
    assert [hex(ord(c)) for c in FORMAT if clean("中" + c + "文") != "中文"] == []


@given(st.text(st.characters(blacklist_categories=("Cf", "Cs"))))
def test_other_text_is_untouched(text):
    assert clean(text) == text


def test_a_reversed_name_is_stored_as_typed_letters_only(fresh_db):
    stored = members.add(fresh_db, Member(name="\u202e三张\u200b", category="正式党员",
                                          notes="\ufeff备注"))
    stored = members.get(fresh_db, stored.id)
    assert (stored.name, stored.notes) == ("三张", "备注")
    settings.put(fresh_db, {"branch_name": "第一\u200d党支部"})
    assert settings.get(fresh_db, "branch_name") == "第一党支部"
    assert fresh_db.execute("SELECT name FROM party_groups WHERE id = ?",
                            [branch.ensure_group(fresh_db, "\u2066第一党小组\u2069")]).fetchone() == ("第一党小组",)


def test_appraisal_notes_and_attachment_names_are_stored_clean(fresh_db, tmp_path):
    from branchdesk.core import appraisals, attachments, meetings, members

    someone = members.add(fresh_db, members.Member(name="李四"))
    appraisals.save(fresh_db, 2025, {someone.id: ("合格", "\u200b表现\u202e好")})
    assert fresh_db.execute("SELECT note FROM appraisals").fetchone()[0] == "表现好"
    meeting = meetings.save(fresh_db, meetings.Meeting(kind=meetings.COMMITTEE, date="2026-03-05"))
    photo = tmp_path / "签到\u202egpj.exe"
    photo.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 100)
    added = attachments.add(fresh_db, attachments.MEETING, meeting.id, photo, note="\ufeff会场")
    assert (added.original_name, added.note) == ("签到gpj.exe", "会场")


@pytest.mark.parametrize("name", ["=1.pdf", "＝1.pdf", "－1.pdf", "'=1.pdf", "'x.pdf", "\t=1.pdf"])
def test_the_manifest_keeps_formula_like_names_as_text_and_reads_them_back(tmp_path, name):
    import csv
    import io

    from branchdesk.core.package import WrittenFile, manifest_text, read_manifest

    written = [WrittenFile(name, 1, "ab" * 32, name)]
    text = manifest_text(written)
    cells = list(csv.reader(io.StringIO(text)))[1]
    assert cells[0].startswith("'") and cells[3].startswith("'")
    (tmp_path / "清单.csv").write_text(text, encoding="utf-8-sig")
    assert read_manifest(tmp_path / "清单.csv") == written
