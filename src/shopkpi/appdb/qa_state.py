"""QA state in the app DB: supervisors' verdicts on findings, and recorded alerts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shopkpi.appdb import audit
from shopkpi.appdb.models import Alert, QAReview
from shopkpi.appdb.records import AppDBError


class Verdict(StrEnum):
    confirmed = "confirmed"
    false_positive = "false_positive"


VERDICT_LABELS = {Verdict.confirmed: "确认", Verdict.false_positive: "误报"}


@dataclass(frozen=True)
class ReviewRecord:
    finding_id: str
    rule: str
    staff_id: str | None
    verdict: Verdict
    comment: str | None
    reviewer: str
    reviewed_at: dt.datetime


@dataclass(frozen=True)
class AlertRecord:
    id: int
    kind: str
    rule: str
    severity: str
    shop_id: str | None
    staff_id: str | None
    team: str | None
    subject: str | None
    message_id: str | None
    title: str
    detail: Any
    raised_at: dt.datetime
    acknowledged_by: str | None
    acknowledged_at: dt.datetime | None


def review(
    session: Session,
    finding_id: str,
    rule: str,
    staff_id: str | None,
    verdict: Verdict | str,
    *,
    actor: str,
    comment: str | None,
    now: dt.datetime,
) -> ReviewRecord:
    """Set (or change) the verdict on a finding; audited with the old and new verdict."""
    try:
        verdict = Verdict(verdict)
    except ValueError as exc:
        raise AppDBError(
            f"未知的结论 {verdict!r}：confirmed（确认）或 false_positive（误报）"
        ) from exc
    row = session.get(QAReview, finding_id)
    old = None if row is None else {"verdict": row.verdict, "comment": row.comment}
    if row is None:
        row = QAReview(finding_id=finding_id, rule=rule, staff_id=staff_id)
        session.add(row)
    row.verdict, row.comment, row.reviewer, row.reviewed_at = verdict.value, comment, actor, now
    audit.record(
        session, at=now, actor=actor, action="review" if old is None else "update",
        kind="qa_finding", key=finding_id, old=old,
        new={"verdict": verdict.value, "comment": comment, "rule": rule, "staff_id": staff_id},
    )  # fmt: skip
    return _review(row)


def reviews(session: Session, finding_ids: list[str] | None = None) -> dict[str, ReviewRecord]:
    query = select(QAReview)
    if finding_ids is not None:
        query = query.where(QAReview.finding_id.in_(finding_ids))
    return {r.finding_id: _review(r) for r in session.scalars(query)}


def rule_stats(session: Session) -> dict[str, dict[str, int]]:
    """Per rule: how many findings were confirmed and how many were false positives."""
    stats: dict[str, dict[str, int]] = {}
    for row in session.scalars(select(QAReview)):
        counts = stats.setdefault(row.rule, {v.value: 0 for v in Verdict})
        counts[row.verdict] += 1
    return stats


def raise_alert(session: Session, now: dt.datetime, **fields: Any) -> AlertRecord:
    row = Alert(raised_at=now, **fields)
    session.add(row)
    session.flush()
    return _alert(row)


def alerts(session: Session, limit: int = 200, kind: str | None = None) -> list[AlertRecord]:
    query = select(Alert).order_by(Alert.id.desc()).limit(limit)
    if kind is not None:
        query = query.where(Alert.kind == kind)
    return [_alert(r) for r in session.scalars(query)]


def _review(row: QAReview) -> ReviewRecord:
    return ReviewRecord(
        row.finding_id, row.rule, row.staff_id, Verdict(row.verdict), row.comment,
        row.reviewer, row.reviewed_at,
    )  # fmt: skip


def _alert(row: Alert) -> AlertRecord:
    return AlertRecord(
        row.id, row.kind, row.rule, row.severity, row.shop_id, row.staff_id, row.team,
        row.subject, row.message_id, row.title, row.detail, row.raised_at,
        row.acknowledged_by, row.acknowledged_at,
    )  # fmt: skip
