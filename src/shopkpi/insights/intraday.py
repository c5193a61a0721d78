"""Day-to-time pace (今日进度): today's GMV so far against where it should be by now.

Expected by now = the day's goal × the share of a day's GMV that is usually paid by this
time of day. The day's goal is the month's shop 店铺销售额 target ÷ the days of the month
when a target exists, else the average full day of the previous ``days`` days; the usual
share is the mean, over those days, of (GMV paid by this time ÷ the day's GMV). Promotion
days are left out of both. GMV here is the paid amount of orders by payment time, in the
shop's local time.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import duckdb

from shopkpi.config.models import WorkspaceConfig
from shopkpi.insights.anomaly import AnomalySettings
from shopkpi.insights.explain import PaceFact


@dataclass(frozen=True)
class IntradayPace:
    at: datetime  # shop-local
    actual: Decimal
    yesterday: Decimal
    expected: Decimal
    goal: Decimal
    goal_from_target: bool
    usual_share: float

    @property
    def progress(self) -> float:
        return float(self.actual / self.expected) if self.expected else 0.0

    def fact(self) -> PaceFact:
        vs = float(self.actual / self.yesterday) if self.yesterday else None
        return PaceFact("今日 GMV", self.progress, vs)


def intraday_pace(
    con: duckdb.DuckDBPyConnection,
    config: WorkspaceConfig,
    at: datetime,
    days: int = 7,
    settings: AnomalySettings | None = None,
) -> IntradayPace | None:
    """The pace at ``at`` (naive: shop-local), or None without enough history."""
    s = settings or AnomalySettings()
    shop = config.shops[0]
    zone = ZoneInfo(shop.timezone)
    local = at.replace(tzinfo=zone) if at.tzinfo is None else at.astimezone(zone)
    day, clock = local.date(), local.timetz().replace(tzinfo=None)
    first = day - timedelta(days=days)
    start_utc = datetime.combine(first, time(), zone).astimezone(UTC).replace(tzinfo=None)
    end_utc = local.astimezone(UTC).replace(tzinfo=None)
    rows = con.execute(
        """SELECT paid_at, paid_amount FROM orders
           WHERE shop_id = ? AND paid_at >= ? AND paid_at <= ? AND paid_amount IS NOT NULL""",
        [shop.id, start_utc, end_utc],
    ).fetchall()
    by_day: dict[date, Decimal] = {}
    by_time: dict[date, Decimal] = {}
    for paid_at, amount in rows:
        when = paid_at.replace(tzinfo=UTC).astimezone(zone)
        d = when.date()
        by_day[d] = by_day.get(d, Decimal(0)) + amount
        if when.timetz().replace(tzinfo=None) <= clock:
            by_time[d] = by_time.get(d, Decimal(0)) + amount
    history = [
        first + timedelta(days=i)
        for i in range(days)
        if not s.is_promotion(first + timedelta(days=i)) and by_day.get(first + timedelta(days=i))
    ]
    if not history:
        return None
    shares = [float(by_time.get(d, Decimal(0)) / by_day[d]) for d in history]
    usual = sum(shares) / len(shares)
    target = _month_target(con, shop.id, day)
    if target is not None:
        goal = target / calendar.monthrange(day.year, day.month)[1]
    else:
        goal = sum((by_day[d] for d in history), Decimal(0)) / len(history)
    expected = (goal * Decimal(str(round(usual, 6)))).quantize(Decimal("0.01"))
    return IntradayPace(
        local.replace(tzinfo=None),
        by_time.get(day, Decimal(0)),
        by_time.get(day - timedelta(days=1), Decimal(0)),
        expected,
        goal.quantize(Decimal("0.01")),
        target is not None,
        usual,
    )


def _month_target(con: duckdb.DuckDBPyConnection, shop: str, day: date) -> Decimal | None:
    rows = con.execute(
        """SELECT value FROM target WHERE entity_kind = 'shop' AND entity_id = ?
             AND period = ? AND metric_id = 'shop_sales'""",
        [shop, f"{day:%Y-%m}"],
    ).fetchall()
    return Decimal(rows[0][0]) if rows and rows[0][0] is not None else None
