"""Reception (接待): who chatted, who was served, who asked before buying.

The platform counts a buyer once per agent per day (FIELD.md §2), so every count here is a
sum of ``inquiry`` rows (buyer × staff × day) and adds up over days. The one exception is
接待人数（去重）: distinct buyers across the whole period, computed from rows at each grain.
"""

from __future__ import annotations

from shopkpi.metrics.context import MetricContext
from shopkpi.metrics.model import Family, MetricDef, MetricKind, Unit, metric
from shopkpi.metrics.source import Source, flag


def inquiry_source_sql(ctx: MetricContext) -> str:
    """``ms_inquiry``: one row per ``inquiry`` row, with its session facts and 0/1 flags."""
    s = ctx.config.session
    long_seconds = s.long_session_minutes * 60
    return f"""WITH served AS (
    -- the day's sessions of this buyer with this agent
    SELECT shop_id, buyer_nick, coalesce(staff_id, '') AS staff_key, biz_date,
           max(CASE WHEN agent_messages > 0 THEN duration_seconds END) AS longest_seconds,
           min(first_buyer_at) AS first_buyer_at,
           max(CASE WHEN agent_messages > 0 THEN ended_at END) AS last_served_at,
           max(CASE WHEN transferred_in THEN 1 ELSE 0 END) AS transferred_in
    FROM chat_session
    GROUP BY shop_id, buyer_nick, coalesce(staff_id, ''), biz_date
)
SELECT i.shop_id, i.staff_id, i.biz_date, i.buyer_nick, i.account_nick, i.first_at,
       i.last_at, i.kind, i.slow_rounds,
       {flag("i.consulted")} AS consulted,
       {flag("i.received")} AS received,
       {flag("i.is_inquiry")} AS inquiry,
       {flag("i.consulted AND i.replied")} AS replied,
       {flag("i.consulted AND NOT i.replied")} AS unreplied,
       {flag(f"i.slow_rounds >= {s.slow_reception_min_rounds}")} AS slow_reception,
       {flag("i.transferred_out")} AS transferred_out,
       {flag("i.received AND v.transferred_in = 1")} AS transferred_in,
       {flag("i.received AND coalesce(v.transferred_in, 0) = 0")} AS direct_received,
       {flag(f"v.longest_seconds > {long_seconds}")} AS long_reception,
       v.longest_seconds,
       CASE WHEN i.received AND v.last_served_at >= v.first_buyer_at
            THEN date_diff('second', v.first_buyer_at, v.last_served_at) END
           AS resolution_seconds,
       CASE WHEN NOT i.consulted THEN '买家当天未发言：不计咨询'
            WHEN NOT i.received THEN '买家发言、客服无人工消息：计咨询，计未回复'
            WHEN i.kind = 'aftersale' THEN '售后（{ctx.config.session.aftersale_days}天内已付款且未再下单）：计接待，不计询单'
            ELSE '售前询单：计咨询、接待、询单' END AS note
FROM inquiry AS i
LEFT JOIN served AS v
  ON v.shop_id = i.shop_id AND v.buyer_nick = i.buyer_nick
 AND v.staff_key = coalesce(i.staff_id, '') AND v.biz_date = i.biz_date"""


INQUIRY = Source(
    "ms_inquiry",
    "询单/接待（买家×客服×天）",
    inquiry_source_sql,
    (
        ("biz_date", "日期"),
        ("buyer_nick", "买家"),
        ("account_nick", "子账号"),
        ("first_at", "首条消息"),
        ("kind", "售前/售后"),
        ("slow_rounds", "慢响应次数"),
        ("longest_seconds", "最长会话(秒)"),
        ("resolution_seconds", "解决时长(秒)"),
    ),
    "biz_date, first_at, buyer_nick",
)

SOURCES = (INQUIRY,)

_R = Family.reception


def _messages(mid: str, name: str, formula: str, column: str) -> MetricDef:
    unit = Unit.chars if mid == "agent_chars" else Unit.messages
    return metric(mid, name, _R, unit, MetricKind.count, formula, "ms_session", column)


METRICS = (
    metric(
        "consulted_buyers",
        "咨询人数",
        _R,
        Unit.buyers,
        MetricKind.count,
        "买家×客服×天，买家发过至少一条消息",
        "ms_inquiry",
        "consulted",
        description="又称聊天人数。同一买家同一天对同一客服只计一次。",
    ),
    metric(
        "received_buyers",
        "接待人数",
        _R,
        Unit.buyers,
        MetricKind.count,
        "买家×客服×天，双方都发过至少一条人工消息",
        "ms_inquiry",
        "received",
        description="自动回复和机器人消息不算客服发言。",
    ),
    metric(
        "inquiry_buyers",
        "询单人数",
        _R,
        Unit.buyers,
        MetricKind.count,
        "售前接待人数（21天内已付款且未再下单的买家算售后，不计）",
        "ms_inquiry",
        "inquiry",
    ),
    metric(
        "unreplied_buyers",
        "未回复人数",
        _R,
        Unit.buyers,
        MetricKind.count,
        "咨询但没有得到人工回复的买家",
        "ms_inquiry",
        "unreplied",
        lower_is_better=True,
    ),
    metric(
        "reply_rate",
        "回复率",
        _R,
        Unit.ratio,
        MetricKind.ratio,
        "得到人工回复的咨询人数 / 咨询人数",
        "ms_inquiry",
        "replied",
        "consulted",
    ),
    metric(
        "answer_question_ratio",
        "答问比",
        _R,
        Unit.multiple,
        MetricKind.ratio,
        "客服人工消息数 / 买家消息数",
        "ms_session",
        "agent_messages",
        "buyer_messages",
        description="自动回复不计入客服消息数。",
    ),
    metric(
        "direct_received_buyers",
        "直接接入人数",
        _R,
        Unit.buyers,
        MetricKind.count,
        "接待人数中不是由其他子账号转入的",
        "ms_inquiry",
        "direct_received",
    ),
    metric(
        "transferred_in_buyers",
        "转入人数",
        _R,
        Unit.buyers,
        MetricKind.count,
        "当天由其他子账号转给该客服并接待的买家×客服×天数",
        "ms_inquiry",
        "transferred_in",
    ),
    metric(
        "transferred_out_buyers",
        "转出人数",
        _R,
        Unit.buyers,
        MetricKind.count,
        "当天被该客服转给其他子账号的买家×客服×天数",
        "ms_inquiry",
        "transferred_out",
    ),
    _messages("buyer_messages", "买家消息数", "买家发出的消息数", "buyer_messages"),
    _messages("agent_messages", "客服消息数", "客服人工消息数（不含自动回复）", "agent_messages"),
    _messages(
        "total_messages",
        "总消息数",
        "买家消息 + 客服人工消息 + 自动回复",
        "buyer_messages + agent_messages + auto_messages",
    ),
    _messages("agent_chars", "客服字数", "客服人工消息的字数", "agent_chars"),
    metric(
        "received_buyers_distinct",
        "接待人数（去重）",
        _R,
        Unit.buyers,
        MetricKind.count,
        "期间内被接待过的不同买家数（跨天、跨客服去重）",
        "ms_inquiry",
        "count(DISTINCT CASE WHEN received = 1 THEN buyer_nick END)",
        additive=False,
        description="不可按天相加：月值按整月的明细行重新去重计算。",
    ),
)
