"""目标表 (FIELD.md §1.6b): monthly targets per agent, team and shop, plus the 双11 week."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from shopkpi.demo.calendar import peak_day
from shopkpi.demo.history import ShopHistory
from shopkpi.demo.model import Level, Role, Staff
from shopkpi.demo.people import team_names
from shopkpi.demo.writers.cells import Cell, write_csv

HEADER = ("对象", "周期", "指标", "目标值")
SHOP = "店铺"
MONTHLY_SALES = {Level.junior: 20000, Level.senior: 30000, Level.lead: 0}
TEAM_RATES = (
    ("inquiry_to_paid_rate", "0.45"),
    ("reply_rate", "0.98"),
    ("avg_response_seconds", "35"),
)


def write(folder: Path, history: ShopHistory) -> tuple[Path, int]:
    path = folder / "目标表.csv"
    return path, write_csv(path, HEADER, _rows(history))


def _rows(history: ShopHistory) -> list[list[Cell]]:
    scale = Decimal(str(history.options.scale))
    rows: list[list[Cell]] = []
    for month in _months(history.days):
        boost = Decimal("1.5") if month.month == 11 else Decimal(1)
        team_sales = Decimal(0)
        for person in history.staff:
            if person.role is Role.presale and _employed_in(person, month):
                target = (MONTHLY_SALES[person.level] * scale * boost).quantize(Decimal(1))
                team_sales += target
                rows.append([person.staff_id, f"{month:%Y-%m}", "cs_sales", str(target)])
        presale_teams, _ = team_names(history.options.staff)
        for team in presale_teams:
            rows += [[team, f"{month:%Y-%m}", metric, value] for metric, value in TEAM_RATES]
        rows.append([SHOP, f"{month:%Y-%m}", "cs_sales", str(team_sales)])
    week = peak_day(history.options.end).isocalendar()
    rows.append([SHOP, f"{week.year}-W{week.week:02d}", "satisfaction_rate", "0.90"])
    return rows


def _employed_in(person: Staff, month: dt.date) -> bool:
    following = (month + dt.timedelta(days=32)).replace(day=1)
    return person.hired_on < following and (person.left_on is None or person.left_on >= month)


def _months(days: list[dt.date]) -> list[dt.date]:
    return sorted({d.replace(day=1) for d in days})
