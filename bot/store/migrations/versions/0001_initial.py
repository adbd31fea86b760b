"""Initial schema: people, sessions, conversation log, processed inputs.

Revision ID: 0001
Revises:
Create Date: 2026-11-21
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "people",
        sa.Column("pseudonym", sa.String(64), nullable=False),
        sa.Column("locale", sa.String(35), nullable=True),
        sa.Column("consent", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("status", sa.String(16), nullable=False, server_default="active"),
        sa.Column("notices", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.Double(), nullable=False),
        sa.Column("updated_at", sa.Double(), nullable=False),
        sa.CheckConstraint(
            "status IN ('active', 'inactive', 'stopped')", name=op.f("ck_people_status")
        ),
        sa.PrimaryKeyConstraint("pseudonym", name=op.f("pk_people")),
    )
    op.create_table(
        "sessions",
        sa.Column("pseudonym", sa.String(64), nullable=False),
        sa.Column("node", sa.Text(), nullable=True),
        sa.Column("history", sa.JSON(), nullable=False),
        sa.Column("profile", sa.JSON(), nullable=False),
        sa.Column("waiting", sa.String(32), nullable=True),
        sa.Column("updated_at", sa.Double(), nullable=False),
        sa.ForeignKeyConstraint(
            ["pseudonym"],
            ["people.pseudonym"],
            name=op.f("fk_sessions_pseudonym_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("pseudonym", name=op.f("pk_sessions")),
    )
    op.create_table(
        "conversation_log",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("at", sa.Double(), nullable=False),
        sa.Column("pseudonym", sa.String(64), nullable=False),
        sa.Column("direction", sa.String(3), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("node", sa.Text(), nullable=True),
        sa.Column("message_id", sa.Text(), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("flag", sa.String(64), nullable=True),
        sa.Column("rule", sa.String(128), nullable=True),
        sa.CheckConstraint("direction IN ('in', 'out')", name=op.f("ck_conversation_log_direction")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversation_log")),
    )
    op.create_index(
        "ix_conversation_log_pseudonym_at", "conversation_log", ["pseudonym", "at"], unique=False
    )
    op.create_table(
        "processed_inputs",
        sa.Column("input_id", sa.String(128), nullable=False),
        sa.Column("pseudonym", sa.String(64), nullable=False),
        sa.Column("at", sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint("input_id", name=op.f("pk_processed_inputs")),
    )
    op.create_index("ix_processed_inputs_pseudonym", "processed_inputs", ["pseudonym"])
    op.create_index("ix_processed_inputs_at", "processed_inputs", ["at"])


def downgrade() -> None:
    op.drop_index("ix_processed_inputs_at", table_name="processed_inputs")
    op.drop_index("ix_processed_inputs_pseudonym", table_name="processed_inputs")
    op.drop_table("processed_inputs")
    op.drop_index("ix_conversation_log_pseudonym_at", table_name="conversation_log")
    op.drop_table("conversation_log")
    op.drop_table("sessions")
    op.drop_table("people")
