"""``metric_value``: the store of computed metrics (DuckDB warehouse table).

Writing replaces every row of the computed periods in one transaction, so re-running
compute for the same data and ``as_of`` changes nothing. The value is exact: numerator and
denominator are DECIMAL(38,6) and the ratio is rounded half away from zero in integer
arithmetic (DuckDB divides decimals in floating point). A pending row has no value.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import duckdb

from shopkpi.ingest.adapters.vocab import EntityKind
from shopkpi.metrics.context import ts_lit
from shopkpi.metrics.model import Grain, MetricId, Status

SCALE = 1_000_000


def exact_ratio_sql(num: str, den: str) -> str:
    """round(num / den, 6) in HUGEINT arithmetic, for DECIMAL(38,6) operands."""
    n = f"CAST({num} * {SCALE} AS HUGEINT)"
    d = f"CAST({den} * {SCALE} AS HUGEINT)"
    q = f"(2 * abs({n}) * {SCALE} + abs({d})) // (2 * abs({d}))"
    return f"CAST(sign({n}) * sign({d}) * {q} AS DECIMAL(38,0)) * 0.000001"


VALUE_SQL = f"""CASE WHEN pending > 0 THEN NULL
     WHEN denominator IS NULL THEN numerator
     WHEN denominator = 0 THEN NULL
     ELSE {exact_ratio_sql("numerator", "denominator")} END"""


def write_result(con: duckdb.DuckDBPyConnection, as_of: datetime) -> int:
    """Replace the rows of every period in ``metric_period`` with ``metric_result``."""
    con.execute(
        """DELETE FROM metric_value WHERE EXISTS (
             SELECT 1 FROM metric_period AS p
             WHERE p.grain = metric_value.grain AND p.period = metric_value.period)"""
    )
    con.execute(
        f"""INSERT INTO metric_value
        SELECT shop_id, entity_kind, entity_id, grain, period, period_start, period_end,
               metric_id, numerator, denominator, {VALUE_SQL} AS value,
               CASE WHEN pending > 0 THEN 'pending' ELSE 'final' END AS status,
               {ts_lit(as_of)} AS computed_for_as_of
        FROM metric_result"""
    )
    rows = con.execute("SELECT count(*) FROM metric_result").fetchall()
    return int(rows[0][0])


@dataclass(frozen=True)
class MetricValue:
    """One stored value, with the entity's display name."""

    shop_id: str
    entity_kind: EntityKind
    entity_id: str
    entity_name: str
    grain: Grain
    period: str
    period_start: date
    period_end: date
    metric_id: MetricId
    numerator: Decimal | None
    denominator: Decimal | None
    value: Decimal | None
    status: Status
    computed_for_as_of: datetime | None

    @property
    def pending(self) -> bool:
        return self.status is Status.pending


@dataclass(frozen=True)
class ValueQuery:
    """Which stored values to read; ``None`` means any."""

    period: str | None = None
    entity_kind: EntityKind | None = None
    entity_ids: Sequence[str] | None = None
    metric_ids: Sequence[str] | None = None
    shop_id: str | None = None


def read_values(con: duckdb.DuckDBPyConnection, q: ValueQuery) -> list[MetricValue]:
    """Stored values matching ``q``, ordered by period, entity and catalog order."""
    where: list[str] = ["1 = 1"]
    params: list[object] = []
    for column, value in (
        ("v.period", q.period),
        ("v.entity_kind", q.entity_kind.value if q.entity_kind else None),
        ("v.shop_id", q.shop_id),
    ):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    for column, values in (("v.entity_id", q.entity_ids), ("v.metric_id", q.metric_ids)):
        if values is not None:
            # ``IN (unnest)`` is a hash semi-join: ≈ 1.6× faster than ``list_contains`` per row.
            where.append(f"{column} IN (SELECT unnest(?::VARCHAR[]))")
            params.append(list(values))
    rows = con.execute(
        f"""SELECT v.shop_id, v.entity_kind, v.entity_id,
                   coalesce(CASE WHEN v.entity_kind = 'staff' THEN s.name END, v.entity_id),
                   v.grain, v.period, v.period_start, v.period_end, v.metric_id,
                   v.numerator, v.denominator, v.value, v.status, v.computed_for_as_of
            FROM metric_value AS v
            LEFT JOIN staff AS s ON s.staff_id = v.entity_id AND v.entity_kind = 'staff'
            WHERE {" AND ".join(where)}
            ORDER BY v.period_start, v.grain, v.shop_id, v.entity_kind, v.entity_id""",
        params,
    ).fetchall()
    return [_value(r) for r in rows]


def _value(r: tuple[object, ...]) -> MetricValue:
    return MetricValue(
        str(r[0]),
        EntityKind(str(r[1])),
        str(r[2]),
        str(r[3]),
        Grain(str(r[4])),
        str(r[5]),
        r[6],  # type: ignore[arg-type]
        r[7],  # type: ignore[arg-type]
        MetricId(str(r[8])),
        r[9],  # type: ignore[arg-type]
        r[10],  # type: ignore[arg-type]
        r[11],  # type: ignore[arg-type]
        Status(str(r[12])),
        r[13],  # type: ignore[arg-type]
    )


def latest_period(con: duckdb.DuckDBPyConnection, grain: Grain = Grain.month) -> str | None:
    """The most recent stored period of ``grain`` (``show``'s default)."""
    rows = con.execute(
        "SELECT period FROM metric_value WHERE grain = ? ORDER BY period_start DESC LIMIT 1",
        [grain.value],
    ).fetchall()
    return str(rows[0][0]) if rows else None
