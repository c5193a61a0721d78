"""Live runs kept between requests: scored once per set of inputs, never stale."""

from __future__ import annotations

import threading
import time
from decimal import Decimal
from typing import Any

import pytest

from shopkpi.scoring.live_cache import LIVE_RUNS, LiveRuns
from shopkpi.workspace import Workspace
from tests.scoring.shop import make_shop, put_value


class Counter:
    """A stand-in ``score()``: returns a new object per call and counts the calls."""

    def __init__(self, pause: float = 0.0) -> None:
        self.calls = 0
        self.pause = pause

    def __call__(self) -> Any:
        self.calls += 1
        time.sleep(self.pause)
        return object()


def test_a_kept_key_is_scored_once() -> None:
    runs, score = LiveRuns(), Counter()
    first = runs.get("a", score)
    assert runs.get("a", score) is first
    assert score.calls == 1


def test_the_least_recently_used_run_goes_first() -> None:
    runs, score = LiveRuns(size=2), Counter()
    a = runs.get("a", score)
    runs.get("b", score)
    assert runs.get("a", score) is a  # a is now the most recent
    runs.get("c", score)  # evicts b
    assert score.calls == 3
    assert runs.get("a", score) is a
    runs.get("b", score)
    assert score.calls == 4


def test_concurrent_requests_for_a_missing_key_score_it_once() -> None:
    runs, score = LiveRuns(), Counter(pause=0.05)
    got: list[Any] = []
    threads = [threading.Thread(target=lambda: got.append(runs.get("k", score))) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert score.calls == 1
    assert len(got) == 8 and all(g is got[0] for g in got)


def test_a_failed_score_is_not_kept() -> None:
    runs = LiveRuns()

    def boom() -> Any:
        raise RuntimeError("no data")

    with pytest.raises(RuntimeError, match="no data"):
        runs.get("k", boom)
    score = Counter()
    runs.get("k", score)
    assert score.calls == 1


@pytest.fixture
def shop(ws: Workspace) -> Workspace:
    LIVE_RUNS.clear()
    make_shop(ws)
    ws.scoring.adopt(ws.root / "plans" / "测试售前.yaml", "老板")
    return ws


def s1_total(ws: Workspace) -> tuple[str, str | None]:
    _, card = ws.scoring.scorecard("s1", "2026-11")
    return card["total"], card["grade"]


def test_the_same_inputs_give_the_same_run(shop: Workspace) -> None:
    assert shop.scoring.run("2026-11") is shop.scoring.run("2026-11")


def test_a_new_rating_is_scored_at_once(shop: Workspace) -> None:
    assert s1_total(shop) == ("91.60", "金牌")
    # 态度.责任心 90 → 50: 18.00 → 50 × 100% × 20% = 10.00; 25.60 + 48.00 + 10.00 = 83.60.
    shop.appdb.set_rating("s1", "2026-11", "attitude.responsibility", 50, actor="王主管")
    assert s1_total(shop) == ("83.60", "银牌")


def test_a_recomputed_metric_value_is_scored_at_once(shop: Workspace) -> None:
    assert s1_total(shop) == ("91.60", "金牌")
    # 询单→最终付款 0.42 → 0.46: tier 80 → 100, 25.60 → 100 × 40% × 80% = 32.00; total 98.00.
    put_value(shop.warehouse.con, "s1", "inquiry_to_paid_rate", "46", "100")
    assert s1_total(shop) == ("98.00", "金牌")


def test_a_new_target_is_scored_at_once(shop: Workspace) -> None:
    # 客服销售额 35000 against 70000: achievement 0.5 → the floor → 0; 25.60 + 0 + 18.00.
    shop.warehouse.con.execute(
        "UPDATE target SET value = ? WHERE entity_id = 's1' AND period = '2026-11'",
        [Decimal("70000")],
    )
    assert s1_total(shop) == ("43.60", "待改进")


def test_a_renamed_person_is_shown_under_the_new_name(shop: Workspace) -> None:
    assert shop.scoring.scorecard("s1", "2026-11")[1]["name"] == "小美"
    shop.warehouse.con.execute("UPDATE staff SET name = '小美美' WHERE staff_id = 's1'")
    assert shop.scoring.scorecard("s1", "2026-11")[1]["name"] == "小美美"
