"""What pages and the API show: ranking rows, the overview chart, shared by both."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from markupsafe import Markup

from shopkpi.ingest.adapters.vocab import EntityKind
from shopkpi.metrics.api import period_label
from shopkpi.metrics.catalog import CATALOG
from shopkpi.metrics.display import format_number, format_value, plain
from shopkpi.metrics.model import MetricDef, Unit
from shopkpi.metrics.pacing import Overview, daily_series
from shopkpi.metrics.report import ranking
from shopkpi.metrics.store import MetricValue
from shopkpi.web.access import Viewer
from shopkpi.web.deps import roster as deps_roster
from shopkpi.workspace import Workspace

RANKING_METRICS = (
    "cs_sales",
    "cs_orders",
    "inquiry_buyers",
    "inquiry_to_paid_rate",
    "reply_within_3min_rate",
    "avg_response_seconds",
)
CHART_METRIC = "cs_sales"


@dataclass(frozen=True)
class Filters:
    """Ranking filters: 班组 team, 岗位 role, 级别 level (None: any)."""

    team: str | None = None
    role: str | None = None
    level: str | None = None


@dataclass(frozen=True)
class RankRow:
    """One staff member's row in the ranking (1 = best by the chosen metric)."""

    rank: int
    staff_id: str
    name: str
    team: str | None
    role: str | None
    level: str | None
    values: dict[str, MetricValue]
    html: Markup  # the row's cells after the rank, rendered once (row_cells)


@dataclass(frozen=True)
class Ranking:
    period: str
    by: MetricDef
    columns: tuple[MetricDef, ...]
    rows: tuple[RankRow, ...]
    teams: tuple[str, ...]
    roles: tuple[str, ...]
    levels: tuple[str, ...]


def staff_ranking(
    ws: Workspace, viewer: Viewer, period: str | None, by: str, filters: Filters
) -> Ranking:
    """The staff the viewer may see, ranked by ``by``, after the filters."""
    con = ws.warehouse.con
    label = ws.memo(("period_label", period), lambda: period_label(con, period))
    metric = CATALOG.get_metric(by)
    columns = tuple(CATALOG[m] for m in dict.fromkeys([metric.id, *RANKING_METRICS]))
    roster = {s.id: s for s in deps_roster(ws) if viewer.may_see(s, s.id)}
    ranked = ws.memo(
        ("ranking", label, metric.id),
        lambda: ranking(con, label, metric, [c.id for c in columns], 100_000),
    )
    rows = [r for r in ranked if r.entity_kind is EntityKind.staff and r.entity_id in roster]
    # The cells of every row are rendered once per data generation (memo.py); a request
    # only numbers and filters them (300 rows × 7 values through Jinja cost ~30 ms).
    html = ws.memo(
        ("ranking_cells", label, metric.id),  # the roster changes only through a job
        lambda: rendered_rows(roster_all(ws), ranked, columns),
    )
    picked: list[RankRow] = []
    for r in rows:
        s = roster[r.entity_id]
        if _keep(filters, s.team, s.role, s.level):
            picked.append(
                RankRow(
                    len(picked) + 1,
                    s.id,
                    s.name,
                    s.team,
                    s.role,
                    s.level,
                    r.values,
                    html.get(s.id, Markup("")),
                )
            )
    every = list(roster.values())
    return Ranking(
        label,
        metric,
        columns,
        tuple(picked),
        _distinct(s.team for s in every),
        _distinct(s.role for s in every),
        _distinct(s.level for s in every),
    )


def roster_all(ws: Workspace) -> dict[str, Any]:
    return {s.id: s for s in deps_roster(ws)}


def rendered_rows(
    people: dict[str, Any], ranked: list[Any], columns: tuple[MetricDef, ...]
) -> dict[str, Markup]:
    return {
        r.entity_id: row_cells(people[r.entity_id], r.values, columns)
        for r in ranked
        if r.entity_id in people
    }


def row_cells(s: Any, values: dict[str, MetricValue], columns: tuple[MetricDef, ...]) -> Markup:
    """A ranking row's cells after the rank, escaped: name, team, role, level, values."""
    parts = [
        Markup('<td><a href="/staff/{0}">{1}</a></td>').format(s.id, s.name),
        Markup("<td>{0}</td><td>{1}</td><td>{2}</td>").format(
            s.team or "", s.role or "", s.level or ""
        ),
    ]
    for c in columns:
        v = values.get(c.id)
        sort = v.value if v is not None and v.value is not None else ""
        parts.append(Markup('<td data-sort="{0}">{1}</td>').format(sort, cell(c, v)))
    return Markup("").join(parts)


def _keep(f: Filters, team: str | None, role: str | None, level: str | None) -> bool:
    return all(
        want in (None, "", have)
        for want, have in ((f.team, team), (f.role, role), (f.level, level))
    )


def _distinct(values: Any) -> tuple[str, ...]:
    return tuple(sorted({v for v in values if v}))


def cell(metric: MetricDef, v: MetricValue | None) -> str:
    return format_value(metric, v, compact=True)


def value_json(v: MetricValue | None) -> dict[str, Any] | None:
    """A stored value as JSON: exact decimal text, never a float."""
    if v is None:
        return None
    return {
        "value": plain(v.value),
        "numerator": plain(v.numerator),
        "denominator": plain(v.denominator),
        "status": v.status.value,
    }


def daily_chart(ws: Workspace, overview: Overview) -> dict[str, Any]:
    """The ECharts option of the shop's daily 客服销售额 in the overview's month.

    Values are yuan with 2 decimals; as JSON numbers their shortest text is that exact
    decimal (the chart only draws them).
    """
    metric = CATALOG[CHART_METRIC]
    series = daily_series(ws.warehouse.con, overview.shop_id, overview.period, metric.id)
    return {
        "title": {"text": f"每日{metric.name}（{overview.period}）", "left": "center"},
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 60, "right": 16, "bottom": 40},
        "xAxis": {"type": "category", "data": [d.isoformat() for d, _ in series]},
        "yAxis": {"type": "value", "name": "元"},
        "series": [
            {
                "name": metric.name,
                "type": "line",
                "smooth": False,
                "data": [None if v is None else _chart_number(v) for _, v in series],
            }
        ],
    }


def _chart_number(v: Decimal) -> float:
    return float(v.quantize(Decimal("0.01")))


def script_json(data: Any) -> str:
    """JSON safe to embed in ``<script type="application/json">`` (no ``</script>``)."""
    text = json.dumps(data, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def item_text(metric_id: str, text: str | None) -> str:
    """A scorecard item's raw value or target in its metric's unit (``—`` when none)."""
    if text is None:
        return "—"
    metric = CATALOG.get(metric_id)
    return text if metric is None else format_number(metric.unit, Decimal(text))


def ratio_text(text: str | None) -> str:
    return "—" if text is None else format_number(Unit.ratio, Decimal(text))
