"""Month-to-date pacing of shop KPIs against the ``target`` table (进度 vs 时间进度).

A total (count or sum, e.g. 客服销售额) is on pace when its achievement (actual ÷ target)
is at least the share of the month that has passed: 60% of the GMV target with 50% of
the month gone is ahead. A level (a ratio, mean or distribution, e.g. 回复率) does not
accumulate, so it is compared with its target directly, in the metric's direction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

import duckdb

from shopkpi.ingest.adapters.vocab import EntityKind
from shopkpi.metrics.catalog import CATALOG
from shopkpi.metrics.model import Direction, Grain, MetricDef, MetricKind
from shopkpi.metrics.periods import parse_period
from shopkpi.metrics.store import MetricValue, ValueQuery, read_values

# The shop KPIs the overview shows, in this order.
OVERVIEW_METRICS = (
    "cs_sales",
    "shop_sales",
    "inquiry_to_paid_rate",
    "reply_rate",
    "avg_response_seconds",
    "satisfaction_rate",
    "refund_rate",
)
TOTAL_KINDS = frozenset({MetricKind.count, MetricKind.sum})


class PaceVerdict(StrEnum):
    """Where a KPI stands against its target; ``label`` is what users see."""

    ahead = "ahead"
    behind = "behind"
    no_target = "no_target"

    @property
    def label(self) -> str:
        return {"ahead": "领先", "behind": "落后", "no_target": "无目标"}[self.value]


@dataclass(frozen=True)
class Pace:
    """One shop KPI of the month so far, its target and its pace."""

    metric: MetricDef
    value: MetricValue | None
    target: Decimal | None
    achievement: Decimal | None  # actual ÷ target
    verdict: PaceVerdict


@dataclass(frozen=True)
class Overview:
    """The shop's month so far: ``elapsed`` = days with data ÷ days in the month."""

    shop_id: str
    period: str
    as_of: date
    days_elapsed: int
    days_in_month: int
    paces: tuple[Pace, ...]

    @property
    def elapsed(self) -> Decimal:
        return Decimal(self.days_elapsed) / Decimal(self.days_in_month)


def verdict(metric: MetricDef, actual: Decimal, target: Decimal, elapsed: Decimal) -> PaceVerdict:
    """Ahead or behind: totals against time elapsed, levels against the target itself."""
    if metric.kind in TOTAL_KINDS:
        on_pace = target == 0 or actual / target >= elapsed
    elif metric.direction is Direction.higher_better:
        on_pace = actual >= target
    else:
        on_pace = actual <= target
    return PaceVerdict.ahead if on_pace else PaceVerdict.behind


def overview(con: duckdb.DuckDBPyConnection, period: str, shop_id: str | None = None) -> Overview:
    """Shop KPIs of month ``period`` with their pace; ``as_of`` is the last day with data."""
    month = parse_period(period)
    values = read_values(
        con, ValueQuery(month.label, EntityKind.shop, None, OVERVIEW_METRICS, shop_id)
    )
    shop = values[0].shop_id if values else (shop_id or "")
    as_of = _last_day(con, shop, month.start, month.end) or month.start
    days = (month.end - month.start).days + 1
    elapsed = Decimal((as_of - month.start).days + 1) / Decimal(days)
    targets = _targets(con, shop, month.label)
    by_id: dict[str, MetricValue] = {v.metric_id: v for v in values if v.grain is Grain.month}
    paces = tuple(
        _pace(CATALOG[m], by_id.get(m), targets.get(m), elapsed) for m in OVERVIEW_METRICS
    )
    return Overview(shop, month.label, as_of, (as_of - month.start).days + 1, days, paces)


def daily_series(
    con: duckdb.DuckDBPyConnection, shop_id: str, period: str, metric_id: str
) -> list[tuple[date, Decimal | None]]:
    """A shop metric per day of month ``period`` (the overview's line chart)."""
    month = parse_period(period)
    rows = con.execute(
        """SELECT period_start, value FROM metric_value
           WHERE shop_id = ? AND entity_kind = 'shop' AND grain = 'day' AND metric_id = ?
             AND period_start BETWEEN ? AND ?
           ORDER BY period_start""",
        [shop_id, metric_id, month.start, month.end],
    ).fetchall()
    return [(r[0], r[1]) for r in rows]


def _pace(
    metric: MetricDef, value: MetricValue | None, target: Decimal | None, elapsed: Decimal
) -> Pace:
    actual = value.value if value is not None else None
    if target is None or actual is None:
        return Pace(metric, value, target, None, PaceVerdict.no_target)
    achievement = actual / target if target else None
    return Pace(metric, value, target, achievement, verdict(metric, actual, target, elapsed))


def _targets(con: duckdb.DuckDBPyConnection, shop_id: str, period: str) -> dict[str, Decimal]:
    rows = con.execute(
        """SELECT metric_id, value FROM target
           WHERE entity_kind = 'shop' AND entity_id = ? AND period = ?""",
        [shop_id, period],
    ).fetchall()
    return {str(r[0]): r[1] for r in rows}


def _last_day(con: duckdb.DuckDBPyConnection, shop_id: str, start: date, end: date) -> date | None:
    rows = con.execute(
        """SELECT max(period_start) FROM metric_value
           WHERE shop_id = ? AND entity_kind = 'shop' AND grain = 'day'
             AND period_start BETWEEN ? AND ?""",
        [shop_id, start, end],
    ).fetchall()
    found = rows[0][0] if rows else None
    return found if isinstance(found, date) else None
