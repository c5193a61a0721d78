"""KPI proposals (共创): statuses, steps, who may take which step, and the records read back.

Staff propose their own targets for a period and may revise them while still proposed; the
supervisor of their team adjusts them; the owner (admin) approves or rejects them. An
approved target feeds scoring (``scoring.targets``). Kept free of SQLAlchemy.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from shopkpi.appdb.records import AppDBError
from shopkpi.appdb.roles import Role

KIND = "kpi_proposal"
MAX_SCALE = 4  # the column keeps 4 decimals: enough for a rate such as 0.4525
MAX_VALUE = Decimal("1e14")


class ProposalForbidden(AppDBError):
    """A step the actor's role or team does not allow (the web answers 403)."""


class ProposalStatus(StrEnum):
    """Where a proposal stands."""

    proposed = "proposed"
    adjusted = "adjusted"
    approved = "approved"
    rejected = "rejected"


class ProposalAction(StrEnum):
    """One step of a proposal's history."""

    propose = "propose"
    revise = "revise"
    adjust = "adjust"
    approve = "approve"
    reject = "reject"


STATUS_LABELS = {
    ProposalStatus.proposed: "已提议",
    ProposalStatus.adjusted: "主管已调整",
    ProposalStatus.approved: "已批准",
    ProposalStatus.rejected: "已驳回",
}
ACTION_LABELS = {
    ProposalAction.propose: "提议",
    ProposalAction.revise: "修改提议",
    ProposalAction.adjust: "调整",
    ProposalAction.approve: "批准",
    ProposalAction.reject: "驳回",
}

# The statuses each step may start from (None: no proposal yet) and the status it leaves.
TRANSITIONS: dict[ProposalAction, tuple[frozenset[ProposalStatus | None], ProposalStatus]] = {
    ProposalAction.propose: (frozenset({None, ProposalStatus.rejected}), ProposalStatus.proposed),
    ProposalAction.revise: (frozenset({ProposalStatus.proposed}), ProposalStatus.proposed),
    ProposalAction.adjust: (
        frozenset({ProposalStatus.proposed, ProposalStatus.adjusted}),
        ProposalStatus.adjusted,
    ),
    ProposalAction.approve: (
        frozenset({ProposalStatus.proposed, ProposalStatus.adjusted}),
        ProposalStatus.approved,
    ),
    ProposalAction.reject: (
        frozenset({ProposalStatus.proposed, ProposalStatus.adjusted}),
        ProposalStatus.rejected,
    ),
}


@dataclass(frozen=True)
class Actor:
    """Who takes a step: a login's name and role, its linked staff id, the teams it leads."""

    username: str
    role: Role
    staff_id: str | None = None
    teams: frozenset[str] = field(default_factory=frozenset)

    def may_view(self, staff_id: str, team: str | None) -> bool:
        """Whether this actor may read ``staff_id``'s proposals (the web's scorecard rule)."""
        match self.role:
            case Role.admin | Role.finance:
                return True
            case Role.staff:
                return self.staff_id == staff_id
            case Role.supervisor:
                return self.staff_id == staff_id or (team is not None and team in self.teams)


def authorize(actor: Actor, action: ProposalAction, staff_id: str, team: str | None) -> None:
    """Refuse (AppDBError, in Chinese) a step ``actor`` may not take on ``staff_id``'s target."""
    if actor.role is Role.finance:
        raise ProposalForbidden("财务账号只读，不能提议、调整或审批目标")
    match action:
        case ProposalAction.propose | ProposalAction.revise:
            if actor.staff_id != staff_id:
                raise ProposalForbidden(f"只能为自己提议目标，不能替员工 {staff_id} 提议")
        case ProposalAction.adjust:
            leads = actor.role is Role.supervisor and team is not None and team in actor.teams
            if not (leads or actor.role is Role.admin):
                raise ProposalForbidden(f"只能调整自己所带团队的目标；员工 {staff_id} 不在你的团队")
        case ProposalAction.approve | ProposalAction.reject:
            if actor.role is not Role.admin:
                raise ProposalForbidden("只有店主（管理员）可以批准或驳回目标")


def reviews(actor: Actor, status: ProposalStatus, staff_id: str, team: str | None) -> list[str]:
    """The review steps (adjust, approve, reject) ``actor`` may take now, for the page's forms."""
    steps = (ProposalAction.adjust, ProposalAction.approve, ProposalAction.reject)
    return [a.value for a in steps if _may(actor, a, status, staff_id, team)]


def _may(
    actor: Actor, action: ProposalAction, status: ProposalStatus, staff_id: str, team: str | None
) -> bool:
    try:
        authorize(actor, action, staff_id, team)
        check_transition(action, status)
    except AppDBError:
        return False
    return True


def check_transition(action: ProposalAction, status: ProposalStatus | None) -> ProposalStatus:
    """The status ``action`` leaves from ``status``, or AppDBError saying why not."""
    allowed, after = TRANSITIONS[action]
    if status in allowed:
        return after
    if status is None:
        raise AppDBError(f"没有这条目标提议，不能{ACTION_LABELS[action]}")
    raise AppDBError(f"目标提议当前为「{STATUS_LABELS[status]}」，不能{ACTION_LABELS[action]}")


def parse_value(text: Decimal | int | str) -> Decimal:
    """A target value: a non-negative number with at most 4 decimals, or AppDBError."""
    try:
        value = Decimal(str(text).strip().replace(",", ""))
    except InvalidOperation as exc:
        raise AppDBError(f"目标值「{text}」不是数字") from exc
    if not value.is_finite() or value < 0 or value >= MAX_VALUE:
        raise AppDBError(f"目标值「{text}」超出范围：请给 0 或正数")
    exponent = value.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < -MAX_SCALE:
        raise AppDBError(f"目标值「{text}」最多 {MAX_SCALE} 位小数")
    return value


def snapshot(status: ProposalStatus, value: Decimal) -> dict[str, Any]:
    """The ``old``/``new`` of a history row: the status and the value it holds then."""
    return {"status": status.value, "value": format(value.normalize(), "f")}


@dataclass(frozen=True)
class ProposalEvent:
    """One history row: who did what when, the status and value before and after, why."""

    at: dt.datetime
    actor: str
    action: ProposalAction
    old: dict[str, Any] | None
    new: dict[str, Any] | None
    comment: str | None


@dataclass(frozen=True)
class Proposal:
    """A stored proposal with its whole history, oldest step first."""

    id: int
    period: str
    staff_id: str
    metric_id: str
    proposed_value: Decimal
    adjusted_value: Decimal | None
    approved_value: Decimal | None
    status: ProposalStatus
    created_at: dt.datetime
    updated_at: dt.datetime
    events: tuple[ProposalEvent, ...] = ()

    @property
    def current_value(self) -> Decimal:
        """The value that approval would adopt (or did): adjusted, else proposed."""
        if self.approved_value is not None:
            return self.approved_value
        return self.adjusted_value if self.adjusted_value is not None else self.proposed_value

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def key(self) -> str:
        """The audit-log key: ``s1/2026-11/cs_sales``."""
        return f"{self.staff_id}/{self.period}/{self.metric_id}"
