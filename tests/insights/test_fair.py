"""Indirect standardisation with literal, hand-worked numbers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from shopkpi.insights.fair import DayTypes, Unit, fair_comparison, standardise
from shopkpi.metrics.periods import parse_period
from shopkpi.workspace import Workspace
from tests.metrics.derived import create_derived, insert, ts

D = Decimal


def units(staff: str, stratum: str, n: int, paid: int) -> list[Unit]:
    return [Unit(staff, (stratum,), D(1 if i < paid else 0)) for i in range(n)]


def test_a_low_raw_conversion_explained_by_a_hard_stratum() -> None:
    # easy: A 16 (8 paid), B 16 (8), C 8 (4) → team rate 20/40 = 0.5
    # hard: A 4 (0), B 4 (1), C 12 (1)      → team rate 2/20 = 0.1;  team overall 22/60
    # C: actual 5, expected 8 × 0.5 + 12 × 0.1 = 5.2 → adjusted 5/5.2 × 22/60 = 0.352564
    rows = [*units("A", "easy", 16, 8), *units("A", "hard", 4, 0),
            *units("B", "easy", 16, 8), *units("B", "hard", 4, 1),
            *units("C", "easy", 8, 4), *units("C", "hard", 12, 1)]  # fmt: skip
    out = standardise(rows)
    assert {s: (r.raw, r.expected, r.adjusted) for s, r in out.items()} == {
        "A": (D("0.400000"), D("8.400000"), D("0.349206")),  # 8/8.4 × 22/60
        "B": (D("0.450000"), D("8.400000"), D("0.392857")),  # 9/8.4 × 22/60
        "C": (D("0.250000"), D("5.200000"), D("0.352564")),
    }
    assert out["C"].team == D("0.366667")
    # C's raw 0.25 is far below the team's 0.366667; adjusted, C is level with A.


def test_amounts_standardise_the_same_way() -> None:
    rows = [Unit("A", ("x",), D("100")), Unit("A", ("y",), D("300")),
            Unit("B", ("y",), D("300"))]  # fmt: skip
    out = standardise(rows)
    assert (out["A"].raw, out["A"].adjusted) == (D("200.000000"), D("233.333333"))
    assert (out["B"].raw, out["B"].adjusted) == (D("300.000000"), D("233.333333"))
    assert standardise([]) == {}


def test_day_types() -> None:
    default = DayTypes(None)
    assert [default.of(date(2026, 11, d)) for d in (10, 11, 14)] == ["weekday", "promo", "weekend"]
    assert DayTypes([date(2026, 11, 10)]).of(date(2026, 11, 10)) == "promo"
    assert DayTypes([]).of(date(2026, 11, 11)) == "weekday"


def _asks(buyer: str, item: str, staff: str, paid: bool) -> tuple[dict[str, object], ...]:
    """One inquiry at 10:00 Beijing time on a Tuesday, about ``item``."""
    at = ts("2026-11-10 02:00:00")
    return (
        {"buyer_nick": buyer, "staff_id": staff, "biz_date": date(2026, 11, 10),
         "first_at": at, "last_at": at},
        {"buyer_nick": buyer, "staff_id": staff, "biz_date": date(2026, 11, 10),
         "paid_final": paid},
        {"shop_id": "demo", "message_id": buyer, "buyer_nick": buyer, "direction": "buyer",
         "sent_at": at, "biz_date": date(2026, 11, 10),
         "text": f"这个有货吗 https://item.taobao.com/item.htm?id={item}&spm=1"},
    )  # fmt: skip


PLAN = [("a1", "222", "a", True), ("a2", "222", "a", True), ("a3", "222", "a", False),
        ("a4", "111", "a", False), ("b1", "222", "b", True), ("b2", "111", "b", True),
        ("b3", "111", "b", False), ("b4", "111", "b", False)]  # fmt: skip


def put_strata(ws: Workspace, plan: list[tuple[str, str, str, bool]]) -> None:
    """Inquiries about 111 (外套) or 222 (T恤), three credited orders, products and lines."""
    asks = [_asks(*p) for p in plan]
    con = ws.warehouse.con
    create_derived(con, {
        "inquiry": [a[0] for a in asks], "inquiry_outcome": [a[1] for a in asks],
        "order_credit": [
            {"order_id": "o1", "buyer_nick": "a1", "credited_staff_id": "a", "sales_amount": D("100"),
             "paid_at": ts("2026-11-10 03:00:00"), "paid_biz_date": date(2026, 11, 10)},
            {"order_id": "o2", "buyer_nick": "a4", "credited_staff_id": "a", "sales_amount": D("300"),
             "paid_at": ts("2026-11-10 03:00:00"), "paid_biz_date": date(2026, 11, 10)},
            {"order_id": "o3", "buyer_nick": "b2", "credited_staff_id": "b", "sales_amount": D("300"),
             "paid_at": ts("2026-11-10 03:00:00"), "paid_biz_date": date(2026, 11, 10)},
        ],
    })  # fmt: skip
    insert(con, "chat_message", [a[2] for a in asks])
    insert(con, "product", [{"shop_id": "demo", "item_id": "111", "category": "外套"},
                            {"shop_id": "demo", "item_id": "222", "category": "T恤"}])  # fmt: skip
    insert(con, "order_line", [
        {"shop_id": "demo", "line_id": "l1", "order_id": "o1", "item_id": "222", "paid_amount": D("100")},
        {"shop_id": "demo", "line_id": "l2", "order_id": "o2", "item_id": "111", "paid_amount": D("300")},
        {"shop_id": "demo", "line_id": "l3", "order_id": "o3", "item_id": "111", "paid_amount": D("300")},
    ])  # fmt: skip


def test_strata_come_from_the_warehouse(ws: Workspace) -> None:
    # 222 (T恤, easy): a 3 asked (2 paid), b 1 (1)  → 0.75
    # 111 (外套, hard): a 1 (0),           b 3 (1)  → 0.25;  team 4/8 = 0.5
    # a: 2 / (3 × 0.75 + 1 × 0.25) × 0.5 = 0.4;  b: 2 / (0.75 + 3 × 0.25) × 0.5 = 0.666667
    put_strata(ws, PLAN)
    out = fair_comparison(ws.warehouse.con, ws.config, parse_period("2026-11"))
    assert out["a"].as_json() == {
        "staff_id": "a", "inquiries": 4, "conversion_raw": "0.500000",
        "conversion_adjusted": "0.400000", "conversion_team": "0.500000",
        "paying_buyers": 2, "order_value_raw": "200.00", "order_value_adjusted": "233.33",
        "order_value_team": "233.33",
    }  # fmt: skip
    assert out["b"].conversion is not None
    assert out["b"].conversion.adjusted == D("0.666667")
