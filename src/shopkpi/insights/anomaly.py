"""Anomalies on a daily series (异常检测): a robust baseline aware of weekday and promotions.

For day ``d`` the history is every day of the previous ``weeks`` weeks (28 days by default)
that has a value and is not a promotion day (大促日). Then:

- ``level`` = median of the history values;
- weekday factor ``f_w`` = median of ``value / level`` over the history days of weekday
  ``w`` (1 when there are none or the level is 0);
- ``baseline(d)`` = ``level × f_weekday(d)``;
- residuals ``r_t = value_t − level × f_weekday(t)`` over the history; ``spread`` =
  ``max(1.4826 × MAD(r), spread_floor × |baseline|, 1e-9)`` (the floor keeps a perfectly
  regular history from turning every wobble into an infinite score);
- ``score = (value − baseline) / spread``: an anomaly when ``|score| ≥ threshold`` (3.5)
  and ``|value − baseline| ≥ min_relative_change × |baseline|`` (10%).

A promotion day is never part of a normal day's history. It is checked only against
earlier promotion days (median and MAD of them) when at least ``min_promo_history`` exist;
otherwise it is reported as ``promotion``, never as an anomaly. A history shorter than
``min_history_days`` gives ``insufficient_history`` (历史数据不足), never an error.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from shopkpi.metrics.model import Direction

Number = Decimal | float | int
Series = Mapping[date, Number | None]

MAD_TO_SIGMA = 1.4826
_WEEKDAYS = "一二三四五六日"


@dataclass(frozen=True)
class AnomalySettings:
    """How the baseline is built and when a deviation counts (defaults shown).

    ``promotions`` lists promotion days, each ``MM-DD`` (every year: 618, 双11, 双12) or
    ``YYYY-MM-DD`` (one day).
    """

    weeks: int = 4
    threshold: float = 3.5
    min_relative_change: float = 0.10
    spread_floor: float = 0.01
    min_history_days: int = 14
    min_promo_history: int = 2
    promotions: tuple[str, ...] = ("06-18", "11-11", "12-12")

    def is_promotion(self, day: date) -> bool:
        return day.isoformat() in self.promotions or day.strftime("%m-%d") in self.promotions


class Verdict(StrEnum):
    normal = "normal"
    anomaly = "anomaly"
    promotion = "promotion"  # 大促日 without a promotion baseline
    insufficient_history = "insufficient_history"


class Change(StrEnum):
    up = "up"
    down = "down"


@dataclass(frozen=True)
class DayCheck:
    """The verdict on one day, with the numbers behind it and a Chinese reason."""

    day: date
    value: float
    baseline: float | None
    spread: float | None
    score: float | None
    change: Change | None
    verdict: Verdict
    bad: bool  # the change goes the wrong way for the metric's direction
    reason: str

    @property
    def is_anomaly(self) -> bool:
        return self.verdict is Verdict.anomaly

    @property
    def relative_change(self) -> float | None:
        if self.baseline is None or self.baseline == 0:
            return None
        return (self.value - self.baseline) / abs(self.baseline)


@dataclass(frozen=True)
class _Baseline:
    baseline: float
    spread: float
    basis: str  # how the baseline was built, in Chinese


def history_days(series: Series, day: date, settings: AnomalySettings) -> list[date]:
    """The non-promotion days with a value in the ``weeks`` weeks before ``day``."""
    start = day - timedelta(days=7 * settings.weeks)
    return sorted(
        d
        for d, v in series.items()
        if start <= d < day and v is not None and not settings.is_promotion(d)
    )


def _mad_spread(residuals: list[float], baseline: float, settings: AnomalySettings) -> float:
    centre = statistics.median(residuals)
    mad = statistics.median(abs(r - centre) for r in residuals)
    return max(MAD_TO_SIGMA * mad, settings.spread_floor * abs(baseline), 1e-9)


def _weekday_baseline(values: dict[date, float], day: date, s: AnomalySettings) -> _Baseline:
    level = statistics.median(values.values())
    factors: dict[int, float] = {}
    for weekday in range(7):
        ratios = [v / level for d, v in values.items() if d.weekday() == weekday and level]
        factors[weekday] = statistics.median(ratios) if ratios else 1.0
    baseline = level * factors[day.weekday()]
    residuals = [v - level * factors[d.weekday()] for d, v in values.items()]
    basis = f"近{s.weeks}周非大促日中位数 × 周{_WEEKDAYS[day.weekday()]}系数"
    return _Baseline(baseline, _mad_spread(residuals, baseline, s), basis)


def _promo_baseline(series: Series, day: date, s: AnomalySettings) -> _Baseline | None:
    earlier = [
        float(v) for d, v in series.items() if d < day and v is not None and s.is_promotion(d)
    ]
    if len(earlier) < s.min_promo_history:
        return None
    baseline = statistics.median(earlier)
    residuals = [v - baseline for v in earlier]
    return _Baseline(baseline, _mad_spread(residuals, baseline, s), "往期大促日中位数")


def check_day(
    series: Series,
    day: date,
    settings: AnomalySettings | None = None,
    better: Direction = Direction.higher_better,
) -> DayCheck:
    """Judge ``series[day]`` against its robust baseline (see the module docstring)."""
    s = settings or AnomalySettings()
    raw = series.get(day)
    if raw is None:
        return DayCheck(
            day, 0.0, None, None, None, None, Verdict.insufficient_history, False, "当天没有数据"
        )
    value = float(raw)
    if s.is_promotion(day):
        promo = _promo_baseline(series, day, s)
        if promo is None:
            return DayCheck(
                day,
                value,
                None,
                None,
                None,
                None,
                Verdict.promotion,
                False,
                "大促日，不与日常基线比较",
            )
        return _judge(day, value, promo, s, better)
    history = history_days(series, day, s)
    if len(history) < s.min_history_days:
        reason = f"历史数据不足：需要至少 {s.min_history_days} 个非大促日，只有 {len(history)} 个"
        return DayCheck(
            day, value, None, None, None, None, Verdict.insufficient_history, False, reason
        )
    values = {d: float(series[d]) for d in history}  # type: ignore[arg-type]
    return _judge(day, value, _weekday_baseline(values, day, s), s, better)


def _judge(
    day: date, value: float, base: _Baseline, s: AnomalySettings, better: Direction
) -> DayCheck:
    delta = value - base.baseline
    score = delta / base.spread
    change = Change.up if delta > 0 else Change.down if delta < 0 else None
    bad = (change is Change.down) == (better is Direction.higher_better) and change is not None
    big = abs(delta) >= s.min_relative_change * abs(base.baseline)
    word = "高" if delta >= 0 else "低"
    rel = f"{abs(delta) / abs(base.baseline):.1%}" if base.baseline else "—"
    reason = f"比基线 {base.baseline:.2f}（{base.basis}）{word} {rel}，稳健分数 {score:.1f}"
    anomalous = abs(score) >= s.threshold and big
    if not anomalous:
        reason += f"，未达阈值（|分数| ≥ {s.threshold:g} 且变化 ≥ {s.min_relative_change:.0%}）"
    verdict = Verdict.anomaly if anomalous else Verdict.normal
    return DayCheck(day, value, base.baseline, base.spread, score, change, verdict, bad, reason)


def scan(
    series: Series,
    days: Iterable[date] | None = None,
    settings: AnomalySettings | None = None,
    better: Direction = Direction.higher_better,
) -> list[DayCheck]:
    """The anomalies among ``days`` (every day of the series by default), in date order."""
    wanted = sorted(days) if days is not None else sorted(series)
    checks = (check_day(series, d, settings, better) for d in wanted if series.get(d) is not None)
    return [c for c in checks if c.is_anomaly]
