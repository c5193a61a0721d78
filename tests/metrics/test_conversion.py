"""Conversion (转化) metrics and pending versus final.

as_of is 2026-11-20 20:00 Beijing time, so 11-19's next-day outcome and any inquiry whose
payment buffer has not passed are pending (待定): no value, never 0.
"""

from __future__ import annotations

from decimal import Decimal

from shopkpi.metrics.model import Status
from shopkpi.workspace import Workspace
from tests.metrics.conftest import dec, run
from tests.metrics.derived import d, ts

D10, D11, D19 = d("2026-11-10"), d("2026-11-11"), d("2026-11-19")
T = True


def _outcome(buyer: str, day: object, *flags: bool, final: bool = True) -> dict[str, object]:
    same, nxt, ordered, paid = flags
    return {
        "buyer_nick": buyer,
        "staff_id": "s1",
        "biz_date": day,
        "ordered_same_day": same,
        "ordered_next_day": nxt,
        "ordered_final": ordered,
        "paid_final": paid,
        "final": final,
    }


OUTCOMES = [
    _outcome("b1", D10, T, T, T, T),
    _outcome("b2", D10, False, T, T, False),  # ordered the next day, never paid
    _outcome("b3", D11, False, False, False, False),
    _outcome("b4", D19, T, T, T, T, final=False),  # buffer not passed yet
]
ORDERS = [
    {
        "order_id": "o1",
        "buyer_nick": "b1",
        "biz_date": D10,
        "credited_staff_id": "s1",
        "created_at": ts("2026-11-10 02:00:00"),
        "paid": True,
        "paid_amount": Decimal("10"),
    },
    {
        "order_id": "o2",
        "buyer_nick": "b2",
        "biz_date": D11,
        "credited_staff_id": "s1",
        "created_at": ts("2026-11-11 02:00:00"),
        "paid": False,
    },
    {
        "order_id": "o3",
        "buyer_nick": "b4",
        "biz_date": D19,
        "credited_staff_id": "s1",
        "created_at": ts("2026-11-19 02:00:00"),
        "paid": False,
        "final": False,
    },
]
TABLES = {"inquiry_outcome": OUTCOMES, "order_credit": ORDERS}
AS_OF = "2026-11-20 12:00:00"


def test_final_week(shop: Workspace) -> None:
    v = run(shop, TABLES, as_of=AS_OF)
    week = "2026-W46"  # 11-09 … 11-15: b1, b2, b3 — all final
    assert v.value("inquiry_to_order_same_day", "s1", week) == dec("0.333333")  # 1 / 3
    assert v.value("inquiry_to_order_next_day", "s1", week) == dec("0.666667")  # 2 / 3
    assert v.value("inquiry_to_order_final", "s1", week) == dec("0.666667")
    assert v.value("inquiry_to_paid_rate", "s1", week) == dec("0.333333")
    assert v.value("inquiry_paid_buyers", "s1", week) == 1
    assert v.value("order_to_paid_rate", "s1", week) == dec("0.5")  # o1 paid, o2 not


def test_pending_shows_as_pending_never_zero(shop: Workspace) -> None:
    v = run(shop, TABLES, as_of=AS_OF)
    paid = v.get("inquiry_to_paid_rate")  # the month includes 11-19's open buffer
    assert paid.status is Status.pending and paid.value is None
    assert (paid.numerator, paid.denominator) == (2, 4)  # provisional: b1 and b4 paid
    assert v.get("inquiry_to_order_next_day").status is Status.pending  # 11-19 + 1 not over
    assert v.get("order_to_paid_rate").status is Status.pending
    # the same-day rate of 11-19 is final once 11-19 has ended
    same = v.get("inquiry_to_order_same_day")
    assert same.status is Status.final and same.value == dec("0.5")  # 2 / 4
    # pending spreads up: the team and the shop are pending too
    assert v.get("inquiry_to_paid_rate", "A组").status is Status.pending
    assert v.get("inquiry_to_paid_rate", "demo").value is None


def test_later_as_of_makes_it_final(shop: Workspace) -> None:
    outcomes = [*OUTCOMES[:3], _outcome("b4", D19, T, T, T, T, final=True)]
    v = run(shop, {**TABLES, "inquiry_outcome": outcomes}, as_of="2026-11-25 12:00:00")
    paid = v.get("inquiry_to_paid_rate")
    assert paid.status is Status.final and paid.value == dec("0.5")  # 2 / 4
