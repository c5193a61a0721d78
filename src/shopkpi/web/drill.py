"""Drill-down views: a staff metric's evidence rows, chat transcripts, the catalog, trends.

Shared by the pages (``routes_drill``) and the API (``routes_drill_api``). Money and
ratios stay exact decimal text; instants are shown in the shop's local time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from shopkpi.appdb.users import Role
from shopkpi.metrics.catalog import CATALOG
from shopkpi.metrics.display import format_value, plain
from shopkpi.metrics.explain import REFUND_COLUMNS, Evidence, Explanation
from shopkpi.metrics.model import MetricDef
from shopkpi.metrics.transcript import Transcript
from shopkpi.metrics.trend import Trend
from shopkpi.scoring.subjects import Subject
from shopkpi.web.access import Viewer
from shopkpi.web.deps import roster
from shopkpi.web.views import value_json
from shopkpi.workspace import Workspace

EVIDENCE_LIMIT = 200


@dataclass(frozen=True)
class EvidenceTable:
    """One evidence source as shown: headers, cells, the session link of each row, and how
    many rows were hidden because they belong to people the viewer may not see."""

    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    links: tuple[str | None, ...]
    total_rows: int
    numerator: str | None
    denominator: str | None
    hidden: int
    refunds: tuple[tuple[str, ...], ...]


def roster_person(ws: Workspace, staff_id: str) -> Subject | None:

    return {s.id: s for s in roster(ws)}.get(staff_id)


def shop_zone(ws: Workspace) -> tzinfo:
    return ZoneInfo(ws.config.shops[0].timezone)


def cell(value: object, zone: tzinfo) -> str:
    """Decimals exact (money with cents), UTC instants as shop-local ``YYYY-MM-DD HH:MM:SS``, dates ISO."""
    if value is None:
        return ""
    if isinstance(value, Decimal):  # money (DECIMAL(18,2)) keeps its cents: 199.00
        return str(value) if value.as_tuple().exponent == -2 else plain(value) or ""
    if isinstance(value, datetime):
        return f"{value.replace(tzinfo=UTC).astimezone(zone):%Y-%m-%d %H:%M:%S}"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def evidence_table(ev: Evidence, viewer: Viewer, zone: tzinfo) -> EvidenceTable:
    """``ev`` as cells; whole-shop rows of staff the viewer may not see are left out."""
    keep = [r for r in ev.rows if "staff_id" not in r or _may_see_row(viewer, r["staff_id"])]
    return EvidenceTable(
        title=f"{ev.source.label} · {ev.metric.name}",
        headers=tuple(label for _, label in ev.columns),
        rows=tuple(tuple(cell(r.get(c), zone) for c, _ in ev.columns) for r in keep),
        links=tuple(_str_or_none(r.get("session_id")) for r in keep),
        total_rows=ev.total_rows,
        numerator=plain(ev.numerator),
        denominator=plain(ev.denominator),
        hidden=len(ev.rows) - len(keep),
        refunds=tuple(tuple(cell(r.get(c), zone) for c, _ in REFUND_COLUMNS) for r in ev.refunds),
    )


def _may_see_row(viewer: Viewer, staff_id: object) -> bool:
    """Whole-shop rows: admin and finance see all; others only their own rows (a row of a
    teammate is another person's number, and silent orders belong to nobody)."""
    if viewer.role in (Role.admin, Role.finance):
        return True
    return staff_id is not None and staff_id == viewer.user.staff_id


def _str_or_none(value: object) -> str | None:
    return None if value is None else str(value)


def explanation_json(e: Explanation, tables: list[EvidenceTable]) -> dict[str, Any]:
    """The API body of a metric's evidence (cells as shown on the page)."""
    return {
        "staff_id": e.staff.staff_id,
        "metric": metric_json(e.metric),
        "period": e.period.label,
        "value": value_json(e.value),
        "rule": e.rule,
        "evidence": [
            {
                "title": t.title,
                "columns": list(t.headers),
                "rows": [list(r) for r in t.rows],
                "session_ids": list(t.links),
                "total_rows": t.total_rows,
                "numerator": t.numerator,
                "denominator": t.denominator,
                "hidden_rows": t.hidden,
                "refunds": {
                    "columns": [label for _, label in REFUND_COLUMNS],
                    "rows": [list(r) for r in t.refunds],
                },
            }
            for t in tables
        ],
    }


def metric_json(m: MetricDef) -> dict[str, str]:
    return {
        "id": m.id,
        "name": m.name,
        "unit": m.unit.value,
        "unit_label": m.unit.label,
        "direction": m.direction.value,
        "direction_label": m.direction.label,
        "kind": m.kind.value,
        "formula": m.formula,
    }


def value_text(e: Explanation) -> str:
    return format_value(e.metric, e.value)


def transcript_json(t: Transcript, zone: tzinfo) -> dict[str, Any]:
    return {
        "session_id": t.session_id,
        "buyer_nick": t.buyer_nick,
        "account_nick": t.account_nick,
        "staff_id": t.staff_id,
        "biz_date": t.biz_date.isoformat(),
        "started_at": cell(t.started_at, zone),
        "ended_at": cell(t.ended_at, zone),
        "transferred_out": t.transferred_out,
        "transferred_in": t.transferred_in,
        "messages": [
            {
                "message_id": m.message_id,
                "sent_at": cell(m.sent_at, zone),
                "direction": m.direction,
                "account_nick": m.account_nick,
                "text": m.text,
                "filler": m.filler,
                "transfer_to": m.transfer_to,
            }
            for m in t.lines
        ],
    }


def trend_teams(viewer: Viewer) -> frozenset[str] | None:
    """The team series a viewer may see: all (admin, finance), their own (supervisor), none
    (staff: a team line is their colleagues' numbers; the shop line they see anyway)."""
    match viewer.role:
        case Role.admin | Role.finance:
            return None
        case Role.supervisor:
            return viewer.teams
        case Role.staff:
            return frozenset()


def trend_chart(t: Trend) -> dict[str, Any]:
    """The ECharts option: one line per series, values as numbers (the chart only draws)."""
    return {
        "title": {"text": f"{t.metric.name} · 每日趋势（{t.period}）", "left": "center"},
        "tooltip": {"trigger": "axis"},
        "legend": {"bottom": 0},
        "grid": {"left": 60, "right": 16, "bottom": 60},
        "xAxis": {"type": "category", "data": [d.isoformat() for d in t.days]},
        "yAxis": {"type": "value", "name": t.metric.unit.label},
        "series": [
            {
                "name": s.label,
                "type": "line",
                "connectNulls": False,
                "data": [None if v is None else float(v) for v in s.values],
            }
            for s in t.series
        ],
    }


def trend_json(t: Trend) -> dict[str, Any]:
    return {
        "metric": metric_json(t.metric),
        "period": t.period,
        "days": [d.isoformat() for d in t.days],
        "series": [
            {
                "entity_kind": s.entity_kind.value,
                "entity_id": s.entity_id,
                "label": s.label,
                "values": [plain(v) for v in s.values],
            }
            for s in t.series
        ],
    }


def catalog() -> list[MetricDef]:
    return list(CATALOG.values())
