"""民主评议: grades per year, who is listed, the 优秀 share warning. All names are fictional."""

import pytest

from branchdesk.core import appraisals
from branchdesk.core.errors import ValidationError
from tests.core.test_meetings import add_member, names


def test_excellent_warning_at_exactly_a_third_is_silent():
    grades = {1: ("优秀", ""), 2: ("合格", ""), 3: ("合格", ""), 4: ("不参加评议", "")}
    assert appraisals.excellent_warning(grades, 33) is None


def test_excellent_warning_above_a_third():
    grades = {1: ("优秀", ""), 2: ("优秀", ""), 3: ("合格", ""), 4: ("合格", ""), 5: ("合格", "")}
    warning = appraisals.excellent_warning(grades, 33)
    assert warning and "40%" in warning


def test_appraisal_round_trip_and_candidates(fresh_db):
    a = add_member(fresh_db, "甲一")
    b = add_member(fresh_db, "乙二", category="预备党员", join="2025-03-01")
    add_member(fresh_db, "丙三", join="2026-01-01", full=None, category="预备党员")
    assert names(e.member for e in appraisals.candidates(fresh_db, 2025)) == ["乙二", "甲一"]
    appraisals.save(fresh_db, 2025, {a.id: ("优秀", " 表现突出 "),
                                     b.id: (appraisals.NOT_GRADED, "")})
    assert appraisals.grades(fresh_db, 2025) == {a.id: ("优秀", "表现突出"),
                                                 b.id: ("不参加评议", "")}
    with pytest.raises(ValidationError):
        appraisals.save(fresh_db, 2025, {a.id: ("很好", "")})
