"""Inquiry conversion (询单→下单/付款): one row per ``inquiry`` row with ``is_inquiry``.

Which orders convert an inquiry is ``attribution.conversion``:

- ``credited`` (default, the platform's 客服绩效 report): orders of the buyer credited to
  the inquiry's agent by the attribution rule (``order_credit``: 落实下单/落实付款), created
  in the inquiry's window after it (its local date ``D`` or ``D + 1`` under
  ``same_or_previous_day``; at most ``window_hours`` after the inquiry's last message under
  ``hours``), and created or paid at or after the inquiry's ``first_at`` (an order
  completed before the buyer wrote is not this inquiry's doing). An order credited to
  another agent, or silent (静默), converts nobody's inquiry.
- ``buyer``: any order of the buyer created (or paid) at or after ``first_at``, whoever is
  credited, so a buyer who inquired with two agents converts for both.

Either way, by shop-local date: ``ordered_same_day`` — created on ``D``;
``ordered_next_day`` — on ``D`` or ``D + 1``; ``ordered_final`` / ``paid_final`` — created
/ paid on ``D`` … ``D + payment_buffer_days``. The ``ordered_*`` flags need the order
created at or after ``first_at``. ``final`` is true once the buffer has passed:
``as_of``'s local date > ``D + buffer``.
"""

from __future__ import annotations

from datetime import datetime

from shopkpi.config.models import ConversionBasis, InquiryWindow, WorkspaceConfig
from shopkpi.derive.attribution_sql import as_of_cte
from shopkpi.derive.settings import local_date


def _orders(config: WorkspaceConfig) -> str:
    """CTE body ``ord``: the orders that may convert an inquiry, with their local dates and
    the staff member they convert for (NULL: anyone, under the buyer basis)."""
    if config.attribution.conversion is ConversionBasis.credited:
        return """SELECT shop_id, buyer_nick, credited_staff_id AS staff_id, created_at, paid_at,
           biz_date AS created_date, paid_biz_date AS paid_date
    FROM order_credit
    WHERE buyer_nick IS NOT NULL AND credited_staff_id IS NOT NULL"""
    return f"""SELECT shop_id, buyer_nick, CAST(NULL AS VARCHAR) AS staff_id, created_at, paid_at,
           {local_date("created_at", "shop_id", config)} AS created_date,
           {local_date("paid_at", "shop_id", config)} AS paid_date
    FROM orders
    WHERE buyer_nick IS NOT NULL"""


def _belongs(config: WorkspaceConfig) -> str:
    """Join condition: may order ``o`` convert inquiry ``i`` at all (before the dates)?"""
    rule = config.attribution
    if rule.conversion is ConversionBasis.buyer:
        return "true"
    if rule.window is InquiryWindow.hours:
        window = f"o.created_at <= i.last_at + INTERVAL {int(rule.window_hours or 0)} HOUR"
    else:
        window = "o.created_date >= i.biz_date AND o.created_date <= i.biz_date + 1"
    return f"""o.staff_id = i.staff_id AND {window}
     AND (o.created_at >= i.first_at OR o.paid_at >= i.first_at)"""


def inquiry_outcome_sql(config: WorkspaceConfig, as_of: datetime | None) -> str:
    buffer = config.attribution.payment_buffer_days
    last_day = f"i.biz_date + {buffer}"
    created_after = "o.created_at >= i.first_at"
    paid_in = f"o.paid_at >= i.first_at AND o.paid_date <= {last_day}"
    as_of_date = local_date("ao.as_of_at", "c.shop_id", config)

    def flag(condition: str) -> str:
        return f"max(CASE WHEN {condition} THEN 1 ELSE 0 END) = 1"

    return f"""WITH as_of AS (
    {as_of_cte(as_of)}
), ord AS (
    {_orders(config)}
), converted AS (
    -- one row per inquiry row; the key includes account_nick and first_at so that none merge
    SELECT i.shop_id, i.buyer_nick, i.staff_id, i.account_nick, i.biz_date, i.first_at,
           {flag(f"{created_after} AND o.created_date = i.biz_date")} AS ordered_same_day,
           {flag(f"{created_after} AND o.created_date <= i.biz_date + 1")}
               AS ordered_next_day,
           {flag(f"{created_after} AND o.created_date <= {last_day}")} AS ordered_final,
           {flag(paid_in)} AS paid_final
    FROM inquiry AS i
    LEFT JOIN ord AS o
      ON o.shop_id = i.shop_id AND o.buyer_nick = i.buyer_nick
     AND (({created_after} AND o.created_date <= {last_day}) OR ({paid_in}))
     AND {_belongs(config)}
    WHERE i.is_inquiry
    GROUP BY i.shop_id, i.buyer_nick, i.staff_id, i.account_nick, i.biz_date, i.first_at
)
SELECT c.shop_id, c.buyer_nick, c.staff_id, c.biz_date, c.ordered_same_day,
       c.ordered_next_day, c.ordered_final, c.paid_final,
       coalesce(c.biz_date + {buffer} < {as_of_date}, false) AS final
FROM converted AS c
CROSS JOIN as_of AS ao"""
