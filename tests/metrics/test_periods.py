"""Period parsing: month, ISO week (Monday or Sunday start), day, custom."""

from __future__ import annotations

from datetime import date

import pytest

from shopkpi.metrics.model import Grain
from shopkpi.metrics.periods import PeriodError, covering, parse_period, week_of


def test_month() -> None:
    p = parse_period("2026-11")
    assert (p.grain, p.start, p.end, p.label) == (
        Grain.month,
        date(2026, 11, 1),
        date(2026, 11, 30),
        "2026-11",
    )
    assert parse_period("2026-12").end == date(2026, 12, 31)


def test_iso_week() -> None:
    p = parse_period("2026-W45")
    assert (p.start, p.end) == (date(2026, 11, 2), date(2026, 11, 8))  # Monday … Sunday
    sunday = parse_period("2026-W45", "sunday")
    assert (sunday.start, sunday.end) == (date(2026, 11, 1), date(2026, 11, 7))
    assert week_of(date(2026, 11, 8)).label == "2026-W45"
    assert week_of(date(2026, 11, 8), "sunday").label == "2026-W46"


def test_day_and_custom() -> None:
    assert parse_period("2026-11-11").grain is Grain.day
    p = parse_period("2026-11-01..2026-11-15")
    assert (p.grain, len(p.days()), p.label) == (Grain.custom, 15, "2026-11-01..2026-11-15")


@pytest.mark.parametrize("text", ["2026/11", "2026-13", "2026-W60", "2026-11-15..2026-11-01", "x"])
def test_bad_periods_say_how_to_write_one(text: str) -> None:
    with pytest.raises(PeriodError, match="2026-W45"):
        parse_period(text)


def test_default_scope_is_whole_months_with_their_weeks_and_days() -> None:
    scope = covering(date(2026, 10, 30), date(2026, 11, 2))
    by_grain = {g: [p.label for p in scope if p.grain is g] for g in Grain}
    assert by_grain[Grain.month] == ["2026-10", "2026-11"]
    # the days of both months and of the weeks reaching into September and December
    assert by_grain[Grain.day][0] == "2026-09-28" and by_grain[Grain.day][-1] == "2026-12-06"
    assert len(by_grain[Grain.day]) == 3 + 31 + 30 + 6
    # every week touching October or November, 2026-W40 (09-28 … 10-04) to 2026-W49
    assert by_grain[Grain.week] == [f"2026-W{n}" for n in range(40, 50)]
