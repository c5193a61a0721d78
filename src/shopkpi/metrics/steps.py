"""The metric computation as engine steps: frame tables, sources, roll-ups, the result.

``metric_steps`` returns every step after the derivations, ending with ``metric_result``:
one row per shop × entity × period × metric with numerator, denominator and a pending
count. The store turns those rows into ``metric_value`` (value and status).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from shopkpi.engine import Step
from shopkpi.metrics.catalog import CATALOG, Catalog
from shopkpi.metrics.context import MetricContext, date_lit, lit
from shopkpi.metrics.model import DenominatorScope, MetricDef
from shopkpi.metrics.periods import Period
from shopkpi.metrics.rollup import KEYS, day_facts_sql, rollup_sql


@dataclass(frozen=True)
class Scope:
    """What one compute covers: the periods, the days that hold data, and ``as_of``'s day."""

    periods: tuple[Period, ...]
    first_day: date | None = None
    last_day: date | None = None
    today: date | None = None

    def calendar(self) -> list[date]:
        """Days of the periods that hold data, up to today (base pay is spread over these)."""
        if self.first_day is None or self.last_day is None:
            return []
        last = min(self.last_day, self.today) if self.today else self.last_day
        days = {d.start for p in self.periods for d in p.days()}
        return sorted(d for d in days if self.first_day <= d <= last)


def period_sql(periods: Sequence[Period]) -> str:
    rows = ",\n    ".join(
        f"({lit(p.grain.value)}, {lit(p.label)}, {date_lit(p.start)}, {date_lit(p.end)})"
        for p in periods
    )
    return f"SELECT * FROM (VALUES\n    {rows}\n) AS p(grain, period, period_start, period_end)"


def day_period_sql(periods: Sequence[Period]) -> str:
    """One row per period and each of its days: the roll-up finds a row's periods by an
    equality join on the day (a hash join), not a range join on the bounds (measured on
    10M messages: the median/p90 roll-up of reply rounds 6.6 s → 2.6 s)."""
    rows = ",\n    ".join(
        f"({date_lit(d.start)}, {lit(p.grain.value)}, {lit(p.label)}, "
        f"{date_lit(p.start)}, {date_lit(p.end)})"
        for p in periods
        for d in p.days()
    )
    return (
        f"SELECT * FROM (VALUES\n    {rows}\n) "
        "AS p(biz_date, grain, period, period_start, period_end)"
    )


def _fraction(value: Fraction) -> str:
    return f"CAST('{float(value):.16f}' AS DECIMAL(18,16))" if value != 1 else "1"


def calendar_sql(days: Sequence[date]) -> str:
    """Day k of an n-day month carries the fractions k/n and (k−1)/n of a monthly amount."""
    if not days:
        return (
            "SELECT CAST(NULL AS DATE) AS biz_date, CAST(NULL AS DECIMAL(18,16)) AS cum_fraction,"
            " CAST(NULL AS DECIMAL(18,16)) AS prev_fraction WHERE 1 = 0"
        )
    rows = []
    for d in days:
        n = _days_in_month(d)
        rows.append(
            f"({date_lit(d)}, {_fraction(Fraction(d.day, n))}, {_fraction(Fraction(d.day - 1, n))})"
        )
    body = ",\n    ".join(rows)
    return f"SELECT * FROM (VALUES\n    {body}\n) AS c(biz_date, cum_fraction, prev_fraction)"


def _days_in_month(d: date) -> int:
    following = date(d.year + d.month // 12, d.month % 12 + 1, 1)
    return (following - date(d.year, d.month, 1)).days


TEAM_SQL = """SELECT staff_id, max(team) AS team FROM staff
WHERE staff_id IS NOT NULL AND team IS NOT NULL
GROUP BY staff_id"""

STAFF_DAY_SQL = """SELECT shop_id, staff_id, biz_date FROM ms_workday
UNION
SELECT shop_id, staff_id, biz_date FROM ms_inquiry WHERE staff_id IS NOT NULL"""


def derived_sql(metrics: Sequence[MetricDef]) -> str:
    """Derived metrics: the numerator metric's value over the denominator metric's value of
    the same period, from the same entity or from its whole shop."""
    parts = []
    for m in metrics:
        if m.den_scope is DenominatorScope.shop:
            same = "d.entity_kind = 'shop' AND d.entity_id = n.shop_id"
        else:
            same = "d.entity_kind = n.entity_kind AND d.entity_id = n.entity_id"
        kinds = ", ".join(lit(k.value) for k in sorted(m.entities))
        parts.append(
            f"""SELECT n.shop_id, n.entity_kind, n.entity_id, n.grain, n.period, n.period_start,
       n.period_end, {lit(m.id)} AS metric_id, n.numerator,
       coalesce(d.numerator, 0) AS denominator,
       n.pending + coalesce(d.pending, 0) AS pending
FROM metric_base AS n
LEFT JOIN metric_base AS d
  ON d.metric_id = {lit(m.denominator or "")} AND d.shop_id = n.shop_id
 AND d.grain = n.grain AND d.period = n.period AND {same}
WHERE n.metric_id = {lit(m.numerator)} AND n.entity_kind IN ({kinds})"""
        )
    return "\nUNION ALL\n".join(parts)


def _rollup_steps(catalog: Catalog) -> list[Step]:
    steps: list[Step] = []
    for source in catalog.sources:
        metrics = catalog.of_source(source.name)
        additive = [m for m in metrics if m.additive]
        other = [m for m in metrics if not m.additive]
        stem = source.name.removeprefix("ms_")
        if additive:
            day = f"md_{stem}"
            steps.append(
                Step(
                    day,
                    day_facts_sql(source.name, additive),
                    f"{source.label}：按客服×天汇总",
                    temporary=True,
                )
            )
            steps.append(
                Step(
                    f"mv_{stem}",
                    rollup_sql(day, additive, additive=True),
                    "可加指标：各粒度 Σ分子/Σ分母",
                    temporary=True,
                )
            )
        if other:
            steps.append(
                Step(
                    f"mx_{stem}",
                    rollup_sql(source.name, other, additive=False),
                    "不可加指标：按各粒度明细重算",
                    temporary=True,
                )
            )
    return steps


def metric_steps(ctx: MetricContext, scope: Scope, catalog: Catalog = CATALOG) -> list[Step]:
    """Every metric step, in dependency order, ending with ``metric_result``."""
    frame = [
        Step("metric_period", period_sql(scope.periods), "本次计算的周期"),
        Step(
            "metric_day_period",
            day_period_sql(scope.periods),
            "周期的每一天（按天关联周期）",
            temporary=True,
        ),
        Step("metric_calendar", calendar_sql(scope.calendar()), "有数据的日历日（底薪摊分）"),
        Step("metric_team", TEAM_SQL, "员工所属团队"),
    ]
    sources = [Step(s.name, s.build(ctx), s.label) for s in catalog.sources]
    staff_day = Step("metric_staff_day", STAFF_DAY_SQL, "客服有活动（上班或接待）的日子")
    rollups = _rollup_steps(catalog)
    base = "\nUNION ALL\n".join(
        f"SELECT {KEYS}, metric_id, numerator, denominator, pending FROM {s.name}"
        for s in rollups
        if s.name[:3] in ("mv_", "mx_")
    )
    result = f"SELECT * FROM metric_base\nUNION ALL\n{derived_sql(catalog.derived())}"
    return [
        *frame,
        *sources,
        staff_day,
        *rollups,
        # intermediates that only this compute reads (write_result stores metric_result)
        Step("metric_base", base, "基础指标的分子、分母与待定数", temporary=True),
        Step("metric_result", result, "全部指标（含派生指标）", temporary=True),
    ]
