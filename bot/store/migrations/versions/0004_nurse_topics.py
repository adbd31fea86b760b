"""Nurse topics: each person's forum topic in the nurses' group ("Ask a nurse").

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "nurse_topics",
        sa.Column("pseudonym", sa.String(64), nullable=False),
        sa.Column("chat", sa.String(64), nullable=False),
        sa.Column("thread_id", sa.BigInteger(), nullable=False),
        sa.Column("contact", sa.Text(), nullable=False),
        sa.Column("created_at", sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint("pseudonym", name=op.f("pk_nurse_topics")),
        sa.UniqueConstraint("chat", "thread_id", name=op.f("uq_nurse_topics_chat")),
    )


def downgrade() -> None:
    op.drop_table("nurse_topics")
