"""KPI proposals (共创): kpi_proposal and its append-only history kpi_proposal_event.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from shopkpi.appdb.types import ExactDecimal

revision = "0003"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None

EVENTS = "kpi_proposal_event"


def upgrade() -> None:
    op.create_table(
        "kpi_proposal",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("period", sa.String(32), nullable=False),
        sa.Column("staff_id", sa.String(64), nullable=False),
        sa.Column("metric_id", sa.String(64), nullable=False),
        sa.Column("proposed_value", ExactDecimal(18, 4), nullable=False),
        sa.Column("adjusted_value", ExactDecimal(18, 4)),
        sa.Column("approved_value", ExactDecimal(18, 4)),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("period", "staff_id", "metric_id", name="uq_kpi_proposal_key"),
    )
    op.create_index("ix_kpi_proposal_period", "kpi_proposal", ["period"])
    op.create_table(
        EVENTS,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("proposal_id", sa.Integer, nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("old_value", sa.JSON),
        sa.Column("new_value", sa.JSON),
        sa.Column("comment", sa.Text),
    )
    op.create_index("ix_kpi_proposal_event_proposal", EVENTS, ["proposal_id"])
    _append_only_triggers(op.get_bind().dialect.name)


def _append_only_triggers(dialect: str) -> None:
    """The history is append-only in the database too, as the audit log is (see 0001)."""
    if dialect == "sqlite":
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {EVENTS}_no_{event.lower()} BEFORE {event} ON {EVENTS} "
                f"BEGIN SELECT RAISE(ABORT, '{EVENTS} is append-only'); END"
            )
    elif dialect == "postgresql":
        # shopkpi_append_only() was created by migration 0001.
        op.execute(
            f"CREATE TRIGGER {EVENTS}_append_only BEFORE UPDATE OR DELETE ON {EVENTS} "
            "FOR EACH ROW EXECUTE FUNCTION shopkpi_append_only()"
        )
        op.execute(
            f"CREATE TRIGGER {EVENTS}_no_truncate BEFORE TRUNCATE ON {EVENTS} "
            "FOR EACH STATEMENT EXECUTE FUNCTION shopkpi_append_only()"
        )


def downgrade() -> None:
    op.drop_table(EVENTS)
    op.drop_table("kpi_proposal")
