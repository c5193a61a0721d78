"""Per day worked (日均) and labour efficiency (人效)."""

from __future__ import annotations

from shopkpi.workspace import Workspace
from tests.metrics.conftest import Values, dec, run
from tests.metrics.derived import d, insert
from tests.metrics.test_sales import ORDERS

D10, D11 = d("2026-11-10"), d("2026-11-11")
INQUIRIES = [
    {"buyer_nick": b, "staff_id": "s1", "biz_date": day}
    for b, day in (("b1", D10), ("b2", D10), ("b1", D11))
]
# s2 has no roster and only wrote first (a 催付 the buyer never answered): still a day worked
AGENT_ONLY = {"consulted": False, "received": False, "replied": False, "is_inquiry": False}
S2_INQUIRY = {"buyer_nick": "b3", "staff_id": "s2", "biz_date": D10} | AGENT_ONLY


def _run(shop: Workspace) -> Values:
    shifts = [
        {"staff_id": "s1", "biz_date": day, "start_time": "09:00:00", "end_time": "18:00:00"}
        for day in (D10, D11, d("2026-11-25"))  # 11-25 is after as_of: not worked yet
    ]
    insert(shop.warehouse.con, "shift", shifts)
    tables = {"inquiry": [*INQUIRIES, S2_INQUIRY], "order_credit": ORDERS}
    return run(shop, tables)


def test_per_day_worked(shop: Workspace) -> None:
    v = _run(shop)
    assert v.value("days_worked") == 2
    assert v.value("days_worked", "s2") == 1
    assert v.value("days_worked", "A组") == 3
    assert v.value("orders_per_day_worked") == dec("1.5")  # 3 orders / 2 days
    assert v.value("sales_per_day_worked") == 80  # 160 / 2
    assert v.value("inquiries_per_staff_day") == dec("1.5")  # 3 inquiries / 2 days


def _basis_run(shop: Workspace, basis: str) -> Values:
    shifts = [
        {"staff_id": staff, "biz_date": day, "start_time": "09:00:00", "end_time": "18:00:00"}
        for staff, day in (("s1", D10), ("s1", D11), ("s3", D10))
    ]
    insert(shop.warehouse.con, "shift", shifts)
    inquiries = [
        {"buyer_nick": "b1", "staff_id": "s1", "biz_date": D10},  # s1 chatted on 11-10
        # 11-11: a buyer wrote to s1, who never wrote back: s1 sent no message that day
        {"buyer_nick": "b2", "staff_id": "s1", "biz_date": D11, "agent_wrote": False}
        | {"received": False, "replied": False, "is_inquiry": False},
        S2_INQUIRY,  # s2 (no roster) wrote on 11-10
    ]  # s3 never chats: a supervisor with a shift on 11-10
    return run(shop, {"inquiry": inquiries}, days_worked=basis)


def test_days_worked_by_chat_is_the_default(shop: Workspace) -> None:
    v = _basis_run(shop, "chat")
    assert v.value("days_worked") == 1  # 11-10 only; the 11-11 shift had no message
    assert v.value("days_worked", "s2") == 1
    assert v.value("days_worked", "s3") == 1  # never chats: the roster's shift counts
    assert v.value("days_worked", "A组") == 2
    assert v.value("days_worked", "demo") == 3


def test_days_worked_by_shift(shop: Workspace) -> None:
    v = _basis_run(shop, "shift")
    assert v.value("days_worked") == 2  # both shifts
    assert v.value("days_worked", "s2") == 1  # no roster: the day it wrote
    assert v.value("days_worked", "s3") == 1
    assert v.value("days_worked", "A组") == 3
    assert v.value("days_worked", "demo") == 4


def test_labour_efficiency(shop: Workspace) -> None:
    v = _run(shop)
    # data covers 11-10 and 11-11: base pay is spread over those days, in cents that add up
    assert v.value("wage_cost") == 200  # 3000 × 2/30
    assert v.value("wage_cost", "s2") == dec("206.67")  # 103.33 + 103.34
    assert v.value("wage_cost", "s3") == dec("186.67")  # 93.33 + 93.34 (no work, still paid)
    assert v.value("wage_cost_ratio") == dec("1.25")  # 200 / 160
    assert v.value("wage_cost_ratio", "A组") == dec("1.129639")  # 406.67 / 360
    assert v.value("wage_cost_ratio", "demo") == dec("1.648167")  # 593.34 / 360
    assert v.value("staff_headcount", "demo") == 2  # s3 never worked
    assert v.value("sales_per_staff", "demo") == 180  # 360 / 2
    assert v.value("sales_per_staff", "s1") == 160
