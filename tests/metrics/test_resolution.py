"""First-contact resolution (问题一次解决) and payment chases (催付)."""

from __future__ import annotations

from decimal import Decimal

from shopkpi.metrics.model import Status
from shopkpi.workspace import Workspace
from tests.metrics.conftest import dec, run
from tests.metrics.derived import d, ts

# as_of 2026-11-20 20:00 Beijing: with fcr_days = 3 a contact on or after 11-17 is still open
FCR_INQUIRIES = [
    {"buyer_nick": "b1", "staff_id": "s1", "biz_date": d("2026-11-10")},
    {"buyer_nick": "b1", "staff_id": "s2", "biz_date": d("2026-11-12")},  # b1 came back
    {"buyer_nick": "b2", "staff_id": "s1", "biz_date": d("2026-11-10")},
    {"buyer_nick": "b2", "staff_id": "s1", "biz_date": d("2026-11-14")},  # 4 days later
    {"buyer_nick": "b3", "staff_id": "s1", "biz_date": d("2026-11-18")},  # window open
]


def test_first_contact_resolution(shop: Workspace) -> None:
    v = run(shop, {"inquiry": FCR_INQUIRIES})
    week = v.get("first_contact_resolution_rate", "s1", "2026-W46")
    assert (week.numerator, week.denominator, week.value) == (2, 3, dec("0.666667"))
    assert v.value("first_contact_resolution_rate", "s2", "2026-W46") == 1
    month = v.get("first_contact_resolution_rate")
    assert month.status is Status.pending and month.value is None


def _order(oid: str, buyer: str, created: str, paid: str | None, amount: str) -> dict[str, object]:
    return {
        "order_id": oid,
        "buyer_nick": buyer,
        "created_at": ts(created),
        "paid_at": ts(paid) if paid else None,
        "paid": paid is not None,
        "paid_amount": Decimal(amount),
        "biz_date": d(created[:10]),
    }


def _session(
    sid: str, buyer: str, staff: str, at: str, day: str, **kw: object
) -> dict[str, object]:
    row: dict[str, object] = {
        "session_id": sid,
        "buyer_nick": buyer,
        "staff_id": staff,
        "biz_date": d(day),
        "started_at": ts(at),
        "first_response_at": ts(at),
    }
    return row | kw


CHASE_ORDERS = [
    _order("o1", "b1", "2026-11-10 02:00:00", "2026-11-10 05:00:00", "100"),
    _order("o2", "b2", "2026-11-10 02:00:00", "2026-11-12 06:00:00", "50"),
    _order("o3", "b3", "2026-11-19 20:00:00", None, "80"),
    _order("o4", "b4", "2026-11-10 01:00:00", "2026-11-10 01:30:00", "60"),
]
CHASE_SESSIONS = [
    _session("c1", "b1", "s1", "2026-11-10 03:00:00", "2026-11-10", seller_first=True),
    _session("c2", "b1", "s2", "2026-11-10 04:00:00", "2026-11-10"),  # later: not the chaser
    _session("c3", "b2", "s1", "2026-11-10 04:00:00", "2026-11-10"),  # paid > 24 h later
    _session("c4", "b3", "s2", "2026-11-19 21:00:00", "2026-11-20", seller_first=True),
    _session("c5", "b4", "s1", "2026-11-10 00:30:00", "2026-11-10"),  # before the order
]


def test_payment_chase(shop: Workspace) -> None:
    v = run(shop, {"order_credit": CHASE_ORDERS, "chat_session": CHASE_SESSIONS})
    assert v.value("payment_chase_orders") == 2  # o1, o2
    assert v.value("payment_chase_recovered") == 1  # o1 paid 2 h after the chase
    assert v.value("payment_chase_rate") == dec("0.5")
    assert v.value("payment_chase_sales") == 100
    # s2 chased o3 at 11-20 05:00 Beijing; 24 h have not passed and it is unpaid
    o3 = v.get("payment_chase_rate", "s2")
    assert o3.status is Status.pending and o3.denominator == 1


def test_fcr_days_is_a_setting(shop: Workspace) -> None:
    # fcr_days = 5: b2's return 4 days later now counts; the open window starts 11-15
    v = run(shop, {"inquiry": FCR_INQUIRIES}, fcr_days=5)
    week = v.get("first_contact_resolution_rate", "s1", "2026-W46")
    # b1 11-10 came back 11-12, b2 11-10 came back 11-14, b2 11-14 did not: 1 of 3
    assert (week.numerator, week.denominator, week.value) == (1, 3, dec("0.333333"))
    assert week.status is Status.final


def test_chase_hours_is_a_setting(shop: Workspace) -> None:
    tables = {"order_credit": CHASE_ORDERS, "chat_session": CHASE_SESSIONS}
    v = run(shop, tables, chase_hours=1)
    assert v.value("payment_chase_orders") == 2
    assert v.value("payment_chase_recovered") == 0  # o1 was paid 2 h after the chase
    # o3 was chased 14 h before as_of: with a 1 h window it is final, unrecovered
    o3 = v.get("payment_chase_rate", "s2")
    assert (o3.status, o3.value) == (Status.final, 0)
