"""Per day worked (日均): days worked, and orders and sales per day worked.

A day worked (上班天数) is a day with a shift in the roster; staff without any shift rows
count the days they sent a human message instead (GLOSSARY: 班次 / 上班天数). Shift rows
carry no shop, so a rostered day counts for the staff member's first shop account.
"""

from __future__ import annotations

from shopkpi.metrics.context import MetricContext, lit, local_day_sql
from shopkpi.metrics.model import Family, MetricKind, Unit, metric
from shopkpi.metrics.source import Source


def home_shop_cte(ctx: MetricContext) -> str:
    """``home``: each staff member's shop (their first account's; else the first shop)."""
    default = lit(ctx.config.shops[0].id)
    return f"""home AS (
    SELECT st.staff_id, coalesce(min(a.shop_id), {default}) AS shop_id
    FROM staff AS st
    LEFT JOIN staff_account AS a ON a.staff_id = st.staff_id
    GROUP BY st.staff_id
)"""


def workday_source_sql(ctx: MetricContext) -> str:
    """``ms_workday``: one row per staff member × day worked."""
    default = lit(ctx.config.shops[0].id)
    today = local_day_sql(ctx, "coalesce(h.shop_id, " + default + ")")
    return f"""WITH {home_shop_cte(ctx)}, rostered AS (
    SELECT DISTINCT staff_id FROM shift WHERE staff_id IS NOT NULL
), chat_days AS (
    SELECT shop_id, staff_id, biz_date FROM chat_session
    WHERE agent_messages > 0 AND staff_id IS NOT NULL
    GROUP BY shop_id, staff_id, biz_date
), shift_days AS (
    SELECT DISTINCT staff_id, biz_date FROM shift
    WHERE staff_id IS NOT NULL AND biz_date IS NOT NULL
)
SELECT coalesce(h.shop_id, {default}) AS shop_id, d.staff_id, d.biz_date, 1 AS worked,
       '排班表当天有班次' AS note
FROM shift_days AS d
LEFT JOIN home AS h ON h.staff_id = d.staff_id
WHERE d.biz_date <= {today}
UNION ALL
SELECT c.shop_id, c.staff_id, c.biz_date, 1 AS worked,
       '无排班：当天发过人工消息' AS note
FROM chat_days AS c
LEFT JOIN rostered AS r ON r.staff_id = c.staff_id
WHERE r.staff_id IS NULL"""


WORKDAY = Source(
    "ms_workday",
    "上班日",
    workday_source_sql,
    (("biz_date", "日期"),),
    "biz_date",
)
SOURCES = (WORKDAY,)

_D = Family.per_day_worked
METRICS = (
    metric(
        "days_worked",
        "上班天数",
        _D,
        Unit.days,
        MetricKind.count,
        "有班次的天数；没有排班的员工按有人工消息的天数",
        "ms_workday",
        "worked",
        description="团队/店铺为人天之和。",
    ),
    metric(
        "orders_per_day_worked",
        "平均成单数/日",
        _D,
        Unit.orders,
        MetricKind.derived,
        "订单数 / 上班天数",
        None,
        "cs_orders",
        "days_worked",
    ),
    metric(
        "sales_per_day_worked",
        "日均销售额",
        _D,
        Unit.yuan,
        MetricKind.derived,
        "客服销售额 / 上班天数",
        None,
        "cs_sales",
        "days_worked",
    ),
)
