"""Personal, team and shop targets (目标表) of a period, as the scoring engine reads them.

A target row names an entity (a 员工编号, a team or the shop id), a period label and a
metric. It overrides the plan's target for an item that reads that entity and metric
(docs/plans.md, Items). A KPI proposal (共创) approved in the app DB for the same person,
metric and period overrides the 目标表 row in turn (docs/plans.md, Approved proposals).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

import duckdb


def read_targets(
    con: duckdb.DuckDBPyConnection,
    period: str,
    approved: Mapping[tuple[str, str], Decimal] | None = None,
) -> dict[tuple[str, str], Decimal]:
    """(entity id, metric id) → target value for the period label (``2026-11``).

    Args:
        approved: approved proposal targets of the period by (staff id, metric id)
            (``AppDB.approved_targets``); each one replaces the 目标表 value.
    """
    rows = con.execute(
        """SELECT entity_id, metric_id, value FROM target
           WHERE period = ? AND value IS NOT NULL
           ORDER BY entity_kind, entity_id, metric_id""",
        [period],
    ).fetchall()
    targets = {(str(r[0]), str(r[1])): Decimal(r[2]).normalize() for r in rows}
    for key, value in (approved or {}).items():
        targets[key] = value.normalize()
    return targets
