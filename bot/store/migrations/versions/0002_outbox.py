"""Outbox: the answer of a turn kept until the channel confirms it was sent.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "outbox",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("input_id", sa.String(128), nullable=True),
        sa.Column("pseudonym", sa.String(64), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("at", sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
    )
    op.create_index("ix_outbox_input_id", "outbox", ["input_id"])
    op.create_index("ix_outbox_pseudonym", "outbox", ["pseudonym"])
    op.create_index("ix_outbox_at", "outbox", ["at"])


def downgrade() -> None:
    op.drop_index("ix_outbox_at", table_name="outbox")
    op.drop_index("ix_outbox_pseudonym", table_name="outbox")
    op.drop_index("ix_outbox_input_id", table_name="outbox")
    op.drop_table("outbox")
