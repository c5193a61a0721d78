"""A metric's daily trend in a month: one series for the shop, one per team (趋势)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import duckdb

from shopkpi.ingest.adapters.vocab import EntityKind
from shopkpi.metrics.model import MetricDef
from shopkpi.metrics.periods import parse_period

SHOP_LABEL = "全店"


@dataclass(frozen=True)
class TrendSeries:
    """One entity's daily values (None: no value that day, or pending)."""

    entity_kind: EntityKind
    entity_id: str
    label: str
    values: tuple[Decimal | None, ...]


@dataclass(frozen=True)
class Trend:
    """Day values of ``metric`` in month ``period``; every series is aligned to ``days``."""

    metric: MetricDef
    period: str
    days: tuple[date, ...]
    series: tuple[TrendSeries, ...]


def daily_trend(
    con: duckdb.DuckDBPyConnection,
    metric: MetricDef,
    period: str,
    teams: Collection[str] | None = None,
) -> Trend:
    """Stored day values of ``metric`` in the month ``period`` for each shop and team
    (``teams``: only these teams; None: every team). Days are those with any value."""
    month = parse_period(period)
    rows = con.execute(
        """SELECT period_start, entity_kind, entity_id, value FROM metric_value
           WHERE grain = 'day' AND metric_id = ? AND entity_kind IN ('shop', 'team')
             AND period_start BETWEEN ? AND ?
           ORDER BY entity_kind, entity_id, period_start""",
        [metric.id, month.start, month.end],
    ).fetchall()
    keep = [r for r in rows if r[1] == EntityKind.shop.value or teams is None or r[2] in teams]
    days = tuple(sorted({r[0] for r in keep}))
    cells: dict[tuple[str, str], dict[date, Decimal | None]] = {}
    for day, kind, entity, value in keep:
        cells.setdefault((kind, entity), {})[day] = value
    shops = sum(1 for kind, _ in cells if kind == EntityKind.shop.value)
    series = tuple(
        TrendSeries(
            EntityKind(kind),
            entity,
            _label(kind, entity, shops),
            tuple(by_day.get(d) for d in days),
        )
        for (kind, entity), by_day in sorted(cells.items(), key=lambda kv: _order(kv[0]))
    )
    return Trend(metric, month.label, days, series)


def _label(kind: str, entity: str, shops: int) -> str:
    if kind == EntityKind.shop.value:
        return SHOP_LABEL if shops == 1 else f"{SHOP_LABEL} {entity}"
    return entity


def _order(key: tuple[str, str]) -> tuple[int, str]:
    return (0 if key[0] == EntityKind.shop.value else 1, key[1])
