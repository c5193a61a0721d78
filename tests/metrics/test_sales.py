"""Sales (销售) metrics: credited payments, silent sales, shares and assists."""

from __future__ import annotations

from decimal import Decimal

from shopkpi.workspace import Workspace
from tests.metrics.conftest import dec, run
from tests.metrics.derived import Row, d, ts

D10, D11 = d("2026-11-10"), d("2026-11-11")


def order(oid: str, buyer: str, staff: str | None, day: object, amount: str, **kw: object) -> Row:
    """A paid order on ``day``; sales = paid amount unless given."""
    row: dict[str, object] = {
        "order_id": oid,
        "buyer_nick": buyer,
        "credited_staff_id": staff,
        "biz_date": day,
        "paid_biz_date": day,
        "created_at": ts(f"{day} 01:00:00"),
        "paid_at": ts(f"{day} 02:00:00"),
        "paid_amount": Decimal(amount),
        "sales_amount": Decimal(amount),
    }
    return row | kw


ORDERS = [
    # s1: b1 twice on day 10 (one paying buyer that day), b2 on day 11
    order(
        "o1",
        "b1",
        "s1",
        D10,
        "100",
        refund_amount=Decimal("20"),
        sales_amount=Decimal("80"),
        item_count=2,
    ),
    order("o2", "b1", "s1", D10, "50", item_count=1),
    order("o3", "b2", "s1", D11, "30", item_count=3),
    # s2: b3 on day 10; s1 also touched b3 in the window, so s1 assists
    order("o4", "b3", "s2", D10, "200", item_count=4),
    # silent: nobody served b9 in the window
    order("o5", "b9", None, D10, "120"),
    # never paid: no sales
    order("o6", "b5", "s1", D10, "0", paid=False, paid_at=None, paid_biz_date=None),
]
ATTRIBUTION = [
    {"order_id": "o4", "staff_id": "s2", "role": "credited"},
    {"order_id": "o4", "staff_id": "s1", "role": "assist", "touch_at": ts("2026-11-10 00:30:00")},
]
TABLES = {"order_credit": ORDERS, "order_attribution": ATTRIBUTION}


def test_staff_sales(shop: Workspace) -> None:
    v = run(shop, TABLES)
    assert v.value("cs_sales") == dec("160")  # 80 + 50 + 30
    assert v.value("cs_orders") == 3
    assert v.value("cs_paying_buyers") == 2  # b1 on day 10, b2 on day 11
    assert v.value("cs_items") == 6
    assert v.value("sales_per_buyer") == 80  # 160 / 2
    assert v.value("order_value_avg") == dec("53.333333")  # 160 / 3
    assert v.value("items_per_buyer") == 3  # 6 / 2
    assert v.value("price_per_item") == dec("26.666667")  # 160 / 6
    assert v.value("assist_buyers") == 1
    assert v.value("assist_sales") == 200
    assert v.value("cs_paying_buyers_distinct") == 2


def test_shop_sales_silent_and_share(shop: Workspace) -> None:
    v = run(shop, TABLES)
    assert v.value("shop_sales", "demo") == 480  # 80 + 50 + 30 + 200 + 120
    assert v.value("silent_sales", "demo") == 120
    assert v.value("silent_share", "demo") == dec("0.25")
    assert v.value("cs_sales", "demo") == 360
    assert v.value("sales_share", "s1") == dec("0.333333")  # 160 / 480
    assert v.value("sales_share", "s2") == dec("0.416667")  # 200 / 480
    assert v.value("sales_share", "A组") == dec("0.75")  # 360 / 480
    assert v.value("sales_share", "demo") == dec("0.75")
    # shop-only metrics have no staff rows
    assert not v.has("silent_sales", "s1")


def test_sales_share_divides_by_the_whole_shop_of_the_same_period(shop: Workspace) -> None:
    v = run(shop, TABLES)
    day10 = v.get("sales_share", "s1", "2026-11-10")
    day11 = v.get("sales_share", "s1", "2026-11-11")
    month = v.get("sales_share", "s1")
    assert (day10.numerator, day10.denominator) == (130, 450)  # o1 + o2 of 80 + 50 + 200 + 120
    assert (day11.numerator, day11.denominator) == (30, 30)
    assert (month.numerator, month.denominator) == (160, 480)
    # s2 sold on day 10 only, yet its month share is over the shop's whole month
    assert not v.has("sales_share", "s2", "2026-11-11")
    assert v.get("sales_share", "s2").denominator == 480
