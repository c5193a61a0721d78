"""Proposals as plain data for the CLI's ``--json``, the web pages and ``/api/v1/proposals``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from shopkpi.appdb.proposal_rules import (
    ACTION_LABELS,
    STATUS_LABELS,
    Proposal,
    ProposalEvent,
    ProposalStatus,
)


def plain(value: Decimal | None) -> str | None:
    """A target as exact text without trailing zeros (``36000``, ``0.45``)."""
    if value is None:
        return None
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


def metric_name(metric_id: str) -> str:
    from shopkpi.metrics.catalog import CATALOG

    return CATALOG[metric_id].name if metric_id in CATALOG else metric_id


def event_json(e: ProposalEvent) -> dict[str, Any]:
    return {
        "at": e.at.isoformat(),
        "actor": e.actor,
        "action": e.action.value,
        "action_label": ACTION_LABELS[e.action],
        "old": e.old,
        "new": e.new,
        "comment": e.comment,
    }


def event_text(e: ProposalEvent) -> str:
    """One history line: ``2026-12-01 10:00 王主管 调整 36000 → 32000（说明）``."""
    old = _state(e.old)
    change = f"{old} → {_state(e.new)}" if old else _state(e.new)
    note = f"（{e.comment}）" if e.comment else ""
    return f"{e.at:%Y-%m-%d %H:%M} {e.actor} {ACTION_LABELS[e.action]} {change}{note}"


def _state(snap: dict[str, Any] | None) -> str:
    if not snap:
        return ""
    return f"{snap['value']}（{STATUS_LABELS[ProposalStatus(snap['status'])]}）"


def proposal_json(p: Proposal) -> dict[str, Any]:
    """A proposal with its values as exact text and its whole history."""
    return {
        "id": p.id,
        "period": p.period,
        "staff_id": p.staff_id,
        "metric_id": p.metric_id,
        "metric_name": metric_name(p.metric_id),
        "proposed_value": plain(p.proposed_value),
        "adjusted_value": plain(p.adjusted_value),
        "approved_value": plain(p.approved_value),
        "status": p.status.value,
        "status_label": STATUS_LABELS[p.status],
        "created_at": p.created_at.isoformat(),
        "updated_at": p.updated_at.isoformat(),
        "history": [event_json(e) for e in p.events],
    }
