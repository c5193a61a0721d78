"""SQL for the roll-up: staff × day facts, then every entity × period, then derived metrics.

For each source, additive metrics are summed per staff × day (``md_*``, zero-filled over
the days each staff member was active), then re-aggregated to every period and to team and
shop (``mv_*``): Σnum and Σden at every grain. Non-additive metrics (distinct counts,
medians, p90s) are evaluated from the source rows of each entity × period (``mx_*``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from shopkpi.ingest.adapters.vocab import EntityKind
from shopkpi.metrics.context import lit
from shopkpi.metrics.model import MetricDef

NUM = "DECIMAL(38,6)"
KEYS = "shop_id, entity_kind, entity_id, grain, period, period_start, period_end"
_IDENT = re.compile(r"^[a-z_][a-z0-9_]*$")


def aliases(exprs: Sequence[str | None]) -> dict[str, str]:
    """A readable, stable column alias per distinct expression (a plain column keeps its
    name; anything else becomes ``x<n>``)."""
    out: dict[str, str] = {}
    for expr in exprs:
        if expr and expr not in out:
            name = expr if _IDENT.match(expr) else f"x{len(out)}"
            out[expr] = name if name not in out.values() else f"x{len(out)}"
    return out


def _parts(m: MetricDef) -> list[str | None]:
    return [m.numerator, m.denominator, m.pending]


def day_facts_sql(source: str, metrics: Sequence[MetricDef]) -> str:
    """``md_<source>``: additive numerators, denominators and pending counts per staff × day,
    zero for every day a staff member was active (``metric_staff_day``)."""
    cols = aliases([e for m in metrics for e in _parts(m)])
    sums = ",\n           ".join(f"sum(CAST({e} AS {NUM})) AS {a}" for e, a in cols.items())
    filled = ",\n       ".join(f"coalesce(a.{a}, 0) AS {a}" for a in cols.values())
    return f"""WITH agg AS (
    SELECT shop_id, staff_id, biz_date,
           {sums}
    FROM {source}
    GROUP BY shop_id, staff_id, biz_date
)
SELECT coalesce(a.shop_id, u.shop_id) AS shop_id, coalesce(a.staff_id, u.staff_id) AS staff_id,
       coalesce(a.biz_date, u.biz_date) AS biz_date,
       {filled}
FROM agg AS a
FULL OUTER JOIN metric_staff_day AS u
  ON u.shop_id = a.shop_id AND u.staff_id = a.staff_id AND u.biz_date = a.biz_date"""


def _expanded(table: str) -> str:
    """Rows of ``table`` in every period they fall in, once per entity: the agent, the agent's
    team and the shop (rows without an agent count for the shop only)."""
    return f"""f AS (
    SELECT r.*, p.grain, p.period, p.period_start, p.period_end
    FROM {table} AS r
    JOIN metric_day_period AS p ON p.biz_date = r.biz_date
), e AS (
    SELECT 'staff' AS entity_kind, f.staff_id AS entity_id, f.* FROM f
    WHERE f.staff_id IS NOT NULL
    UNION ALL
    SELECT 'team' AS entity_kind, t.team AS entity_id, f.* FROM f
    JOIN metric_team AS t ON t.staff_id = f.staff_id
    UNION ALL
    SELECT 'shop' AS entity_kind, f.shop_id AS entity_id, f.* FROM f
)"""


def rollup_sql(table: str, metrics: Sequence[MetricDef], *, additive: bool) -> str:
    """``mv_<source>`` (additive, from ``md_<source>``) or ``mx_<source>`` (non-additive,
    from the rows): numerator, denominator and pending count per metric × entity × period."""
    if additive:
        day = aliases([e for m in metrics for e in _parts(m)])
        cols = {f"sum({a})": a for a in day.values()}
        ref = day
    else:
        exprs = [e for m in metrics for e in (m.numerator, m.denominator)]
        exprs += [f"sum({m.pending})" for m in metrics if m.pending]
        cols = aliases(exprs)
        ref = cols
    selects = []
    for m in metrics:
        den = ref[m.denominator] if m.denominator else None
        pending = ref[m.pending if additive else f"sum({m.pending})"] if m.pending else "0"
        selects.append(_metric_select(m, ref[m.numerator], den, pending))
    body = ",\n           ".join(f"{e} AS {a}" for e, a in cols.items())
    union = "\nUNION ALL\n".join(selects)
    return f"""WITH {_expanded(table)}, a AS (
    SELECT {KEYS},
           {body}
    FROM e
    GROUP BY {KEYS}
)
{union}"""


def _entity_filter(m: MetricDef) -> str:
    if m.entities == frozenset(EntityKind):
        return ""
    kinds = ", ".join(lit(k.value) for k in sorted(m.entities))
    return f"\nWHERE entity_kind IN ({kinds})"


def _metric_select(m: MetricDef, num: str, den: str | None, pending: str) -> str:
    den_sql = f"CAST({den} AS {NUM})" if den else f"CAST(NULL AS {NUM})"
    return f"""SELECT {KEYS}, {lit(m.id)} AS metric_id, CAST({num} AS {NUM}) AS numerator,
       {den_sql} AS denominator, CAST({pending} AS BIGINT) AS pending
FROM a{_entity_filter(m)}"""
