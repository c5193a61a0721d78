"""Pacing verdicts: totals against time elapsed, levels against the target itself."""

from __future__ import annotations

from decimal import Decimal

from shopkpi.metrics.catalog import CATALOG
from shopkpi.metrics.pacing import PaceVerdict, verdict

D = Decimal


def test_a_total_is_ahead_when_achievement_beats_time_elapsed() -> None:
    sales = CATALOG["cs_sales"]
    # 60% of target with half the month gone: ahead; 45%: behind; exactly 50%: on pace.
    assert verdict(sales, D("60000"), D("100000"), D("0.5")) is PaceVerdict.ahead
    assert verdict(sales, D("45000"), D("100000"), D("0.5")) is PaceVerdict.behind
    assert verdict(sales, D("50000"), D("100000"), D("0.5")) is PaceVerdict.ahead


def test_a_level_is_compared_with_its_target_in_its_direction() -> None:
    reply = CATALOG["reply_rate"]  # higher is better
    assert verdict(reply, D("0.90"), D("0.95"), D("0.1")) is PaceVerdict.behind
    assert verdict(reply, D("0.96"), D("0.95"), D("0.9")) is PaceVerdict.ahead
    slow = CATALOG["avg_response_seconds"]  # lower is better
    assert verdict(slow, D("30"), D("40"), D("0.5")) is PaceVerdict.ahead
    assert verdict(slow, D("45"), D("40"), D("0.5")) is PaceVerdict.behind
    assert PaceVerdict.ahead.label == "领先" and PaceVerdict.behind.label == "落后"
