"""Day-to-time pace: today's GMV so far against the usual share of a day paid by now."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from shopkpi.insights.explain import explain
from shopkpi.insights.intraday import intraday_pace
from shopkpi.workspace import Workspace
from tests.metrics.derived import insert, ts


def order(oid: str, paid_utc: str, amount: str) -> dict[str, object]:
    return {"shop_id": "demo", "order_id": oid, "buyer_nick": "b", "created_at": ts(paid_utc),
            "paid_at": ts(paid_utc), "status": "交易成功", "paid_amount": Decimal(amount)}  # fmt: skip


def put_orders(ws: Workspace) -> None:
    """11-15 … 11-21: 100.00 paid at 10:00 and 300.00 at 20:00 (local, UTC+8) each day, so
    a quarter of a day's GMV is usually paid by 15:00; 11-22: 80.00 at 10:00."""
    rows = []
    for day in range(15, 22):
        rows.append(order(f"a{day}", f"2026-11-{day} 02:00:00", "100.00"))
        rows.append(order(f"b{day}", f"2026-11-{day} 12:00:00", "300.00"))
    rows.append(order("today", "2026-11-22 02:00:00", "80.00"))
    insert(ws.warehouse.con, "orders", rows)


def test_pace_against_the_usual_day(ws: Workspace) -> None:
    put_orders(ws)
    pace = intraday_pace(ws.warehouse.con, ws.config, datetime(2026, 11, 22, 15, 0))
    assert pace is not None
    # Goal: the average day (400.00); by 15:00 usually 25 % of it: 100.00 expected, 80.00 paid.
    assert (pace.actual, pace.yesterday, pace.goal, pace.expected) == (
        Decimal("80.00"), Decimal("100.00"), Decimal("400.00"), Decimal("100.00"),
    )  # fmt: skip
    assert (pace.usual_share, pace.progress, pace.goal_from_target) == (0.25, 0.8, False)
    assert explain(pace=pace.fact()) == "今日 GMV 为今日进度的 80.0%，低于昨日同时段。"


def test_pace_against_the_month_target(ws: Workspace) -> None:
    put_orders(ws)
    insert(ws.warehouse.con, "target", [{"entity_kind": "shop", "entity_id": "demo", "period": "2026-11", "metric_id": "shop_sales", "value": Decimal("15000")}])  # fmt: skip
    pace = intraday_pace(ws.warehouse.con, ws.config, datetime(2026, 11, 22, 15, 0))
    assert pace is not None
    # 15000 / 30 days = 500.00 a day; 25 % by 15:00 = 125.00; 80 / 125 = 64 %.
    assert (pace.goal, pace.expected, pace.progress, pace.goal_from_target) == (
        Decimal("500.00"), Decimal("125.00"), 0.64, True,
    )  # fmt: skip


def test_no_history_no_pace(ws: Workspace) -> None:
    assert intraday_pace(ws.warehouse.con, ws.config, datetime(2026, 11, 22, 15, 0)) is None
