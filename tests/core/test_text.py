"""Invisible format characters never reach the database."""

from __future__ import annotations

import sys
import unicodedata

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
