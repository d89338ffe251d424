"""Where the window shows each kind of record: the tab (or dialog) that a 工作台 finding or
grid cell opens. The checks only say which record they mean (rules.points_at); this module
is the one place that knows the window's tabs.

No Qt here, so the command line's ``check --json`` names the same place the window opens.
"""

from __future__ import annotations

from branchdesk.core import rules
from branchdesk.core.meetings import THEME_DAY

# Tabs by their key in MainWindow (members, meetings, theme_days, talks, recruits, dues) and the
# two places that are dialogs: the 民主评议 dialog and 支部信息 (the profile).
_PLACES = {rules.MEMBER: "members", rules.MEETING: "meetings", rules.TALK: "talks",
           rules.APPRAISAL: "appraisal", rules.BRANCH: "profile", rules.RECRUIT: "recruits",
           rules.DUES: "dues"}


def tab_for(target: dict) -> str:
    """The place that shows ``target`` (a finding's or a cell's): a 主题党日 is on its own tab."""
    record = target.get("record")
    if record == rules.MEETING and target.get("kind") == THEME_DAY:
        return "theme_days"
    return _PLACES.get(record, "")
