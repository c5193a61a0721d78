"""Chat quality (质检): emotion, escalation, compliance, warmth (EVI) and gaming signals.

The rows come from the QA step of ``shopkpi compute`` (``shopkpi.qa.pipeline``), which runs
the offline analyzers over every chat session and writes ``qa_session`` (one row per
session) and ``qa_finding`` (one row per finding). A metric here is then an ordinary
Σnumerator/Σdenominator over those rows, so teams and months aggregate correctly.
"""

from __future__ import annotations

from shopkpi.metrics.context import MetricContext
from shopkpi.metrics.model import Family, MetricKind, Unit, metric
from shopkpi.metrics.source import Source, flag


def qa_session_source_sql(ctx: MetricContext) -> str:
    """``ms_qa_session``: one row per chat session of a human agent."""
    return f"""SELECT q.shop_id, q.staff_id, q.biz_date, q.session_id, q.buyer_nick,
       q.buyer_messages, q.agent_messages, q.negative_messages, q.min_emotion,
       {flag("q.buyer_messages > 0")} AS buyer_sessions,
       {flag("q.agent_messages > 0")} AS agent_sessions,
       {flag("q.negative_messages > 0")} AS negative,
       {flag("q.escalations > 0")} AS escalated,
       {flag("q.escalations > 0 AND q.recovered")} AS recovered,
       q.escalations, q.compliance_hits, q.promise_hits, q.gaming_hits,
       {flag("q.gaming_hits > 0")} AS gaming,
       CASE WHEN q.agent_messages > 0 THEN q.evi ELSE 0 END AS evi_sum,
       q.evi, q.personal_address,
       concat_ws('；',
         CASE WHEN q.escalations > 0 THEN '升级预警 ' || q.escalations || ' 次'
                   || CASE WHEN q.recovered THEN '（已挽回）' ELSE '' END END,
         CASE WHEN q.negative_messages > 0 THEN '买家负面消息 ' || q.negative_messages || ' 条' END,
         CASE WHEN q.compliance_hits + q.promise_hits > 0
              THEN '违规用语/承诺 ' || (q.compliance_hits + q.promise_hits) || ' 处' END,
         CASE WHEN q.gaming_hits > 0 THEN '刷指标信号 ' || q.gaming_hits || ' 处' END,
         CASE WHEN q.agent_messages > 0 THEN 'EVI ' || round(q.evi, 2) END) AS note
FROM qa_session AS q
WHERE q.staff_id IS NOT NULL"""


def qa_credit_source_sql(ctx: MetricContext) -> str:
    """``ms_qa_credit``: one row per credit-grabbing finding (抢单, 冒领, 改单)."""
    return """SELECT f.shop_id, f.staff_id, f.biz_date, f.finding_id, f.rule, f.severity,
       f.session_id, f.matched AS order_id, 1 AS flagged, f.detail AS note
FROM qa_finding AS f
WHERE f.category = 'credit' AND f.staff_id IS NOT NULL"""


QA_SESSION = Source(
    "ms_qa_session",
    "质检会话",
    qa_session_source_sql,
    (
        ("biz_date", "日期"),
        ("buyer_nick", "买家"),
        ("buyer_messages", "买家消息"),
        ("agent_messages", "客服消息"),
        ("negative_messages", "负面消息"),
        ("escalations", "升级预警"),
        ("compliance_hits", "违规用语"),
        ("promise_hits", "违规承诺"),
        ("gaming_hits", "刷指标信号"),
        ("evi", "EVI"),
    ),
    "biz_date, session_id",
    links=("session_id",),
)
QA_CREDIT = Source(
    "ms_qa_credit",
    "抢单冒领信号",
    qa_credit_source_sql,
    (("biz_date", "日期"), ("rule", "规则"), ("order_id", "订单号"), ("severity", "严重度")),
    "biz_date, finding_id",
    links=("session_id",),
)
SOURCES = (QA_SESSION, QA_CREDIT)

_Q, _S = Family.quality, "ms_qa_session"
METRICS = (
    metric(
        "negative_emotion_session_rate",
        "负面情绪会话占比",
        _Q,
        Unit.ratio,
        MetricKind.ratio,
        "有买家负面情绪消息的会话数 / 有买家消息的会话数",
        _S,
        "negative",
        "buyer_sessions",
        lower_is_better=True,
        description="买家情绪由离线情绪分析器逐条判断（qa.emotion，默认词典规则）；只看买家消息。",
    ),
    metric(
        "escalations",
        "升级预警会话数",
        _Q,
        Unit.sessions,
        MetricKind.count,
        "触发升级预警（投诉/差评/12315 等关键词、连续负面、等待越来越久）的会话数",
        _S,
        "escalated",
        lower_is_better=True,
    ),
    metric(
        "escalation_recovery_rate",
        "升级挽回率",
        _Q,
        Unit.ratio,
        MetricKind.ratio,
        "会话结束时买家情绪好于最差时的升级会话数 / 升级会话数",
        _S,
        "recovered",
        "escalated",
    ),
    metric(
        "compliance_violations_per_100",
        "违规用语（每百条客服消息）",
        _Q,
        Unit.per_hundred,
        MetricKind.ratio,
        "100 × (广告法等违规用语 + 违规承诺) 处数 / 客服人工消息数",
        _S,
        "100 * (compliance_hits + promise_hits)",
        "agent_messages",
        lower_is_better=True,
    ),
    metric(
        "evi",
        "情感价值指数 EVI（会话均值）",
        _Q,
        Unit.score,
        MetricKind.ratio,
        "Σ 会话 EVI（0–5）/ 有客服人工消息的会话数",
        _S,
        "evi_sum",
        "agent_sessions",
        description="EVI 由礼貌用语、共情、个性化称呼和表情四部分组成（docs/qa.md）。",
    ),
    metric(
        "gaming_session_rate",
        "刷指标信号会话占比",
        _Q,
        Unit.ratio,
        MetricKind.ratio,
        "有刷指标信号（过渡话术后迟答、打断、模板化）的会话数 / 有客服人工消息的会话数",
        _S,
        "gaming",
        "agent_sessions",
        lower_is_better=True,
    ),
    metric(
        "credit_grab_signals",
        "抢单冒领信号数",
        _Q,
        Unit.orders,
        MetricKind.count,
        "抢单（下单后才首次接触）、冒领（未实际接待）、手工改价的订单信号数",
        "ms_qa_credit",
        "flagged",
        lower_is_better=True,
    ),
)
