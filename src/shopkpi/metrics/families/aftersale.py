"""After-sale and satisfaction (售后与满意度): refunds on credited orders, returns,
service evaluations (服务评价) and transfers.

Refund figures sit on the credited order's payment day, so refund rate = refunds / paid
amount over the same orders. Refund rates by pay date keep rising for a week or more
(FIELD.md §2): read a recent period's refund rate as provisional.
"""

from __future__ import annotations

from shopkpi.metrics.context import MetricContext
from shopkpi.metrics.model import Family, MetricKind, Unit, metric
from shopkpi.metrics.source import Source, flag


def eval_source_sql(ctx: MetricContext) -> str:
    """``ms_eval``: one row per service evaluation invitation or evaluation."""
    return f"""SELECT e.shop_id, e.staff_id, e.biz_date, e.eval_id, e.buyer_nick, e.account_nick,
       e.sent_at, e.evaluated_at, e.score, e.source,
       1 AS invited,
       {flag("e.score IS NOT NULL")} AS evaluated,
       {flag("e.score IN (0, 1)")} AS satisfied,
       CASE WHEN e.score IS NOT NULL THEN 5 - e.score ELSE 0 END AS score5,
       CASE e.score WHEN 0 THEN '非常满意（5分）：计满意' WHEN 1 THEN '满意（4分）：计满意'
            WHEN 2 THEN '一般（3分）' WHEN 3 THEN '不满意（2分）' WHEN 4 THEN '非常不满意（1分）'
            ELSE '已邀评，买家未评价：只计参与率分母' END AS note
FROM service_eval AS e"""


EVAL = Source(
    "ms_eval",
    "服务评价",
    eval_source_sql,
    (
        ("biz_date", "日期"),
        ("buyer_nick", "买家"),
        ("account_nick", "子账号"),
        ("evaluated_at", "评价时间"),
        ("score", "评分(0=非常满意)"),
    ),
    "biz_date, sent_at, eval_id",
)
SOURCES = (EVAL,)

_A, _P, _E, _PCT = Family.aftersale, "ms_paid_order", "ms_eval", Unit.ratio
METRICS = (
    metric(
        "refund_amount",
        "退款金额",
        _A,
        Unit.yuan,
        MetricKind.sum,
        "落实付款订单的退款金额（按订单付款日）",
        _P,
        "cs_refund_amount",
        lower_is_better=True,
    ),
    metric(
        "refund_rate",
        "退款率",
        _A,
        _PCT,
        MetricKind.ratio,
        "落实付款订单的退款金额 / 这些订单的实付金额",
        _P,
        "cs_refund_amount",
        "cs_paid_amount",
        lower_is_better=True,
    ),
    metric(
        "return_rate",
        "退货率",
        _A,
        _PCT,
        MetricKind.ratio,
        "有退货退款或换货申请（未关闭、未拒绝）的落实订单数 / 落实付款订单数",
        _P,
        "cs_returned",
        "credited",
        lower_is_better=True,
    ),
    metric(
        "evaluations",
        "评价数",
        _A,
        Unit.evaluations,
        MetricKind.count,
        "买家给出的服务评价数",
        _E,
        "evaluated",
    ),
    metric(
        "satisfaction_rate",
        "满意率",
        _A,
        _PCT,
        MetricKind.ratio,
        "(非常满意 + 满意) / 评价数",
        _E,
        "satisfied",
        "evaluated",
    ),
    metric(
        "satisfaction_score",
        "服务评分（5分制）",
        _A,
        Unit.score,
        MetricKind.mean,
        "Σ(5 − 评分) / 评价数（非常满意=5 … 非常不满意=1）",
        _E,
        "score5",
        "evaluated",
    ),
    metric(
        "eval_participation_rate",
        "评价参与率",
        _A,
        _PCT,
        MetricKind.ratio,
        "评价数 / 邀评与评价记录数",
        _E,
        "evaluated",
        "invited",
    ),
    metric(
        "transfer_rate",
        "转接率",
        _A,
        _PCT,
        MetricKind.ratio,
        "转出的接待会话数 / 接待会话数（买家与客服都有人工消息）",
        "ms_session",
        "transferred",
        "served",
        lower_is_better=True,
    ),
)
