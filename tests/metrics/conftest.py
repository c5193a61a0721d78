"""Metric test helpers: a workspace with a small roster, compute over literal derived tables."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import pytest

from shopkpi.ingest.adapters.vocab import EntityKind
from shopkpi.metrics.compute import ComputeResult, compute_metrics
from shopkpi.metrics.store import MetricValue, ValueQuery, read_values
from shopkpi.workspace import Workspace
from tests.metrics.derived import Row, create_derived, d, insert

STAFF: list[Row] = [
    {"staff_id": "s1", "name": "小美", "team": "A组", "base_salary": Decimal("3000")},
    {"staff_id": "s2", "name": "小王", "team": "A组", "base_salary": Decimal("3100")},
    {"staff_id": "s3", "name": "阿强", "team": "B组", "base_salary": Decimal("2800")},
]
ACCOUNTS: list[Row] = [
    {
        "shop_id": "demo",
        "account_nick": f"示例旗舰店:{s['name']}",
        "staff_id": s["staff_id"],
        "valid_from": d("2026-01-01"),
    }
    for s in STAFF
]


@pytest.fixture
def shop(ws: Workspace) -> Workspace:
    """The ``ws`` workspace with three staff (s1 小美 and s2 小王 in A组, s3 阿强 in B组)."""
    insert(ws.warehouse.con, "staff", STAFF)
    insert(ws.warehouse.con, "staff_account", ACCOUNTS)
    return ws


@dataclass
class Values:
    """Stored values, looked up by metric, entity and period."""

    rows: list[MetricValue]

    def get(self, metric: str, entity: str = "s1", period: str = "2026-11") -> MetricValue:
        kind = _kind(entity)
        found = [
            v
            for v in self.rows
            if v.metric_id == metric
            and v.entity_id == entity
            and v.period == period
            and v.entity_kind is kind
        ]
        assert len(found) == 1, f"{metric} {entity} {period}: {len(found)} rows"
        return found[0]

    def value(self, metric: str, entity: str = "s1", period: str = "2026-11") -> Decimal | None:
        return self.get(metric, entity, period).value

    def has(self, metric: str, entity: str = "s1", period: str = "2026-11") -> bool:
        kind = _kind(entity)
        return any(
            v.metric_id == metric
            and v.entity_id == entity
            and v.period == period
            and v.entity_kind is kind
            for v in self.rows
        )


def _kind(entity: str) -> EntityKind:
    if entity == "demo":
        return EntityKind.shop
    return EntityKind.team if entity.endswith("组") else EntityKind.staff


def run(
    ws: Workspace,
    tables: Mapping[str, Sequence[Row]],
    period: str | None = None,
    as_of: str = "2026-11-20 12:00:00",
    **metrics: object,
) -> Values:
    """Create the derived tables, compute (no derivations) and read every stored value;
    ``metrics`` replaces ``metrics:`` settings of shopkpi.yaml (e.g. ``fcr_days=5``)."""
    create_derived(ws.warehouse.con, tables)
    compute(ws, period, as_of, **metrics)
    return Values(read_values(ws.warehouse.con, ValueQuery()))


def compute(ws: Workspace, period: str | None, as_of: str, **metrics: object) -> ComputeResult:
    config = ws.config
    if metrics:
        settings = config.metrics.model_validate(config.metrics.model_dump() | metrics)
        config = config.model_copy(update={"metrics": settings})
    return compute_metrics(
        ws.warehouse, config, period, datetime.fromisoformat(as_of), derive=False
    )


def dec(text: str) -> Decimal:
    return Decimal(text)
