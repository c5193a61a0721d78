"""Labour efficiency (人效) across teams or shops of one period.

Reads the team or shop values that compute stores (``staff_headcount``, ``days_worked``,
``inquiry_buyers``, ``cs_sales``, ``wage_cost`` = the roster's 底薪 spread over the days
employed) and adds bonuses where the caller knows them (e.g. from the month's pay run):

- daily inquiries per staff member = 询单人数 ÷ 上班人天;
- sales per staff member = 客服销售额 ÷ 在岗人数;
- wage cost = 底薪 + bonuses; wage cost ÷ sales.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import duckdb

from shopkpi.ingest.adapters.vocab import EntityKind
from shopkpi.metrics.store import ValueQuery, read_values

INPUTS = ("staff_headcount", "days_worked", "inquiry_buyers", "cs_sales", "wage_cost")
CENT, SIX = Decimal("0.01"), Decimal("0.000001")


@dataclass(frozen=True)
class LabourRow:
    """One team or shop: head count, workload, cost and sales."""

    kind: EntityKind
    entity_id: str
    staff_count: int
    person_days: int
    inquiries: int
    inquiries_per_staff_day: Decimal | None
    base_wage: Decimal
    bonus: Decimal | None  # None: no bonus known for anyone in the group
    wage_cost: Decimal
    sales: Decimal
    sales_per_staff: Decimal | None
    wage_cost_ratio: Decimal | None  # wage cost ÷ sales

    def as_json(self) -> dict[str, object]:
        def s(v: Decimal | None) -> str | None:
            return None if v is None else str(v)

        return {
            "kind": self.kind.value, "entity_id": self.entity_id,
            "staff_count": self.staff_count, "person_days": self.person_days,
            "inquiries": self.inquiries,
            "inquiries_per_staff_day": s(self.inquiries_per_staff_day),
            "base_wage": s(self.base_wage), "bonus": s(self.bonus),
            "wage_cost": s(self.wage_cost), "sales": s(self.sales),
            "sales_per_staff": s(self.sales_per_staff),
            "wage_cost_ratio": s(self.wage_cost_ratio),
        }  # fmt: skip


def labour_efficiency(
    con: duckdb.DuckDBPyConnection,
    period: str,
    kind: EntityKind = EntityKind.team,
    bonuses: Mapping[str, Decimal] | None = None,
) -> list[LabourRow]:
    """One row per team (or shop) with values in ``period``; bonuses by staff id."""
    values: dict[str, dict[str, Decimal]] = defaultdict(dict)
    for v in read_values(con, ValueQuery(period, kind, None, INPUTS)):
        if v.value is not None:
            values[v.entity_id][v.metric_id] = v.value
    extra = _bonus_by_group(con, period, kind, bonuses or {})
    return [_row(kind, e, values[e], extra.get(e)) for e in sorted(values)]


def _row(
    kind: EntityKind, entity_id: str, v: Mapping[str, Decimal], bonus: Decimal | None
) -> LabourRow:
    zero = Decimal(0)
    heads, days = int(v.get("staff_headcount", zero)), int(v.get("days_worked", zero))
    inquiries, sales = int(v.get("inquiry_buyers", zero)), v.get("cs_sales", zero)
    base = v.get("wage_cost", zero).quantize(CENT)
    cost = base + (bonus or zero)
    return LabourRow(
        kind,
        entity_id,
        heads,
        days,
        inquiries,
        _div(Decimal(inquiries), Decimal(days), CENT),
        base,
        bonus,
        cost,
        sales.quantize(CENT),
        _div(sales, Decimal(heads), CENT),
        _div(cost, sales, SIX),
    )


def _div(num: Decimal, den: Decimal, places: Decimal) -> Decimal | None:
    return (num / den).quantize(places, rounding=ROUND_HALF_UP) if den else None


def _bonus_by_group(
    con: duckdb.DuckDBPyConnection,
    period: str,
    kind: EntityKind,
    bonuses: Mapping[str, Decimal],
) -> dict[str, Decimal]:
    if not bonuses:
        return {}
    if kind is EntityKind.team:
        sql = "SELECT staff_id, team FROM staff WHERE team IS NOT NULL"
        pairs = con.execute(sql).fetchall()
    else:
        sql = """SELECT DISTINCT entity_id, shop_id FROM metric_value
                 WHERE entity_kind = 'staff' AND period = ?"""
        pairs = con.execute(sql, [period]).fetchall()
    out: dict[str, Decimal] = defaultdict(Decimal)
    for staff_id, group in pairs:
        if staff_id in bonuses:
            out[str(group)] += bonuses[staff_id]
    return dict(out)
