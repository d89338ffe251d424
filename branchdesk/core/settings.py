"""Branch profile and rule thresholds: one table of defaults, tolerant loading.

Values are stored as JSON in the ``settings`` table. A missing key takes its default; a
stored value of the wrong type falls back to the default with a log line.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

from branchdesk.core.db import Database

from branchdesk.core.db import ensure_writable
from branchdesk.core.text import clean_values

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Setting:
    key: str
    default: Any
    label: str
    group: str  # 'profile', 'rules', 'dues', 'app', 'backup' or 'checks'
    minimum: int | None = None
    maximum: int | None = None


_SETTINGS = [
    # Branch profile (支部基本情况)
    Setting("branch_name", "", "支部名称", "profile"),
    # The name in printed and ledger titles; "" derives it from branch_name (branch.short_name).
    Setting("branch_short_name", "", "标题中的支部名称", "profile"),
    Setting("parent_org", "", "上级党组织", "profile"),
    Setting("secretary_name", "", "支部书记", "profile"),
    Setting("term_start", "", "本届支委会选举日期", "profile"),
    Setting("term_years", 3, "任期（年）", "profile", 1, 5),
    Setting("setup_done", False, "已完成初始设置", "app"),
    # Written by core/demo.py: only such a file may be replaced by a new demo branch.
    Setting("is_demo", False, "演示支部（虚构数据）", "app"),
    # Screen lock (core/screen_lock.py): "" means no password; otherwise an scrypt hash, never the text.
    Setting("lock_password", "", "锁定密码（散列值）", "app"),
    Setting("lock_idle_minutes", 10, "无操作几分钟后自动锁定", "app", 1, 240),
    # Automatic backups (core/backup.py): the thinned history kept in the backups folder.
    Setting("backup_interval_minutes", 30, "有修改时每隔几分钟自动备份", "backup", 5, 1440),
    Setting("backup_keep_daily", 12, "保留最近几天的每日备份", "backup", 1, 366),
    Setting("backup_keep_weekly", 10, "保留最近几周的每周备份", "backup", 0, 520),
    Setting("backup_keep_monthly", 9, "保留最近几个月的每月备份", "backup", 0, 1200),
    Setting("backup_max_mb", 500, "备份最多占用空间（MB）", "backup", 10, 1_000_000),
    # The day the 工作台 starts checking: months that ended before it and have no record are
    # "开始记录之前", not 缺项 (a branch that starts using the app in November). "" checks all.
    Setting("records_start", "", "开始检查的日期", "checks"),
    # Rule thresholds: docs/rules.md gives each one's source. Local rules differ, so all are
    # editable (设置 → 检查规则).
    Setting("late_entry_days", 3, "会后超过几天录入视为补录", "rules", 0, 365),
    Setting("branch_size_warn", 50, "支部党员人数上限（超出提示）", "rules", 3, 1000),
    Setting("committee_required_at", 7, "正式党员达到几人须设支委会", "rules", 3, 100),
    Setting("committee_min_size", 3, "支委会至少几人（不足视为未设支委会）", "rules", 2, 9),
    Setting("committee_max_size", 7, "支委会一般不超过几人（超出提示）", "rules", 3, 15),
    Setting("quorum_more_than_half", False, "党员大会到会须超过半数（恰好一半不算）", "rules"),
    Setting("election_quorum_pct", 80, "换届选举：到会须超过应到会人数的百分之几", "rules", 50, 100),
    Setting("life_window_month", 3, "年度组织生活会、民主评议可延至次年几月底", "rules", 0, 12),
    Setting("probation_warn_days", 60, "预备期满前几天提醒", "rules", 1, 365),
    Setting("term_warn_days", 90, "换届前几天提醒", "rules", 1, 365),
    Setting("absent_streak", 3, "连续缺席几次提醒", "rules", 1, 24),
    Setting("inactive_months", 6, "连续几个月未参加组织生活提醒", "rules", 1, 24),
    # The member lifecycle (core/lifecycle.py; 党员教育管理工作条例 第二十五、三十四条).
    Setting("lost_contact_months", 6, "失联满几个月提醒启动停止党籍程序", "rules", 1, 24),
    Setting("suspended_years", 2, "停止党籍满几年仍无法联系，提醒按程序除名", "rules", 1, 10),
    Setting("mobile_months", 6, "外出满几个月未转组织关系即为流动党员", "rules", 1, 24),
    Setting("mobile_contact_months", 6, "流动党员几个月没有联系记录提醒", "rules", 1, 24),
    Setting("abroad_contact_months", 6, "出国出境党员几个月没有联系记录提醒", "rules", 1, 24),
    Setting("transfer_letter_months", 3, "组织关系介绍信有效期（月）", "rules", 1, 12),
    Setting("excellent_ratio_pct", 33, "民主评议优秀比例上限（%）", "rules", 1, 100),
    Setting("freq_general_meeting_months", 3, "支部党员大会：每几个月至少一次", "rules", 1, 12),
    Setting("freq_committee_months", 1, "支委会：每几个月至少一次", "rules", 1, 12),
    Setting("freq_group_months", 1, "党小组会：每几个月至少一次", "rules", 1, 12),
    Setting("freq_lecture_months", 3, "党课：每几个月至少一次", "rules", 1, 12),
    Setting("freq_theme_day_months", 1, "主题党日：每几个月至少一次", "rules", 1, 12),
    # 发展党员 (core/recruitment.py; docs/rules.md gives the 细则 article of each).
    Setting("recruit_talk_days", 30, "发展党员：收到入党申请书后几天内派人谈话", "rules", 1, 366),
    Setting("recruit_review_months", 6, "发展党员：入党积极分子每几个月考察一次", "rules", 1, 12),
    Setting("recruit_report_months", 3, "发展党员：每几个月交一次思想汇报", "rules", 1, 12),
    Setting("recruit_cultivate_months", 12, "发展党员：培养教育至少几个月方可列为发展对象", "rules", 1, 60),
    Setting("recruit_training_days", 3, "发展党员：集中培训至少几天", "rules", 1, 30),
    Setting("recruit_training_hours", 24, "发展党员：或集中培训至少几个学时", "rules", 1, 240),
    Setting("recruit_approval_months", 3, "发展党员：支部大会后几个月内上级党委审批", "rules", 1, 12),
    Setting("recruit_approval_max_months", 6, "发展党员：审批经批准延长后最长几个月", "rules", 1, 12),
    Setting("recruit_publicity", True, "发展党员：接收预备党员前须公示", "rules"),
    Setting("dues_unpaid_warn_months", 3, "党费：未交满几个月提醒", "rules", 1, 24),
    Setting("dues_unpaid_leave_months", 6, "党费：连续几个月未交提示谈话（党章第九条）", "rules", 1, 24),
    # 党费 (core/dues.py): 中组发〔2008〕3号 national defaults; docs/rules.md gives the articles.
    # Band limits in 元 (inclusive upper limits), rates in 万分之一 (50 = 0.5%), amounts in 分.
    Setting("dues_band1_max", 3000, "在职党员：第一档上限（元，含）", "dues", 1, 1_000_000),
    Setting("dues_band2_max", 5000, "在职党员：第二档上限（元，含）", "dues", 1, 1_000_000),
    Setting("dues_band3_max", 10000, "在职党员：第三档上限（元，含）", "dues", 1, 1_000_000),
    Setting("dues_rate1_bp", 50, "在职党员：第一档比例（万分之）", "dues", 0, 10000),
    Setting("dues_rate2_bp", 100, "在职党员：第二档比例（万分之）", "dues", 0, 10000),
    Setting("dues_rate3_bp", 150, "在职党员：第三档比例（万分之）", "dues", 0, 10000),
    Setting("dues_rate4_bp", 200, "在职党员：第四档比例（万分之）", "dues", 0, 10000),
    Setting("dues_retired_band_max", 5000, "离退休党员：第一档上限（元，含）", "dues", 1, 1_000_000),
    Setting("dues_retired_rate1_bp", 50, "离退休党员：第一档比例（万分之）", "dues", 0, 10000),
    Setting("dues_retired_rate2_bp", 100, "离退休党员：第二档比例（万分之）", "dues", 0, 10000),
    Setting("dues_farmer_fen", 50, "农民党员：每月交纳（分，0.2～1元）", "dues", 20, 100),
    Setting("dues_flat_fen", 20, "学生、下岗失业等党员：每月交纳（分）", "dues", 0, 10000),
    Setting("dues_round_jiao", False, "应交金额计算到角（默认到分）", "dues"),
    Setting("dues_prepay", True, "允许预交以后月份的党费", "dues"),
    Setting("dues_makeup_months", 6, "补交一般不超过几个月（超出在台账中注明）", "dues", 1, 60),
]
SETTINGS = {s.key: s for s in _SETTINGS}


def get(db: Database, key: str) -> Any:
    spec = SETTINGS[key]
    row = db.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
    if row is None:
        return spec.default
    return _coerce(spec, row[0])


def _coerce(spec: Setting, raw: str) -> Any:
    try:
        value = json.loads(raw)
    except ValueError:
        value = None
    if type(value) is not type(spec.default):
        log.warning("setting %s has a bad stored value; using default", spec.key)
        return spec.default
    if isinstance(value, int) and not isinstance(value, bool):
        if (spec.minimum is not None and value < spec.minimum) or (
            spec.maximum is not None and value > spec.maximum
        ):
            log.warning("setting %s out of range; using default", spec.key)
            return spec.default
    return value


def get_all(db: Database) -> dict[str, Any]:
    stored = {row[0]: row[1] for row in db.execute("SELECT key, value FROM settings")}
    return {k: (_coerce(s, stored[k]) if k in stored else s.default) for k, s in SETTINGS.items()}


def put(db: Database, values: dict[str, Any]) -> None:
    """Store several settings in one transaction. Unknown keys are a programming error."""
    ensure_writable(db)
    for key in values:
        if key not in SETTINGS:
            raise KeyError(key)
    with db.atomic():
        for key, value in clean_values(values).items():
            db.execute(
                "INSERT INTO settings(key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [key, json.dumps(value, ensure_ascii=False)],
            )


def reset_rules(db: Database) -> None:
    ensure_writable(db)
    keys = [s.key for s in _SETTINGS if s.group == "rules"]
    with db.atomic():
        db.execute(f"DELETE FROM settings WHERE key IN ({','.join('?' * len(keys))})", keys)


def rule_settings() -> list[Setting]:
    return [s for s in _SETTINGS if s.group == "rules"]


def dues_settings() -> list[Setting]:
    """The 党费 rates, bands, rounding and flat amounts (设置 → 党费标准)."""
    return [s for s in _SETTINGS if s.group == "dues"]


def reset_dues(db: Database) -> None:
    ensure_writable(db)
    keys = [s.key for s in dues_settings()]
    with db.atomic():
        db.execute(f"DELETE FROM settings WHERE key IN ({','.join('?' * len(keys))})", keys)


def backup_settings() -> list[Setting]:
    return [s for s in _SETTINGS if s.group == "backup"]
