"""``AppDB``: the app database's API (ratings, plan adoptions, snapshots, audit log).

Every write runs in one transaction together with its audit row, so a rating never
changes without the log saying who changed it, when, and from what to what.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from shopkpi.appdb import (
    audit,
    guard,
    plans,
    proposals,
    qa_state,
    ratings,
    snapshots,
    tokens,
    users,
)
from shopkpi.appdb.migrate import upgrade
from shopkpi.appdb.proposal_rules import Actor, Proposal, ProposalAction
from shopkpi.appdb.ratings_file import read_ratings
from shopkpi.appdb.records import (
    Adoption,
    AppDBError,
    AuditRecord,
    Outcome,
    PlanRef,
    RatingInput,
    RatingRecord,
    RatingsImport,
    Snapshot,
)
from shopkpi.appdb.tokens import TokenRecord
from shopkpi.appdb.url import make_engine, resolve_url


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class AppDB:
    """The app database at ``url`` (SQLite or PostgreSQL), migrated to the newest schema.

    Args:
        url: a SQLAlchemy URL; a relative SQLite path is taken relative to ``root``.
        root: the workspace folder.
        clock: returns the current UTC time (naive); tests pass a fixed clock.
    """

    def __init__(
        self,
        url: str = "sqlite:///app.db",
        *,
        root: Path | None = None,
        clock: Callable[[], dt.datetime] = utc_now,
    ) -> None:
        self.url = resolve_url(url, root)
        self.engine = make_engine(self.url)
        self.clock = clock
        upgrade(self.engine)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        guard.install(self._sessions)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back on any exception."""
        with self._sessions.begin() as session:
            yield session

    # Ratings ------------------------------------------------------------------------

    def set_rating(
        self,
        staff_id: str,
        period: str,
        criterion: str,
        score: Decimal | int | str,
        *,
        actor: str,
        comment: str | None = None,
        rater: str | None = None,
        reason: str | None = None,
    ) -> Outcome:
        """Write one rating (criterion by id, ``态度.责任心`` or ``责任心``) and its audit row."""
        rating = ratings.validated(
            RatingInput(staff_id, period, criterion, Decimal(str(score)), comment, rater)
        )
        with self.session() as session:
            return ratings.write(session, rating, actor=actor, reason=reason, now=self.clock())

    def import_ratings(
        self, path: Path, actor: str, known_staff: frozenset[str] | None = None
    ) -> RatingsImport:
        """Import a ratings file all or nothing; unchanged rows write nothing.

        Raises:
            FileRefused: the file cannot be read or lacks a required column.
            RatingsFileError: bad rows (every one listed); nothing was written.
        """
        rows = read_ratings(path, known_staff)
        counts = dict.fromkeys(Outcome, 0)
        now = self.clock()
        with self.session() as session:
            for r in rows:
                reason = f"导入 {path.name} 第{r.row}行"
                counts[ratings.write(session, r, actor=actor, reason=reason, now=now)] += 1
        return RatingsImport(
            path.name,
            len(rows),
            counts[Outcome.created],
            counts[Outcome.changed],
            counts[Outcome.unchanged],
        )

    def ratings_for(self, period: str) -> dict[tuple[str, str], Decimal]:
        """(staff_id, criterion_id) → score for ``period`` (what the scoring engine reads)."""
        with self.session() as session:
            return ratings.scores(session, period)

    def ratings(self, period: str | None = None) -> list[RatingRecord]:
        """Stored ratings with comment, rater and time (of one period, or all)."""
        with self.session() as session:
            return ratings.records(session, period)

    # Plans --------------------------------------------------------------------------

    def adopt_plan(
        self, name: str, content: str, *, actor: str, source_file: str | None = None
    ) -> Adoption:
        """Record ``content`` as the next adopted version of plan ``name`` (audited)."""
        with self.session() as session:
            return plans.adopt(
                session, name, content, actor=actor, source_file=source_file, now=self.clock()
            )

    def latest_adoption(self, plan: str) -> Adoption | None:
        with self.session() as session:
            return plans.latest(session, plan)

    def adoptions(self, plan: str | None = None) -> list[Adoption]:
        with self.session() as session:
            return plans.history(session, plan)

    # Snapshots ----------------------------------------------------------------------

    def freeze(
        self,
        period: str,
        *,
        plans: Sequence[PlanRef],
        inputs_hash: str,
        payload: Any,
        actor: str,
        reason: str | None = None,
        forced: bool = False,
        pending: Sequence[str] = (),
    ) -> Snapshot:
        """Freeze ``period`` as its next snapshot version (1 first, then corrections).

        Raises:
            AppDBError: pending items without ``forced``; ``forced`` or a correction without
                a reason; another process froze the same version at the same moment.
        """
        try:
            with self.session() as session:
                return snapshots.freeze(
                    session,
                    period,
                    plans=plans,
                    inputs_hash=inputs_hash,
                    payload=payload,
                    actor=actor,
                    reason=reason,
                    forced=forced,
                    pending=pending,
                    now=self.clock(),
                )
        except IntegrityError as exc:
            raise AppDBError(f"周期 {period} 正在被另一个进程封账；请稍后重试") from exc

    def snapshots(self, period: str) -> list[Snapshot]:
        """Every frozen version of ``period``, oldest first."""
        with self.session() as session:
            return snapshots.for_period(session, period)

    def latest_snapshot(self, period: str) -> Snapshot | None:
        versions = self.snapshots(period)
        return versions[-1] if versions else None

    # Users --------------------------------------------------------------------------

    def add_user(
        self,
        username: str,
        password: str,
        role: users.Role,
        *,
        staff_id: str | None = None,
        actor: str,
    ) -> users.UserRecord:
        """Create a web login with an argon2-hashed password (audited, without the password)."""
        with self.session() as session:
            return users.add(
                session, username, password, role, staff_id=staff_id, actor=actor, now=self.clock()
            )

    def verify_user(self, username: str, password: str) -> users.UserRecord | None:
        """The enabled user with this password, else None."""
        with self.session() as session:
            return users.verify(session, username, password)

    def user(self, username: str) -> users.UserRecord | None:
        with self.session() as session:
            return users.get(session, username)

    def secret(self, name: str) -> str:
        """A named app secret (e.g. the session signing key), created on first use."""
        with self.session() as session:
            return users.secret(session, name)

    # KPI proposals (共创) -------------------------------------------------------------

    def propose_target(
        self,
        actor: Actor,
        period: str,
        metric_id: str,
        value: Decimal | int | str,
        *,
        staff_id: str | None = None,
        team: str | None = None,
        comment: str | None = None,
    ) -> Proposal:
        """``actor`` proposes (or, while still proposed, revises) their own target (audited);
        ``staff_id`` defaults to the actor's linked staff member and may be no one else."""
        with self.session() as session:
            return proposals.propose(
                session, actor, period, metric_id, value, staff_id=staff_id, team=team,
                comment=comment, now=self.clock(),
            )  # fmt: skip

    def proposal_step(
        self,
        actor: Actor,
        proposal_id: int,
        action: ProposalAction,
        *,
        value: Decimal | int | str | None = None,
        teams: Mapping[str, str | None] | None = None,
        comment: str | None = None,
    ) -> Proposal:
        """Adjust, approve or reject a proposal (``teams``: staff id → team, from the roster)."""
        with self.session() as session:
            return proposals.step(
                session, actor, proposal_id, action, value=value, teams=teams or {},
                comment=comment, now=self.clock(),
            )  # fmt: skip

    def proposals(self, period: str | None = None) -> list[Proposal]:
        """Stored proposals with their history (of one period, or all)."""
        with self.session() as session:
            return proposals.listed(session, period)

    def proposal(self, proposal_id: int) -> Proposal | None:
        with self.session() as session:
            found = proposals.listed(session, proposal_id=proposal_id)
        return found[0] if found else None

    def approved_targets(self, period: str) -> dict[tuple[str, str], Decimal]:
        """(staff id, metric id) → approved proposal target of ``period``."""
        with self.session() as session:
            return proposals.approved(session, period)

    # Audit --------------------------------------------------------------------------

    def audit(
        self, entity_kind: str | None = None, entity_key: str | None = None, limit: int = 200
    ) -> list[AuditRecord]:
        """Audit-log rows, newest first."""
        with self.session() as session:
            return audit.entries(session, entity_kind, entity_key, limit)

    # API tokens, QA verdicts and alerts --------------------------------------------

    def create_token(self, name: str, scope: str, *, actor: str) -> tuple[TokenRecord, str]:
        """A new API token (audited); the plain token is returned once and never stored."""
        with self.session() as session:
            return tokens.create(session, name, scope, actor=actor, now=self.clock())

    def revoke_token(self, token_id: int, *, actor: str) -> TokenRecord:
        with self.session() as session:
            return tokens.revoke(session, token_id, actor=actor, now=self.clock())

    def verify_token(self, token: str, scope: str) -> TokenRecord | None:
        with self.session() as session:
            return tokens.verify(session, token, scope)

    def tokens(self) -> list[TokenRecord]:
        with self.session() as session:
            return tokens.listing(session)

    def review_finding(
        self,
        finding_id: str,
        rule: str,
        staff_id: str | None,
        verdict: str,
        *,
        actor: str,
        comment: str | None = None,
    ) -> qa_state.ReviewRecord:
        """Confirm a QA finding or mark it a false positive (audited)."""
        with self.session() as session:
            return qa_state.review(
                session, finding_id, rule, staff_id, verdict,
                actor=actor, comment=comment, now=self.clock(),
            )  # fmt: skip

    def finding_reviews(
        self, finding_ids: list[str] | None = None
    ) -> dict[str, qa_state.ReviewRecord]:
        with self.session() as session:
            return qa_state.reviews(session, finding_ids)

    def rule_stats(self) -> dict[str, dict[str, int]]:
        with self.session() as session:
            return qa_state.rule_stats(session)

    def raise_alert(self, **fields: Any) -> qa_state.AlertRecord:
        with self.session() as session:
            return qa_state.raise_alert(session, self.clock(), **fields)

    def alerts(self, limit: int = 200, kind: str | None = None) -> list[qa_state.AlertRecord]:
        with self.session() as session:
            return qa_state.alerts(session, limit, kind)

    # Alert deliveries and dedupe (issue 7) -------------------------------------------

    def last_alert(self, kind: str, rule: str, subject: str) -> qa_state.AlertRecord | None:
        """The newest alert of ``kind`` for ``rule`` and ``subject`` (the dedupe key)."""
        from sqlalchemy import select

        from shopkpi.appdb.models import Alert

        with self.session() as session:
            row = session.scalars(
                select(Alert)
                .where(Alert.kind == kind, Alert.rule == rule, Alert.subject == subject)
                .order_by(Alert.raised_at.desc(), Alert.id.desc())
                .limit(1)
            ).first()
            return None if row is None else qa_state._alert(row)

    def record_delivery(
        self, alert_id: int | None, channel: str, attempt: int, **result: Any
    ) -> int:
        """Record one send attempt (``status``, ``status_code``, ``result``, ``error``)."""
        from shopkpi.appdb.models import AlertDelivery

        with self.session() as session:
            row = AlertDelivery(
                alert_id=alert_id, channel=channel, attempt=attempt, at=self.clock(), **result
            )
            session.add(row)
            session.flush()
            return int(row.id)

    def deliveries(self, alert_id: int | None = None, limit: int = 200) -> list[dict[str, Any]]:
        """Recorded send attempts, newest first (of one alert, or all)."""
        from sqlalchemy import select

        from shopkpi.appdb.models import AlertDelivery as D

        query = select(D).order_by(D.id.desc()).limit(limit)
        if alert_id is not None:
            query = query.where(D.alert_id == alert_id)
        with self.session() as session:
            return [
                {"id": r.id, "alert_id": r.alert_id, "channel": r.channel, "attempt": r.attempt,
                 "status": r.status, "status_code": r.status_code, "result": r.result,
                 "error": r.error, "at": r.at}
                for r in session.scalars(query)
            ]  # fmt: skip

    def stamp(self) -> tuple[int, int]:
        """The newest audit-log and proposal-history ids: every change to the app DB adds
        one of them, so a new stamp means something may have changed (see memo.py)."""
        from sqlalchemy import func, select

        from shopkpi.appdb.models import AuditEntry, KpiProposalEvent

        with self.session() as session:
            audit_id = session.scalar(select(func.max(AuditEntry.id))) or 0
            event_id = session.scalar(select(func.max(KpiProposalEvent.id))) or 0
        return int(audit_id), int(event_id)

    def close(self) -> None:
        self.engine.dispose()


__all__ = ["AppDB", "AppDBError"]
