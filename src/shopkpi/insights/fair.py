"""Fair comparison: conversion and 客单价 adjusted for what the agent could not control.

Indirect standardisation over strata (docs/insights.md, "Fair comparison"). Each unit of
work falls in one stratum: the category the buyer asked about (the first product link the
buyer sent that day → ``product.category``; '' when none), the shop-local hour and the day
type (weekday, weekend or promo). For an agent::

    expected E = Σ_s  n_agent,s × team_rate_s        (what the team would have achieved
                                                       with this agent's mix of strata)
    adjusted   = (actual O ÷ E) × team overall rate   (O = Σ outcomes of the agent)

Conversion units are inquiries (``inquiry_outcome`` × ``inquiry``, outcome 1 when paid).
客单价 units are paying buyer × agent × payment day (the ``sales_per_buyer`` unit), outcome
the credited sales; the stratum takes the category of the day's largest order line.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

import duckdb

from shopkpi.config.models import WorkspaceConfig
from shopkpi.metrics.periods import Period

Stratum = tuple[str, ...]
# The platform's big sale days (618, 双11, 双12) when no promo calendar is given.
DEFAULT_PROMO_MONTH_DAYS = ((6, 18), (11, 11), (12, 12))
SIX = Decimal("0.000001")
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Unit:
    """One unit of work: whose, in which stratum, and its outcome (1/0, or an amount)."""

    staff_id: str
    stratum: Stratum
    outcome: Decimal


@dataclass(frozen=True)
class Standardised:
    """An agent's raw and adjusted rate: ``adjusted = actual ÷ expected × team``."""

    staff_id: str
    units: int
    actual: Decimal  # Σ outcomes
    expected: Decimal | None  # Σ_s n_s × team rate in s
    raw: Decimal  # actual ÷ units
    adjusted: Decimal | None
    team: Decimal  # the team's overall rate


def standardise(units: Iterable[Unit]) -> dict[str, Standardised]:
    """Indirect standardisation of every agent's rate against the team's stratum rates."""
    rows = list(units)
    n_s: dict[Stratum, int] = defaultdict(int)
    y_s: dict[Stratum, Fraction] = defaultdict(Fraction)
    for u in rows:
        n_s[u.stratum] += 1
        y_s[u.stratum] += Fraction(u.outcome)
    if not rows:
        return {}
    team = sum(y_s.values(), Fraction()) / len(rows)
    by_staff: dict[str, list[Unit]] = defaultdict(list)
    for u in rows:
        by_staff[u.staff_id].append(u)
    return {s: _one(s, us, n_s, y_s, team) for s, us in sorted(by_staff.items())}


def _one(
    staff_id: str,
    units: list[Unit],
    n_s: Mapping[Stratum, int],
    y_s: Mapping[Stratum, Fraction],
    team: Fraction,
) -> Standardised:
    actual = sum((Fraction(u.outcome) for u in units), Fraction())
    expected = sum((y_s[u.stratum] / n_s[u.stratum] for u in units), Fraction())
    adjusted = actual / expected * team if expected else None
    return Standardised(
        staff_id,
        len(units),
        _dec(actual),
        _dec(expected),
        _dec(actual / len(units)),
        None if adjusted is None else _dec(adjusted),
        _dec(team),
    )


def _dec(value: Fraction) -> Decimal:
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return exact.quantize(SIX, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class FairComparison:
    """Raw and adjusted 询单→付款转化率 and 客单价 of one agent, side by side."""

    staff_id: str
    conversion: Standardised | None
    order_value: Standardised | None

    def as_json(self) -> dict[str, object]:
        return {
            "staff_id": self.staff_id,
            "inquiries": self.conversion.units if self.conversion else 0,
            "conversion_raw": _s(self.conversion, "raw"),
            "conversion_adjusted": _s(self.conversion, "adjusted"),
            "conversion_team": _s(self.conversion, "team"),
            "paying_buyers": self.order_value.units if self.order_value else 0,
            "order_value_raw": _s(self.order_value, "raw", CENT),
            "order_value_adjusted": _s(self.order_value, "adjusted", CENT),
            "order_value_team": _s(self.order_value, "team", CENT),
        }


def _s(row: Standardised | None, field: str, places: Decimal = SIX) -> str | None:
    value = getattr(row, field) if row is not None else None
    return None if value is None else str(value.quantize(places, rounding=ROUND_HALF_UP))


def fair_comparison(
    con: duckdb.DuckDBPyConnection,
    config: WorkspaceConfig,
    period: Period,
    promo_days: Collection[date] | None = None,
) -> dict[str, FairComparison]:
    """Every agent with inquiries or sales in ``period``: raw and adjusted figures."""
    calendar = DayTypes(promo_days)
    conv = standardise(_conversion_units(con, config, period, calendar))
    aov = standardise(_order_value_units(con, config, period, calendar))
    return {s: FairComparison(s, conv.get(s), aov.get(s)) for s in sorted(set(conv) | set(aov))}


class DayTypes:
    """weekday | weekend | promo; promo days come from the caller or the default sale days."""

    def __init__(self, promo_days: Collection[date] | None) -> None:
        self.promo_days = frozenset(promo_days) if promo_days is not None else None

    def of(self, day: date) -> str:
        if self.promo_days is not None:
            promo = day in self.promo_days
        else:
            promo = (day.month, day.day) in DEFAULT_PROMO_MONTH_DAYS
        if promo:
            return "promo"
        return "weekend" if day.weekday() >= 5 else "weekday"


def _has(con: duckdb.DuckDBPyConnection, *tables: str) -> bool:
    found = con.execute(
        "SELECT count(DISTINCT table_name) FROM duckdb_tables() WHERE table_name IN "
        "(SELECT unnest(?::VARCHAR[]))",
        [list(tables)],
    ).fetchall()
    return int(found[0][0]) == len(tables)


# The first product link a buyer sent on a local day → the category asked about.
_ASKED = """
    SELECT l.shop_id, l.buyer_nick, l.biz_date, coalesce(p.category, '') AS category
    FROM (SELECT shop_id, buyer_nick, biz_date,
                 arg_min(regexp_extract(text, '[?&]id=([0-9]+)', 1), sent_at) AS item_id
          FROM chat_message
          WHERE direction = 'buyer' AND regexp_matches(text, '[?&]id=[0-9]+')
          GROUP BY ALL) AS l
    LEFT JOIN product AS p ON p.shop_id = l.shop_id AND p.item_id = l.item_id"""


def _conversion_units(
    con: duckdb.DuckDBPyConnection, config: WorkspaceConfig, period: Period, days: DayTypes
) -> list[Unit]:
    if not _has(con, "inquiry_outcome", "inquiry"):
        return []
    rows = con.execute(
        f"""SELECT o.shop_id, o.staff_id, o.biz_date, i.first_at, coalesce(a.category, ''),
                   o.paid_final
            FROM inquiry_outcome AS o
            JOIN inquiry AS i ON i.shop_id = o.shop_id AND i.buyer_nick = o.buyer_nick
                 AND i.staff_id = o.staff_id AND i.biz_date = o.biz_date AND i.is_inquiry
            LEFT JOIN ({_ASKED}) AS a ON a.shop_id = o.shop_id
                 AND a.buyer_nick = o.buyer_nick AND a.biz_date = o.biz_date
            WHERE o.staff_id IS NOT NULL AND o.biz_date BETWEEN ? AND ?
            ORDER BY o.staff_id, o.biz_date, o.buyer_nick""",
        [period.start, period.end],
    ).fetchall()
    return [
        Unit(
            str(r[1]), _stratum(config, str(r[0]), r[2], r[3], str(r[4]), days), Decimal(int(r[5]))
        )
        for r in rows
    ]


def _order_value_units(
    con: duckdb.DuckDBPyConnection, config: WorkspaceConfig, period: Period, days: DayTypes
) -> list[Unit]:
    if not _has(con, "order_credit"):
        return []
    rows = con.execute(
        """WITH line AS (
             SELECT l.shop_id, l.order_id,
                    arg_max(coalesce(p.category, ''), l.paid_amount) AS category
             FROM order_line AS l
             LEFT JOIN product AS p ON p.shop_id = l.shop_id AND p.item_id = l.item_id
             GROUP BY ALL)
           SELECT c.shop_id, c.credited_staff_id, c.paid_biz_date, min(c.paid_at),
                  coalesce(arg_max(line.category, c.sales_amount), ''), sum(c.sales_amount)
           FROM order_credit AS c
           LEFT JOIN line ON line.shop_id = c.shop_id AND line.order_id = c.order_id
           WHERE c.paid AND c.credited_staff_id IS NOT NULL
             AND c.paid_biz_date BETWEEN ? AND ?
           GROUP BY c.shop_id, c.credited_staff_id, c.buyer_nick, c.paid_biz_date
           ORDER BY 2, 3, 4""",
        [period.start, period.end],
    ).fetchall()
    return [
        Unit(str(r[1]), _stratum(config, str(r[0]), r[2], r[3], str(r[4]), days), Decimal(r[5]))
        for r in rows
    ]


def _stratum(
    config: WorkspaceConfig, shop_id: str, day: date, at: datetime | None, category: str,
    days: DayTypes,
) -> Stratum:  # fmt: skip
    return (category, _local_hour(config, shop_id, at), days.of(day))


def _local_hour(config: WorkspaceConfig, shop_id: str, at: datetime | None) -> str:
    if at is None:
        return ""
    zone = next((s.timezone for s in config.shops if s.id == shop_id), config.shops[0].timezone)
    local = at.replace(tzinfo=ZoneInfo("UTC")).astimezone(ZoneInfo(zone))
    return f"{local.hour:02d}"
