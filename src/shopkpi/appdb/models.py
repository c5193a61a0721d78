"""The app-database tables as typed SQLAlchemy 2 models.

``audit_log``, ``plan_adoption`` and ``scorecard_snapshot`` are append-only: the code never
updates or deletes their rows (see ``guard``), and the migrations add database triggers
that reject UPDATE and DELETE on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, DateTime, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shopkpi.appdb.types import ExactDecimal

ID = String(64)
PERIOD = String(32)
PERSON = String(128)


class Base(DeclarativeBase):
    """Declarative base of every app-database table."""


class Rating(Base):
    """A supervisor's manual rating (主管评分) of one criterion for one person and period."""

    __tablename__ = "rating"
    __table_args__ = (
        UniqueConstraint("staff_id", "period", "criterion_id", name="uq_rating_key"),
        Index("ix_rating_period", "period"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    staff_id: Mapped[str] = mapped_column(ID)
    period: Mapped[str] = mapped_column(PERIOD)
    criterion_id: Mapped[str] = mapped_column(ID)
    score: Mapped[Decimal] = mapped_column(ExactDecimal(5, 2))
    comment: Mapped[str | None] = mapped_column(Text)
    rater: Mapped[str | None] = mapped_column(PERSON)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)


class AuditEntry(Base):
    """One row of the append-only audit log: who changed what, when, from what to what."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_entity", "entity_kind", "entity_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime)
    actor: Mapped[str] = mapped_column(PERSON)
    action: Mapped[str] = mapped_column(String(32))
    entity_kind: Mapped[str] = mapped_column(String(32))
    entity_key: Mapped[str] = mapped_column(String(256))
    old_value: Mapped[Any | None] = mapped_column(JSON)
    new_value: Mapped[Any | None] = mapped_column(JSON)
    reason: Mapped[str | None] = mapped_column(Text)


class PlanAdoption(Base):
    """One adopted version of a plan file (考核方案): the exact YAML the app scores with."""

    __tablename__ = "plan_adoption"
    __table_args__ = (UniqueConstraint("plan_name", "version", name="uq_plan_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    plan_name: Mapped[str] = mapped_column(String(128))
    version: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    content: Mapped[str] = mapped_column(Text)
    source_file: Mapped[str | None] = mapped_column(String(512))
    adopted_by: Mapped[str] = mapped_column(PERSON)
    adopted_at: Mapped[dt.datetime] = mapped_column(DateTime)


class ScorecardSnapshot(Base):
    """A month-end freeze (封账) of a period's scorecards and bonuses; never updated.

    ``plans`` lists every plan version scored (``[{plan, version, hash}]``); ``payload`` is
    the canonical JSON text of the scorecards and bonuses, byte for byte as frozen.
    """

    __tablename__ = "scorecard_snapshot"
    __table_args__ = (UniqueConstraint("period", "version", name="uq_snapshot_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    period: Mapped[str] = mapped_column(PERIOD)
    version: Mapped[int] = mapped_column(Integer)
    plans: Mapped[Any] = mapped_column(JSON)
    inputs_hash: Mapped[str] = mapped_column(String(64))
    payload: Mapped[str] = mapped_column(Text)
    payload_hash: Mapped[str] = mapped_column(String(64))
    frozen_at: Mapped[dt.datetime] = mapped_column(DateTime)
    frozen_by: Mapped[str] = mapped_column(PERSON)
    reason: Mapped[str | None] = mapped_column(Text)
    forced: Mapped[bool] = mapped_column()
    pending: Mapped[Any] = mapped_column(JSON)


class KpiProposal(Base):
    """A staff member's own KPI target for one metric and period (共创): proposed by them,
    adjusted by their supervisor, approved or rejected by the owner."""

    __tablename__ = "kpi_proposal"
    __table_args__ = (
        UniqueConstraint("period", "staff_id", "metric_id", name="uq_kpi_proposal_key"),
        Index("ix_kpi_proposal_period", "period"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    period: Mapped[str] = mapped_column(PERIOD)
    staff_id: Mapped[str] = mapped_column(ID)
    metric_id: Mapped[str] = mapped_column(ID)
    proposed_value: Mapped[Decimal] = mapped_column(ExactDecimal(18, 4))
    adjusted_value: Mapped[Decimal | None] = mapped_column(ExactDecimal(18, 4))
    approved_value: Mapped[Decimal | None] = mapped_column(ExactDecimal(18, 4))
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)


class KpiProposalEvent(Base):
    """One step in a proposal's history (who, when, action, old, new, comment); never changed."""

    __tablename__ = "kpi_proposal_event"
    __table_args__ = (Index("ix_kpi_proposal_event_proposal", "proposal_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    proposal_id: Mapped[int] = mapped_column(Integer)
    at: Mapped[dt.datetime] = mapped_column(DateTime)
    actor: Mapped[str] = mapped_column(PERSON)
    action: Mapped[str] = mapped_column(String(16))
    old_value: Mapped[Any | None] = mapped_column(JSON)
    new_value: Mapped[Any | None] = mapped_column(JSON)
    comment: Mapped[str | None] = mapped_column(Text)


APPEND_ONLY = (AuditEntry, PlanAdoption, ScorecardSnapshot, KpiProposalEvent)
APPEND_ONLY_TABLES = tuple(m.__tablename__ for m in APPEND_ONLY)


class AppUser(Base):
    """A login of the web app (DESIGN §9): a role, an argon2 hash, an optional staff link.

    The table is ``app_user`` because ``user`` is a reserved word in PostgreSQL.
    """

    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(16))
    staff_id: Mapped[str | None] = mapped_column(ID)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    disabled: Mapped[bool] = mapped_column(default=False)


class AppSecret(Base):
    """A named secret of the app (the session-cookie signing key), made once."""

    __tablename__ = "app_secret"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(256))


class ApiToken(Base):
    """An API token for machine clients (e.g. streaming chat messages): only its SHA-256 is
    stored. Tokens are 256-bit random values, so a fast hash is as safe as a slow one and
    keeps the check well under a millisecond per request."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(64))
    scope: Mapped[str] = mapped_column(String(64))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))  # shown in listings to tell tokens apart
    created_by: Mapped[str] = mapped_column(PERSON)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class QAReview(Base):
    """A supervisor's verdict on a QA finding: confirmed or a false positive (audited)."""

    __tablename__ = "qa_review"

    finding_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    rule: Mapped[str] = mapped_column(String(128))
    staff_id: Mapped[str | None] = mapped_column(ID)
    verdict: Mapped[str] = mapped_column(String(16))
    comment: Mapped[str | None] = mapped_column(Text)
    reviewer: Mapped[str] = mapped_column(PERSON)
    reviewed_at: Mapped[dt.datetime] = mapped_column(DateTime)


class Alert(Base):
    """An alert raised for a person or team (live chat escalations now; pacing alerts
    later), with where it was sent and whether someone has acknowledged it."""

    __tablename__ = "alert"
    __table_args__ = (Index("ix_alert_raised", "raised_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(32))
    rule: Mapped[str] = mapped_column(String(128))
    severity: Mapped[str] = mapped_column(String(16))
    shop_id: Mapped[str | None] = mapped_column(ID)
    staff_id: Mapped[str | None] = mapped_column(ID)
    team: Mapped[str | None] = mapped_column(String(64))
    subject: Mapped[str | None] = mapped_column(String(256))  # e.g. the chat session key
    message_id: Mapped[str | None] = mapped_column(String(128))
    title: Mapped[str] = mapped_column(String(256))
    detail: Mapped[Any | None] = mapped_column(JSON)
    raised_at: Mapped[dt.datetime] = mapped_column(DateTime)
    acknowledged_by: Mapped[str | None] = mapped_column(PERSON)
    acknowledged_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


# Alerts (issue 7) -------------------------------------------------------------------


class AlertDelivery(Base):
    """One attempt to send an alert to a channel (DingTalk, WeCom, Feishu, email, inbox)
    and its result; ``alert_id`` is NULL for a channel test (``shopkpi alerts test``)."""

    __tablename__ = "alert_delivery"
    __table_args__ = (Index("ix_alert_delivery_alert", "alert_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    alert_id: Mapped[int | None] = mapped_column(Integer)
    channel: Mapped[str] = mapped_column(String(64))
    attempt: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))  # sent | failed | retry
    status_code: Mapped[int | None] = mapped_column(Integer)
    result: Mapped[str | None] = mapped_column(String(512))
    error: Mapped[str | None] = mapped_column(Text)
    at: Mapped[dt.datetime] = mapped_column(DateTime)
