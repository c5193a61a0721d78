"""When buyers come: the day-by-day demand curve (a 双11 peak) and the hour-of-day profile."""

from __future__ import annotations

import datetime as dt

from shopkpi.demo.rand import Rng, pick

# Relative buyer traffic per hour of day (Beijing time); evenings are busiest.
HOUR_WEIGHTS = (
    2.0, 1.2, 0.6, 0.3, 0.2, 0.2, 0.3, 0.8, 2.0, 4.0, 6.0, 6.0,
    4.0, 5.0, 6.0, 6.0, 5.0, 5.0, 4.5, 5.0, 7.0, 8.0, 7.5, 4.5,
)  # fmt: skip
# On 双11 itself the first hour after midnight is the rush.
PEAK_HOUR_WEIGHTS = (14.0, *HOUR_WEIGHTS[1:])
SERVICE_START = dt.time(8, 0)

# Offsets from 11-11 → demand factor: pre-sale deposits, the first wave (11-1), the day itself.
_PEAK_OFFSETS = {
    -18: 1.5, -17: 1.3, -16: 1.3, -15: 1.3, -14: 1.3, -13: 1.3, -12: 1.4,
    -11: 2.0, -10: 3.5, -9: 2.0, -8: 1.8, -7: 1.4, -6: 1.3, -5: 1.3, -4: 1.3,
    -3: 1.4, -2: 1.6, -1: 2.2, 0: 5.0, 1: 1.6, 2: 1.2,
}  # fmt: skip


def peak_day(day: dt.date) -> dt.date:
    """The 双11 nearest to ``day`` (this year's, or last year's early in the year)."""
    this_year = dt.date(day.year, 11, 11)
    return this_year if day >= dt.date(day.year, 6, 1) else dt.date(day.year - 1, 11, 11)


def demand(day: dt.date) -> float:
    """Buyer traffic on ``day`` relative to an ordinary weekday."""
    factor = _PEAK_OFFSETS.get((day - peak_day(day)).days, 1.0)
    return factor * (1.1 if day.weekday() >= 5 else 1.0)


def is_peak(day: dt.date) -> bool:
    return demand(day) >= 2.0


def load(day: dt.date) -> float:
    """How much slower agents reply on a busy day."""
    return min(1.0 + 0.2 * (demand(day) - 1.0), 1.9)


def sample_time(rng: Rng, day: dt.date) -> dt.datetime:
    weights = PEAK_HOUR_WEIGHTS if day == peak_day(day) else HOUR_WEIGHTS
    hour = pick(rng, range(24), weights)
    second = rng.randrange(3600)
    return dt.datetime.combine(day, dt.time(hour)) + dt.timedelta(seconds=second)


def in_service(at: dt.datetime) -> bool:
    """Service hours are 08:00–24:00."""
    return at.time() >= SERVICE_START


def next_opening(at: dt.datetime) -> dt.datetime:
    """The next 08:00 at or after ``at``."""
    if in_service(at):
        return at
    return dt.datetime.combine(at.date(), SERVICE_START)
