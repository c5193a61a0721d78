"""Resolution and payment (问题解决与催付): first-contact resolution and payment chases.

- 问题一次解决: a received buyer × agent × day is resolved when the buyer does not contact
  the shop again on any of the next ``fcr_days`` days (chats carry no order or issue id, so
  "the same issue" is the same buyer). Pending until those days have passed.
- 催付: an agent session with the buyer of an order that is created and still unpaid. The
  first such agent chases the order; it is recovered when paid within ``chase_hours`` after
  the chase. Pending while the window is open and the order is unpaid.
"""

from __future__ import annotations

from datetime import timedelta

from shopkpi.metrics.context import MetricContext, local_day_sql, ts_lit
from shopkpi.metrics.model import Family, MetricKind, Unit, metric
from shopkpi.metrics.source import Source, flag


def fcr_source_sql(ctx: MetricContext) -> str:
    """``ms_fcr``: one row per received inquiry row, resolved unless the buyer came back."""
    days = ctx.settings.fcr_days
    last_open = local_day_sql(ctx, "i.shop_id", days)
    return f"""WITH contact AS (
    SELECT DISTINCT shop_id, buyer_nick, biz_date FROM inquiry WHERE received
), came_back AS (
    SELECT a.shop_id, a.buyer_nick, a.biz_date, min(b.biz_date) AS next_contact
    FROM contact AS a
    JOIN contact AS b
      ON b.shop_id = a.shop_id AND b.buyer_nick = a.buyer_nick
     AND b.biz_date > a.biz_date AND b.biz_date <= a.biz_date + INTERVAL {days} DAY
    GROUP BY a.shop_id, a.buyer_nick, a.biz_date
)
SELECT i.shop_id, i.staff_id, i.biz_date, i.buyer_nick, i.account_nick, r.next_contact,
       1 AS contacts,
       {flag("r.next_contact IS NULL")} AS resolved,
       {flag(f"r.next_contact IS NULL AND i.biz_date >= {last_open}")} AS pending,
       CASE WHEN r.next_contact IS NOT NULL THEN '{days}天内买家再次咨询：未一次解决'
            WHEN i.biz_date >= {last_open} THEN '观察期（{days}天）未过：待定'
            ELSE '{days}天内未再咨询：一次解决' END AS note
FROM inquiry AS i
LEFT JOIN came_back AS r
  ON r.shop_id = i.shop_id AND r.buyer_nick = i.buyer_nick AND r.biz_date = i.biz_date
WHERE i.received"""


def chase_source_sql(ctx: MetricContext) -> str:
    """``ms_chase``: one row per chased order, on the chase's day, for its first chaser."""
    hours = ctx.settings.chase_hours
    cutoff = ts_lit(ctx.as_of - timedelta(hours=hours))
    recovered = f"c.paid_at <= c.chased_at + INTERVAL {hours} HOUR"
    return f"""WITH touch AS (
    SELECT shop_id, staff_id, buyer_nick, biz_date, session_id,
           CASE WHEN seller_first THEN started_at ELSE first_response_at END AS chased_at
    FROM chat_session
    WHERE agent_messages > 0 AND staff_id IS NOT NULL
), chase AS (
    SELECT o.shop_id, o.order_id, o.buyer_nick, o.created_at, o.paid_at, o.paid_amount,
           t.staff_id, t.biz_date, t.chased_at, t.session_id,
           row_number() OVER (PARTITION BY o.shop_id, o.order_id
                              ORDER BY t.chased_at, t.session_id) AS seq
    FROM order_credit AS o
    JOIN touch AS t
      ON t.shop_id = o.shop_id AND t.buyer_nick = o.buyer_nick
     AND t.chased_at > o.created_at AND (o.paid_at IS NULL OR t.chased_at < o.paid_at)
)
SELECT c.shop_id, c.staff_id, c.biz_date, c.order_id, c.buyer_nick, c.created_at,
       c.chased_at, c.paid_at, c.paid_amount,
       1 AS chased,
       {flag(recovered)} AS recovered,
       CASE WHEN {recovered} THEN c.paid_amount ELSE 0 END AS recovered_amount,
       {flag(f"c.paid_at IS NULL AND c.chased_at > {cutoff}")} AS pending,
       CASE WHEN {recovered} THEN '催付后{hours}小时内付款：催付成功'
            WHEN c.paid_at IS NULL AND c.chased_at > {cutoff} THEN '催付后{hours}小时未到：待定'
            ELSE '催付后{hours}小时内未付款' END AS note
FROM chase AS c
WHERE c.seq = 1"""


FCR = Source(
    "ms_fcr",
    "接待（一次解决判定）",
    fcr_source_sql,
    (
        ("biz_date", "日期"),
        ("buyer_nick", "买家"),
        ("account_nick", "子账号"),
        ("next_contact", "再次咨询日期"),
    ),
    "biz_date, buyer_nick",
)
CHASE = Source(
    "ms_chase",
    "催付订单",
    chase_source_sql,
    (
        ("biz_date", "催付日期"),
        ("order_id", "订单号"),
        ("buyer_nick", "买家"),
        ("created_at", "下单"),
        ("chased_at", "催付"),
        ("paid_at", "付款"),
        ("paid_amount", "实付"),
    ),
    "biz_date, chased_at, order_id",
    orders=True,
)
SOURCES = (FCR, CHASE)

_R, _CH = Family.resolution, "ms_chase"
METRICS = (
    metric(
        "first_contact_resolution_rate",
        "问题一次解决率",
        _R,
        Unit.ratio,
        MetricKind.ratio,
        "N天（fcr_days，默认3）内买家未再咨询的接待数 / 接待数",
        "ms_fcr",
        "resolved",
        "contacts",
        pending="pending",
    ),
    metric(
        "payment_chase_orders",
        "催付订单数",
        _R,
        Unit.orders,
        MetricKind.count,
        "下单后、付款前由该客服首先联系的订单数",
        _CH,
        "chased",
    ),
    metric(
        "payment_chase_recovered",
        "催付成功订单数",
        _R,
        Unit.orders,
        MetricKind.count,
        "催付后 N 小时（chase_hours，默认24）内付款的订单数",
        _CH,
        "recovered",
        pending="pending",
    ),
    metric(
        "payment_chase_rate",
        "催付成功率",
        _R,
        Unit.ratio,
        MetricKind.ratio,
        "催付成功订单数 / 催付订单数",
        _CH,
        "recovered",
        "chased",
        pending="pending",
    ),
    metric(
        "payment_chase_sales",
        "催付成功金额",
        _R,
        Unit.yuan,
        MetricKind.sum,
        "催付成功订单的实付金额",
        _CH,
        "recovered_amount",
        pending="pending",
    ),
)
