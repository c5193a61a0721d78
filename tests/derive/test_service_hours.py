"""Service hours: out-of-hours rounds under both settings, split shifts, days off."""

from __future__ import annotations

from datetime import date, time

from shopkpi.config.models import OutOfHoursRule, ServiceHours, ServiceWindow
from shopkpi.workspace import Workspace
from tests.derive.chatkit import A, Msg, add_messages, configure, derive, rows, utc

COLS = "in_service, clock_start_at, response_seconds, capped_seconds, counted, within_target"


def rounds(ws: Workspace) -> list[tuple[object, ...]]:
    return rows(ws, f"SELECT {COLS} FROM reply_round ORDER BY opened_at")


EARLY = [
    Msg("b1", A, "buyer", "2026-11-09 07:30:00", "在吗"),  # before the 08:00 opening
    Msg("b1", A, "agent", "2026-11-09 08:05:00", "在的，早上好"),
    Msg("b1", A, "buyer", "2026-11-09 09:00:00", "发货了吗"),  # in service
    Msg("b1", A, "agent", "2026-11-09 09:01:00", "今天发"),
]


def test_out_of_hours_measured_from_next_opening(ws: Workspace) -> None:
    add_messages(ws, EARLY)
    derive(ws)  # default: 08:00–24:00, from_next_opening
    assert rounds(ws) == [
        # 07:30 is closed; the clock starts at 08:00: 08:05 − 08:00 = 300 s (not 35 min)
        (False, utc("2026-11-09 08:00:00"), 300, 300, True, False),
        (True, utc("2026-11-09 09:00:00"), 60, 60, True, True),
    ]


def test_out_of_hours_excluded(ws: Workspace) -> None:
    add_messages(ws, EARLY)
    derive(ws, configure(ws, ServiceHours(out_of_hours=OutOfHoursRule.exclude)))
    assert rounds(ws) == [
        # measured from 07:30 (35 min = 2100 s) but not counted
        (False, utc("2026-11-09 07:30:00"), 2100, 600, False, False),
        (True, utc("2026-11-09 09:00:00"), 60, 60, True, True),
    ]


def test_split_shift(ws: Workspace) -> None:
    hours = ServiceHours(
        windows=[
            ServiceWindow(start=time(8, 0), end=time(12, 0)),
            ServiceWindow(start=time(13, 30), end=time(23, 59, 59)),
        ]
    )
    add_messages(
        ws,
        [
            Msg("b2", A, "buyer", "2026-11-09 12:30:00"),  # lunch break
            Msg("b2", A, "agent", "2026-11-09 13:40:00", "您好"),
            Msg("b3", A, "buyer", "2026-11-09 12:00:00"),  # the window's last second counts
            Msg("b3", A, "agent", "2026-11-09 12:01:00", "您好"),
        ],
    )
    derive(ws, configure(ws, hours))
    assert rows(ws, f"SELECT buyer_nick, {COLS} FROM reply_round ORDER BY buyer_nick") == [
        # 13:40 − 13:30 = 600 s
        ("b2", False, utc("2026-11-09 13:30:00"), 600, 600, True, False),
        ("b3", True, utc("2026-11-09 12:00:00"), 60, 60, True, True),
    ]


def test_days_off(ws: Workspace) -> None:
    # Sat 11-07 and Sun 11-08 are days off; the next opening is Mon 11-09 08:00
    hours = ServiceHours(days_off=[date(2026, 11, 7), date(2026, 11, 8)])
    add_messages(
        ws,
        [
            Msg("b4", A, "buyer", "2026-11-07 10:00:00"),
            Msg("b4", A, "agent", "2026-11-07 10:05:00", "您好，周末值班"),  # before the opening
            Msg("b5", A, "buyer", "2026-11-08 20:00:00"),
            Msg("b5", A, "agent", "2026-11-09 08:10:00", "您好"),  # the next day
        ],
    )
    derive(ws, configure(ws, hours))
    assert rows(ws, f"SELECT buyer_nick, {COLS} FROM reply_round ORDER BY buyer_nick") == [
        # a reply before the opening the clock waits for counts as 0 s
        ("b4", False, utc("2026-11-09 08:00:00"), 0, 0, True, True),
        # the clock would start on Monday 08:00, but rounds never cross midnight: the
        # Sunday round stays unanswered and is not counted
        ("b5", False, utc("2026-11-09 08:00:00"), None, None, False, False),
    ]
    derive(ws, configure(ws, hours.model_copy(update={"out_of_hours": OutOfHoursRule.exclude})))
    assert rows(ws, "SELECT buyer_nick, counted FROM reply_round ORDER BY 1") == [
        ("b4", False),
        ("b5", False),
    ]


# Sessions' first response (首次响应) follows the same rule as the rounds.
FIRST = "buyer_nick, first_clock_at, first_response_seconds, replied"
EARLY_SESSIONS = [
    Msg("s1", A, "buyer", "2026-11-09 07:55:00", "在吗"),
    Msg("s1", A, "buyer", "2026-11-09 07:58:00", "有人吗"),
    Msg("s1", A, "agent", "2026-11-09 08:01:30", "在的，早上好"),  # 3.5 min later: same session
    Msg("s2", A, "buyer", "2026-11-09 07:30:00", "发货了吗"),
    Msg("s2", A, "agent", "2026-11-09 07:40:00", "今天发"),  # exactly 10 min: same session
    Msg("s3", A, "buyer", "2026-11-09 10:00:00", "有优惠吗"),
    Msg("s3", A, "agent", "2026-11-09 10:00:20", "有的"),
]


def test_first_response_measured_from_next_opening(ws: Workspace) -> None:
    add_messages(ws, EARLY_SESSIONS)
    derive(ws)
    assert rows(ws, f"SELECT {FIRST} FROM chat_session ORDER BY buyer_nick") == [
        ("s1", utc("2026-11-09 08:00:00"), 90, True),  # 08:01:30 − 08:00 (not 390 s)
        ("s2", utc("2026-11-09 08:00:00"), 0, True),  # answered before the opening: 0 s
        ("s3", utc("2026-11-09 10:00:00"), 20, True),  # in service: from the buyer's message
    ]
    # the same seconds as each session's reply round
    assert rows(ws, "SELECT buyer_nick, response_seconds FROM reply_round ORDER BY 1") == [
        ("s1", 90),
        ("s2", 0),
        ("s3", 20),
    ]


def test_first_response_excluded_out_of_hours(ws: Workspace) -> None:
    add_messages(ws, EARLY_SESSIONS)
    derive(ws, configure(ws, ServiceHours(out_of_hours=OutOfHoursRule.exclude)))
    assert rows(ws, f"SELECT {FIRST} FROM chat_session ORDER BY buyer_nick") == [
        ("s1", None, None, True),  # replied, but not counted
        ("s2", None, None, True),
        ("s3", utc("2026-11-09 10:00:00"), 20, True),
    ]


def test_first_response_on_a_day_off(ws: Workspace) -> None:
    hours = ServiceHours(days_off=[date(2026, 11, 7), date(2026, 11, 8)])
    add_messages(
        ws,
        [
            Msg("s4", A, "buyer", "2026-11-08 23:00:00"),  # Sunday, a day off
            Msg("s4", A, "buyer", "2026-11-08 23:09:00"),
            Msg("s4", A, "agent", "2026-11-08 23:15:00", "您好，值班客服"),
        ],
    )
    derive(ws, configure(ws, hours))
    # the next opening is Monday 08:00: the in-session reply before it counts 0 s
    assert rows(ws, f"SELECT {FIRST} FROM chat_session") == [
        ("s4", utc("2026-11-09 08:00:00"), 0, True)
    ]


def test_shop_settings_rows(ws: Workspace) -> None:
    hours = ServiceHours(
        windows=[
            ServiceWindow(start=time(8, 0), end=time(12, 0)),
            ServiceWindow(start=time(13, 30), end=time(23, 59, 59)),
        ],
        days_off=[date(2026, 11, 8), date(2026, 11, 7)],
    )
    derive(ws, configure(ws, hours))
    assert rows(ws, "SELECT * FROM shop_settings ORDER BY window_no") == [
        ("demo", "Asia/Shanghai", time(8, 0), time(12, 0), 1, "from_next_opening",
         "2026-11-07,2026-11-08"),
        ("demo", "Asia/Shanghai", time(13, 30), time(23, 59, 59), 2, "from_next_opening",
         "2026-11-07,2026-11-08"),
    ]  # fmt: skip
