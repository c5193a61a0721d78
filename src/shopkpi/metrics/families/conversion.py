"""Conversion (转化): inquiries that turned into orders and payments.

Rows come from ``inquiry_outcome`` (one per pre-sale inquiry, buyer × staff × day) and from
``order_credit`` (credited orders by creation day). A rate stays pending (待定) until every
row behind it can no longer change: the same day has ended, the next day has ended, or the
payment buffer (``attribution.payment_buffer_days``) has passed.
"""

from __future__ import annotations

from shopkpi.metrics.context import MetricContext, local_day_sql
from shopkpi.metrics.model import Family, MetricDef, MetricKind, Unit, metric
from shopkpi.metrics.source import Source, flag


def outcome_source_sql(ctx: MetricContext) -> str:
    """``ms_inquiry_outcome``: one row per inquiry with 0/1 outcome and pending flags."""
    today = local_day_sql(ctx, "o.shop_id")
    yesterday = local_day_sql(ctx, "o.shop_id", 1)
    return f"""SELECT o.shop_id, o.staff_id, o.biz_date, o.buyer_nick,
       1 AS inquiries,
       {flag("o.ordered_same_day")} AS ordered_same_day,
       {flag("o.ordered_next_day")} AS ordered_next_day,
       {flag("o.ordered_final")} AS ordered_final,
       {flag("o.paid_final")} AS paid_final,
       {flag(f"o.biz_date >= {today}")} AS pending_same_day,
       {flag(f"o.biz_date >= {yesterday}")} AS pending_next_day,
       {flag("NOT o.final")} AS pending_final,
       CASE WHEN o.paid_final THEN '缓冲期内已付款：计最终付款'
            WHEN o.ordered_final THEN '已下单未付款'
            WHEN NOT o.final THEN '未下单，付款缓冲期未过：待定'
            ELSE '未下单' END AS note
FROM inquiry_outcome AS o"""


def created_order_source_sql(ctx: MetricContext) -> str:
    """``ms_created_order``: every order on its creation day, with its credited agent."""
    return f"""SELECT c.shop_id, c.credited_staff_id AS staff_id, c.biz_date, c.order_id,
       c.buyer_nick, c.created_at, c.paid_at, c.touch_at, c.rule, c.paid_amount,
       {flag("c.credited_staff_id IS NOT NULL")} AS credited_order,
       {flag("c.credited_staff_id IS NOT NULL AND c.paid")} AS credited_paid,
       {flag("NOT c.final")} AS pending,
       CASE WHEN c.credited_staff_id IS NULL THEN '静默：询单窗口内无客服接待'
            WHEN c.paid THEN '落实下单，已付款'
            WHEN NOT c.final THEN '落实下单，未付款，缓冲期未过：待定'
            ELSE '落实下单，未付款' END AS note
FROM order_credit AS c
WHERE c.biz_date IS NOT NULL"""


OUTCOME = Source(
    "ms_inquiry_outcome",
    "询单转化（买家×客服×天）",
    outcome_source_sql,
    (
        ("biz_date", "询单日期"),
        ("buyer_nick", "买家"),
        ("ordered_same_day", "当日下单"),
        ("ordered_next_day", "次日内下单"),
        ("ordered_final", "最终下单"),
        ("paid_final", "最终付款"),
    ),
    "biz_date, buyer_nick",
)
CREATED_ORDER = Source(
    "ms_created_order",
    "订单（按下单日）",
    created_order_source_sql,
    (
        ("biz_date", "下单日期"),
        ("order_id", "订单号"),
        ("buyer_nick", "买家"),
        ("created_at", "下单"),
        ("paid_at", "付款"),
        ("paid_amount", "实付"),
    ),
    "biz_date, created_at, order_id",
    orders=True,
)
SOURCES = (OUTCOME, CREATED_ORDER)

_C, _O, _PCT = Family.conversion, "ms_inquiry_outcome", Unit.ratio


def _rate(mid: str, name: str, outcome: str, pending: str, formula: str) -> MetricDef:
    return metric(
        mid, name, _C, _PCT, MetricKind.ratio, formula, _O, outcome, "inquiries", pending=pending
    )


METRICS = (
    _rate(
        "inquiry_to_order_same_day",
        "询单→当日下单转化率",
        "ordered_same_day",
        "pending_same_day",
        "询单当天下单的询单人数 / 询单人数",
    ),
    _rate(
        "inquiry_to_order_next_day",
        "询单→次日下单转化率",
        "ordered_next_day",
        "pending_next_day",
        "询单当天或次日下单的询单人数 / 询单人数",
    ),
    _rate(
        "inquiry_to_order_final",
        "询单→最终下单转化率",
        "ordered_final",
        "pending_final",
        "付款缓冲期内下单的询单人数 / 询单人数",
    ),
    _rate(
        "inquiry_to_paid_rate",
        "询单→最终付款转化率",
        "paid_final",
        "pending_final",
        "付款缓冲期内付款的询单人数 / 询单人数（缓冲期过后才定稿）",
    ),
    metric(
        "inquiry_paid_buyers",
        "询单→最终付款人数",
        _C,
        Unit.buyers,
        MetricKind.count,
        "付款缓冲期内付款的询单人数",
        _O,
        "paid_final",
        pending="pending_final",
    ),
    metric(
        "order_to_paid_rate",
        "下单→付款转化率",
        _C,
        _PCT,
        MetricKind.ratio,
        "落实下单中已付款的订单数 / 落实下单订单数（按下单日）",
        "ms_created_order",
        "credited_paid",
        "credited_order",
        pending="pending",
        description="付款判定（order_paid）下未付款订单不落实，此率恒为 100%。",
    ),
)
