"""inquiry: consulted / received / replied, the after-sale window, slow rounds, transfers."""

from __future__ import annotations

from shopkpi.config.models import AttributionSettings, InquiryWindow
from shopkpi.workspace import Workspace
from tests.derive.chatkit import A, B, Msg, add_messages, add_order, derive, rows

X = "示例旗舰店:X"  # an account mapped to no staff member


def chat(buyer: str, account: str = A, at: str = "2026-11-09 14:00") -> list[Msg]:
    """A question at ``at`` and its answer 59 seconds later."""
    return [Msg(buyer, account, "buyer", f"{at}:00"), Msg(buyer, account, "agent", f"{at}:59")]


COLS = "buyer_nick, staff_id, account_nick, consulted, received, replied, kind, is_inquiry"


def inquiries(ws: Workspace) -> list[tuple[object, ...]]:
    return rows(ws, f"SELECT {COLS} FROM inquiry ORDER BY buyer_nick, staff_id NULLS LAST")


def test_reception_flags(ws: Workspace) -> None:
    add_messages(
        ws,
        [
            *chat("b1"),
            Msg("b2", A, "buyer", "2026-11-09 11:00:00"),  # never answered
            Msg("b3", B, "agent", "2026-11-09 09:00:00", "亲，记得付款哦"),  # seller first
            Msg("b3", B, "buyer", "2026-11-09 09:05:00", "好"),
            Msg("b5", A, "buyer", "2026-11-09 16:00:00"),
            Msg("b5", A, "agent", "2026-11-09 16:01:00", "您好", staff="S9"),  # sent by S9
            *chat("b6", X),
            Msg("b7", A, "buyer", "2026-11-09 17:00:00"),
            Msg("b7", A, "auto", "2026-11-09 17:00:02", "[自动回复]您好"),  # no human reply
        ],
    )
    derive(ws)
    assert inquiries(ws) == [
        ("b1", "S1", A, True, True, True, "presale", True),
        ("b2", "S1", A, True, False, False, "presale", False),
        # the agent wrote first and the buyer answered: received and replied (the platform's
        # 未回复 is a buyer who only wrote and was never written to)
        ("b3", "S2", B, True, True, True, "presale", True),
        # the account's owner got the question, the sender S9 wrote the reply
        ("b5", "S1", A, True, False, False, "presale", False),
        ("b5", "S9", A, False, False, False, "presale", False),
        ("b6", None, X, True, True, True, "presale", True),
        ("b7", "S1", A, True, False, False, "presale", False),
    ]


def test_aftersale_window(ws: Workspace) -> None:
    add_messages(ws, [*chat("p20"), *chat("p21"), *chat("p22"), *chat("r1"), *chat("r2")])
    # chats on 11-09; paid 20, 21 and 22 days earlier
    add_order(ws, "o20", "p20", "2026-10-20 09:00:00", "2026-10-20 10:00:00")
    add_order(ws, "o21", "p21", "2026-10-19 09:00:00", "2026-10-19 10:00:00")
    add_order(ws, "o22", "p22", "2026-10-18 09:00:00", "2026-10-18 10:00:00")
    # r1 and r2 paid 5 days earlier; r1 orders again the next day (inside the window),
    # r2 two days later (after the same-or-next-day window)
    add_order(ws, "r1a", "r1", "2026-11-04 09:00:00", "2026-11-04 10:00:00")
    add_order(ws, "r1b", "r1", "2026-11-10 09:00:00", None)
    add_order(ws, "r2a", "r2", "2026-11-04 09:00:00", "2026-11-04 10:00:00")
    add_order(ws, "r2b", "r2", "2026-11-11 09:00:00", None)
    derive(ws)
    kinds = "SELECT buyer_nick, kind, is_inquiry FROM inquiry ORDER BY 1"
    assert rows(ws, kinds) == [
        ("p20", "aftersale", False),
        ("p21", "aftersale", False),  # 21 days: still inside
        ("p22", "presale", True),
        ("r1", "presale", True),
        ("r2", "aftersale", False),
    ]
    # a 48-hour inquiry window: r2's order 43 hours after the chat keeps it pre-sale
    config = ws.config.model_copy(
        update={"attribution": AttributionSettings(window=InquiryWindow.hours, window_hours=48)}
    )
    derive(ws, config)
    assert rows(ws, kinds)[-1] == ("r2", "presale", True)
    # aftersale_days is a setting: with 20, p21 (21 days) is pre-sale
    config = ws.config.model_copy(
        update={"session": ws.config.session.model_copy(update={"aftersale_days": 20})}
    )
    derive(ws, config)
    assert rows(ws, kinds)[:3] == [
        ("p20", "aftersale", False),
        ("p21", "presale", True),
        ("p22", "presale", True),
    ]


def test_slow_rounds_and_transfer_out(ws: Workspace) -> None:
    add_messages(
        ws,
        [
            Msg("b4", A, "buyer", "2026-11-09 15:00:00"),
            Msg("b4", A, "agent", "2026-11-09 15:03:00", "有的"),  # 180 s: slow
            Msg("b4", A, "buyer", "2026-11-09 15:04:00"),
            Msg("b4", A, "agent", "2026-11-09 15:06:01", "可以"),  # 121 s: slow
            Msg("b4", A, "buyer", "2026-11-09 15:07:00"),
            Msg("b4", A, "agent", "2026-11-09 15:09:00", "我帮您转售后"),  # 120 s: not slow
            Msg("b4", B, "agent", "2026-11-09 15:09:30", "您好，我是售后"),
            Msg("b4", B, "buyer", "2026-11-09 15:10:00", "我要换货"),
            Msg("b4", B, "agent", "2026-11-09 15:10:30", "好的"),
        ],
    )
    derive(ws)
    assert rows(
        ws,
        """SELECT staff_id, slow_rounds, transferred_out, received, replied FROM inquiry
           ORDER BY staff_id""",
    ) == [("S1", 2, True, True, True), ("S2", 0, False, True, True)]
