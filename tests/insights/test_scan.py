"""shop_anomalies on a small warehouse: a GMV drop explained, a slow agent found."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from shopkpi.insights.decompose import Factor
from shopkpi.insights.scan import shop_anomalies
from shopkpi.workspace import Workspace
from tests.metrics.derived import create_derived, insert

DAY = date(2026, 3, 30)  # a Monday
BASE_DAYS = [DAY - timedelta(weeks=w) for w in (1, 2, 3, 4)]


def _value(kind: str, entity: str, metric: str, d: date, value: float) -> dict[str, object]:
    return {
        "shop_id": "demo",
        "entity_kind": kind,
        "entity_id": entity,
        "grain": "day",
        "period": d.isoformat(),
        "period_start": d,
        "period_end": d,
        "metric_id": metric,
        "numerator": Decimal(str(value)),
        "value": Decimal(str(value)),
        "status": "final",
    }


def _warehouse(ws: Workspace) -> None:
    """28 days of history, then DAY: GMV 10 000 → 7 000; agent s2 30 s → 90 s."""
    rows = []
    for i in range(29):
        d = date(2026, 3, 2) + timedelta(days=i)
        weekend = d.weekday() >= 5
        gmv = 7000.0 if d == DAY else 15000.0 if weekend else 10000.0
        rows.append(_value("shop", "demo", "shop_sales", d, gmv))
        for staff in ("s1", "s2"):
            rows.append(_value("staff", staff, "cs_sales", d, 3000.0))
            slow = staff == "s2" and d == DAY
            rows.append(_value("staff", staff, "avg_response_seconds", d, 90.0 if slow else 30.0))
    insert(ws.warehouse.con, "metric_value", rows)


def _traffic(ws: Workspace) -> None:
    """Each channel × category: 500 visitors, 25 buyers, 2 500 元; on DAY 直通车 converts
    10 of 500 (5% → 2%) in both categories."""
    rows = []
    for d in [*BASE_DAYS, DAY]:
        for channel in ("直通车", "搜索"):
            for category in ("女装", "男装"):
                drop = channel == "直通车" and d == DAY
                buyers, paid = (10, "1000") if drop else (25, "2500")
                rows.append(
                    {
                        "shop_id": "demo",
                        "biz_date": d,
                        "channel": channel,
                        "category": category,
                        "visitors": 500,
                        "buyers": buyers,
                        "paid_amount": Decimal(paid),
                    }
                )
    insert(ws.warehouse.con, "traffic_daily", rows)


def test_gmv_drop_explained_by_traffic(ws: Workspace) -> None:
    _warehouse(ws)
    _traffic(ws)
    found = shop_anomalies(ws.warehouse.con, ws.config, DAY)
    assert [(a.entity_kind, a.entity_id, a.metric_id) for a in found] == [
        ("shop", "demo", "shop_sales"),
        ("staff", "s2", "avg_response_seconds"),
    ]
    gmv, slow = found
    # Baseline: 4 × (2 000 visitors, 100 buyers, 10 000 元); DAY: 2 000, 70, 7 000.
    # Only conversion moved (5% → 3.5%): its effect is the whole −3 000.
    assert gmv.decomposition is not None
    assert gmv.decomposition.cents() == {
        Factor.visitors: Decimal("0.00"),
        Factor.conversion: Decimal("-3000.00"),
        Factor.aov: Decimal("0.00"),
    }
    # 直通车 explains the whole change (EP 1); categories fell alike (no surprise); staff
    # sales did not move.
    assert [(c.dimension, c.names) for c in gmv.causes] == [("channel", ("直通车",))]
    assert gmv.causes[0].explanatory_power == 1.0
    assert gmv.text == (
        "较基线下降 3,000.00 元（-30.0%），主要来自流量转化（-30.0%，-3,000.00 元），集中在渠道 直通车。"
    )
    assert (slow.check.baseline, slow.check.bad) == (30.0, True)
    assert slow.decomposition is None


def test_without_traffic_orders_decompose(ws: Workspace) -> None:
    _warehouse(ws)
    # Baseline days: 10时 5 000 + 20时 5 000; DAY: 10时 5 000 + 20时 2 000 (UTC 02:00 / 12:00).
    orders = []
    for d in [*BASE_DAYS, DAY]:
        for n, (hour, amount) in enumerate(((2, "5000"), (12, "2000" if d == DAY else "5000"))):
            paid_at = datetime(d.year, d.month, d.day, hour)
            orders.append(
                {
                    "order_id": f"{d}-{n}",
                    "buyer_nick": "b",
                    "created_at": paid_at,
                    "paid_at": paid_at,
                    "biz_date": d,
                    "paid_biz_date": d,
                    "paid_amount": Decimal(amount),
                    "sales_amount": Decimal(amount),
                }
            )
    create_derived(ws.warehouse.con, {"order_credit": orders})
    found = shop_anomalies(ws.warehouse.con, ws.config, DAY)
    gmv = found[0]
    assert gmv.decomposition is not None
    # 2 orders both periods; 笔单价 5 000 → 3 500 takes the whole −3 000.
    assert gmv.decomposition.cents() == {
        Factor.orders: Decimal("0.00"),
        Factor.order_value: Decimal("-3000.00"),
    }
    assert [(c.dimension, c.names) for c in gmv.causes] == [("hour", ("20时",))]
    assert gmv.text == (
        "较基线下降 3,000.00 元（-30.0%），主要来自笔单价（-30.0%，-3,000.00 元），集中在时段 20时。"
    )
