"""Reconcile our metrics with the platform's own 客服绩效 report (``shopkpi reconcile``).

For one period, every agent × metric of the imported platform report
(``platform_cs_report``) is set beside our value from ``metric_value`` (staff entity,
the same period bounds), with the difference (absolute and relative), a verdict, and the
likely reasons for a difference:

- the platform's 判定规则 differs from ours (``attribution.anchor`` in shopkpi.yaml), or our
  inquiry window / picker is not the platform's classic same-or-previous-day last touch;
- our conversion counts any order of the buyer (``attribution.conversion: buyer``), the
  platform only orders credited to the agent;
- our chat data does not cover the whole period (a window difference);
- auto-replies, which we never count as agent messages or responses;
- rounds and sessions opened outside service hours that we time from the next opening
  (``service_hours.out_of_hours``) or service hours other than 08:00–24:00, and a session
  split other than the platform's 10 min;
- a pending value on either side (``延迟统计``; our payment buffer);
- 上班天数 counted from the roster's shifts (``metrics.days_worked: shift``) versus days
  with a human reply (the platform's);
- the sub-account is not mapped to a staff member, or we have no value for the period.

Numbers agree when they are equal up to the platform's display precision (``98.5%`` is
0.985 ± 0.0005; whole counts must match exactly). Evidence for the reasons comes from the
derived tables (``chat_session``, ``reply_round``) and ``chat_message`` where they exist.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

import duckdb

from shopkpi.config.models import (
    AttributionAnchor,
    AttributionPicker,
    ConversionBasis,
    DaysWorkedBasis,
    InquiryWindow,
    OutOfHoursRule,
    ServiceWindow,
    ShopConfig,
    WorkspaceConfig,
)
from shopkpi.errors import ShopkpiError
from shopkpi.ingest.adapters.platform_report import (
    COLUMNS_BY_METRIC,
    RULE_LABELS,
    UNKNOWN_RULE,
    Unit,
)
from shopkpi.warehouse.db import scalar_int

PLATFORM_IDLE_MINUTES = 10  # the platform splits sessions after 10 idle minutes (FIELD §2)

# Our metric id for each platform metric id, where the catalog names it differently.
OUR_METRIC: dict[str, str] = {}

ATTRIBUTION_METRICS = frozenset({"inquiry_to_paid_rate", "cs_sales", "cs_paying_buyers"})
# Metrics an auto-reply would raise (+1) or lower (−1) if the platform counted it as the
# agent's: we never do, so a difference in that direction may be auto-replies.
AUTO_REPLY_EFFECT: dict[str, int] = {
    "total_messages": 1,
    "agent_messages": 1,
    "agent_chars": 1,
    "answer_question_ratio": 1,
    "reply_rate": 1,
    "received_buyers": 1,
    "direct_received_buyers": 1,
    "unreplied_buyers": -1,
    "first_response_seconds": -1,
    "avg_response_seconds": -1,
}
SERVICE_HOUR_METRICS = frozenset(
    {
        "first_response_seconds",
        "avg_response_seconds",
        "reply_within_3min_rate",
        "slow_reception_buyers",
    }
)
SESSION_METRICS = frozenset(
    {
        "avg_session_seconds",
        "long_reception_buyers",
        "max_concurrent_chats",
        "first_response_seconds",
    }
)


class ReconcileError(ShopkpiError):
    """Nothing to reconcile: no platform report for the period, or a bad period."""


class Verdict(StrEnum):
    agree = "agree"  # equal
    rounding = "rounding"  # equal up to the platform's display precision
    differ = "differ"
    pending = "pending"  # not final on one side
    missing = "missing"  # one side has no value


VERDICT_LABELS = {
    Verdict.agree: "一致",
    Verdict.rounding: "一致（四舍五入）",
    Verdict.differ: "有差异",
    Verdict.pending: "待定",
    Verdict.missing: "无法比较",
}


class Reason(StrEnum):
    unmapped = "unmapped"
    not_computed = "not_computed"
    not_in_catalog = "not_in_catalog"
    not_on_platform = "not_on_platform"
    pending_theirs = "pending_theirs"
    pending_ours = "pending_ours"
    rule = "rule"
    rule_unknown = "rule_unknown"
    window = "window"
    coverage = "coverage"
    auto_replies = "auto_replies"
    auto_unrecognised = "auto_unrecognised"
    conversion_basis = "conversion_basis"
    aftersale_boundary = "aftersale_boundary"
    service_hours = "service_hours"
    session_split = "session_split"
    days_basis = "days_basis"
    unexplained = "unexplained"


@dataclass(frozen=True)
class ReconcileRow:
    """One agent × metric: our value, theirs, the difference and its likely reasons."""

    account_nick: str | None
    staff_id: str | None
    staff_name: str | None
    metric_id: str
    metric_name: str
    ours: Decimal | None
    theirs: Decimal | None
    theirs_raw: str | None
    ours_status: str | None
    diff: Decimal | None
    rel_diff: Decimal | None
    verdict: Verdict
    reasons: tuple[Reason, ...]
    reason_text: str

    def as_dict(self) -> dict[str, object]:
        """JSON/CSV-ready: Decimals as strings (no float rounding), codes and Chinese text."""
        return {
            "staff_id": self.staff_id,
            "staff_name": self.staff_name,
            "account_nick": self.account_nick,
            "metric_id": self.metric_id,
            "metric_name": self.metric_name,
            "ours": _text(self.ours),
            "ours_status": self.ours_status,
            "theirs": _text(self.theirs),
            "theirs_raw": self.theirs_raw,
            "diff": _text(self.diff),
            "rel_diff": _text(self.rel_diff),
            "verdict": self.verdict.value,
            "verdict_label": VERDICT_LABELS[self.verdict],
            "reasons": [r.value for r in self.reasons],
            "reason_text": self.reason_text,
        }


@dataclass(frozen=True)
class Reconciliation:
    shop_id: str
    period_start: dt.date
    period_end: dt.date
    platform_rule: str  # anchor id, or ``unknown``
    our_rule: str
    rows: list[ReconcileRow] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def by_metric(self) -> dict[str, dict[Verdict, int]]:
        """Verdict counts per metric, in report order."""
        counts: dict[str, dict[Verdict, int]] = defaultdict(lambda: dict.fromkeys(Verdict, 0))
        for row in self.rows:
            counts[row.metric_id][row.verdict] += 1
        return dict(counts)

    def as_dict(self) -> dict[str, object]:
        return {
            "shop_id": self.shop_id,
            "period_start": self.period_start.isoformat(),
            "period_end": self.period_end.isoformat(),
            "platform_rule": self.platform_rule,
            "platform_rule_label": RULE_LABELS.get(self.platform_rule, self.platform_rule),
            "our_rule": self.our_rule,
            "notes": self.notes,
            "rows": [r.as_dict() for r in self.rows],
        }


def _text(value: Decimal | None) -> str | None:
    """Exact text without trailing zeros (as ``shopkpi show --format json`` writes values)."""
    if value is None:
        return None
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


# --- the comparison ------------------------------------------------------------------------


@dataclass
class _Evidence:
    """Facts from our data that explain differences, per staff member."""

    auto_messages: dict[str, int] = field(default_factory=dict)
    out_of_hours_rounds: dict[str, int] = field(default_factory=dict)
    out_of_hours_sessions: dict[str, int] = field(default_factory=dict)  # first response
    uncredited_conversions: dict[str, int] = field(default_factory=dict)  # paid, not ours
    aftersale_boundary: dict[str, int] = field(default_factory=dict)  # paid on day D − N
    shift_days: dict[str, int] = field(default_factory=dict)
    chat_first: dt.date | None = None
    chat_last: dt.date | None = None


@dataclass(frozen=True)
class _Ours:
    value: Decimal | None
    status: str | None


@dataclass(frozen=True)
class _Theirs:
    value: Decimal | None
    pending: bool
    raw: str | None


@dataclass(frozen=True)
class _Context:
    """What every comparison of one reconciliation shares."""

    config: WorkspaceConfig
    shop: ShopConfig
    start: dt.date
    end: dt.date
    platform_rule: str
    evidence: _Evidence
    computed: frozenset[str]  # metric ids we compute at all (empty: compute never ran)


def reconcile(
    con: duckdb.DuckDBPyConnection,
    config: WorkspaceConfig,
    start: dt.date,
    end: dt.date,
    *,
    shop_id: str | None = None,
    rule: str | None = None,
) -> Reconciliation:
    """Compare the platform report for ``start``..``end`` with ``metric_value``.

    Args:
        rule: the report's rule to use (an anchor id or 下单判定/付款判定/下单优先判定) when
            reports under several rules were imported; default: ours if imported, else the
            only (or first) one.

    Raises:
        ReconcileError: no platform report for the shop and period (the message lists the
            periods that were imported).
    """
    shop = config.shop(shop_id)
    our_rule = config.attribution.anchor.value
    chosen, notes = _choose_rule(con, shop.id, start, end, rule, our_rule)
    platform = _platform_rows(con, shop.id, start, end, chosen)
    ours, computed = _our_values(con, shop.id, start, end)
    evidence = _evidence(con, shop.id, start, end, config)
    ctx = _Context(config, shop, start, end, chosen, evidence, computed)
    rows: list[ReconcileRow] = []
    for nick, staff_id, name, metric_id, value, pending, raw in platform:
        our = ours.get((staff_id, OUR_METRIC.get(metric_id, metric_id))) if staff_id else None
        theirs = _Theirs(value, pending, raw)
        rows.append(_compare(ctx, nick, staff_id, name, metric_id, theirs, our))
    mapped = {r[1] for r in platform if r[1] is not None}
    rows += _missing_on_platform(con, ours, mapped, {r[3] for r in platform})
    if not computed:
        notes.append("还没有我方指标（metric_value 为空）：请先运行 shopkpi compute")
    if evidence.chat_first is not None and evidence.chat_last is not None:
        notes.append(f"我方聊天数据覆盖 {evidence.chat_first} 至 {evidence.chat_last}")
    return Reconciliation(shop.id, start, end, chosen, our_rule, rows, notes)


def _compare(
    ctx: _Context,
    nick: str,
    staff_id: str | None,
    name: str | None,
    metric_id: str,
    theirs: _Theirs,
    our: _Ours | None,
) -> ReconcileRow:
    column = COLUMNS_BY_METRIC.get(metric_id)
    ours_value = our.value if our else None
    ours_pending = our is not None and our.status == "pending"
    reasons: list[tuple[Reason, str]] = []
    diff = rel = None
    if staff_id is None:
        verdict = Verdict.missing
        reasons.append((Reason.unmapped, "子账号未关联员工：请在花名册的「子账号」列登记它"))
    elif theirs.pending or ours_pending:
        verdict = Verdict.pending
        if theirs.pending:
            reasons.append((Reason.pending_theirs, "平台为「延迟统计」，付款缓冲期未过，尚未最终"))
        if ours_pending:
            reasons.append((Reason.pending_ours, "我方数值尚未最终（付款缓冲期未过）"))
    elif ours_value is None or theirs.value is None:
        verdict = Verdict.missing
        if ctx.computed and OUR_METRIC.get(metric_id, metric_id) not in ctx.computed:
            reasons.append((Reason.not_in_catalog, "我方不计算该指标"))
        else:
            hint = "该周期我方没有这个指标的数值" if ctx.computed else "请先运行 shopkpi compute"
            reasons.append((Reason.not_computed, f"我方无数值：{hint}"))
    else:
        diff = ours_value - theirs.value
        rel = diff / abs(theirs.value) if theirs.value else None
        tolerance = display_tolerance(theirs.raw, column.unit if column else Unit.number)
        if diff == 0:
            verdict = Verdict.agree
        elif abs(diff) <= tolerance:
            verdict = Verdict.rounding
        else:
            verdict = Verdict.differ
            reasons += _likely_reasons(ctx, staff_id, metric_id, diff) or [
                (
                    Reason.unexplained,
                    f"原因不明：用 shopkpi explain {staff_id} {metric_id} 查看明细",
                )
            ]
    if verdict in (Verdict.missing, Verdict.pending) and staff_id is not None:
        # A rule difference still matters once the value is final: say so now.
        rule_reasons = (Reason.rule, Reason.rule_unknown)
        found = _likely_reasons(ctx, staff_id, metric_id, None)
        reasons += [r for r in found if r[0] in rule_reasons]
    return ReconcileRow(
        nick,
        staff_id,
        name,
        metric_id,
        column.label if column else metric_id,
        ours_value,
        theirs.value,
        theirs.raw,
        our.status if our else None,
        diff,
        None if rel is None else round(rel, 4),
        verdict,
        tuple(r for r, _ in reasons),
        "；".join(text for _, text in reasons),
    )


def _likely_reasons(
    ctx: _Context, staff_id: str, metric_id: str, diff: Decimal | None
) -> list[tuple[Reason, str]]:
    """Every plausible cause of a difference, each backed by a setting or by our data.

    Auto-replies are the fallback: named only when nothing more specific explains the
    difference and it goes the way an auto-reply would push it.
    """
    found: list[tuple[Reason, str]] = []
    evidence = ctx.evidence
    if metric_id in ATTRIBUTION_METRICS:
        found += _attribution_reasons(ctx)
    if metric_id == "inquiry_to_paid_rate":
        found += _conversion_reasons(ctx, staff_id)
    first, last = evidence.chat_first, evidence.chat_last
    if first is not None and last is not None and (first > ctx.start or last < ctx.end):
        found.append(
            (
                Reason.coverage,
                f"数据窗口不同：我方聊天数据只覆盖 {max(ctx.start, first)} 至 {min(ctx.end, last)}",
            )
        )
    found += _chat_reasons(ctx, staff_id, metric_id)
    by_shift = ctx.config.metrics.days_worked is DaysWorkedBasis.shift
    if metric_id == "days_worked" and by_shift and evidence.shift_days.get(staff_id):
        found.append(
            (
                Reason.days_basis,
                "上班天数：我方按排班表计（metrics.days_worked: shift），平台按有人工回复的天数计",
            )
        )
    if found or diff is None or metric_id not in AUTO_REPLY_EFFECT:
        return found
    autos = evidence.auto_messages.get(staff_id, 0)
    if metric_id == "total_messages" and diff > 0 and autos:
        # Our 总消息数 counts auto-replies (its formula says so); the platform's does not.
        exact = "，差异正好等于自动回复数" if diff == autos else ""
        found.append(
            (
                Reason.auto_replies,
                f"自动回复：我方总消息数含自动回复 {autos} 条，平台报表不计{exact}",
            )
        )
        return found
    if diff * AUTO_REPLY_EFFECT[metric_id] < 0 and autos:
        found.append(
            (
                Reason.auto_replies,
                f"自动回复：平台可能把自动回复算作客服的消息或回复（我方识别出 {autos} 条，不计）",
            )
        )
    elif diff * AUTO_REPLY_EFFECT[metric_id] > 0:
        found.append(
            (
                Reason.auto_unrecognised,
                "自动回复：我方可能把一些自动回复当成了人工消息"
                "（检查 shopkpi.yaml 的 session.auto_reply_prefixes / auto_reply_senders）",
            )
        )
    return found


def _conversion_reasons(ctx: _Context, staff_id: str) -> list[tuple[Reason, str]]:
    """询单->最终付款转化率: our conversion basis, and inquiries on the after-sale boundary."""
    found: list[tuple[Reason, str]] = []
    rule, days = ctx.config.attribution, ctx.config.session.aftersale_days
    uncredited = ctx.evidence.uncredited_conversions.get(staff_id, 0)
    if rule.conversion is ConversionBasis.buyer and uncredited:
        found.append(
            (
                Reason.conversion_basis,
                "转化口径：我方按买家计转化（attribution.conversion: buyer，询单后"
                f" {rule.payment_buffer_days} 天内付款即算），本期有 {uncredited} 个询单的付款订单"
                "落实给了其他客服或为静默订单；平台只计按判定规则落实给本人的付款",
            )
        )
    boundary = ctx.evidence.aftersale_boundary.get(staff_id, 0)
    if boundary:
        found.append(
            (
                Reason.aftersale_boundary,
                f"售前/售后分界：有 {boundary} 位买家只因第 {days} 天当天（按日期）的付款被我方"
                f"算作售后、不计询单；平台若按 {days}×24 小时计，会把他们算作询单",
            )
        )
    return found


def _attribution_reasons(ctx: _Context) -> list[tuple[Reason, str]]:
    found: list[tuple[Reason, str]] = []
    anchor = ctx.config.attribution.anchor.value
    if ctx.platform_rule == UNKNOWN_RULE:
        found.append((Reason.rule_unknown, "平台报表的判定规则未知（文件名未注明）"))
    elif ctx.platform_rule != anchor:
        found.append(
            (
                Reason.rule,
                f"判定规则不同：平台为{RULE_LABELS[ctx.platform_rule]}，我方为{RULE_LABELS[anchor]}",
            )
        )
    window = _our_window(ctx.config)
    if window:
        found.append(
            (Reason.window, f"询单归属方式不同：我方为{window}，平台为末次接待、当日或前一日")
        )
    return found


def _chat_reasons(ctx: _Context, staff_id: str, metric_id: str) -> list[tuple[Reason, str]]:
    """Differences in how chats are split and timed, where our data shows they matter."""
    found: list[tuple[Reason, str]] = []
    session = ctx.config.session
    found += _service_hour_reasons(ctx, staff_id, metric_id)
    if metric_id in SESSION_METRICS and session.idle_minutes != PLATFORM_IDLE_MINUTES:
        found.append(
            (
                Reason.session_split,
                f"会话切分不同：我方空闲 {session.idle_minutes} 分钟切分会话，平台为 10 分钟",
            )
        )
    return found


def _service_hour_reasons(ctx: _Context, staff_id: str, metric_id: str) -> list[tuple[Reason, str]]:
    """The platform times only what opens 08:00–24:00 and leaves the rest out: named when
    our service hours differ, or when we time out-of-hours openings from the next opening."""
    if metric_id not in SERVICE_HOUR_METRICS:
        return []
    hours = ctx.shop.service_hours
    custom = hours.windows != [ServiceWindow()] or bool(hours.days_off)
    from_next = hours.out_of_hours is OutOfHoursRule.from_next_opening
    if metric_id == "first_response_seconds":
        outside, what = ctx.evidence.out_of_hours_sessions.get(staff_id, 0), "会话的首响"
    else:
        outside, what = ctx.evidence.out_of_hours_rounds.get(staff_id, 0), "回合"
    if not custom and not (from_next and outside):
        return []
    rule = "从下一个上班时间起算" if from_next else "不计"
    return [
        (
            Reason.service_hours,
            f"服务时间：我方有 {outside} 个{what}开始于服务时间外（service_hours.out_of_hours"
            f"：{rule}），平台只统计 08:00–24:00 开始的，其余不计",
        )
    ]


def _our_window(config: WorkspaceConfig) -> str:
    """Our inquiry window and picker, in words, when they are not the platform's classic ones."""
    a = config.attribution
    parts = []
    if a.picker != AttributionPicker.last_touch:
        parts.append("首次接待")
    if a.window == InquiryWindow.hours:
        parts.append(f"询单有效时长 {a.window_hours} 小时")
    return "、".join(parts)


def display_tolerance(raw: str | None, unit: Unit) -> Decimal:
    """Half a unit of the last digit the platform showed (``98.5%`` → 0.0005; ``12`` → 0.5).

    A bare fraction (an xlsx percent cell) is trusted to 0.1 percentage point at least.
    """
    text = (raw or "").strip()
    if re.fullmatch(r"\d+(:\d{1,2}){1,2}", text) or re.search(r"[时分秒]", text):
        return Decimal("0.5")
    percent = text.endswith("%")
    number = text.rstrip("%").replace(",", "")
    decimals = len(number.split(".", 1)[1]) if "." in number else 0
    if percent:
        decimals += 2
    elif unit is Unit.ratio:
        decimals = max(decimals, 3)
    return Decimal(5).scaleb(-(decimals + 1))


# --- queries -------------------------------------------------------------------------------


def _table_exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return bool(
        scalar_int(
            con, "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]
        )
    )


def _normalise_rule(rule: str) -> str:
    from shopkpi.ingest.adapters.platform_report import RULES

    if rule in RULES:
        return RULES[rule]
    valid = {a.value for a in AttributionAnchor} | {UNKNOWN_RULE}
    if rule not in valid:
        raise ReconcileError(
            f"未知的判定规则「{rule}」；可选：下单判定、付款判定、下单优先判定"
            "（或 order_created、order_paid、order_first）"
        )
    return rule


def _choose_rule(
    con: duckdb.DuckDBPyConnection,
    shop_id: str,
    start: dt.date,
    end: dt.date,
    wanted: str | None,
    ours: str,
) -> tuple[str, list[str]]:
    rules = [
        str(r[0])
        for r in con.execute(
            """SELECT DISTINCT rule FROM platform_cs_report
               WHERE shop_id = ? AND period_start = ? AND period_end = ? ORDER BY 1""",
            [shop_id, start, end],
        ).fetchall()
    ]
    if not rules:
        periods = con.execute(
            """SELECT DISTINCT period_start, period_end FROM platform_cs_report
               WHERE shop_id = ? ORDER BY 1, 2""",
            [shop_id],
        ).fetchall()
        have = "、".join(f"{a} 至 {b}" for a, b in periods) or "（无）"
        raise ReconcileError(
            f"没有 {start} 至 {end} 的平台客服绩效报表；已导入的周期：{have}。"
            "请从平台下载该周期的自定义报表并用 shopkpi ingest 导入"
        )
    notes: list[str] = []
    if wanted is not None:
        rule = _normalise_rule(wanted)
        if rule not in rules:
            labels = "、".join(RULE_LABELS.get(r, r) for r in rules)
            raise ReconcileError(f"该周期没有按{RULE_LABELS[rule]}导出的报表；已有：{labels}")
        return rule, notes
    rule = ours if ours in rules else rules[0]
    if len(rules) > 1:
        others = "、".join(RULE_LABELS.get(r, r) for r in rules if r != rule)
        notes.append(f"该周期还有按{others}导出的报表（用 --rule 选择）")
    return rule, notes


def _platform_rows(
    con: duckdb.DuckDBPyConnection, shop_id: str, start: dt.date, end: dt.date, rule: str
) -> list[tuple[str, str | None, str | None, str, Decimal | None, bool, str | None]]:
    """(account, staff_id, staff name, metric, value, pending, raw) in report order.

    The account resolves through ``staff_account`` (a mapping valid during the period, the
    latest one winning); a nick without ``店铺名:`` matches the one account whose 客服名 it is.
    """
    rows = con.execute(
        """WITH p AS (
               SELECT * FROM platform_cs_report
               WHERE shop_id = $shop AND period_start = $start AND period_end = $end
                 AND rule = $rule),
           nicks AS (SELECT DISTINCT account_nick FROM p),
           valid AS (
               SELECT * FROM staff_account
               WHERE shop_id = $shop AND staff_id IS NOT NULL
                 AND (valid_from IS NULL OR valid_from <= $end)
                 AND (valid_to IS NULL OR valid_to >= $start)),
           exact AS (
               SELECT n.account_nick, v.staff_id FROM nicks n JOIN valid v USING (account_nick)
               QUALIFY row_number() OVER (PARTITION BY n.account_nick
                                          ORDER BY v.valid_from DESC NULLS LAST) = 1),
           bare AS (
               SELECT n.account_nick, min(v.staff_id) AS staff_id
               FROM nicks n JOIN valid v
                 ON NOT contains(n.account_nick, ':')
                AND split_part(v.account_nick, ':', 2) = n.account_nick
               GROUP BY 1 HAVING count(DISTINCT v.staff_id) = 1),
           resolved AS (
               SELECT n.account_nick, coalesce(e.staff_id, b.staff_id) AS staff_id
               FROM nicks n LEFT JOIN exact e USING (account_nick)
               LEFT JOIN bare b USING (account_nick))
           SELECT p.account_nick, r.staff_id, s.name, p.metric_id, p.value, p.pending,
                  p.raw_value
           FROM p JOIN resolved r USING (account_nick)
           LEFT JOIN staff s ON s.staff_id = r.staff_id
           ORDER BY p._row, p.account_nick""",
        {"shop": shop_id, "start": start, "end": end, "rule": rule},
    ).fetchall()
    order = {m: i for i, m in enumerate(COLUMNS_BY_METRIC)}
    result = [
        (str(r[0]), _opt(r[1]), _opt(r[2]), str(r[3]), _dec(r[4]), bool(r[5]), _opt(r[6]))
        for r in rows
    ]
    nick_order = {nick: i for i, nick in enumerate(dict.fromkeys(r[0] for r in result))}
    result.sort(key=lambda r: (nick_order[r[0]], order.get(r[3], len(order))))
    return result


def _our_values(
    con: duckdb.DuckDBPyConnection, shop_id: str, start: dt.date, end: dt.date
) -> tuple[dict[tuple[str, str], _Ours], frozenset[str]]:
    """(staff_id, metric_id) → our value for exactly this period (staff entity), and the
    metric ids we compute at all (empty before the first ``shopkpi compute``)."""
    if not _table_exists(con, "metric_value"):
        return {}, frozenset()
    rows = con.execute(
        """SELECT entity_id, metric_id, value, status FROM metric_value
           WHERE shop_id = ? AND entity_kind = 'staff' AND period_start = ? AND period_end = ?
           QUALIFY row_number() OVER (PARTITION BY entity_id, metric_id
               ORDER BY CASE grain WHEN 'custom' THEN 1 ELSE 0 END) = 1""",
        [shop_id, start, end],
    ).fetchall()
    values = {(str(r[0]), str(r[1])): _Ours(_dec(r[2]), _opt(r[3])) for r in rows}
    known = con.execute("SELECT DISTINCT metric_id FROM metric_value WHERE shop_id = ?", [shop_id])
    return values, frozenset(str(r[0]) for r in known.fetchall())


def _missing_on_platform(
    con: duckdb.DuckDBPyConnection,
    ours: dict[tuple[str, str], _Ours],
    mapped: set[str],
    metrics: set[str],
) -> list[ReconcileRow]:
    """Staff with chats in our data (consulted buyers > 0) whom the platform report lacks."""
    active = sorted(
        staff
        for (staff, metric), our in ours.items()
        if metric == OUR_METRIC.get("consulted_buyers", "consulted_buyers")
        and our.value
        and staff not in mapped
    )
    if not active:
        return []
    names = dict(
        con.execute(
            "SELECT staff_id, name FROM staff WHERE list_contains(?, staff_id)", [active]
        ).fetchall()
    )
    rows = []
    for staff in active:
        for metric in sorted(metrics, key=list(COLUMNS_BY_METRIC).index):
            our = ours.get((staff, OUR_METRIC.get(metric, metric)))
            if our is None:
                continue
            rows.append(
                ReconcileRow(
                    None,
                    staff,
                    _opt(names.get(staff)),
                    metric,
                    COLUMNS_BY_METRIC[metric].label,
                    our.value,
                    None,
                    None,
                    our.status,
                    None,
                    None,
                    Verdict.missing,
                    (Reason.not_on_platform,),
                    "平台报表里没有该客服（子账号可能不同，或平台未统计）",
                )
            )
    return rows


def _evidence(
    con: duckdb.DuckDBPyConnection,
    shop_id: str,
    start: dt.date,
    end: dt.date,
    config: WorkspaceConfig,
) -> _Evidence:
    found = _Evidence()
    params: list[object] = [shop_id, start, end]
    where = "shop_id = ? AND biz_date BETWEEN ? AND ? AND staff_id IS NOT NULL"

    def per_staff(table: str, value: str, condition: str = "true") -> dict[str, int]:
        if not _table_exists(con, table):
            return {}
        sql = f"SELECT staff_id, {value} FROM {table} WHERE {where} AND ({condition}) GROUP BY 1"
        return _counts(con.execute(sql, params).fetchall())

    found.auto_messages = per_staff("chat_session", "sum(auto_messages)")
    found.out_of_hours_rounds = per_staff("reply_round", "count(*)", "counted AND NOT in_service")
    found.out_of_hours_sessions = per_staff(
        "chat_session",
        "count(*)",
        "first_response_seconds IS NOT NULL AND first_clock_at > first_buyer_at",
    )
    if _table_exists(con, "order_credit"):
        buffer = int(config.attribution.payment_buffer_days)
        found.uncredited_conversions = per_staff(
            "inquiry_outcome",
            "count(*)",
            f"""paid_final AND NOT EXISTS (
                SELECT 1 FROM order_credit c WHERE c.shop_id = inquiry_outcome.shop_id
                  AND c.buyer_nick = inquiry_outcome.buyer_nick AND c.paid
                  AND c.credited_staff_id = inquiry_outcome.staff_id
                  AND c.paid_biz_date BETWEEN inquiry_outcome.biz_date
                                          AND inquiry_outcome.biz_date + {buffer})""",
        )
        found.aftersale_boundary = _aftersale_boundary(
            con, params, int(config.session.aftersale_days)
        )
    found.shift_days = _counts(
        con.execute(
            """SELECT staff_id, count(DISTINCT biz_date) FROM shift
               WHERE biz_date BETWEEN ? AND ? GROUP BY 1""",
            [start, end],
        ).fetchall()
    )
    first, last = con.execute(
        "SELECT min(biz_date), max(biz_date) FROM chat_message WHERE shop_id = ?", [shop_id]
    ).fetchall()[0]
    if isinstance(first, dt.date) and isinstance(last, dt.date):
        found.chat_first, found.chat_last = first, last
    return found


def _aftersale_boundary(
    con: duckdb.DuckDBPyConnection, params: list[object], days: int
) -> dict[str, int]:
    """Per staff: after-sale receptions whose latest payment in the after-sale window was on
    its first day (``biz_date − aftersale_days``), so that only the day rule made them so."""
    return _counts(
        con.execute(
            f"""SELECT staff_id, count(*) FROM (
                    SELECT i.staff_id, i.biz_date, max(c.paid_biz_date) AS last_paid
                    FROM inquiry AS i
                    JOIN order_credit AS c
                      ON c.shop_id = i.shop_id AND c.buyer_nick = i.buyer_nick
                     AND c.paid_at <= i.first_at AND c.paid_biz_date >= i.biz_date - {days}
                    WHERE i.shop_id = ? AND i.biz_date BETWEEN ? AND ?
                      AND i.staff_id IS NOT NULL AND i.received AND i.kind = 'aftersale'
                    GROUP BY i.staff_id, i.buyer_nick, i.biz_date, i.account_nick
                ) AS t
                WHERE last_paid = biz_date - {days}
                GROUP BY staff_id""",
            params,
        ).fetchall()
    )


def _counts(rows: Iterable[tuple[object, ...]]) -> dict[str, int]:
    return {str(r[0]): int(str(r[1])) for r in rows if r[1] is not None}


def _dec(value: object) -> Decimal | None:
    if value is None:
        return None
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _opt(value: object) -> str | None:
    return None if value is None else str(value)
