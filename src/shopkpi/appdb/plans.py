"""Plan adoption (``shopkpi plan adopt``): which exact plan file the app scores with."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import replace

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shopkpi.appdb import audit
from shopkpi.appdb.models import PlanAdoption
from shopkpi.appdb.records import Adoption

KIND = "plan"


def content_hash(content: str) -> str:
    """sha256 of the plan file's UTF-8 text."""
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


def adopt(
    session: Session,
    name: str,
    content: str,
    *,
    actor: str,
    source_file: str | None,
    now: dt.datetime,
) -> Adoption:
    """Adopt ``content`` as the next version of plan ``name``.

    Adopting the content that is already current changes nothing; going back to an older
    content is a new version (the history never rewrites).
    """
    digest = content_hash(content)
    current = latest(session, name)
    if current is not None and current.content_hash == digest:
        return replace(current, created=False)
    version = (current.version if current else 0) + 1
    row = PlanAdoption(
        plan_name=name,
        version=version,
        content_hash=digest,
        content=content,
        source_file=source_file,
        adopted_by=actor,
        adopted_at=now,
    )
    session.add(row)
    old = {"version": current.version, "hash": current.content_hash} if current else None
    new = {"version": version, "hash": digest, "file": source_file}
    audit.record(
        session, at=now, actor=actor, action="adopt", kind=KIND, key=name, old=old, new=new
    )
    return _record(row)


def latest(session: Session, name: str) -> Adoption | None:
    """The newest adopted version of plan ``name``."""
    newest = select(func.max(PlanAdoption.version)).where(PlanAdoption.plan_name == name)
    row = session.scalars(
        select(PlanAdoption).where(
            PlanAdoption.plan_name == name, PlanAdoption.version == newest.scalar_subquery()
        )
    ).one_or_none()
    return _record(row) if row else None


def history(session: Session, name: str | None = None) -> list[Adoption]:
    """Every adopted version (of one plan, or of all), oldest first."""
    query = select(PlanAdoption).order_by(PlanAdoption.plan_name, PlanAdoption.version)
    if name is not None:
        query = query.where(PlanAdoption.plan_name == name)
    return [_record(r) for r in session.scalars(query)]


def _record(row: PlanAdoption) -> Adoption:
    return Adoption(
        row.plan_name,
        row.version,
        row.content_hash,
        row.content,
        row.source_file,
        row.adopted_by,
        row.adopted_at,
    )
