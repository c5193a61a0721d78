"""explain: the rows behind a number, the rule for each, and who STAFF means."""

from __future__ import annotations

from decimal import Decimal

import pytest

from shopkpi.metrics.staff import AmbiguousStaff, StaffNotFound
from shopkpi.workspace import Workspace
from tests.metrics.conftest import run
from tests.metrics.derived import insert, ts
from tests.metrics.test_sales import TABLES


@pytest.fixture
def sold(shop: Workspace) -> Workspace:
    insert(
        shop.warehouse.con,
        "refund",
        [
            {
                "shop_id": "demo",
                "refund_id": "r1",
                "order_id": "o1",
                "kind": "refund_only",
                "status": "success",
                "amount": Decimal("20"),
                "requested_at": ts("2026-11-11 03:00:00"),
            }
        ],
    )
    run(shop, TABLES)
    return shop


def test_explain_lists_the_orders_and_their_refunds(sold: Workspace) -> None:
    e = sold.explain("s1", "cs_sales", "2026-11")
    assert e.value is not None and e.value.value == 160
    (ev,) = e.evidence
    assert [r["order_id"] for r in ev.rows] == ["o1", "o2", "o3"]  # o6 was never paid
    assert [r["_num"] for r in ev.rows] == [80, 50, 30]
    assert {r["note"] for r in ev.rows} == {"落实付款给该客服"}
    assert ev.numerator == 160 and ev.total_rows == 3
    assert [r["refund_id"] for r in ev.refunds] == ["r1"]
    assert e.rule is not None and "下单优先判定 × 末次接待" in e.rule


def test_explain_a_ratio_counts_numerator_and_denominator(sold: Workspace) -> None:
    e = sold.explain("小美", "客单价", "2026-11-10")
    (ev,) = e.evidence
    # o1 and o2 are both b1's: the buyer counts once (分母 1, then 0)
    assert [(r["order_id"], r["_num"], r["_den"]) for r in ev.rows] == [
        ("o1", 80, 1),
        ("o2", 50, 0),
    ]


def test_explain_a_derived_share_lists_the_whole_shop_for_the_denominator(sold: Workspace) -> None:
    e = sold.explain("示例旗舰店:小王", "sales_share", "2026-11")
    mine, shop = e.evidence
    assert [r["order_id"] for r in mine.rows] == ["o4"]
    assert shop.denominator is None and shop.numerator == 480
    silent = [r for r in shop.rows if r["order_id"] == "o5"]
    assert silent[0]["note"].startswith("静默")


def test_ambiguous_staff_lists_the_candidates(sold: Workspace) -> None:
    insert(sold.warehouse.con, "staff", [{"staff_id": "s9", "name": "小美", "team": "B组"}])
    with pytest.raises(AmbiguousStaff) as err:
        sold.explain("小美", "cs_sales", "2026-11")
    assert "s1 小美" in str(err.value) and "s9 小美" in str(err.value)
    assert sold.explain("s1", "cs_sales", "2026-11").staff.staff_id == "s1"  # ids stay exact


def test_unknown_staff(sold: Workspace) -> None:
    with pytest.raises(StaffNotFound):
        sold.explain("nobody", "cs_sales", "2026-11")
