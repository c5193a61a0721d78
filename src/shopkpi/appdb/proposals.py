"""Stored KPI proposals: every step writes the proposal, its history row and an audit row in
the caller's transaction, after checking who may take it and from which status."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from shopkpi.appdb import audit
from shopkpi.appdb.models import KpiProposal, KpiProposalEvent
from shopkpi.appdb.proposal_rules import (
    KIND,
    Actor,
    Proposal,
    ProposalAction,
    ProposalEvent,
    ProposalStatus,
    authorize,
    check_transition,
    parse_value,
    snapshot,
)
from shopkpi.appdb.ratings_file import PERIOD_HINT, normalize_period
from shopkpi.appdb.records import AppDBError

Teams = Mapping[str, str | None]  # staff id → team, from the roster
MAX_ID = 2**31 - 1  # the largest INTEGER value on PostgreSQL (SQLite's is 2**63 - 1)


def canonical(period: str, metric_id: str) -> tuple[str, str]:
    """The period label and metric id of a proposal, or AppDBError."""
    from shopkpi.metrics.catalog import CATALOG

    label = normalize_period(period)
    if label is None:
        raise AppDBError(f"无法识别的周期「{period}」：{PERIOD_HINT}")
    if metric_id not in CATALOG:
        raise AppDBError(f"未知的指标「{metric_id}」：用 shopkpi metrics 查看指标编号")
    return label, metric_id


def propose(
    session: Session,
    actor: Actor,
    period: str,
    metric_id: str,
    value: Decimal | int | str,
    *,
    staff_id: str | None,
    team: str | None,
    comment: str | None,
    now: dt.datetime,
) -> Proposal:
    """The actor proposes their own target (or revises it while it is still proposed);
    ``staff_id`` defaults to the actor's own and may be nobody else's."""
    staff = staff_id or actor.staff_id
    if staff is None:
        raise AppDBError("该账号没有关联员工，不能提议目标")
    authorize(actor, ProposalAction.propose, staff, team)
    label, metric = canonical(period, metric_id)
    amount = parse_value(value)
    row = session.scalars(
        select(KpiProposal).where(
            KpiProposal.period == label,
            KpiProposal.staff_id == staff,
            KpiProposal.metric_id == metric,
        )
    ).one_or_none()
    status = None if row is None else ProposalStatus(row.status)
    action = ProposalAction.revise if status is ProposalStatus.proposed else ProposalAction.propose
    check_transition(action, status)
    if row is None:
        row = KpiProposal(
            period=label,
            staff_id=staff,
            metric_id=metric,
            proposed_value=amount,
            status=ProposalStatus.proposed.value,
            created_at=now,
            updated_at=now,
        )
        session.add(row)
        session.flush()
    old = None if status is None else snapshot(status, _current(row))
    row.proposed_value, row.adjusted_value, row.approved_value = amount, None, None
    return _finish(session, row, actor, action, ProposalStatus.proposed, old, comment, now)


def step(
    session: Session,
    actor: Actor,
    proposal_id: int,
    action: ProposalAction,
    *,
    value: Decimal | int | str | None,
    teams: Teams,
    comment: str | None,
    now: dt.datetime,
) -> Proposal:
    """Adjust, approve or reject proposal ``proposal_id`` (``value``: the adjusted target)."""
    row = session.get(KpiProposal, proposal_id) if _storable(proposal_id) else None
    if row is None:
        raise AppDBError(f"没有编号为 {proposal_id} 的目标提议")
    authorize(actor, action, row.staff_id, teams.get(row.staff_id))
    status = ProposalStatus(row.status)
    after = check_transition(action, status)
    old = snapshot(status, _current(row))
    match action:
        case ProposalAction.adjust:
            if value is None:
                raise AppDBError("调整目标需要给出新的目标值")
            row.adjusted_value = parse_value(value)
        case ProposalAction.approve:
            row.approved_value = _current(row)
        case ProposalAction.reject:
            if not (comment or "").strip():
                raise AppDBError("驳回必须填写理由")
        case ProposalAction.propose | ProposalAction.revise:
            raise AppDBError("提议请用 propose")
    return _finish(session, row, actor, action, after, old, comment, now)


def _storable(proposal_id: int) -> bool:
    """Whether ``proposal_id`` fits an INTEGER key (PostgreSQL's is 32-bit): a larger one,
    say from a URL, would make the driver raise instead of finding nothing."""
    return 1 <= proposal_id <= MAX_ID


def _current(row: KpiProposal) -> Decimal:
    for value in (row.approved_value, row.adjusted_value):
        if value is not None:
            return value
    return row.proposed_value


def _finish(
    session: Session,
    row: KpiProposal,
    actor: Actor,
    action: ProposalAction,
    after: ProposalStatus,
    old: dict[str, object] | None,
    comment: str | None,
    now: dt.datetime,
) -> Proposal:
    """Set the new status, append the history row and the audit row; the stored record."""
    row.status, row.updated_at = after.value, now
    new = snapshot(after, _current(row))
    note = (comment or "").strip() or None
    session.add(
        KpiProposalEvent(
            proposal_id=row.id,
            at=now,
            actor=actor.username,
            action=action.value,
            old_value=old,
            new_value=new,
            comment=note,
        )
    )
    key = f"{row.staff_id}/{row.period}/{row.metric_id}"
    audit.record(
        session, at=now, actor=actor.username, action=action.value, kind=KIND, key=key,
        old=old, new=new, reason=note,
    )  # fmt: skip
    session.flush()
    return _record(session, row)


def listed(
    session: Session, period: str | None = None, proposal_id: int | None = None
) -> list[Proposal]:
    """Proposals (of one period, or one by id) with their history, by period, staff, metric."""
    query = select(KpiProposal).order_by(
        KpiProposal.period, KpiProposal.staff_id, KpiProposal.metric_id
    )
    if period is not None:
        query = query.where(KpiProposal.period == period)
    if proposal_id is not None:
        if not _storable(proposal_id):
            return []
        query = query.where(KpiProposal.id == proposal_id)
    return [_record(session, row) for row in session.scalars(query)]


def approved(session: Session, period: str) -> dict[tuple[str, str], Decimal]:
    """(staff id, metric id) → approved target of ``period``: what scoring reads."""
    rows = session.execute(
        select(KpiProposal.staff_id, KpiProposal.metric_id, KpiProposal.approved_value).where(
            KpiProposal.period == period,
            KpiProposal.status == ProposalStatus.approved.value,
        )
    )
    return {(staff, metric): value for staff, metric, value in rows if value is not None}


def _record(session: Session, row: KpiProposal) -> Proposal:
    events = session.scalars(
        select(KpiProposalEvent)
        .where(KpiProposalEvent.proposal_id == row.id)
        .order_by(KpiProposalEvent.id)
    )
    return Proposal(
        row.id,
        row.period,
        row.staff_id,
        row.metric_id,
        row.proposed_value,
        row.adjusted_value,
        row.approved_value,
        ProposalStatus(row.status),
        row.created_at,
        row.updated_at,
        tuple(
            ProposalEvent(
                e.at, e.actor, ProposalAction(e.action), e.old_value, e.new_value, e.comment
            )
            for e in events
        ),
    )
