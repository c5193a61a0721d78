"""Month-end freeze (封账): versioned, never-updated scorecard snapshots.

A period's first freeze is version 1. A correction freezes again as version 2, 3, … with
a reason; earlier versions stay as they were, byte for byte.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shopkpi.appdb import audit
from shopkpi.appdb.models import ScorecardSnapshot
from shopkpi.appdb.records import AppDBError, PlanRef, Snapshot

KIND = "snapshot"


def canonical_json(payload: Any) -> str:
    """The one text form of a payload: sorted keys, no spaces, Decimals as exact strings."""
    return json.dumps(
        audit.jsonable(payload), ensure_ascii=False, sort_keys=True, separators=(",", ":")
    )


def freeze(
    session: Session,
    period: str,
    *,
    plans: Sequence[PlanRef],
    inputs_hash: str,
    payload: Any,
    actor: str,
    reason: str | None,
    forced: bool,
    pending: Sequence[str],
    now: dt.datetime,
) -> Snapshot:
    """Store the next version of ``period``'s snapshot and its audit row."""
    reason = (reason or "").strip() or None
    _check(period, reason, forced, pending)
    newest = session.scalar(
        select(func.max(ScorecardSnapshot.version)).where(ScorecardSnapshot.period == period)
    )
    version = int(newest or 0) + 1
    if version > 1 and reason is None:
        raise AppDBError(
            f"周期 {period} 已封账（第 {version - 1} 版）；更正需要说明原因（--reason）"
        )
    text = canonical_json(payload)
    row = ScorecardSnapshot(
        period=period,
        version=version,
        plans=[p.as_json() for p in plans],
        inputs_hash=inputs_hash,
        payload=text,
        payload_hash=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        frozen_at=now,
        frozen_by=actor,
        reason=reason,
        forced=forced,
        pending=list(pending),
    )
    session.add(row)
    new = {"version": version, "inputs_hash": inputs_hash, "payload_hash": row.payload_hash}
    audit.record(
        session,
        at=now,
        actor=actor,
        action="freeze" if version == 1 else "correct",
        kind=KIND,
        key=period,
        old={"version": version - 1} if version > 1 else None,
        new={**new, "forced": forced, "pending": list(pending)},
        reason=reason,
    )
    return _record(row)


def _check(period: str, reason: str | None, forced: bool, pending: Sequence[str]) -> None:
    if not period.strip():
        raise AppDBError("封账需要周期")
    if pending and not forced:
        raise AppDBError(
            f"周期 {period} 还有 {len(pending)} 项待定（{'、'.join(pending[:5])}…）；"
            "确需封账请加 --force --reason"
        )
    if forced and reason is None:
        raise AppDBError("强制封账（--force）必须说明原因（--reason）")


def for_period(session: Session, period: str) -> list[Snapshot]:
    """Every version of ``period``'s snapshot, oldest first."""
    rows = session.scalars(
        select(ScorecardSnapshot)
        .where(ScorecardSnapshot.period == period)
        .order_by(ScorecardSnapshot.version)
    )
    return [_record(r) for r in rows]


def _record(row: ScorecardSnapshot) -> Snapshot:
    return Snapshot(
        row.period,
        row.version,
        tuple(PlanRef(p["plan"], int(p["version"]), p["hash"]) for p in row.plans),
        row.inputs_hash,
        row.payload,
        row.payload_hash,
        row.frozen_at,
        row.frozen_by,
        row.reason,
        row.forced,
        tuple(row.pending),
    )
