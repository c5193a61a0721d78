"""KPI proposals (共创) over the roster: who is acting, which team a person is in, who may
see whose proposals. The steps themselves (and their history and audit rows) live in the
app DB (``shopkpi.appdb.proposals``); this service adds what only the warehouse knows.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import duckdb

from shopkpi.appdb.db import AppDB
from shopkpi.appdb.proposal_rules import Actor, Proposal, ProposalAction
from shopkpi.appdb.ratings_file import normalize_period
from shopkpi.appdb.records import AppDBError
from shopkpi.appdb.roles import Role
from shopkpi.scoring.roster import read_roster


@dataclass
class ProposalService:
    """Proposals of a workspace: ``db`` holds them, ``con`` (the warehouse) the roster."""

    db: AppDB
    con: duckdb.DuckDBPyConnection

    def teams(self) -> dict[str, str | None]:
        """Staff id → team, for everyone on the roster."""
        return {s.id: s.team for s in read_roster(self.con)}

    def actor(self, username: str) -> Actor:
        """The acting login ``username`` (a supervisor leads their roster row's team)."""
        user = self.db.user(username)
        if user is None or user.disabled:
            raise AppDBError(f"没有可用的登录账号「{username}」：先用 shopkpi user add 添加")
        team = self.teams().get(user.staff_id or "")
        leads = frozenset({team}) if user.role is Role.supervisor and team else frozenset()
        return Actor(user.username, user.role, user.staff_id, leads)

    def propose(
        self, actor: Actor, period: str, metric_id: str, value: Decimal | int | str,
        comment: str | None = None, staff_id: str | None = None,
    ) -> Proposal:  # fmt: skip
        """``actor`` proposes their own target for ``metric_id`` in ``period`` (``staff_id``,
        when given, must be the actor's own)."""
        teams = self.teams()
        if teams and actor.staff_id is not None and actor.staff_id not in teams:
            raise AppDBError(f"花名册中没有员工 {actor.staff_id}")
        return self.db.propose_target(
            actor, period, metric_id, value, staff_id=staff_id,
            team=teams.get(actor.staff_id or ""), comment=comment,
        )  # fmt: skip

    def adjust(
        self, actor: Actor, proposal_id: int, value: Decimal | int | str,
        comment: str | None = None,
    ) -> Proposal:  # fmt: skip
        return self._step(actor, proposal_id, ProposalAction.adjust, value, comment)

    def approve(self, actor: Actor, proposal_id: int, comment: str | None = None) -> Proposal:
        return self._step(actor, proposal_id, ProposalAction.approve, None, comment)

    def reject(self, actor: Actor, proposal_id: int, comment: str | None = None) -> Proposal:
        return self._step(actor, proposal_id, ProposalAction.reject, None, comment)

    def visible(self, actor: Actor, period: str | None = None) -> list[Proposal]:
        """The proposals ``actor`` may read (with their full history)."""
        label = None if period is None else normalize_period(period)
        if period is not None and label is None:
            raise AppDBError(f"无法识别的周期「{period}」")
        teams = self.teams()
        return [
            p for p in self.db.proposals(label) if actor.may_view(p.staff_id, teams.get(p.staff_id))
        ]

    def _step(
        self, actor: Actor, proposal_id: int, action: ProposalAction,
        value: Decimal | int | str | None, comment: str | None,
    ) -> Proposal:  # fmt: skip
        return self.db.proposal_step(
            actor, proposal_id, action, value=value, teams=self.teams(), comment=comment
        )
