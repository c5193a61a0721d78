"""Writing and reading the append-only audit log (who, when, old value, new value)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shopkpi.appdb.models import AuditEntry
from shopkpi.appdb.records import AuditRecord


def jsonable(value: Any) -> Any:
    """``value`` with Decimals as exact strings and datetimes in ISO form, for JSON columns."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


def record(
    session: Session,
    *,
    at: dt.datetime,
    actor: str,
    action: str,
    kind: str,
    key: str,
    old: Any,
    new: Any,
    reason: str | None = None,
) -> None:
    """Append one audit row in the caller's transaction."""
    session.add(
        AuditEntry(
            at=at,
            actor=actor,
            action=action,
            entity_kind=kind,
            entity_key=key,
            old_value=jsonable(old),
            new_value=jsonable(new),
            reason=reason,
        )
    )


def entries(
    session: Session, kind: str | None = None, key: str | None = None, limit: int = 200
) -> list[AuditRecord]:
    """Audit rows, newest first, optionally for one entity kind and key."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if kind is not None:
        query = query.where(AuditEntry.entity_kind == kind)
    if key is not None:
        query = query.where(AuditEntry.entity_key == key)
    return [
        AuditRecord(
            e.id,
            e.at,
            e.actor,
            e.action,
            e.entity_kind,
            e.entity_key,
            e.old_value,
            e.new_value,
            e.reason,
        )
        for e in session.scalars(query)
    ]
