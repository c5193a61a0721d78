"""Read a scoring run's inputs from the warehouse: roster, metric values, sales mix.

Ratings live in the app DB; the caller passes them in. Everything else a plan needs for a
period comes from here, so that the engine itself stays pure.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal

import duckdb

from shopkpi.metrics.periods import parse_period
from shopkpi.metrics.store import ValueQuery, read_values
from shopkpi.scoring.inputs import Ratings, ScoringInput, observations_from
from shopkpi.scoring.roster import read_roster
from shopkpi.scoring.subjects import Subject, team_subject
from shopkpi.scoring.vocab import LIFECYCLE_ALIASES, Lifecycle
from shopkpi.warehouse.db import has_table

# Credited paid sales per staff member and product lifecycle stage, by payment day.
_MIX_SQL = """
SELECT c.credited_staff_id, p.lifecycle, sum(coalesce(l.paid_amount, 0))
FROM order_credit AS c
JOIN order_line AS l ON l.shop_id = c.shop_id AND l.order_id = c.order_id
JOIN product AS p ON p.shop_id = l.shop_id AND p.item_id = l.item_id
WHERE c.paid AND c.credited_staff_id IS NOT NULL AND p.lifecycle IS NOT NULL
  AND c.paid_biz_date BETWEEN ? AND ? AND (? IS NULL OR c.shop_id = ?)
GROUP BY 1, 2
ORDER BY 1, 2
"""


def lifecycle_mix(
    con: duckdb.DuckDBPyConnection, start: date, end: date, shop_id: str | None = None
) -> dict[str, dict[Lifecycle, Decimal]]:
    """Each staff member's credited sales per lifecycle stage (empty before ``compute``)."""
    if not has_table(con, "order_credit"):
        return {}
    mix: dict[str, dict[Lifecycle, Decimal]] = {}
    for staff_id, stage, amount in con.execute(_MIX_SQL, [start, end, shop_id, shop_id]).fetchall():
        lifecycle = LIFECYCLE_ALIASES.get(str(stage))
        if lifecycle is not None:
            mix.setdefault(str(staff_id), {})[lifecycle] = Decimal(amount)
    return mix


def scoring_input(
    con: duckdb.DuckDBPyConnection,
    period: str,
    *,
    ratings: Ratings | None = None,
    season: str | None = None,
    shop_id: str | None = None,
    teams: bool = False,
    targets: Mapping[tuple[str, str], Decimal] | None = None,
) -> ScoringInput:
    """The inputs of scoring ``period``: staff on the roster then (plus each team when
    ``teams``), every stored metric value of the period, and the lifecycle sales mix."""
    span = parse_period(period)
    values = read_values(con, ValueQuery(period=span.label, shop_id=shop_id))
    shops = sorted({v.shop_id for v in values})
    shop = shop_id or (shops[0] if len(shops) == 1 else "")
    roster = read_roster(con, active_on=span.start)
    subjects: list[Subject] = list(roster)
    if teams:
        subjects += [team_subject(t) for t in sorted({s.team for s in roster if s.team})]
    return ScoringInput(
        span.label,
        subjects,
        observations_from(values),
        ratings or {},
        lifecycle_mix(con, span.start, span.end, shop_id),
        season,
        shop,
        targets or {},
    )
