"""Response-time (响应) metrics: rounds, first responses, slow and long receptions."""

from __future__ import annotations

from shopkpi.workspace import Workspace
from tests.metrics.conftest import dec, run
from tests.metrics.derived import d, ts

D10 = d("2026-11-10")


def _round(no: int, seconds: int | None, **kw: object) -> dict[str, object]:
    """A counted round of s1 answered after ``seconds`` (platform cap 600 s)."""
    row: dict[str, object] = {
        "session_id": "x1",
        "round_no": no,
        "buyer_nick": "b1",
        "staff_id": "s1",
        "biz_date": D10,
        "response_seconds": seconds,
        "effective_response_seconds": seconds,
        "capped_seconds": None if seconds is None else min(seconds, 600),
        "within_target": seconds is not None and seconds <= 180,
        "slow": seconds is not None and seconds > 120,
    }
    return row | kw


ROUNDS = [
    _round(1, 20),
    # a filler at 150 s stops the plain clock; the real answer came at 200 s
    _round(2, 150, effective_response_seconds=200),
    _round(3, 900),  # capped to 600 for the platform-style average
    _round(4, None, staff_id=None, counted=False),  # never answered
    _round(5, 50, counted=False),  # crossed midnight: not counted
]
SESSIONS = [
    {
        "session_id": "x1",
        "buyer_nick": "b1",
        "staff_id": "s1",
        "biz_date": D10,
        "duration_seconds": 300,
        "agent_messages": 3,
        "first_response_seconds": 10,
        "first_buyer_at": ts("2026-11-10 02:00:00"),
        "ended_at": ts("2026-11-10 02:05:00"),
    },
    {
        "session_id": "x2",
        "buyer_nick": "b2",
        "staff_id": "s1",
        "biz_date": D10,
        "duration_seconds": 2000,
        "agent_messages": 5,
        "first_response_seconds": 40,
        "transferred_out": True,
        "first_buyer_at": ts("2026-11-10 03:00:00"),
        "ended_at": ts("2026-11-10 03:33:20"),
    },
    {
        "session_id": "x3",
        "buyer_nick": "b3",
        "staff_id": "s1",
        "biz_date": D10,
        "duration_seconds": 100,
        "agent_messages": 0,
        "first_response_seconds": None,
    },
    {
        # a 催付 the buyer never answered: the agent wrote, the buyer did not (no reception)
        "session_id": "x4",
        "buyer_nick": "b4",
        "staff_id": "s1",
        "biz_date": D10,
        "duration_seconds": 600,
        "buyer_messages": 0,
        "agent_messages": 2,
        "first_response_seconds": None,
        "transferred_out": True,
    },
]
INQUIRIES = [
    {"buyer_nick": "b1", "staff_id": "s1", "biz_date": D10, "slow_rounds": 3},
    {"buyer_nick": "b2", "staff_id": "s1", "biz_date": D10, "slow_rounds": 2},
    {
        "buyer_nick": "b3",
        "staff_id": "s1",
        "biz_date": D10,
        "received": False,
        "replied": False,
        "is_inquiry": False,
    },
]
TABLES = {"reply_round": ROUNDS, "chat_session": SESSIONS, "inquiry": INQUIRIES}


def test_round_metrics(shop: Workspace) -> None:
    v = run(shop, TABLES)
    assert v.value("avg_response_seconds") == dec("256.666667")  # (20 + 150 + 600) / 3
    assert v.value("median_response_seconds") == 150  # of 20, 150, 900 (uncapped)
    assert v.value("p90_response_seconds") == 750  # 150 + 0.8 × (900 − 150)
    assert v.value("effective_response_seconds") == dec("373.333333")  # (20 + 200 + 900) / 3
    assert v.value("reply_within_3min_rate") == dec("0.666667")  # 2 / 3
    assert v.value("slow_response_rounds") == 2  # 150 s and 900 s
    assert v.value("response_bucket_30s") == dec("0.333333")
    assert v.value("response_bucket_60s") == 0
    assert v.value("response_bucket_180s") == dec("0.333333")
    assert v.value("response_bucket_600s") == 0
    assert v.value("response_bucket_over_600s") == dec("0.333333")


def test_unanswered_rounds_count_for_the_shop_only(shop: Workspace) -> None:
    v = run(shop, TABLES)
    # the unanswered round has no agent and is not counted anywhere
    assert v.get("avg_response_seconds", "demo").denominator == 3


def test_session_metrics(shop: Workspace) -> None:
    v = run(shop, TABLES)
    assert v.value("first_response_seconds") == 25  # (10 + 40) / 2
    assert v.value("median_first_response_seconds") == 25
    assert v.value("p90_first_response_seconds") == 37  # 10 + 0.9 × 30
    assert v.value("first_response_within_15s_rate") == dec("0.5")
    # receptions only (both sides wrote): x1 and x2; x3 had no agent message, x4 no buyer's
    assert v.value("avg_session_seconds") == 1150  # (300 + 2000) / 2
    assert v.get("avg_session_seconds").denominator == 2
    assert v.value("transfer_rate") == dec("0.5")  # x2 of x1, x2 (x4 is no reception)


def test_first_response_target_is_a_setting(shop: Workspace) -> None:
    v = run(shop, TABLES, first_response_target_seconds=40)
    assert v.value("first_response_within_15s_rate") == 1  # 10 s and 40 s are both ≤ 40 s


def test_reception_quality(shop: Workspace) -> None:
    v = run(shop, TABLES)
    assert v.value("slow_reception_buyers") == 1  # b1: 3 slow rounds
    assert v.value("long_reception_buyers") == 1  # b2: a 2000 s session > 30 min
    assert v.value("avg_resolution_seconds") == 1150  # b1 300 s, b2 2000 s
