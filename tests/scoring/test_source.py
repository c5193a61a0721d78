"""Scoring inputs read from the warehouse: roster, metric values and lifecycle sales mix."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from shopkpi.ingest.adapters.vocab import EntityKind
from shopkpi.scoring.source import lifecycle_mix, scoring_input
from shopkpi.scoring.vocab import Lifecycle, LineStatus
from shopkpi.workspace import Workspace
from tests.metrics.derived import create_derived, d, insert

D = Decimal


def test_lifecycle_mix_sums_credited_line_sales_by_stage(ws: Workspace) -> None:
    con = ws.warehouse.con
    assert lifecycle_mix(con, d("2026-11-01"), d("2026-11-30")) == {}  # before compute
    create_derived(
        con,
        {
            "order_credit": [
                {"order_id": "o1", "credited_staff_id": "s1", "paid_biz_date": d("2026-11-03")},
                {"order_id": "o2", "credited_staff_id": "s1", "paid_biz_date": d("2026-11-04")},
                {"order_id": "o3", "credited_staff_id": None, "paid_biz_date": d("2026-11-04")},
                {"order_id": "o4", "credited_staff_id": "s1", "paid_biz_date": d("2026-10-31")},
            ]
        },
    )
    insert(con, "product", [
        {"shop_id": "demo", "item_id": "i1", "lifecycle": "new"},
        {"shop_id": "demo", "item_id": "i2", "lifecycle": "mature"},
    ])  # fmt: skip
    insert(con, "order_line", [
        {"shop_id": "demo", "line_id": "l1", "order_id": "o1", "item_id": "i1", "paid_amount": D("300.00")},
        {"shop_id": "demo", "line_id": "l2", "order_id": "o1", "item_id": "i2", "paid_amount": D("100.00")},
        {"shop_id": "demo", "line_id": "l3", "order_id": "o2", "item_id": "i1", "paid_amount": D("50.00")},
        {"shop_id": "demo", "line_id": "l4", "order_id": "o3", "item_id": "i1", "paid_amount": D("999.00")},
        {"shop_id": "demo", "line_id": "l5", "order_id": "o4", "item_id": "i2", "paid_amount": D("999.00")},
        {"shop_id": "demo", "line_id": "l6", "order_id": "o2", "item_id": "unknown", "paid_amount": D("7.00")},
    ])  # fmt: skip
    mix = lifecycle_mix(con, d("2026-11-01"), d("2026-11-30"))
    assert mix == {"s1": {Lifecycle.new: D("350.00"), Lifecycle.mature: D("100.00")}}


def test_scoring_input_reads_roster_and_values_of_the_period(ws: Workspace) -> None:
    con = ws.warehouse.con
    insert(con, "staff", [
        {"staff_id": "s1", "name": "小美", "role": "presale_cs", "level": "junior", "team": "A组", "bonus_base": D("1500")},
        {"staff_id": "s2", "name": "阿强", "role": "presale_cs", "level": "senior", "team": "A组", "left_on": date(2026, 10, 15)},
    ])  # fmt: skip
    for period, start, end, value in (
        ("2026-11", "2026-11-01", "2026-11-30", "0.42"),
        ("2026-10", "2026-10-01", "2026-10-31", "0.30"),
    ):
        con.execute(
            """INSERT INTO metric_value (shop_id, entity_kind, entity_id, grain, period, period_start,
                   period_end, metric_id, numerator, denominator, value, status)
               VALUES ('demo', 'staff', 's1', 'month', ?, ?, ?, 'inquiry_to_paid_rate', 42, 100, ?,
                       'final')""",
            [period, d(start), d(end), D(value)],
        )
    data = scoring_input(con, "2026-11", teams=True)
    assert [(s.id, s.kind.value) for s in data.subjects] == [("s1", "staff"), ("A组", "team")]
    assert data.subjects[0].bonus_base == D("1500.00")
    [o] = data.observations
    assert (o.entity_kind, o.entity_id, o.value, o.status) == (
        EntityKind.staff,
        "s1",
        D("0.420000"),
        LineStatus.final,
    )
    assert (data.shop_id, data.month) == ("demo", 11)
