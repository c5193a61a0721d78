"""Response times (响应): first response per session, reply rounds, slow and long receptions.

Rounds follow the platform (FIELD.md §2): the clock starts at the run's FIRST buyer message,
auto/robot replies never end a round, each round is capped at ``round_cap_seconds`` for the
platform-style average, and only ``counted`` rounds enter any rate (unanswered rounds,
rounds excluded out of service hours and rounds crossing midnight are not counted).
Medians and p90s do not add up over days: they are computed from the rows at each grain.
"""

from __future__ import annotations

from shopkpi.metrics.context import MetricContext
from shopkpi.metrics.model import Family, MetricDef, MetricKind, Unit, metric
from shopkpi.metrics.source import Source, flag

# Response-time distribution buckets (seconds, upper bound inclusive); None = open-ended.
BUCKETS: tuple[tuple[str, str, int, int | None], ...] = (
    ("response_bucket_30s", "响应≤30秒占比", 0, 30),
    ("response_bucket_60s", "响应30–60秒占比", 30, 60),
    ("response_bucket_180s", "响应1–3分钟占比", 60, 180),
    ("response_bucket_600s", "响应3–10分钟占比", 180, 600),
    ("response_bucket_over_600s", "响应超10分钟占比", 600, None),
)


def _bucket_column(column: str, low: int, high: int | None) -> str:
    above = f"r.response_seconds > {low}" if low else "r.response_seconds >= 0"
    below = f" AND r.response_seconds <= {high}" if high is not None else ""
    return f"{flag(f'r.counted AND {above}{below}')} AS {column}"


def round_source_sql(ctx: MetricContext) -> str:
    """``ms_round``: one row per reply round, 0/1 flags for each rate's numerator."""
    buckets = ",\n       ".join(_bucket_column(b[0], b[2], b[3]) for b in BUCKETS)
    return f"""SELECT r.shop_id, r.staff_id, r.biz_date, r.session_id, r.round_no, r.buyer_nick,
       r.account_nick, r.opened_at, r.clock_start_at, r.answered_at, r.effective_answered_at,
       r.response_seconds, r.effective_response_seconds, r.capped_seconds,
       {flag("r.counted")} AS counted,
       CASE WHEN r.counted THEN r.response_seconds END AS counted_seconds,
       CASE WHEN r.counted THEN r.capped_seconds ELSE 0 END AS counted_capped_seconds,
       {flag("r.counted AND r.effective_response_seconds IS NOT NULL")} AS effective_counted,
       CASE WHEN r.counted THEN coalesce(r.effective_response_seconds, 0) ELSE 0 END
           AS counted_effective_seconds,
       {flag("r.counted AND r.within_target")} AS within_target,
       {flag("r.counted AND r.slow")} AS slow,
       {buckets},
       CASE WHEN r.answered_at IS NULL THEN '未得到人工回复：不计入响应'
            WHEN NOT r.counted AND NOT r.in_service THEN '非服务时间开启的回合：按设置不计入'
            WHEN NOT r.counted THEN '跨零点或不计入的回合'
            WHEN r.effective_answered_at > r.answered_at
                THEN '过渡话术停住普通计时，有效响应继续计时到实质回复'
            ELSE '计入：从本轮第一条买家消息计到第一条人工回复' END AS note
FROM reply_round AS r"""


# A reception (接待): both the buyer and a human agent wrote (FIELD.md §2).
RECEPTION = "s.agent_messages > 0 AND s.buyer_messages > 0"


def session_source_sql(ctx: MetricContext) -> str:
    """``ms_session``: one row per chat session (会话), 0/1 flags and served durations."""
    target = ctx.settings.first_response_target_seconds
    return f"""SELECT s.shop_id, s.staff_id, s.biz_date, s.session_id, s.buyer_nick,
       s.account_nick, s.started_at, s.ended_at, s.duration_seconds, s.buyer_messages,
       s.agent_messages, s.auto_messages, s.agent_chars, s.first_clock_at,
       s.first_response_seconds,
       {flag(RECEPTION)} AS served,
       CASE WHEN {RECEPTION} THEN s.duration_seconds ELSE 0 END AS served_seconds,
       {flag("s.first_response_seconds IS NOT NULL")} AS responded,
       coalesce(s.first_response_seconds, 0) AS responded_seconds,
       {flag(f"s.first_response_seconds <= {target}")} AS first_within_target,
       {flag(f"{RECEPTION} AND s.transferred_out")} AS transferred,
       CASE WHEN s.agent_messages = 0 THEN '客服无人工消息：不计接待时长、首响'
            WHEN s.buyer_messages = 0 THEN '买家未发言（催付、跟进）：不是接待，不计接待时长、首响'
            WHEN s.transferred_out THEN '已转接给其他子账号：计转接'
            WHEN s.first_response_at IS NULL THEN '买家发言后当天无人工回复：不计首响'
            WHEN s.first_response_at > s.ended_at
                THEN '会话结束（空闲超时）后才回复：不计首响，按回合计响应'
            WHEN s.first_clock_at IS NULL THEN '非服务时间开始的会话：按设置不计首响'
            WHEN s.first_clock_at > s.first_buyer_at
                THEN '非服务时间开始的会话：首响从下一个上班时间起算'
            ELSE '计入：首响 = 第一条人工回复 − 第一条买家消息' END AS note
FROM chat_session AS s"""


ROUND = Source(
    "ms_round",
    "响应轮次（回合）",
    round_source_sql,
    (
        ("biz_date", "日期"),
        ("buyer_nick", "买家"),
        ("round_no", "轮次"),
        ("opened_at", "买家首问"),
        ("answered_at", "人工回复"),
        ("response_seconds", "响应(秒)"),
        ("effective_response_seconds", "有效响应(秒)"),
        ("capped_seconds", "封顶后(秒)"),
    ),
    "biz_date, opened_at, session_id, round_no",
    links=("session_id",),
)
SESSION = Source(
    "ms_session",
    "会话",
    session_source_sql,
    (
        ("biz_date", "日期"),
        ("buyer_nick", "买家"),
        ("account_nick", "子账号"),
        ("started_at", "开始"),
        ("ended_at", "结束"),
        ("duration_seconds", "时长(秒)"),
        ("buyer_messages", "买家消息"),
        ("agent_messages", "人工消息"),
        ("first_clock_at", "首响起算"),
        ("first_response_seconds", "首响(秒)"),
    ),
    "biz_date, started_at, session_id",
    links=("session_id",),
)
SOURCES = (ROUND, SESSION)

_F = Family.response
_S, _RND = Unit.seconds, "ms_round"


def _bucket_metrics() -> tuple[MetricDef, ...]:
    return tuple(
        metric(
            mid,
            name,
            _F,
            Unit.ratio,
            MetricKind.distribution,
            f"响应时间在该区间的回合数 / 计入回合数（{name.removesuffix('占比')}）",
            _RND,
            mid,
            "counted",
            lower_is_better=low >= 180,
        )
        for mid, name, low, _high in BUCKETS
    )


METRICS = (
    metric(
        "first_response_seconds",
        "首次响应时间",
        _F,
        _S,
        MetricKind.mean,
        "Σ(会话内第一条人工回复 − 第一条买家消息) / 有首响的会话数",
        "ms_session",
        "responded_seconds",
        "responded",
        lower_is_better=True,
        description=(
            "与回合同一服务时间规则：非服务时间开始的会话按 service_hours.out_of_hours 从下一个"
            "上班时间起算或不计；会话结束（空闲超时）后才来的回复不计首响（平台口径），"
            "由平均响应时间按回合计入。"
        ),
    ),
    metric(
        "median_first_response_seconds",
        "首次响应时间（中位数）",
        _F,
        _S,
        MetricKind.distribution,
        "有首响的会话的首响时间中位数",
        "ms_session",
        "median(first_response_seconds)",
        lower_is_better=True,
        additive=False,
    ),
    metric(
        "p90_first_response_seconds",
        "首次响应时间（P90）",
        _F,
        _S,
        MetricKind.distribution,
        "有首响的会话的首响时间第90百分位（线性插值）",
        "ms_session",
        "quantile_cont(first_response_seconds, 0.9)",
        lower_is_better=True,
        additive=False,
    ),
    metric(
        "first_response_within_15s_rate",
        "15秒首响率",
        _F,
        Unit.ratio,
        MetricKind.ratio,
        "首响 ≤ first_response_target_seconds（15秒）的会话数 / 有首响的会话数",
        "ms_session",
        "first_within_target",
        "responded",
        description="头部店铺标准；平台自身用 3 分钟和 120 秒阈值。",
    ),
    metric(
        "avg_response_seconds",
        "平均响应时间",
        _F,
        _S,
        MetricKind.mean,
        "Σ min(回合响应时间, 600秒) / 计入回合数（平台口径，每轮封顶）",
        _RND,
        "counted_capped_seconds",
        "counted",
        lower_is_better=True,
    ),
    metric(
        "median_response_seconds",
        "平均响应时间（中位数）",
        _F,
        _S,
        MetricKind.distribution,
        "计入回合的响应时间中位数（不封顶）",
        _RND,
        "median(counted_seconds)",
        lower_is_better=True,
        additive=False,
    ),
    metric(
        "p90_response_seconds",
        "响应时间（P90）",
        _F,
        _S,
        MetricKind.distribution,
        "计入回合的响应时间第90百分位（不封顶，线性插值）",
        _RND,
        "quantile_cont(counted_seconds, 0.9)",
        lower_is_better=True,
        additive=False,
    ),
    metric(
        "effective_response_seconds",
        "有效响应时间",
        _F,
        _S,
        MetricKind.mean,
        "Σ(第一条实质回复 − 本轮第一条买家消息) / 有实质回复的计入回合数",
        _RND,
        "counted_effective_seconds",
        "effective_counted",
        lower_is_better=True,
        description="过渡话术（在的、稍等…）不算回复，计时继续；不封顶。",
    ),
    metric(
        "reply_within_3min_rate",
        "3分钟响应率",
        _F,
        Unit.ratio,
        MetricKind.ratio,
        "3分钟（within_seconds）内回复的计入回合数 / 计入回合数",
        _RND,
        "within_target",
        "counted",
        description="从本轮第一条买家消息起算：10:10:15 问、10:15:20 再问、10:18:10 回复 = 0/1。",
    ),
    metric(
        "slow_response_rounds",
        "慢响应次数",
        _F,
        Unit.rounds,
        MetricKind.count,
        "响应时间 > slow_seconds（120秒）的计入回合数",
        _RND,
        "slow",
        lower_is_better=True,
    ),
    metric(
        "slow_reception_buyers",
        "慢响应人数",
        _F,
        Unit.buyers,
        MetricKind.count,
        "同一买家一天内慢响应 ≥ 3 次的买家×客服×天数",
        "ms_inquiry",
        "slow_reception",
        lower_is_better=True,
    ),
    metric(
        "long_reception_buyers",
        "长接待人数",
        _F,
        Unit.buyers,
        MetricKind.count,
        "当天与该客服有一次会话超过 long_session_minutes（30分钟）的买家×客服×天数",
        "ms_inquiry",
        "long_reception",
        lower_is_better=True,
    ),
    metric(
        "avg_session_seconds",
        "平均接待时长",
        _F,
        _S,
        MetricKind.mean,
        "Σ会话时长（不含空闲切分的时间） / 接待会话数（买家与客服都有人工消息）",
        "ms_session",
        "served_seconds",
        "served",
        lower_is_better=True,
    ),
    metric(
        "avg_resolution_seconds",
        "平均解决时长",
        _F,
        _S,
        MetricKind.mean,
        "Σ(当天第一条买家消息 → 客服最后一次接待的会话结束) / 有接待的询单数",
        "ms_inquiry",
        "coalesce(resolution_seconds, 0)",
        "CASE WHEN resolution_seconds IS NULL THEN 0 ELSE 1 END",
        lower_is_better=True,
        description="以买家×客服×天为一个问题；没有工单关闭时间时以会话结束计。",
    ),
    *_bucket_metrics(),
)
