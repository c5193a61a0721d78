"""What the QA pages show: findings the viewer may see, highlighted message text, the
emotion curve of a session."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from typing import Any

from shopkpi.qa import report
from shopkpi.qa.report import FindingRow
from shopkpi.web.access import Viewer
from shopkpi.web.deps import roster
from shopkpi.workspace import Workspace


@dataclass(frozen=True)
class Segment:
    """A piece of a message's text, highlighted when a finding matched it."""

    text: str
    finding: FindingRow | None = None


def visible_staff(ws: Workspace, viewer: Viewer) -> frozenset[str] | None:
    """The staff ids whose QA the viewer may see (None: everyone)."""
    if viewer.role.value in ("admin", "finance"):
        return None
    return frozenset(s.id for s in roster(ws) if viewer.may_see(s, s.id))


def segments(text: str, found: list[FindingRow]) -> list[Segment]:
    """``text`` cut at the findings' spans (the first of overlapping spans wins)."""
    spans = sorted(
        (f for f in found if f.span_start is not None and f.span_end is not None),
        key=lambda f: (f.span_start, -(f.span_end or 0)),
    )
    out: list[Segment] = []
    at = 0
    for f in spans:
        start, end = int(f.span_start or 0), int(f.span_end or 0)
        if start < at or end > len(text) or end <= start:
            continue
        if start > at:
            out.append(Segment(text[at:start]))
        out.append(Segment(text[start:end], f))
        at = end
    if at < len(text) or not out:
        out.append(Segment(text[at:]))
    return out


def session_qa(ws: Workspace, session_id: str, day: date, zone: tzinfo) -> dict[str, Any]:
    """The QA view of one session: findings per message and for the session, the emotion
    curve (buyer messages) as an ECharts option, and the session's EVI parts."""
    con = ws.warehouse.con
    if not report.computed(con):
        return {"computed": False, "by_message": {}, "session": [], "chart": None, "row": None}
    found = report.findings(con, day, day, report.Filters(session_id=session_id), None)
    by_message: dict[str, list[FindingRow]] = {}
    for f in found:
        if f.message_id:
            by_message.setdefault(f.message_id, []).append(f)
    emotions = report.message_emotions(con, day, day, session_id=session_id)
    buyer = [e for e in emotions if e["speaker"] == "buyer"]
    chart = {
        "tooltip": {"trigger": "axis"},
        "xAxis": {"type": "category", "data": [_local(e["sent_at"], zone) for e in buyer]},
        "yAxis": {"type": "value", "min": -1, "max": 1, "name": "情绪"},
        "series": [
            {
                "name": "买家情绪",
                "type": "line",
                "data": [round(float(e["score"]), 3) for e in buyer],
                "markLine": {"silent": True, "data": [{"yAxis": 0}]},
            }
        ],
    }
    return {
        "computed": True,
        "by_message": by_message,
        "session": [f for f in found if not f.message_id],
        "emotion": {e["message_id"]: e for e in emotions},
        "chart": chart if buyer else None,
        "row": report.session_row(con, session_id),
    }


def _local(value: datetime, zone: tzinfo) -> str:
    return value.replace(tzinfo=UTC).astimezone(zone).strftime("%H:%M:%S")
