"""Reading stored values in shapes the shells show: a table per entity, a ranking."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import duckdb

from shopkpi.ingest.adapters.vocab import EntityKind
from shopkpi.metrics.catalog import CATALOG
from shopkpi.metrics.model import Direction, Grain, MetricDef
from shopkpi.metrics.store import MetricValue, ValueQuery, latest_period, read_values

# What `shopkpi show` puts in its table when no --metric is given.
HEADLINE = (
    "received_buyers",
    "inquiry_buyers",
    "inquiry_to_paid_rate",
    "cs_sales",
    "avg_response_seconds",
    "satisfaction_rate",
)


@dataclass(frozen=True)
class EntityRow:
    """One entity's values in one period, by metric id."""

    shop_id: str
    entity_kind: EntityKind
    entity_id: str
    entity_name: str
    period: str
    values: dict[str, MetricValue]


def catalog_order(values: Sequence[MetricValue]) -> list[MetricValue]:
    index = {m: i for i, m in enumerate(CATALOG)}
    return sorted(
        values,
        key=lambda v: (
            v.period_start,
            v.grain,
            v.shop_id,
            v.entity_kind,
            v.entity_id,
            index.get(v.metric_id, 999),
        ),
    )


def resolve_period(con: duckdb.DuckDBPyConnection, period: str | None) -> str | None:
    """The given period, or the latest stored month (then week, then day)."""
    if period:
        return period
    for grain in (Grain.month, Grain.week, Grain.day):
        if found := latest_period(con, grain):
            return found
    return None


def entity_rows(values: Sequence[MetricValue]) -> list[EntityRow]:
    """Values grouped per shop × entity × period, in first-seen order."""
    rows: dict[tuple[str, str, str, str], EntityRow] = {}
    for v in values:
        key = (v.shop_id, v.entity_kind.value, v.entity_id, v.period)
        if key not in rows:
            rows[key] = EntityRow(
                v.shop_id, v.entity_kind, v.entity_id, v.entity_name, v.period, {}
            )
        rows[key].values[v.metric_id] = v
    return list(rows.values())


def ranking(
    con: duckdb.DuckDBPyConnection,
    period: str,
    by: MetricDef,
    columns: Sequence[str],
    limit: int = 10,
) -> list[EntityRow]:
    """Staff ranked by ``by`` (best first by its direction; pending and empty values last)."""
    wanted = list(dict.fromkeys([by.id, *columns]))
    values = read_values(con, ValueQuery(period, EntityKind.staff, None, wanted))
    rows = entity_rows(values)

    def key(row: EntityRow) -> tuple[int, Decimal]:
        v = row.values.get(by.id)
        if v is None or v.value is None:
            return (1, Decimal(0))
        return (0, -v.value if by.direction is Direction.higher_better else v.value)

    return sorted(rows, key=key)[:limit]
