"""Reception (接待) metrics on a hand-made November: expected numbers worked out by hand."""

from __future__ import annotations

from shopkpi.workspace import Workspace
from tests.metrics.conftest import dec, run
from tests.metrics.derived import d

D10, D11 = d("2026-11-10"), d("2026-11-11")
INQUIRIES = [
    # s1, day 10: b1 pre-sale inquiry; b2 wrote but got no human reply; b3 after-sale.
    {"buyer_nick": "b1", "staff_id": "s1", "biz_date": D10},
    {
        "buyer_nick": "b2",
        "staff_id": "s1",
        "biz_date": D10,
        "received": False,
        "replied": False,
        "is_inquiry": False,
    },
    {
        "buyer_nick": "b3",
        "staff_id": "s1",
        "biz_date": D10,
        "kind": "aftersale",
        "is_inquiry": False,
    },
    # s1, day 11: b1 again (a buyer counts once per agent per day, so twice in the month),
    # handed over to another account
    {"buyer_nick": "b1", "staff_id": "s1", "biz_date": D11, "transferred_out": True},
    # s2, day 10: b4 inquiry
    {"buyer_nick": "b4", "staff_id": "s2", "biz_date": D10},
]
SESSIONS = [
    {
        "session_id": "x1",
        "buyer_nick": "b1",
        "staff_id": "s1",
        "biz_date": D10,
        "buyer_messages": 4,
        "agent_messages": 6,
        "auto_messages": 2,
        "transferred_in": True,  # b1 came to s1 from another account on day 10
    },
    {
        "session_id": "x2",
        "buyer_nick": "b2",
        "staff_id": "s1",
        "biz_date": D10,
        "buyer_messages": 2,
        "agent_messages": 1,
    },
]


def test_reception_counts_and_rates(shop: Workspace) -> None:
    v = run(shop, {"inquiry": INQUIRIES, "chat_session": SESSIONS})
    # s1 over the month: 4 consulted buyer-days, 3 received, 2 inquiries, 1 unreplied.
    assert v.value("consulted_buyers") == 4
    assert v.value("received_buyers") == 3
    assert v.value("inquiry_buyers") == 2
    assert v.value("unreplied_buyers") == 1
    assert v.value("reply_rate") == dec("0.75")  # 3 / 4
    assert v.value("answer_question_ratio") == dec("1.166667")  # (6 + 1) / (4 + 2)
    assert v.value("received_buyers_distinct") == 2  # b1 and b3
    # Team A组 = s1 + s2; the shop has no other agent with chats.
    assert v.value("consulted_buyers", "A组") == 5
    assert v.value("inquiry_buyers", "A组") == 3
    assert v.value("reply_rate", "A组") == dec("0.8")  # 4 / 5
    assert v.value("received_buyers_distinct", "demo") == 3  # b1, b3, b4


def test_messages_and_transfers(shop: Workspace) -> None:
    v = run(shop, {"inquiry": INQUIRIES, "chat_session": SESSIONS})
    assert v.value("buyer_messages") == 6  # 4 + 2
    assert v.value("agent_messages") == 7  # 6 + 1, auto-replies apart
    assert v.value("total_messages") == 15  # 6 + 7 + 2 auto-replies
    assert v.value("agent_chars") == 20  # 10 + 10
    assert v.value("transferred_in_buyers") == 1  # b1 on day 10
    assert v.value("direct_received_buyers") == 2  # b3 on day 10, b1 on day 11
    assert v.value("transferred_out_buyers") == 1  # b1 on day 11


def test_day_rows_and_week_rows(shop: Workspace) -> None:
    v = run(shop, {"inquiry": INQUIRIES, "chat_session": SESSIONS})
    assert v.value("consulted_buyers", "s1", "2026-11-10") == 3
    assert v.value("consulted_buyers", "s1", "2026-11-11") == 1
    assert v.value("consulted_buyers", "s1", "2026-W46") == 4
    # distinct buyers are recounted at each grain: b1 twice over two days is one buyer
    assert v.value("received_buyers_distinct", "s1", "2026-11-10") == 2
    assert v.value("received_buyers_distinct", "s1", "2026-11-11") == 1


def test_no_denominator_is_no_value_not_zero(shop: Workspace) -> None:
    v = run(shop, {"inquiry": INQUIRIES, "chat_session": SESSIONS})
    # s2 has no session rows on record: 答问比 has nothing to divide by
    row = v.get("answer_question_ratio", "s2")
    assert (row.numerator, row.denominator, row.value) == (0, 0, None)
