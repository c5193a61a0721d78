"""Labour efficiency (人效): sales per head, inquiries per staff-day, wage cost ÷ sales.

Wage cost here is the roster's base pay (底薪), spread over the calendar days of each month
so that a whole month adds up to exactly the monthly base: day k of a month of n days
carries round(base × k/n, 2) − round(base × (k−1)/n, 2). Days before ``hired_on`` or after
``left_on`` carry nothing. Once pay is computed, a variant will include bonuses.
"""

from __future__ import annotations

from shopkpi.metrics.context import MetricContext
from shopkpi.metrics.families.workdays import home_shop_cte
from shopkpi.metrics.model import Family, MetricKind, Unit, metric
from shopkpi.metrics.source import Source


def wage_source_sql(ctx: MetricContext) -> str:
    """``ms_wage``: one row per staff member × calendar day employed (``metric_calendar``)."""
    return f"""WITH {home_shop_cte(ctx)}
SELECT h.shop_id, st.staff_id, c.biz_date, st.base_salary,
       round(st.base_salary * c.cum_fraction, 2) - round(st.base_salary * c.prev_fraction, 2)
           AS wage_cost,
       '底薪按当月天数摊到每一天（月内合计等于底薪）' AS note
FROM staff AS st
JOIN home AS h ON h.staff_id = st.staff_id
JOIN metric_calendar AS c
  ON (st.hired_on IS NULL OR c.biz_date >= st.hired_on)
 AND (st.left_on IS NULL OR c.biz_date <= st.left_on)
WHERE st.base_salary IS NOT NULL"""


WAGE = Source(
    "ms_wage",
    "底薪（按天摊）",
    wage_source_sql,
    (("biz_date", "日期"), ("base_salary", "月底薪"), ("wage_cost", "当天摊到")),
    "biz_date",
)
SOURCES = (WAGE,)

_L = Family.labour
METRICS = (
    metric(
        "staff_headcount",
        "在岗人数",
        _L,
        Unit.staff,
        MetricKind.count,
        "期间内至少上班一天的不同员工数",
        "ms_workday",
        "count(DISTINCT staff_id)",
        additive=False,
    ),
    metric(
        "sales_per_staff",
        "人均销售额",
        _L,
        Unit.yuan,
        MetricKind.derived,
        "客服销售额 / 在岗人数",
        None,
        "cs_sales",
        "staff_headcount",
        additive=False,
    ),
    metric(
        "inquiries_per_staff_day",
        "人均日询单量",
        _L,
        Unit.buyers,
        MetricKind.derived,
        "询单人数 / 上班天数（人天）",
        None,
        "inquiry_buyers",
        "days_worked",
    ),
    metric(
        "wage_cost",
        "人力成本（底薪）",
        _L,
        Unit.yuan,
        MetricKind.sum,
        "花名册底薪按天摊入期间的金额",
        "ms_wage",
        "wage_cost",
        lower_is_better=True,
    ),
    metric(
        "wage_cost_ratio",
        "人力成本占比",
        _L,
        Unit.ratio,
        MetricKind.derived,
        "人力成本（底薪） / 客服销售额",
        None,
        "wage_cost",
        "cs_sales",
        lower_is_better=True,
        description="绩效工资算出后，另有含绩效的口径。",
    ),
)
