"""Chat QA: api_token (hashed machine tokens), qa_review (finding verdicts), alert.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision: str | None = "0003"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "api_token",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("scope", sa.String(64), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("prefix", sa.String(16), nullable=False),
        sa.Column("created_by", sa.String(128), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("revoked_at", sa.DateTime),
    )
    op.create_table(
        "qa_review",
        sa.Column("finding_id", sa.String(64), primary_key=True),
        sa.Column("rule", sa.String(128), nullable=False),
        sa.Column("staff_id", sa.String(64)),
        sa.Column("verdict", sa.String(16), nullable=False),
        sa.Column("comment", sa.Text),
        sa.Column("reviewer", sa.String(128), nullable=False),
        sa.Column("reviewed_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "alert",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("rule", sa.String(128), nullable=False),
        sa.Column("severity", sa.String(16), nullable=False),
        sa.Column("shop_id", sa.String(64)),
        sa.Column("staff_id", sa.String(64)),
        sa.Column("team", sa.String(64)),
        sa.Column("subject", sa.String(256)),
        sa.Column("message_id", sa.String(128)),
        sa.Column("title", sa.String(256), nullable=False),
        sa.Column("detail", sa.JSON),
        sa.Column("raised_at", sa.DateTime, nullable=False),
        sa.Column("acknowledged_by", sa.String(128)),
        sa.Column("acknowledged_at", sa.DateTime),
    )
    op.create_index("ix_alert_raised", "alert", ["raised_at"])


def downgrade() -> None:
    op.drop_table("alert")
    op.drop_table("qa_review")
    op.drop_table("api_token")
