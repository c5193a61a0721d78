"""The demo's issue-7 data: traffic and reviews imported by the real importers, and the
planted causes (a 直通车 drop in one category, one agent who becomes slow) visible in it."""

from __future__ import annotations

import datetime as dt
import json
import statistics
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from shopkpi.demo import DemoOptions, build_demo
from shopkpi.demo.history import simulate
from shopkpi.demo.model import Side
from shopkpi.demo.people import make_staff
from shopkpi.demo.planted import SlowAgent, plant_slow_agent
from shopkpi.demo.reviews import make_reviews
from shopkpi.workspace import Workspace

SMALL = DemoOptions(staff=6, days=10, scale=0.3, seed=7)  # 2026-11-13 .. 2026-11-22


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("insights") / "demo"
    run = build_demo(root, SMALL)
    mine = {r.adapter: r for r in run.results if r.adapter in ("traffic", "review")}
    assert {a: (r.status, r.quarantined) for a, r in mine.items()} == {
        "traffic": ("ok", 0),
        "review": ("ok", 0),
    }
    return root


def _rows(root: Path, sql: str) -> list[tuple[object, ...]]:
    ws = Workspace(root)
    try:
        return ws.warehouse.con.execute(sql).fetchall()
    finally:
        ws.close()


def test_traffic_and_review_tables_are_filled(demo: Path) -> None:
    # 10 days × 5 channels × 9 categories; the 汇总 line under each day is skipped.
    assert _rows(
        demo,
        "SELECT count(*), count(DISTINCT biz_date), count(DISTINCT channel),"
        " count(DISTINCT category), sum(orders), sum(paid_amount) FROM traffic_daily",
    ) == [(450, 10, 5, 9, 100, Decimal("31120.00"))]
    # Every review belongs to an imported order; ids derived from 订单编号 + 评价时间.
    assert _rows(
        demo,
        "SELECT count(*), count(o.order_id), count(*) FILTER (r.review_id LIKE '%@2026%')"
        " FROM review r LEFT JOIN orders o USING (shop_id, order_id)",
    ) == [(11, 11, 11)]
    assert _rows(demo, "SELECT rating, score, count(*) FROM review GROUP BY ALL ORDER BY ALL") == [
        ("bad", 2, 1),
        ("good", 4, 1),
        ("good", 5, 9),
    ]


def test_planted_json(demo: Path) -> None:
    planted = json.loads((demo / "planted.json").read_text(encoding="utf-8"))
    assert planted == {
        "traffic_drop": {
            "channel": "直通车",
            "category": "羽绒服",  # the best-selling category
            "first_day": "2026-11-18",  # the last five days
            "visitors_change": -0.6,
        },
        "slow_agent": None,  # planted only in teams of 15 or more
    }


def test_the_planted_drop_is_visible_in_traffic_daily(demo: Path) -> None:
    """直通车 × 羽绒服 visitors: 169 in the five days before, 64 in the last five (−62 %);
    everything else follows the shop's order volume (8346 → 7685, −8 %)."""
    sql = """SELECT channel = '直通车' AND category = '羽绒服' AS planted,
                    sum(visitors) FILTER (biz_date < DATE '2026-11-18'),
                    sum(visitors) FILTER (biz_date >= DATE '2026-11-18'),
                    sum(buyers) FILTER (biz_date < DATE '2026-11-18'),
                    sum(buyers) FILTER (biz_date >= DATE '2026-11-18')
             FROM traffic_daily GROUP BY 1 ORDER BY 1"""
    assert _rows(demo, sql) == [(False, 8346, 7685, 49, 45), (True, 169, 64, 2, 1)]


def test_reviews_change_and_follow_up() -> None:
    """Four weeks: 138 reviews; 3 of the 5 中评 were changed to 好评; 7 追评."""
    reviews = make_reviews(simulate(DemoOptions(staff=6, days=28, scale=0.3, seed=7)))
    assert len(reviews) == 138
    assert Counter((r.rating, r.changed_at is not None) for r in reviews) == {
        ("good", False): 131,
        ("neutral", True): 3,
        ("neutral", False): 2,
        ("bad", False): 2,
    }
    assert sum(1 for r in reviews if r.followup_at is not None) == 7
    assert all(r.changed_at is None or r.changed_at > r.reviewed_at for r in reviews)


def test_a_team_of_15_gets_a_slow_agent() -> None:
    """E009 (steady) replies in a median 29 s until 11-15, then 94.5 s in the last week."""
    history = simulate(DemoOptions(staff=15, days=14, scale=0.2, seed=7))
    slow = history.slow_agent
    assert slow == SlowAgent("E009", "示例旗舰店:橙子", dt.date(2026, 11, 16), 5.0)
    before, after = [], []
    for conv in history.conversations:
        asked = None
        for m in conv.messages:
            if m.side is Side.buyer and asked is None:
                asked = m.at
            elif m.side is Side.agent and asked is not None:
                if m.agent.staff_id == slow.staff_id:
                    late = m.at.date() >= slow.first_day
                    (after if late else before).append((m.at - asked).total_seconds())
                asked = None
    assert (len(before), len(after)) == (72, 44)
    assert (statistics.median(before), statistics.median(after)) == (29.0, 94.5)


def test_smaller_teams_keep_their_timing() -> None:
    """Below 15 people the roster is returned unchanged (the tests' demos stay as they were)."""
    import random

    options = DemoOptions(staff=14, days=21, scale=0.5, seed=7)
    staff = make_staff(random.Random(options.seed), options)
    assert plant_slow_agent(staff, options) == (staff, None)
