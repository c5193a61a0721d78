"""The metric operations ``Workspace`` offers: parse what a user typed, then read."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import duckdb

from shopkpi.config.models import WorkspaceConfig
from shopkpi.errors import ShopkpiError
from shopkpi.ingest.adapters.vocab import EntityKind
from shopkpi.metrics.catalog import CATALOG
from shopkpi.metrics.explain import Explanation, explain
from shopkpi.metrics.periods import parse_period
from shopkpi.metrics.report import EntityRow, catalog_order, ranking, resolve_period
from shopkpi.metrics.staff import resolve_staff
from shopkpi.metrics.store import MetricValue, ValueQuery, read_values

# What the demo's ranking shows beside the metric it ranks by.
RANKING_COLUMNS = ("cs_orders", "inquiry_buyers", "inquiry_to_paid_rate", "reply_within_3min_rate")


class NothingComputed(ShopkpiError):
    """No metric values are stored yet."""


@dataclass(frozen=True)
class Shown:
    """Stored values of one period, in catalog order."""

    period: str
    values: list[MetricValue]


def show(
    con: duckdb.DuckDBPyConnection,
    period: str | None,
    entity: EntityKind | None,
    metrics: Sequence[str] | None,
) -> Shown:
    """Values of ``period`` (default: the latest computed month) for the entity kind."""
    label = _period_label(con, period)
    ids = [CATALOG.get_metric(m).id for m in metrics] if metrics else None
    return Shown(label, catalog_order(read_values(con, ValueQuery(label, entity, None, ids))))


def explain_for(
    con: duckdb.DuckDBPyConnection,
    config: WorkspaceConfig,
    staff: str,
    metric: str,
    period: str | None,
    limit: int,
) -> Explanation:
    """``explain`` from what a user typed (staff id/name/nick, metric id or name, period)."""
    who = resolve_staff(con, staff)
    what = CATALOG.get_metric(metric)
    label = _period_label(con, period)
    return explain(
        con, who, what, parse_period(label, config.week_start), limit, config.attribution
    )


def top_staff(
    con: duckdb.DuckDBPyConnection,
    period: str | None,
    by: str = "cs_sales",
    columns: Sequence[str] = RANKING_COLUMNS,
    limit: int = 10,
) -> tuple[str, list[EntityRow]]:
    """The best staff by ``by`` in ``period`` (default: the latest computed month)."""
    label = _period_label(con, period)
    return label, ranking(con, label, CATALOG.get_metric(by), columns, limit)


def period_label(con: duckdb.DuckDBPyConnection, period: str | None) -> str:
    """The label of ``period``, or of the latest computed month (then week, then day)."""
    return _period_label(con, period)


def _period_label(con: duckdb.DuckDBPyConnection, period: str | None) -> str:
    if period:
        return parse_period(period).label
    label = resolve_period(con, None)
    if label is None:
        raise NothingComputed("还没有计算过指标：请先运行 shopkpi compute")
    return label
