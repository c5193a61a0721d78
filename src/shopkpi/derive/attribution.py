"""Order attribution: 落实下单/付款, 协助 and 静默 (GLOSSARY "Orders and credit", DESIGN §6).

A rule is an anchor × a picker, with an inquiry window (``attribution`` in shopkpi.yaml):

- **Touch.** A human agent message to the buyer (``direction = 'agent'``; auto-replies are
  ``'auto'`` and never count), timed at its ``sent_at``, credited to its ``staff_id``. With
  ``touch: reception`` a message counts only on a day the buyer also wrote to that account.
- **Anchor.** ``order_created`` judges touches at or before ``created_at``; ``order_paid`` at
  or before ``paid_at`` (unpaid orders get no credit); ``order_first`` (default) uses
  ``created_at`` when any touch falls in the window before it, else ``paid_at``.
- **Window.** ``same_or_previous_day``: the touch's shop-local date (``chat_message.biz_date``)
  is the anchor's local date or the day before; ``hours``: ``anchor − N h ≤ sent_at``.
  Either way ``sent_at ≤ anchor`` (same-second touches count: exports have 1 s resolution).
- **Picker.** ``last_touch`` (default) credits the agent with the latest touch in the window,
  ``first_touch`` the earliest; ties go to the smaller ``staff_id``. Every other agent with a
  touch in the window is an ``assist``. An order with no touch in the window is 静默 (silent).
- **Money.** The refund is the larger of ``orders.refund_amount`` and the sum of successful
  refunds in ``refund`` for the order: the two sources overlap, so adding them would count a
  refund twice, and either may lag the other. ``sales_amount = paid_amount − refund −
  postage`` per the switches, never below 0, and 0 for unpaid orders.
- **Final.** An order is final once the payment buffer after its creation day has passed:
  ``as_of``'s local date > ``biz_date + payment_buffer_days``.

The SQL is a range join of anchors to touches plus a ``row_number()`` pick per order, so it
runs on Spark too; there is no ASOF fast path.
"""

from __future__ import annotations

from datetime import datetime

from shopkpi.config.models import (
    AttributionAnchor,
    AttributionPicker,
    AttributionSettings,
    InquiryWindow,
    WorkspaceConfig,
)
from shopkpi.derive.attribution_outcome import inquiry_outcome_sql
from shopkpi.derive.attribution_sql import as_of_cte, touch_cte
from shopkpi.derive.settings import lit, local_date
from shopkpi.engine import Step

MONEY = "DECIMAL(18,2)"


def rule_label(rule: AttributionSettings) -> str:
    """The rule as stored in ``order_credit.rule``, e.g. ``order_first/last_touch/24h``."""
    window = f"{rule.window_hours}h" if rule.window is InquiryWindow.hours else rule.window.value
    return f"{rule.anchor.value}/{rule.picker.value}/{window}"


def _anchors(config: WorkspaceConfig) -> str:
    """One row per order and anchor: rank 0 = creation, rank 1 = payment."""
    anchor = config.attribution.anchor
    parts = []
    for rank, column, wanted in (
        (0, "created_at", (AttributionAnchor.order_created, AttributionAnchor.order_first)),
        (1, "paid_at", (AttributionAnchor.order_paid, AttributionAnchor.order_first)),
    ):
        if anchor in wanted:
            parts.append(
                f"""SELECT o.shop_id, o.order_id, o.buyer_nick, {rank} AS anchor_rank,
           o.{column} AS anchor_at, {local_date(f"o.{column}", "o.shop_id", config)} AS anchor_date
    FROM orders AS o WHERE o.{column} IS NOT NULL AND o.buyer_nick IS NOT NULL"""
            )
    return "\n    UNION ALL\n    ".join(parts)


def _in_window(rule: AttributionSettings) -> str:
    """Is touch ``t`` inside the inquiry window of anchor ``a``?"""
    if rule.window is InquiryWindow.hours:
        return f"t.sent_at >= a.anchor_at - INTERVAL {int(rule.window_hours or 0)} HOUR"
    return "t.biz_date >= a.anchor_date - 1 AND t.biz_date <= a.anchor_date"


def attribution_sql(config: WorkspaceConfig) -> str:
    """``order_attribution``: every agent touching an order in its window, one credited."""
    rule = config.attribution
    last = rule.picker is AttributionPicker.last_touch
    touch_at, order = ("last_at", "last_at DESC") if last else ("first_at", "first_at")
    return f"""WITH touch AS (
    {touch_cte(rule.touch)}
), anchor AS (
    {_anchors(config)}
), hit AS (
    -- per order, anchor and agent: the first and last touch in the window
    SELECT a.shop_id, a.order_id, a.anchor_rank, t.staff_id,
           min(t.sent_at) AS first_at, max(t.sent_at) AS last_at
    FROM anchor AS a
    JOIN touch AS t
      ON t.shop_id = a.shop_id AND t.buyer_nick = a.buyer_nick
     AND t.sent_at <= a.anchor_at AND {_in_window(rule)}
    GROUP BY a.shop_id, a.order_id, a.anchor_rank, t.staff_id
), kept AS (
    -- order_first: the creation anchor wins when it has any touch, else payment
    SELECT shop_id, order_id, staff_id, first_at, last_at, anchor_rank,
           min(anchor_rank) OVER (PARTITION BY shop_id, order_id) AS best_rank
    FROM hit
), ranked AS (
    SELECT shop_id, order_id, staff_id, {touch_at} AS touch_at,
           row_number() OVER (PARTITION BY shop_id, order_id ORDER BY {order}, staff_id) AS pick
    FROM kept
    WHERE anchor_rank = best_rank
)
SELECT shop_id, order_id, staff_id,
       CASE WHEN pick = 1 THEN 'credited' ELSE 'assist' END AS role, touch_at
FROM ranked"""


def _sales(rule: AttributionSettings) -> str:
    terms = ["coalesce(b.paid_amount, 0)"]
    if rule.deduct_refunds:
        terms.append("b.refund_amount")
    if rule.deduct_postage:
        terms.append("coalesce(b.postage, 0)")
    net = " - ".join(terms)
    return f"""CASE WHEN b.paid THEN CAST(greatest({net}, 0) AS {MONEY})
            ELSE CAST(0 AS {MONEY}) END"""


def credit_sql(config: WorkspaceConfig, as_of: datetime | None) -> str:
    """``order_credit``: one row per order with its credited agent (NULL = 静默) and money."""
    rule = config.attribution
    as_of_date = local_date("ao.as_of_at", "b.shop_id", config)
    return f"""WITH as_of AS (
    {as_of_cte(as_of)}
), refunded AS (
    SELECT shop_id, order_id, sum(amount) AS amount
    FROM refund WHERE status = 'success'
    GROUP BY shop_id, order_id
), base AS (
    SELECT o.shop_id, o.order_id, o.buyer_nick, o.created_at, o.paid_at,
           {local_date("o.created_at", "o.shop_id", config)} AS biz_date,
           {local_date("o.paid_at", "o.shop_id", config)} AS paid_biz_date,
           o.paid_at IS NOT NULL AS paid, o.paid_amount, o.postage,
           CAST(greatest(coalesce(o.refund_amount, 0), coalesce(r.amount, 0)) AS {MONEY})
               AS refund_amount,
           o.item_count
    FROM orders AS o
    LEFT JOIN refunded AS r ON r.shop_id = o.shop_id AND r.order_id = o.order_id
)
SELECT b.shop_id, b.order_id, b.buyer_nick, b.created_at, b.paid_at, b.biz_date,
       b.paid_biz_date, c.staff_id AS credited_staff_id, c.touch_at,
       {lit(rule_label(rule))} AS rule, b.paid, b.paid_amount, b.postage, b.refund_amount,
       {_sales(rule)} AS sales_amount,
       b.item_count,
       coalesce(coalesce(b.biz_date, b.paid_biz_date)
                + {rule.payment_buffer_days} < {as_of_date}, false) AS final
FROM base AS b
CROSS JOIN as_of AS ao
LEFT JOIN order_attribution AS c
  ON c.shop_id = b.shop_id AND c.order_id = b.order_id AND c.role = 'credited'"""


def steps(config: WorkspaceConfig, as_of: datetime | None) -> list[Step]:
    """``order_attribution``, ``order_credit`` and ``inquiry_outcome`` (reads ``inquiry``)."""
    return [
        Step(
            "order_attribution",
            attribution_sql(config),
            doc="订单归属：窗口内接待过买家的客服，一人落实（credited），其余协助（assist）",
        ),
        Step(
            "order_credit",
            credit_sql(config, as_of),
            doc="每笔订单的落实客服（空 = 静默）、客服销售额与是否定稿",
        ),
        Step(
            "inquiry_outcome",
            inquiry_outcome_sql(config, as_of),
            doc="每条询单的转化：当日/次日/最终下单、最终付款，及是否定稿",
        ),
    ]
