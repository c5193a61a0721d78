"""Labour efficiency across teams and shops, literal values."""

from __future__ import annotations

from decimal import Decimal

from shopkpi.ingest.adapters.vocab import EntityKind
from shopkpi.insights.labour import labour_efficiency
from shopkpi.workspace import Workspace
from tests.metrics.derived import insert

D = Decimal
# team → (在岗人数, 上班人天, 询单人数, 客服销售额, 底薪摊入)
TEAMS = {"A组": ("3", "60", "1500", "90000", "12000"), "B组": ("2", "44", "660", "30000", "8000")}


def put(ws: Workspace, kind: str, entity: str, metric: str, value: str) -> None:
    ws.warehouse.con.execute(
        """INSERT INTO metric_value (shop_id, entity_kind, entity_id, grain, period,
               period_start, period_end, metric_id, numerator, denominator, value, status)
           VALUES ('demo', ?, ?, 'month', '2026-11', DATE '2026-11-01', DATE '2026-11-30',
                   ?, ?, NULL, ?, 'final')""",
        [kind, entity, metric, D(value), D(value)],
    )


def make(ws: Workspace) -> None:
    metrics = ("staff_headcount", "days_worked", "inquiry_buyers", "cs_sales", "wage_cost")
    for team, row in TEAMS.items():
        for metric, value in zip(metrics, row, strict=True):
            put(ws, "team", team, metric, value)
    for metric, value in zip(metrics, ("5", "104", "2160", "120000", "20000"), strict=True):
        put(ws, "shop", "demo", metric, value)
    insert(ws.warehouse.con, "staff", [{"staff_id": "s1", "team": "A组"}, {"staff_id": "s2", "team": "B组"}])  # fmt: skip
    put(ws, "staff", "s1", "cs_sales", "50000")
    put(ws, "staff", "s2", "cs_sales", "30000")


def test_teams_side_by_side(ws: Workspace) -> None:
    make(ws)
    rows = labour_efficiency(ws.warehouse.con, "2026-11", EntityKind.team)
    assert [r.as_json() for r in rows] == [
        {"kind": "team", "entity_id": "A组", "staff_count": 3, "person_days": 60,
         "inquiries": 1500, "inquiries_per_staff_day": "25.00", "base_wage": "12000.00",
         "bonus": None, "wage_cost": "12000.00", "sales": "90000.00",
         "sales_per_staff": "30000.00", "wage_cost_ratio": "0.133333"},
        {"kind": "team", "entity_id": "B组", "staff_count": 2, "person_days": 44,
         "inquiries": 660, "inquiries_per_staff_day": "15.00", "base_wage": "8000.00",
         "bonus": None, "wage_cost": "8000.00", "sales": "30000.00",
         "sales_per_staff": "15000.00", "wage_cost_ratio": "0.266667"},
    ]  # fmt: skip


def test_bonuses_add_to_the_wage_cost(ws: Workspace) -> None:
    make(ws)
    bonuses = {"s1": D("1800.00"), "s2": D("1200.50")}
    a, b = labour_efficiency(ws.warehouse.con, "2026-11", EntityKind.team, bonuses)
    assert (a.bonus, a.wage_cost, a.wage_cost_ratio) == (D("1800.00"), D("13800.00"), D("0.153333"))
    assert (b.bonus, b.wage_cost, b.wage_cost_ratio) == (D("1200.50"), D("9200.50"), D("0.306683"))
    (shop,) = labour_efficiency(ws.warehouse.con, "2026-11", EntityKind.shop, bonuses)
    # 20000 + 3000.50 = 23000.50; ÷ 120000 = 0.191670833 → 0.191671; 2160 ÷ 104 = 20.769 → 20.77
    assert (shop.wage_cost, shop.wage_cost_ratio) == (D("23000.50"), D("0.191671"))
    assert (shop.inquiries_per_staff_day, shop.sales_per_staff) == (D("20.77"), D("24000.00"))
