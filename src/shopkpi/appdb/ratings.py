"""Stored manual ratings: write with an audit row in the same transaction, read by period."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from shopkpi.appdb import audit
from shopkpi.appdb.models import Rating
from shopkpi.appdb.ratings_file import PERIOD_HINT, normalize_period, parse_score
from shopkpi.appdb.records import AppDBError, Outcome, RatingInput, RatingRecord
from shopkpi.scoring.rubric import find_criterion

KIND = "rating"


def entity_key(staff_id: str, period: str, criterion_id: str) -> str:
    """The audit-log key of one rating: ``S001/2026-11/attitude.responsibility``."""
    return f"{staff_id}/{period}/{criterion_id}"


def validated(r: RatingInput) -> RatingInput:
    """``r`` with its criterion as the rubric id and its period canonical, or AppDBError."""
    criterion = find_criterion(r.criterion_id)
    if criterion is None:
        raise AppDBError(f"未知的评分维度「{r.criterion_id}」")
    period = normalize_period(r.period)
    if period is None:
        raise AppDBError(f"无法识别的周期「{r.period}」：{PERIOD_HINT}")
    score = parse_score(str(r.score))
    if isinstance(score, str):
        raise AppDBError(f"{score}：请给 0 到 100 之间的分数，最多两位小数")
    if not r.staff_id.strip():
        raise AppDBError("缺少员工编号")
    return RatingInput(r.staff_id.strip(), period, criterion.id, score, r.comment, r.rater, r.row)


def write(
    session: Session, r: RatingInput, *, actor: str, reason: str | None, now: dt.datetime
) -> Outcome:
    """Insert or change one rating; a change appends its old and new value to the audit log."""
    row = session.scalars(
        select(Rating).where(
            Rating.staff_id == r.staff_id,
            Rating.period == r.period,
            Rating.criterion_id == r.criterion_id,
        )
    ).one_or_none()
    # A blank rater means "whoever records it" for a new rating, and "as before" for an
    # existing one, so re-importing a file without 评分人 by someone else changes nothing.
    rater = r.rater or (row.rater if row is not None else None) or actor
    new = {"score": r.score, "comment": r.comment, "rater": rater}
    key = entity_key(r.staff_id, r.period, r.criterion_id)
    if row is None:
        session.add(
            Rating(
                staff_id=r.staff_id,
                period=r.period,
                criterion_id=r.criterion_id,
                score=r.score,
                comment=r.comment,
                rater=rater,
                updated_at=now,
            )
        )
        audit.record(
            session,
            at=now,
            actor=actor,
            action="create",
            kind=KIND,
            key=key,
            old=None,
            new=new,
            reason=reason,
        )
        return Outcome.created
    old = {"score": row.score, "comment": row.comment, "rater": row.rater}
    if old == new:
        return Outcome.unchanged
    row.score, row.comment, row.rater, row.updated_at = r.score, r.comment, rater, now
    audit.record(
        session,
        at=now,
        actor=actor,
        action="update",
        kind=KIND,
        key=key,
        old=old,
        new=new,
        reason=reason,
    )
    return Outcome.changed


def scores(session: Session, period: str) -> dict[tuple[str, str], Decimal]:
    """(staff_id, criterion_id) → score for one period."""
    rows = session.execute(
        select(Rating.staff_id, Rating.criterion_id, Rating.score).where(Rating.period == period)
    )
    return {(staff, criterion): score for staff, criterion, score in rows}


def records(session: Session, period: str | None = None) -> list[RatingRecord]:
    """Stored ratings (of one period, or all), by period, staff and criterion."""
    query = select(Rating).order_by(Rating.period, Rating.staff_id, Rating.criterion_id)
    if period is not None:
        query = query.where(Rating.period == period)
    return [
        RatingRecord(
            r.staff_id, r.period, r.criterion_id, r.score, r.comment, r.rater, r.updated_at
        )
        for r in session.scalars(query)
    ]
