"""Sales (销售): credited payments, silent sales and assists.

Rows are paid orders from ``order_credit`` on their payment day (落实付款), so a figure is
final once paid; refunds are deducted per ``attribution.deduct_refunds`` as they arrive.
A buyer counts once per agent per day (客服销售人数), like every platform count, so the
per-buyer ratios add up over days. Silent orders (静默, no credited agent) count for the shop
only: 店铺销售额 = 客服销售额 + 静默销售额.
"""

from __future__ import annotations

from shopkpi.metrics.context import MetricContext
from shopkpi.metrics.model import (
    SHOP_ONLY,
    DenominatorScope,
    Family,
    MetricKind,
    Unit,
    metric,
)
from shopkpi.metrics.source import Source, flag

_CREDITED = "p.credited_staff_id IS NOT NULL"


def paid_order_source_sql(ctx: MetricContext) -> str:
    """``ms_paid_order``: one row per paid order on its shop-local payment day."""
    return f"""WITH returned AS (
    -- 退货/换货 requests that were not withdrawn or refused
    SELECT shop_id, order_id,
           max(CASE WHEN kind IN ('return_refund', 'exchange')
                     AND coalesce(status, '') NOT IN ('closed', 'rejected') THEN 1 ELSE 0 END)
               AS returned
    FROM refund
    GROUP BY shop_id, order_id
), paid AS (
    SELECT c.*,
           row_number() OVER (PARTITION BY c.shop_id, c.credited_staff_id, c.paid_biz_date,
                                           c.buyer_nick
                              ORDER BY c.paid_at, c.order_id) AS buyer_seq
    FROM order_credit AS c
    WHERE c.paid AND c.paid_biz_date IS NOT NULL
)
SELECT p.shop_id, p.credited_staff_id AS staff_id, p.paid_biz_date AS biz_date, p.order_id,
       p.buyer_nick, p.created_at, p.paid_at, p.touch_at, p.rule, p.paid_amount, p.postage,
       p.refund_amount, p.sales_amount, p.item_count,
       {flag(_CREDITED)} AS credited,
       CASE WHEN {_CREDITED} THEN p.sales_amount ELSE 0 END AS cs_sales,
       CASE WHEN {_CREDITED} THEN coalesce(p.item_count, 0) ELSE 0 END AS cs_items,
       {flag(f"{_CREDITED} AND p.buyer_seq = 1")} AS cs_buyer,
       CASE WHEN {_CREDITED} THEN 0 ELSE p.sales_amount END AS silent_sales,
       CASE WHEN {_CREDITED} THEN coalesce(p.paid_amount, 0) ELSE 0 END AS cs_paid_amount,
       CASE WHEN {_CREDITED} THEN coalesce(p.refund_amount, 0) ELSE 0 END AS cs_refund_amount,
       {flag(f"{_CREDITED} AND r.returned = 1")} AS cs_returned,
       CASE WHEN NOT ({_CREDITED}) THEN '静默：询单窗口内无客服接待，只计入店铺销售额'
            ELSE '落实付款给该客服' END AS note
FROM paid AS p
LEFT JOIN returned AS r ON r.shop_id = p.shop_id AND r.order_id = p.order_id"""


def assist_source_sql(ctx: MetricContext) -> str:
    """``ms_assist``: one row per paid order × assisting agent (协助), on the payment day."""
    return """WITH a AS (
    SELECT a.shop_id, a.staff_id, c.paid_biz_date AS biz_date, c.order_id, c.buyer_nick,
           c.paid_at, c.sales_amount, a.touch_at, c.credited_staff_id, c.rule,
           row_number() OVER (PARTITION BY a.shop_id, a.staff_id, c.paid_biz_date, c.buyer_nick
                              ORDER BY c.paid_at, c.order_id) AS buyer_seq
    FROM order_attribution AS a
    JOIN order_credit AS c ON c.shop_id = a.shop_id AND c.order_id = a.order_id
    WHERE a.role = 'assist' AND c.paid AND c.paid_biz_date IS NOT NULL
)
SELECT shop_id, staff_id, biz_date, order_id, buyer_nick, paid_at, touch_at,
       credited_staff_id, rule, sales_amount,
       CASE WHEN buyer_seq = 1 THEN 1 ELSE 0 END AS assist_buyer,
       '协助：窗口内也接待过买家，订单落实给 ' || coalesce(credited_staff_id, '—') AS note
FROM a"""


PAID_ORDER = Source(
    "ms_paid_order",
    "付款订单（按付款日）",
    paid_order_source_sql,
    (
        ("biz_date", "付款日期"),
        ("order_id", "订单号"),
        ("buyer_nick", "买家"),
        ("paid_at", "付款"),
        ("touch_at", "落实接待"),
        ("paid_amount", "实付"),
        ("refund_amount", "退款"),
        ("sales_amount", "销售额"),
    ),
    "biz_date, paid_at, order_id",
    orders=True,
)
ASSIST = Source(
    "ms_assist",
    "协助订单",
    assist_source_sql,
    (
        ("biz_date", "付款日期"),
        ("order_id", "订单号"),
        ("buyer_nick", "买家"),
        ("touch_at", "接待"),
        ("credited_staff_id", "落实客服"),
        ("sales_amount", "销售额"),
    ),
    "biz_date, paid_at, order_id",
    orders=True,
)
SOURCES = (PAID_ORDER, ASSIST)

_S, _P = Family.sales, "ms_paid_order"
METRICS = (
    metric(
        "cs_sales",
        "客服销售额",
        _S,
        Unit.yuan,
        MetricKind.sum,
        "落实付款订单的实付金额（按设置扣除退款/邮费），按付款日",
        _P,
        "cs_sales",
    ),
    metric(
        "cs_paying_buyers",
        "客服销售人数",
        _S,
        Unit.buyers,
        MetricKind.count,
        "有落实付款订单的买家×客服×天数",
        _P,
        "cs_buyer",
    ),
    metric(
        "cs_orders", "订单数", _S, Unit.orders, MetricKind.count, "落实付款订单数", _P, "credited"
    ),
    metric(
        "cs_items",
        "销售件数",
        _S,
        Unit.items,
        MetricKind.count,
        "落实付款订单的商品件数",
        _P,
        "cs_items",
    ),
    metric(
        "sales_per_buyer",
        "客单价",
        _S,
        Unit.yuan,
        MetricKind.ratio,
        "客服销售额 / 客服销售人数",
        _P,
        "cs_sales",
        "cs_buyer",
    ),
    metric(
        "order_value_avg",
        "笔单价",
        _S,
        Unit.yuan,
        MetricKind.ratio,
        "客服销售额 / 订单数（部分报表称其为客单价）",
        _P,
        "cs_sales",
        "credited",
    ),
    metric(
        "items_per_buyer",
        "客件数",
        _S,
        Unit.items,
        MetricKind.ratio,
        "销售件数 / 客服销售人数",
        _P,
        "cs_items",
        "cs_buyer",
    ),
    metric(
        "price_per_item",
        "件均价",
        _S,
        Unit.yuan,
        MetricKind.ratio,
        "客服销售额 / 销售件数",
        _P,
        "cs_sales",
        "cs_items",
    ),
    metric(
        "shop_sales",
        "店铺销售额",
        _S,
        Unit.yuan,
        MetricKind.sum,
        "全部付款订单的销售额（客服销售额 + 静默销售额），按付款日",
        _P,
        "sales_amount",
        entities=SHOP_ONLY,
    ),
    metric(
        "silent_sales",
        "静默销售额",
        _S,
        Unit.yuan,
        MetricKind.sum,
        "无客服落实的付款订单销售额 = 店铺销售额 − 客服销售额",
        _P,
        "silent_sales",
        entities=SHOP_ONLY,
    ),
    metric(
        "silent_share",
        "静默占比",
        _S,
        Unit.ratio,
        MetricKind.ratio,
        "静默销售额 / 店铺销售额",
        _P,
        "silent_sales",
        "sales_amount",
        entities=SHOP_ONLY,
    ),
    metric(
        "sales_share",
        "销售占比",
        _S,
        Unit.ratio,
        MetricKind.derived,
        "客服销售额 / 店铺销售额（同一期间、整个店铺）",
        None,
        "cs_sales",
        "shop_sales",
        additive=False,
        den_scope=DenominatorScope.shop,
        description="分母是整个店铺同期的销售额，包括该客服没有上班的日子，所以月值不是其有数据日子的加总，"
        "而是按月重新相除。",
    ),
    metric(
        "assist_buyers",
        "协助人数",
        _S,
        Unit.buyers,
        MetricKind.count,
        "协助过的付款买家×客服×天数（窗口内接待过、但订单落实给了别人）",
        "ms_assist",
        "assist_buyer",
    ),
    metric(
        "assist_sales",
        "协助金额",
        _S,
        Unit.yuan,
        MetricKind.sum,
        "协助订单的销售额",
        "ms_assist",
        "sales_amount",
    ),
    metric(
        "cs_paying_buyers_distinct",
        "客服销售人数（去重）",
        _S,
        Unit.buyers,
        MetricKind.count,
        "期间内有落实付款订单的不同买家数（跨天去重）",
        _P,
        "count(DISTINCT CASE WHEN credited = 1 THEN buyer_nick END)",
        additive=False,
    ),
)
