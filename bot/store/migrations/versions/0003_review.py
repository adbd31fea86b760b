"""Review app: operators, sessions, sign-in failures, audit log, flag follow-up, notes, indexes.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_index("ix_conversation_log_kind_at", "conversation_log", ["kind", "at"])
    op.create_index("ix_conversation_log_flag", "conversation_log", ["flag", "pseudonym"])
    op.create_index("ix_people_updated_at", "people", ["updated_at", "pseudonym"])
    op.create_table(
        "operators",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column("disabled", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("created_at", sa.Double(), nullable=False),
        sa.CheckConstraint("role IN ('reviewer', 'admin')", name=op.f("ck_operators_role")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_operators")),
        sa.UniqueConstraint("name", name=op.f("uq_operators_name")),
    )
    op.create_table(
        "review_sessions",
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("operator_id", BigId, nullable=False),
        sa.Column("csrf", sa.String(64), nullable=False),
        sa.Column("created_at", sa.Double(), nullable=False),
        sa.Column("seen_at", sa.Double(), nullable=False),
        sa.ForeignKeyConstraint(
            ["operator_id"],
            ["operators.id"],
            name=op.f("fk_review_sessions_operator_id_operators"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_review_sessions")),
    )
    op.create_index("ix_review_sessions_operator_id", "review_sessions", ["operator_id"])
    op.create_table(
        "login_failures",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("who", sa.String(160), nullable=False),
        sa.Column("at", sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_failures")),
    )
    op.create_index("ix_login_failures_who_at", "login_failures", ["who", "at"])
    op.create_table(
        "audit_log",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("at", sa.Double(), nullable=False),
        sa.Column("operator", sa.String(64), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("target", sa.Text(), nullable=True),
        sa.Column("pseudonym", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.create_index("ix_audit_log_pseudonym", "audit_log", ["pseudonym"])
    op.create_table(
        "flag_reviews",
        sa.Column("log_id", BigId, nullable=False),
        sa.Column("pseudonym", sa.String(64), nullable=False),
        sa.Column("acknowledged_by", sa.String(64), nullable=True),
        sa.Column("acknowledged_at", sa.Double(), nullable=True),
        sa.Column("assignee", sa.String(64), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.Double(), nullable=False),
        sa.ForeignKeyConstraint(
            ["log_id"],
            ["conversation_log.id"],
            name=op.f("fk_flag_reviews_log_id_conversation_log"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("log_id", name=op.f("pk_flag_reviews")),
    )
    op.create_index("ix_flag_reviews_pseudonym", "flag_reviews", ["pseudonym"])
    op.create_table(
        "conversation_notes",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("pseudonym", sa.String(64), nullable=False),
        sa.Column("at", sa.Double(), nullable=False),
        sa.Column("operator", sa.String(64), nullable=False),
        sa.Column("tag", sa.String(40), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversation_notes")),
    )
    op.create_index("ix_conversation_notes_pseudonym", "conversation_notes", ["pseudonym"])


def downgrade() -> None:
    op.drop_index("ix_conversation_notes_pseudonym", table_name="conversation_notes")
    op.drop_table("conversation_notes")
    op.drop_index("ix_flag_reviews_pseudonym", table_name="flag_reviews")
    op.drop_table("flag_reviews")
    op.drop_index("ix_audit_log_pseudonym", table_name="audit_log")
    op.drop_index("ix_audit_log_at", table_name="audit_log")
    op.drop_table("audit_log")
    op.drop_index("ix_login_failures_who_at", table_name="login_failures")
    op.drop_table("login_failures")
    op.drop_index("ix_review_sessions_operator_id", table_name="review_sessions")
    op.drop_table("review_sessions")
    op.drop_table("operators")
    op.drop_index("ix_people_updated_at", table_name="people")
    op.drop_index("ix_conversation_log_flag", table_name="conversation_log")
    op.drop_index("ix_conversation_log_kind_at", table_name="conversation_log")
