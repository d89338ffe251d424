"""The generator of fictional branches (testdata/fakedata.py, used by bench/): valid and repeatable."""

from datetime import date

import pytest

from branchdesk.core import attachments, idcard, meetings, members, rules, talks
from testdata import fakedata

TODAY = date(2026, 11, 29)


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    db = fakedata.create(tmp_path_factory.mktemp("fake") / "small.sqlite3", "small", today=TODAY)
    yield db
    db.close()


def test_every_id_number_is_valid_and_unique(small):
    everyone = members.list_members(small, include_left=True)
    numbers = [m.id_number for m in everyone]
    assert len(everyone) >= fakedata.SIZES["small"].members
    assert len(set(numbers)) == len(numbers)
    for m in everyone:
        info = idcard.parse(m.id_number)
        assert info.birth_date.isoformat() == m.birth_date and info.gender == m.gender
        assert m.phone.startswith(("1380000", "1390000"))


def test_roll_at_the_end_has_the_planned_size_and_history(small):
    assert len(members.roll_as_of(small, TODAY)) == fakedata.SIZES["small"].members
    kinds = {h["kind"] for m in members.list_members(small, include_left=True)
             for h in members.history(small, m.id)}
    assert {"转正", "停止党籍", "恢复党籍"} <= kinds and kinds & {"转出", "去世"}


def test_meetings_of_every_kind_with_attendance_and_attachments(small):
    found = meetings.list_meetings(small)
    assert {s.meeting.kind for s in found} == set(meetings.KINDS)
    assert all(s.counts.expected > 0 for s in found)
    assert any(s.counts.leave for s in found) and any(s.meeting.late_entry for s in found)
    general = next(s for s in found if s.meeting.kind == meetings.GENERAL)
    stored = attachments.list_for(small, attachments.MEETING, general.meeting.id)
    assert stored and attachments.path_of(small, stored[0]).read_bytes().startswith(b"\x89PNG")


def test_talks_and_the_rules_report_run_on_it(small):
    assert talks.list_talks(small, year=TODAY.year)
    report = rules.report(small, TODAY.year, TODAY)
    assert report.counts["total"] == fakedata.SIZES["small"].members
    assert report.grid and report.attendance_rate is not None


def test_no_scratch_files_left(small):
    assert not list(small.path.parent.glob(".fake-*"))


def test_same_seed_same_branch(tmp_path):
    def roster(name):
        db = fakedata.create(tmp_path / name, "small", today=TODAY)
        rows = [(m.name, m.id_number, m.status) for m in members.list_members(db, include_left=True)]
        db.close()
        return rows

    assert roster("a.sqlite3") == roster("b.sqlite3")


def test_the_lifecycle_shows_in_a_generated_branch(small):
    """A 失联 member, a 流动党员 with contacts and a pending 转出, so the findings and the
    转入/转出登记表 have something to show."""
    from branchdesk.core import transfers

    roll = [e.member for e in members.roll_as_of(small, TODAY)]
    assert any(m.lost_contact and m.lost_contact_date for m in roll)
    away = [m for m in roll if m.mobile and m.mobile_since]
    assert away and any(transfers.contacts(small, m.id) for m in away)
    assert transfers.pending_out_ids(small)
    rules_found = {f.rule for f in rules.report(small, TODAY.year, TODAY).findings}
    assert "lost_contact" in rules_found
    assert rules_found & {"transfer_receipt_due", "transfer_receipt_overdue"}
