"""Periods: ``2026-11`` (month), ``2026-W45`` (ISO week), ``2026-11-11`` (day) and
``2026-11-01..2026-11-15`` (custom). Dates are shop-local; ends are inclusive."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from shopkpi.errors import ShopkpiError
from shopkpi.metrics.model import Grain


class PeriodError(ShopkpiError):
    """A period written in none of the accepted forms."""


@dataclass(frozen=True, order=True)
class Period:
    """A reporting period: its grain, its label (``period`` in metric_value) and its days."""

    start: date
    end: date
    grain: Grain
    label: str

    def days(self) -> list[Period]:
        """Every day of the period, as day periods."""
        n = (self.end - self.start).days + 1
        return [day(self.start + timedelta(days=i)) for i in range(n)]

    def contains(self, d: date) -> bool:
        return self.start <= d <= self.end


_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_HINT = "周期写法：2026-11（月）、2026-W45（ISO 周）、2026-11-11（日）或 2026-11-01..2026-11-15（自定义）"


def parse_period(text: str, week_start: str = "monday") -> Period:
    """Parse a period; raise :class:`PeriodError` with the accepted forms otherwise."""
    text = text.strip()
    try:
        if m := _MONTH.match(text):
            return month(int(m.group(1)), int(m.group(2)))
        if m := _WEEK.match(text):
            return week(int(m.group(1)), int(m.group(2)), week_start)
        if _DAY.match(text):
            return day(date.fromisoformat(text))
        if ".." in text:
            first, last = (date.fromisoformat(p.strip()) for p in text.split("..", 1))
            return custom(first, last)
    except ValueError as exc:
        raise PeriodError(f"无法识别的周期 {text!r}：{exc}。{_HINT}") from exc
    raise PeriodError(f"无法识别的周期 {text!r}。{_HINT}")


def day(d: date) -> Period:
    return Period(d, d, Grain.day, d.isoformat())


def month(year: int, number: int) -> Period:
    first = date(year, number, 1)
    following = date(year + number // 12, number % 12 + 1, 1)
    return Period(first, following - timedelta(days=1), Grain.month, f"{year:04d}-{number:02d}")


def week(year: int, number: int, week_start: str = "monday") -> Period:
    """ISO week ``number``; with ``week_start: sunday`` it begins the Sunday before."""
    monday = date.fromisocalendar(year, number, 1)
    first = monday - timedelta(days=1) if week_start == "sunday" else monday
    return Period(first, first + timedelta(days=6), Grain.week, f"{year:04d}-W{number:02d}")


def custom(first: date, last: date) -> Period:
    if last < first:
        raise ValueError("结束日期早于开始日期")
    return Period(first, last, Grain.custom, f"{first.isoformat()}..{last.isoformat()}")


def week_of(d: date, week_start: str = "monday") -> Period:
    """The week containing ``d``."""
    monday_of = d + timedelta(days=1) if week_start == "sunday" else d
    year, number, _ = monday_of.isocalendar()
    return week(year, number, week_start)


def covering(first: date, last: date, week_start: str = "monday") -> list[Period]:
    """Every month touching ``first..last``, every week touching those months, and every day
    of them all: the default scope of ``shopkpi compute``. Each week and month comes with all
    of its days, so a coarse value always sums over stored days."""
    touched = custom(first, last).days()
    months = sorted({month(d.start.year, d.start.month) for d in touched})
    weeks = sorted({week_of(d.start, week_start) for m in months for d in m.days()})
    days = sorted({d for p in (*months, *weeks) for d in p.days()})
    return months + weeks + days
