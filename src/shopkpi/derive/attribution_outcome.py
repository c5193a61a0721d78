"""Inquiry conversion (询单→下单/付款): one row per ``inquiry`` row with ``is_inquiry``.

An inquiry converts when the same buyer, in the same shop, created (or paid) an order at or
after the inquiry's ``first_at``, by shop-local date:

- ``ordered_same_day``: created on the inquiry day ``D``;
- ``ordered_next_day``: created on ``D`` or ``D + 1``;
- ``ordered_final`` / ``paid_final``: created / paid on ``D`` … ``D + payment_buffer_days``.

Conversion is buyer-level, not credit-level: a buyer who inquired with two agents and then
ordered converts for both (each agent's 询单 counts on its own, as on the platform).
``final`` is true once the buffer has passed: ``as_of``'s local date > ``D + buffer``.
"""

from __future__ import annotations

from datetime import datetime

from shopkpi.config.models import WorkspaceConfig
from shopkpi.derive.attribution_sql import as_of_cte
from shopkpi.derive.settings import local_date


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
    SELECT shop_id, buyer_nick, created_at, paid_at,
           {local_date("created_at", "shop_id", config)} AS created_date,
           {local_date("paid_at", "shop_id", config)} AS paid_date
    FROM orders
    WHERE buyer_nick IS NOT NULL
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
    WHERE i.is_inquiry
    GROUP BY i.shop_id, i.buyer_nick, i.staff_id, i.account_nick, i.biz_date, i.first_at
)
SELECT c.shop_id, c.buyer_nick, c.staff_id, c.biz_date, c.ordered_same_day,
       c.ordered_next_day, c.ordered_final, c.paid_final,
       coalesce(c.biz_date + {buffer} < {as_of_date}, false) AS final
FROM converted AS c
CROSS JOIN as_of AS ao"""
