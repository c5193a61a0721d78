"""Per day worked (日均): days worked, and orders and sales per day worked.

What makes a day worked (上班天数) is ``metrics.days_worked`` in shopkpi.yaml:

- ``chat`` (default, the platform's 上班天数): a day the staff member sent a human message
  to a buyer (``inquiry.agent_wrote``; auto-replies never count). Staff who never chat in
  the data (a supervisor, operations) count their roster shifts instead.
- ``shift``: a day with a shift in the roster; staff without any shift rows count the days
  they sent a human message (GLOSSARY: 班次 / 上班天数).

Shift rows carry no shop, so a rostered day counts for the staff member's first shop
account. Shifts after ``as_of``'s local date are not worked yet.
"""

from __future__ import annotations

from shopkpi.config.models import DaysWorkedBasis
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
    """``ms_workday``: one row per staff member × day worked (see module doc)."""
    default = lit(ctx.config.shops[0].id)
    today = local_day_sql(ctx, "coalesce(h.shop_id, " + default + ")")
    by_chat = ctx.settings.days_worked is DaysWorkedBasis.chat
    # the basis counts for everyone; the fallback only for staff the basis never sees
    shifts_if = "c.staff_id IS NULL" if by_chat else "true"
    chats_if = "true" if by_chat else "r.staff_id IS NULL"
    shift_note = "从不聊天的员工：排班表当天有班次" if by_chat else "排班表当天有班次"
    chat_note = "当天发过人工消息" if by_chat else "无排班：当天发过人工消息"
    return f"""WITH {home_shop_cte(ctx)}, chat_days AS (
    SELECT shop_id, staff_id, biz_date FROM inquiry
    WHERE agent_wrote AND staff_id IS NOT NULL
    GROUP BY shop_id, staff_id, biz_date
), chatters AS (
    SELECT DISTINCT staff_id FROM chat_days
), rostered AS (
    SELECT DISTINCT staff_id FROM shift WHERE staff_id IS NOT NULL
), shift_days AS (
    SELECT DISTINCT staff_id, biz_date FROM shift
    WHERE staff_id IS NOT NULL AND biz_date IS NOT NULL
)
SELECT coalesce(h.shop_id, {default}) AS shop_id, d.staff_id, d.biz_date, 1 AS worked,
       {lit(shift_note)} AS note
FROM shift_days AS d
LEFT JOIN home AS h ON h.staff_id = d.staff_id
LEFT JOIN chatters AS c ON c.staff_id = d.staff_id
WHERE d.biz_date <= {today} AND {shifts_if}
UNION ALL
SELECT d.shop_id, d.staff_id, d.biz_date, 1 AS worked, {lit(chat_note)} AS note
FROM chat_days AS d
LEFT JOIN rostered AS r ON r.staff_id = d.staff_id
WHERE {chats_if}"""


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
        "有人工消息的天数（metrics.days_worked: chat，平台口径）或有班次的天数（shift）",
        "ms_workday",
        "worked",
        description=(
            "chat：从不聊天的员工按排班；shift：没有排班的员工按有人工消息的天数。"
            "团队/店铺为人天之和。"
        ),
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
