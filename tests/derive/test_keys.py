"""Integer keys (key_buyer, key_account, key_staff): numbered in string order, so the
derivations that group on them pick the same strings as before."""

from __future__ import annotations

from shopkpi.workspace import Workspace
from tests.derive.chatkit import SHOP, A, B, C, Msg, add_messages, derive, rows


def test_keys_follow_string_order_and_pick_min_and_max(ws: Workspace) -> None:
    add_messages(
        ws,
        [
            # S1 serves k1 on B, then on A: the inquiry row names the first account by name
            Msg("k1", B, "buyer", "2026-11-09 10:00:00", staff="S1"),
            Msg("k1", B, "agent", "2026-11-09 10:01:00", staff="S1"),
            Msg("k1", A, "buyer", "2026-11-09 11:00:00"),
            # a session whose first message has no staff member: the largest id by string
            # order ("S9" > "S10"), as max() of the strings gives
            Msg("k2", C, "buyer", "2026-11-09 12:00:00", staff=None),
            Msg("k2", C, "agent", "2026-11-09 12:01:00", "好的", staff="S9"),
            Msg("k2", C, "agent", "2026-11-09 12:02:00", "好的", staff="S10"),
        ],
    )
    derive(ws)
    assert rows(ws, "SELECT shop_id, account_nick, akey FROM key_account ORDER BY akey") == [
        (SHOP, A, 1),
        (SHOP, B, 2),
        (SHOP, C, 3),
    ]
    assert rows(ws, "SELECT staff_id, skey FROM key_staff ORDER BY skey") == [
        ("S1", 1),
        ("S10", 2),
        ("S9", 3),
    ]
    assert rows(
        ws, "SELECT buyer_nick, account_nick, staff_id FROM chat_session ORDER BY started_at"
    ) == [("k1", B, "S1"), ("k1", A, "S1"), ("k2", C, "S9")]
    assert rows(
        ws, "SELECT buyer_nick, staff_id, account_nick, received FROM inquiry ORDER BY 1, 2"
    ) == [
        ("k1", "S1", A, True),
        ("k2", "S10", C, False),
        ("k2", "S9", C, False),
        ("k2", None, C, False),
    ]
    # the round of k2 is answered by S9 (the first reply), number 1 of its session
    assert rows(
        ws, "SELECT buyer_nick, round_no, staff_id FROM reply_round ORDER BY opened_at"
    ) == [("k1", 1, "S1"), ("k1", 1, None), ("k2", 1, "S9")]
