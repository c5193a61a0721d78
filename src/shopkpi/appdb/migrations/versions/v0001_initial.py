"""The initial app database: rating, audit_log, plan_adoption, scorecard_snapshot.

Revision ID: 0001
Revises: (none)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from shopkpi.appdb.types import ExactDecimal

revision = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None

# Tables whose rows are written once and never changed (DESIGN §9, §7 month-end freeze).
APPEND_ONLY = ("audit_log", "plan_adoption", "scorecard_snapshot")


def upgrade() -> None:
    op.create_table(
        "rating",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("staff_id", sa.String(64), nullable=False),
        sa.Column("period", sa.String(32), nullable=False),
        sa.Column("criterion_id", sa.String(64), nullable=False),
        sa.Column("score", ExactDecimal(5, 2), nullable=False),
        sa.Column("comment", sa.Text),
        sa.Column("rater", sa.String(128)),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("staff_id", "period", "criterion_id", name="uq_rating_key"),
    )
    op.create_index("ix_rating_period", "rating", ["period"])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("entity_kind", sa.String(32), nullable=False),
        sa.Column("entity_key", sa.String(256), nullable=False),
        sa.Column("old_value", sa.JSON),
        sa.Column("new_value", sa.JSON),
        sa.Column("reason", sa.Text),
    )
    op.create_index("ix_audit_entity", "audit_log", ["entity_kind", "entity_key"])
    op.create_table(
        "plan_adoption",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("plan_name", sa.String(128), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("content", sa.Text, nullable=False),
        sa.Column("source_file", sa.String(512)),
        sa.Column("adopted_by", sa.String(128), nullable=False),
        sa.Column("adopted_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("plan_name", "version", name="uq_plan_version"),
    )
    op.create_table(
        "scorecard_snapshot",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("period", sa.String(32), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("plans", sa.JSON, nullable=False),
        sa.Column("inputs_hash", sa.String(64), nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("payload_hash", sa.String(64), nullable=False),
        sa.Column("frozen_at", sa.DateTime, nullable=False),
        sa.Column("frozen_by", sa.String(128), nullable=False),
        sa.Column("reason", sa.Text),
        sa.Column("forced", sa.Boolean, nullable=False),
        sa.Column("pending", sa.JSON, nullable=False),
        sa.UniqueConstraint("period", "version", name="uq_snapshot_version"),
    )
    _append_only_triggers(op.get_bind().dialect.name)


def _append_only_triggers(dialect: str) -> None:
    """Make the database itself refuse UPDATE and DELETE on the append-only tables."""
    if dialect == "sqlite":
        for table in APPEND_ONLY:
            for event in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
                )
    elif dialect == "postgresql":
        op.execute(
            """CREATE OR REPLACE FUNCTION shopkpi_append_only() RETURNS trigger AS $$
               BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END;
               $$ LANGUAGE plpgsql"""
        )
        for table in APPEND_ONLY:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION shopkpi_append_only()"
            )
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION shopkpi_append_only()"
            )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table in ("scorecard_snapshot", "plan_adoption", "audit_log", "rating"):
        op.drop_table(table)
    if dialect == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS shopkpi_append_only()")
