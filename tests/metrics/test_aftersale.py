"""After-sale and satisfaction (售后与满意度): refunds, returns, service evaluations."""

from __future__ import annotations

from decimal import Decimal

from shopkpi.workspace import Workspace
from tests.metrics.conftest import dec, run
from tests.metrics.derived import d, insert, ts
from tests.metrics.test_sales import TABLES

D10 = d("2026-11-10")


def _refund(rid: str, oid: str, kind: str, status: str, amount: str) -> dict[str, object]:
    return {
        "shop_id": "demo",
        "refund_id": rid,
        "order_id": oid,
        "kind": kind,
        "status": status,
        "amount": Decimal(amount),
        "requested_at": ts("2026-11-12 03:00:00"),
    }


def test_refund_and_return_rates(shop: Workspace) -> None:
    insert(
        shop.warehouse.con,
        "refund",
        [
            _refund("r1", "o1", "refund_only", "success", "20"),  # not a return
            _refund("r2", "o3", "return_refund", "success", "0"),  # a return
            _refund("r3", "o2", "exchange", "closed", "0"),  # withdrawn: not a return
        ],
    )
    v = run(shop, TABLES)
    assert v.value("refund_amount") == 20  # o1's refund, on s1's credited orders
    assert v.value("refund_rate") == dec("0.111111")  # 20 / (100 + 50 + 30)
    assert v.value("return_rate") == dec("0.333333")  # o3 of o1, o2, o3


def test_service_evaluations(shop: Workspace) -> None:
    scores = [0, 1, 2, None, 4]  # 非常满意, 满意, 一般, invited but not rated, 非常不满意
    insert(
        shop.warehouse.con,
        "service_eval",
        [
            {
                "shop_id": "demo",
                "eval_id": f"e{i}",
                "staff_id": "s1",
                "biz_date": D10,
                "score": score,
            }
            for i, score in enumerate(scores)
        ],
    )
    v = run(shop, {}, "2026-11")
    assert v.value("evaluations") == 4
    assert v.value("satisfaction_rate") == dec("0.5")  # 2 / 4
    assert v.value("satisfaction_score") == dec("3.25")  # (5 + 4 + 3 + 1) / 4
    assert v.value("eval_participation_rate") == dec("0.8")  # 4 / 5
