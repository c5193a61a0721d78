"""chat_session: idle split, midnight split, counts, seller-first, transfers (hand-computed)."""

from __future__ import annotations

from shopkpi.workspace import Workspace
from tests.derive.chatkit import A, B, C, Msg, add_messages, day, derive, rows, utc

SESSION_COLS = """buyer_nick, account_nick, staff_id, biz_date, started_at, ended_at,
    duration_seconds, buyer_messages, agent_messages, auto_messages, agent_chars,
    first_response_seconds, replied, seller_first"""


def sessions(ws: Workspace, buyer: str) -> list[tuple[object, ...]]:
    return rows(
        ws,
        f"SELECT {SESSION_COLS} FROM chat_session WHERE buyer_nick = '{buyer}' ORDER BY started_at",
    )


def test_idle_split_after_ten_minutes(ws: Workspace) -> None:
    # gaps: 10:01 → 10:10 is 9 min (same session); 10:10 → 10:21 is 11 min (new session)
    add_messages(
        ws,
        [
            Msg("b1", A, "buyer", "2026-11-09 10:00:00", "这件有货吗"),
            Msg("b1", A, "auto", "2026-11-09 10:00:02", "[自动回复]欢迎光临"),
            Msg("b1", A, "agent", "2026-11-09 10:01:00", "有货的亲，M码合适"),  # 9 chars
            Msg("b1", A, "buyer", "2026-11-09 10:10:00", "好的"),
            Msg("b1", A, "buyer", "2026-11-09 10:21:00", "什么时候发货"),
            Msg("b1", A, "agent", "2026-11-09 10:22:30", "今天发"),  # 3 chars
        ],
    )
    derive(ws)
    assert sessions(ws, "b1") == [
        # 10:00:00–10:10:00 = 600 s; first reply 10:01:00 − 10:00:00 = 60 s (auto ignored)
        ("b1", A, "S1", day("2026-11-09"), utc("2026-11-09 10:00:00"),
         utc("2026-11-09 10:10:00"), 600, 2, 1, 1, 9, 60, True, False),
        # 10:21:00–10:22:30 = 90 s; the idle 11 minutes are not counted anywhere
        ("b1", A, "S1", day("2026-11-09"), utc("2026-11-09 10:21:00"),
         utc("2026-11-09 10:22:30"), 90, 1, 1, 0, 3, 90, True, False),
    ]  # fmt: skip


def test_gap_of_exactly_idle_minutes_does_not_split(ws: Workspace) -> None:
    add_messages(
        ws,
        [
            Msg("b2", A, "buyer", "2026-11-09 09:00:00"),
            Msg("b2", A, "buyer", "2026-11-09 09:10:00"),  # exactly 10 min later
        ],
    )
    derive(ws)
    assert rows(ws, "SELECT count(*), max(duration_seconds), max(replied) FROM chat_session") == [
        (1, 600, False)
    ]


def test_idle_minutes_is_a_setting(ws: Workspace) -> None:
    from tests.derive.chatkit import configure

    add_messages(
        ws,
        [
            Msg("b2", A, "buyer", "2026-11-09 09:00:00"),
            Msg("b2", A, "buyer", "2026-11-09 09:06:00"),  # 6 min gap > 5
        ],
    )
    derive(ws, configure(ws, idle_minutes=5))
    assert rows(ws, "SELECT count(*) FROM chat_session") == [(2,)]


def test_midnight_splits_and_seller_first(ws: Workspace) -> None:
    add_messages(
        ws,
        [
            Msg("b3", A, "buyer", "2026-11-09 23:55:00"),
            Msg("b3", A, "agent", "2026-11-09 23:58:00", "在"),
            Msg("b3", A, "buyer", "2026-11-10 00:02:00"),  # 4 min later, but a new day
            # b4: the agent writes first (催付); the buyer answers; the agent replies
            Msg("b4", B, "agent", "2026-11-10 14:00:00", "亲，记得付款哦"),
            Msg("b4", B, "buyer", "2026-11-10 14:03:00", "好"),
            Msg("b4", B, "agent", "2026-11-10 14:04:00", "谢谢亲"),
        ],
    )
    derive(ws)
    assert sessions(ws, "b3") == [
        ("b3", A, "S1", day("2026-11-09"), utc("2026-11-09 23:55:00"),
         utc("2026-11-09 23:58:00"), 180, 1, 1, 0, 1, 180, True, False),
        ("b3", A, "S1", day("2026-11-10"), utc("2026-11-10 00:02:00"),
         utc("2026-11-10 00:02:00"), 0, 1, 0, 0, 0, None, False, False),
    ]  # fmt: skip
    # first response: 14:04 − 14:03 = 60 s (the 14:00 message came before the buyer wrote)
    assert sessions(ws, "b4") == [
        ("b4", B, "S2", day("2026-11-10"), utc("2026-11-10 14:00:00"),
         utc("2026-11-10 14:04:00"), 240, 1, 2, 0, 10, 60, True, True),
    ]  # fmt: skip


def transfers(ws: Workspace, buyer: str) -> list[tuple[object, ...]]:
    return rows(
        ws,
        f"""SELECT account_nick, started_at, transferred_out, transferred_in FROM chat_session
            WHERE buyer_nick = '{buyer}' ORDER BY started_at""",
    )


def test_transfer_between_accounts_within_idle_minutes(ws: Workspace) -> None:
    add_messages(
        ws,
        [
            Msg("b5", A, "buyer", "2026-11-09 11:00:00", "退货怎么弄"),
            Msg("b5", A, "agent", "2026-11-09 11:01:00", "亲，我帮您转给售后同事"),
            Msg("b5", B, "agent", "2026-11-09 11:02:00", "您好，我是售后"),
            Msg("b5", B, "buyer", "2026-11-09 11:03:00", "我要退货"),
            Msg("b5", B, "agent", "2026-11-09 11:04:00", "好的，这就处理"),
            # later the buyer writes to C, 26 minutes after the last message: no transfer
            Msg("b5", C, "buyer", "2026-11-09 11:30:00", "还有一个问题"),
        ],
    )
    derive(ws)
    assert transfers(ws, "b5") == [
        (A, utc("2026-11-09 11:00:00"), True, False),
        (B, utc("2026-11-09 11:02:00"), False, True),
        (C, utc("2026-11-09 11:30:00"), False, False),
    ]
    # messages before the transfer belong to A, after it to B
    assert rows(
        ws,
        """SELECT account_nick, buyer_messages, agent_messages, seller_first FROM chat_session
           WHERE buyer_nick = 'b5' ORDER BY started_at""",
    ) == [(A, 1, 1, False), (B, 1, 2, True), (C, 1, 0, False)]


def test_transfer_by_system_line(ws: Workspace) -> None:
    add_messages(
        ws,
        [
            Msg("b6", A, "buyer", "2026-11-09 15:00:00"),
            Msg("b6", A, "agent", "2026-11-09 15:01:00", "稍等"),
            Msg("b6", A, "system", "2026-11-09 15:20:00", f"由 服务助手 转交给 {B}"),
            Msg("b6", B, "buyer", "2026-11-09 15:40:00"),  # 39 min later: only the line says so
            Msg("b6", B, "agent", "2026-11-09 15:41:00", "您好"),
            # b7: an offline message assigned to the same account is no hand-over
            Msg("b7", A, "buyer", "2026-11-09 01:00:00"),
            Msg("b7", A, "auto", "2026-11-09 01:00:02", "[自动回复]现在是非工作时间"),
            Msg("b7", A, "system", "2026-11-09 01:00:02", f"由 服务助手 转交给 {A}"),
            # b8: the 千牛 copy-paste transfer line "A --> C time"
            Msg("b8", A, "buyer", "2026-11-09 16:00:00"),
            Msg("b8", C, "system", "2026-11-09 16:30:00", f"{A} --> {C} 2026-11-9 16:30:00"),
            Msg("b8", C, "agent", "2026-11-09 16:45:00", "您好，我来跟进"),
        ],
    )
    derive(ws)
    assert transfers(ws, "b6") == [
        (A, utc("2026-11-09 15:00:00"), True, False),
        (B, utc("2026-11-09 15:40:00"), False, True),
    ]
    assert transfers(ws, "b7") == [(A, utc("2026-11-09 01:00:00"), False, False)]
    assert transfers(ws, "b8") == [
        (A, utc("2026-11-09 16:00:00"), True, False),
        (C, utc("2026-11-09 16:45:00"), False, True),
    ]


def test_session_ids_are_unique_and_stable(ws: Workspace) -> None:
    add_messages(
        ws,
        [
            Msg("b9", A, "buyer", "2026-11-09 09:00:00"),
            Msg("b9", A, "buyer", "2026-11-09 09:30:00"),
        ],
    )
    derive(ws)
    assert rows(ws, "SELECT session_id FROM chat_session ORDER BY 1") == [
        (f"{A}|b9|2026-11-09 01:00:00",),
        (f"{A}|b9|2026-11-09 01:30:00",),
    ]


def test_reply_after_the_session_ended_is_no_first_response(ws: Workspace) -> None:
    add_messages(
        ws,
        [
            Msg("b10", A, "buyer", "2026-11-09 15:00:00"),
            Msg("b10", A, "agent", "2026-11-09 15:12:00", "抱歉久等"),  # 12 silent minutes
        ],
    )
    derive(ws)
    # the reply opens a second session: the first went quiet unanswered, so it has no first
    # response (the platform's rule); replied stays true (a human reply came that day)
    assert rows(
        ws,
        """SELECT started_at, duration_seconds, first_response_seconds, replied, seller_first
           FROM chat_session ORDER BY started_at""",
    ) == [
        (utc("2026-11-09 15:00:00"), 0, None, True, False),
        (utc("2026-11-09 15:12:00"), 0, None, False, True),
    ]
    # the reply round still times it: 720 s, 600 s after the cap
    assert rows(ws, "SELECT response_seconds, capped_seconds, counted FROM reply_round") == [
        (720, 600, True)
    ]
