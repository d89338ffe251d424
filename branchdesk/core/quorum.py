"""Who may vote at a meeting, and whether enough of them came (docs/rules.md, Quorum and elections).

有表决权 means a 正式党员 who is neither under 留党察看 nor with 党籍 stopped on the meeting
date (members.RollEntry.votes). 预备党员 attend a 党员大会 and are on its sign-in sheet, but
the quorum is counted over voting members only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from branchdesk.core.db import Database

from branchdesk.core import members
from branchdesk.core.meetings import GENERAL, PRESENT, AttendanceEntry, DecisiveMeeting, Meeting


@dataclass(frozen=True)
class VotingCounts:
    """应到 and 实到 counted over the members with a vote. ``excused``: absentees of a 换届选举
    meeting left out of ``expected`` (经批准不计入应到会人数)."""

    expected: int
    present: int
    excused: int = 0


def voting_counts(attendance: list[AttendanceEntry], voters: set[int]) -> VotingCounts:
    """Count ``attendance`` over ``voters`` (the ids with a vote on the meeting date)."""
    rows = [a for a in attendance if a.member_id in voters]
    excused = sum(1 for a in rows if a.excused and a.status != PRESENT)
    present = sum(1 for a in rows if a.status == PRESENT)
    return VotingCounts(len(rows) - excused, present, excused)


def voters_on(db: Database, on: date, *, book: members.RollBook | None = None) -> set[int]:
    """The ids of the members with a vote on ``on``. ``book``: a RollBook already read."""
    return {e.member.id for e in (book or members.RollBook(db)).on(on) if e.votes}


def meeting_counts(db: Database, meeting: Meeting, *,
                   book: members.RollBook | None = None) -> VotingCounts:
    """The voting counts of a recorded meeting, by the roll on its date."""
    return voting_counts(meeting.attendance, voters_on(db, meeting.the_date, book=book))


def half_present(present: int, expected: int, *, more_than_half: bool = False) -> bool:
    """半数以上 came (条例 第十一条, 第十二条). In Chinese legal usage 以上 includes the number
    itself, so exactly half is enough; ``more_than_half`` (a setting, for localities that
    read it as 过半数) needs more than half."""
    if more_than_half:
        return present * 2 > expected
    return present * 2 >= expected


def election_present(present: int, expected: int, pct: int = 80) -> bool:
    """An election is valid only when those with a vote who came are more than ``pct``% (four
    fifths) of those expected, excused absentees left out (选举工作条例)."""
    return present * 100 > expected * pct


def shortfall(counts: VotingCounts, conf: dict, *, election: bool = False) -> str | None:
    """What is wrong with a meeting's attendance for its decisions, or None when enough of
    those with a vote came. ``conf``: the settings (quorum_more_than_half,
    election_quorum_pct)."""
    if election:
        pct = conf["election_quorum_pct"]
        if election_present(counts.present, counts.expected, pct):
            return None
        share = "五分之四" if pct == 80 else f"{pct}%"
        return (f"有选举权的党员到会 {counts.present} 人，未超过应到会 {counts.expected} 人的"
                f"{share}，不能进行选举")
    strict = conf["quorum_more_than_half"]
    if half_present(counts.present, counts.expected, more_than_half=strict):
        return None
    short = "未超过" if strict else "不到"
    return (f"有表决权的党员到会 {counts.present} 人，{short}应到 {counts.expected} 人的半数，"
            "会议作出的决定可能无效")


def decisive_counts(meeting: DecisiveMeeting, book: members.RollBook) -> VotingCounts:
    """The voting counts of a 党员大会 (who had a vote on its date) or a 支委会 (every
    committee member expected, 条例 第十二条: 半数以上委员到会)."""
    marks = [AttendanceEntry(m.member_id, status=m.status, excused=m.excused)
             for m in meeting.marks]
    if meeting.kind != GENERAL:
        return voting_counts(marks, {m.member_id for m in meeting.marks})
    return voting_counts(marks, {m.member_id for m in meeting.marks
                                 if book.votes(m.member_id, meeting.date)})
