"""reply_round: first-question clock, fillers, auto-replies, credit, cap, midnight, re-runs."""

from __future__ import annotations

from datetime import time

from shopkpi.config.models import ServiceHours, ServiceWindow
from shopkpi.workspace import Workspace
from tests.derive.chatkit import A, B, Msg, add_messages, configure, day, derive, rows, utc

ROUND_COLS = """round_no, staff_id, opened_at, answered_at, effective_answered_at,
    response_seconds, effective_response_seconds, capped_seconds, counted, within_target, slow"""


def rounds(ws: Workspace, buyer: str) -> list[tuple[object, ...]]:
    return rows(
        ws,
        f"SELECT {ROUND_COLS} FROM reply_round WHERE buyer_nick = '{buyer}' ORDER BY opened_at",
    )


def test_field_worked_example(ws: Workspace) -> None:
    # FIELD.md §2: asks 10:10:15 and 10:15:20, reply 10:18:10 → 7 min 55 s = 475 s
    add_messages(
        ws,
        [
            Msg("b1", A, "buyer", "2026-11-09 10:10:15", "这件有货吗"),
            Msg("b1", A, "buyer", "2026-11-09 10:15:20", "在吗"),
            Msg("b1", A, "agent", "2026-11-09 10:18:10", "有货的亲"),
        ],
    )
    derive(ws)
    t0, t1 = utc("2026-11-09 10:10:15"), utc("2026-11-09 10:18:10")
    # not within 3 minutes (0 of 1 rounds), slow (> 120 s), under the 600 s cap
    assert rounds(ws, "b1") == [(1, "S1", t0, t1, t1, 475, 475, 475, True, False, True)]


def test_filler_stops_plain_clock_not_effective_clock(ws: Workspace) -> None:
    add_messages(
        ws,
        [
            Msg("b2", A, "buyer", "2026-11-09 11:00:00", "身高165穿什么码"),
            Msg("b2", A, "agent", "2026-11-09 11:00:20", "在的亲～"),  # filler
            Msg("b2", A, "agent", "2026-11-09 11:02:00", "建议M码"),
            # the filler ends round 1; the buyer's next question opens round 2
            Msg("b2", A, "buyer", "2026-11-09 12:00:00", "发什么快递"),
            Msg("b2", A, "agent", "2026-11-09 12:00:10", "稍等，我帮您查一下"),  # filler
            Msg("b2", A, "buyer", "2026-11-09 12:01:00", "快点"),
            Msg("b2", A, "agent", "2026-11-09 12:03:00", "中通快递"),
            # starts with 在的 but 18 characters long: a real answer, not a filler
            Msg("b2", A, "buyer", "2026-11-09 13:00:00", "有L码吗"),
            Msg("b2", A, "agent", "2026-11-09 13:00:30", "在的，这款现在有货的，M码和L码都可以发"),
        ],
    )
    derive(ws)
    t = utc
    assert rounds(ws, "b2") == [
        # plain 20 s; effective 11:02:00 − 11:00:00 = 120 s
        (1, "S1", t("2026-11-09 11:00:00"), t("2026-11-09 11:00:20"),
         t("2026-11-09 11:02:00"), 20, 120, 20, True, True, False),
        # 58 idle minutes: a new session, round 1 again. Plain 10 s; effective runs on
        # past the buyer's next question to 12:03:00: 180 s
        (1, "S1", t("2026-11-09 12:00:00"), t("2026-11-09 12:00:10"),
         t("2026-11-09 12:03:00"), 10, 180, 10, True, True, False),
        (2, "S1", t("2026-11-09 12:01:00"), t("2026-11-09 12:03:00"),
         t("2026-11-09 12:03:00"), 120, 120, 120, True, True, False),
        (1, "S1", t("2026-11-09 13:00:00"), t("2026-11-09 13:00:30"),
         t("2026-11-09 13:00:30"), 30, 30, 30, True, True, False),
    ]  # fmt: skip


def test_auto_replies_never_end_a_round(ws: Workspace) -> None:
    add_messages(
        ws,
        [
            Msg("b3", A, "buyer", "2026-11-09 14:00:00", "在吗"),
            Msg("b3", A, "auto", "2026-11-09 14:00:02", "[自动回复]您好，欢迎光临"),
            Msg("b3", A, "buyer", "2026-11-09 14:00:30", "这个能便宜吗"),
            # exported as an agent line, but '#' is an auto_reply_prefixes entry: auto
            Msg("b3", A, "agent", "2026-11-09 14:00:40", "#活动价已是最低"),
            Msg("b3", A, "agent", "2026-11-09 14:01:40", "亲，已经是活动价了"),
        ],
    )
    derive(ws)
    t0, t1 = utc("2026-11-09 14:00:00"), utc("2026-11-09 14:01:40")
    assert rounds(ws, "b3") == [(1, "S1", t0, t1, t1, 100, 100, 100, True, True, False)]
    assert rows(ws, "SELECT agent_messages, auto_messages FROM chat_session") == [(1, 2)]


def test_reply_is_credited_to_the_sender(ws: Workspace) -> None:
    # A's account belongs to S1, but the reply was sent by S9 (e.g. the supervisor)
    add_messages(
        ws,
        [
            Msg("b4", A, "buyer", "2026-11-09 16:00:00"),
            Msg("b4", A, "agent", "2026-11-09 16:01:00", "您好", staff="S9"),
        ],
    )
    derive(ws)
    assert rows(ws, "SELECT staff_id FROM chat_session") == [("S1",)]
    assert rows(ws, "SELECT staff_id, response_seconds FROM reply_round") == [("S9", 60)]


def test_round_cap_and_unanswered_round(ws: Workspace) -> None:
    add_messages(
        ws,
        [
            Msg("b5", A, "buyer", "2026-11-09 15:00:00"),
            Msg("b5", A, "agent", "2026-11-09 15:12:00", "抱歉久等"),  # 720 s, capped at 600
            Msg("b5", A, "buyer", "2026-11-09 15:20:00", "好的"),  # never answered
        ],
    )
    derive(ws)
    t = utc
    assert rounds(ws, "b5") == [
        (1, "S1", t("2026-11-09 15:00:00"), t("2026-11-09 15:12:00"),
         t("2026-11-09 15:12:00"), 720, 720, 600, True, False, True),
        # the 12 silent minutes before 15:12 ended the first session: the reply opens the
        # second one, and the 15:20 question is that session's round 1
        (1, None, t("2026-11-09 15:20:00"), None, None, None, None, None, False, False, False),
    ]  # fmt: skip


def test_rounds_crossing_midnight_are_not_counted(ws: Workspace) -> None:
    add_messages(
        ws,
        [
            Msg("b6", A, "buyer", "2026-11-09 23:58:00"),
            Msg("b6", A, "agent", "2026-11-10 00:03:00", "在的，刚看到"),  # after midnight
            Msg("b7", B, "buyer", "2026-11-09 23:58:00"),
            Msg("b7", B, "buyer", "2026-11-10 00:01:00", "人呢"),  # a new day opens a new round
            Msg("b7", B, "agent", "2026-11-10 00:03:00", "抱歉，刚才在忙"),
        ],
    )
    # round-the-clock service, so that only the midnight rule is at work
    derive(ws, configure(ws, ServiceHours(windows=[ServiceWindow(start=time(0, 0))])))
    assert rows(
        ws,
        """SELECT buyer_nick, biz_date, staff_id, response_seconds, counted FROM reply_round
           ORDER BY buyer_nick, opened_at""",
    ) == [
        # the 00:03 reply belongs to the next day: the 23:58 round stays unanswered
        ("b6", day("2026-11-09"), None, None, False),
        ("b7", day("2026-11-09"), None, None, False),
        ("b7", day("2026-11-10"), "S2", 120, True),
    ]


def test_rerunning_gives_identical_rows(ws: Workspace) -> None:
    add_messages(
        ws,
        [
            Msg("b8", A, "buyer", "2026-11-09 07:30:00"),
            Msg("b8", A, "agent", "2026-11-09 08:05:00", "在的"),
            Msg("b8", A, "agent", "2026-11-09 08:06:00", "有货"),
            Msg("b8", B, "agent", "2026-11-09 08:07:00", "您好"),
            Msg("b8", B, "buyer", "2026-11-09 08:09:00"),
        ],
    )
    tables = ["shop_settings", "session_message", "chat_session", "reply_round", "inquiry"]
    config = configure(ws)

    def snapshot() -> dict[str, list[tuple[object, ...]]]:
        return {t: sorted(rows(ws, f"SELECT * FROM {t}"), key=repr) for t in tables}

    derive(ws, config)
    first = snapshot()
    derive(ws, config)
    assert snapshot() == first
    assert all(first[t] for t in tables)
