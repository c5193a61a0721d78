"""Robust weekday/promotion-aware anomaly checks on literal series."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from shopkpi.insights.anomaly import AnomalySettings, Change, Verdict, check_day, scan
from shopkpi.metrics.model import Direction

MONDAY = date(2026, 3, 30)
START = date(2026, 3, 2)  # a Monday, four full weeks before MONDAY


def _history() -> dict[date, float | Decimal | None]:
    """Weeks 1 and 3: Mon–Fri 104; weeks 2 and 4: Mon–Fri 96; weekends 150.

    level = median(10×96, 10×104, 8×150) = 104; weekday factor = median(104, 96, 104, 96)/104
    = 100/104, so a Monday's baseline is 100 (weekends: 150). Residuals: 20 × ±4 and 8 × 0,
    median 0, MAD 4, spread 1.4826 × 4 = 5.9304.
    """
    series: dict[date, float | Decimal | None] = {}
    for i in range(28):
        d = START + timedelta(days=i)
        weekday = 104.0 if (i // 7) % 2 == 0 else 96.0
        series[d] = 150.0 if d.weekday() >= 5 else weekday
    return series


def test_drop_is_an_anomaly() -> None:
    series = _history()
    series[MONDAY] = Decimal("70")
    c = check_day(series, MONDAY)
    assert c.baseline == pytest.approx(100.0)
    assert c.spread == pytest.approx(5.9304)
    assert c.score == pytest.approx(-30 / 5.9304)  # −5.0587
    assert c.score == pytest.approx(-5.0587, abs=1e-4)
    assert (c.verdict, c.change, c.bad) == (Verdict.anomaly, Change.down, True)
    assert c.relative_change == pytest.approx(-0.30)
    assert c.reason == "比基线 100.00（近4周非大促日中位数 × 周一系数）低 30.0%，稳健分数 -5.1"


def test_small_moves_are_normal_and_direction_counts() -> None:
    series = _history()
    series[MONDAY] = 85.0  # score −15/5.9304 = −2.53 < 3.5
    assert check_day(series, MONDAY).verdict is Verdict.normal
    series[MONDAY] = 125.0  # score +25/5.9304 = +4.22
    up = check_day(series, MONDAY)
    assert (up.verdict, up.change, up.bad) == (Verdict.anomaly, Change.up, False)
    slow = check_day(series, MONDAY, better=Direction.lower_better)  # e.g. response seconds
    assert (slow.verdict, slow.bad) == (Verdict.anomaly, True)


def test_weekend_baseline_uses_its_weekday_factor() -> None:
    series = _history()
    saturday = date(2026, 4, 4)
    series[saturday] = 100.0
    # History 03-07..03-29 (23 days): weekdays 10×96 + 5×104, weekends 8×150; level 104,
    # weekend factor 150/104 → baseline 150. Weekday factor 96/104: residuals 18×0 and
    # 5×(+8), MAD 0 → spread = 1% × 150 = 1.5, score −50/1.5.
    c = check_day(series, saturday)
    assert c.baseline == pytest.approx(150.0)
    assert c.spread == pytest.approx(1.5)
    assert c.score == pytest.approx(-100 / 3)
    assert c.verdict is Verdict.anomaly


def test_relative_floor() -> None:
    # A flat history has MAD 0: the spread is the 1% floor (1.0), so 95 scores −5 but is
    # only −5% < 10%: normal.
    series: dict[date, float | Decimal | None] = {
        START + timedelta(days=i): 100.0 for i in range(28)
    }
    series[MONDAY] = 95.0
    c = check_day(series, MONDAY)
    assert (c.spread, c.score, c.verdict) == (1.0, -5.0, Verdict.normal)
    assert c.reason.endswith("未达阈值（|分数| ≥ 3.5 且变化 ≥ 10%）")


def test_promotion_days() -> None:
    s = AnomalySettings(promotions=("2026-03-08", "2026-03-15", "2026-03-22", "2026-03-29"))
    series = _history()
    for d, v in (("2026-03-08", 500), ("2026-03-15", 520), ("2026-03-22", 480)):
        series[date.fromisoformat(d)] = float(v)
    # The first promotion day has no earlier one to compare with.
    first = check_day(series, date(2026, 3, 8), s)
    assert (first.verdict, first.reason) == (Verdict.promotion, "大促日，不与日常基线比较")
    # 03-29 against earlier promotion days: median 500, MAD 20, spread 29.652.
    series[date(2026, 3, 29)] = 300.0
    promo = check_day(series, date(2026, 3, 29), s)
    assert promo.baseline == 500.0
    assert promo.score == pytest.approx(-200 / 29.652)
    assert promo.verdict is Verdict.anomaly
    # Promotion days never enter a normal day's history: Monday's baseline stays 100.
    series[MONDAY] = 70.0
    assert check_day(series, MONDAY, s).baseline == pytest.approx(100.0)
    # Defaults: 618, 双11, 双12 every year.
    assert AnomalySettings().is_promotion(date(2025, 11, 11))
    assert not AnomalySettings().is_promotion(date(2025, 11, 10))


def test_short_history_never_crashes() -> None:
    series: dict[date, float | Decimal | None] = {
        START + timedelta(days=i): 100.0 for i in range(10)
    }
    series[MONDAY] = 10.0
    c = check_day(series, MONDAY)
    assert c.verdict is Verdict.insufficient_history
    assert c.reason == "历史数据不足：需要至少 14 个非大促日，只有 10 个"
    assert check_day({}, MONDAY).reason == "当天没有数据"
    assert scan(series) == []


def test_scan_lists_only_anomalies() -> None:
    series = _history()
    series[MONDAY] = 70.0
    series[MONDAY + timedelta(days=1)] = 101.0
    found = scan(series, [MONDAY, MONDAY + timedelta(days=1)])
    assert [c.day for c in found] == [MONDAY]
