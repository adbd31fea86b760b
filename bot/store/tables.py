"""The database tables (SQLAlchemy Core); migrations in ``migrations/versions`` create them."""

from __future__ import annotations

import sqlalchemy as sa

#: Stable constraint names, so later migrations (and SQLite batch mode) can refer to them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)

#: Auto-increment ids: BIGINT on PostgreSQL, SQLite's INTEGER rowid alias.
BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

people = sa.Table(
    "people",
    metadata,
    sa.Column("pseudonym", sa.String(64), primary_key=True),
    sa.Column("locale", sa.String(35), nullable=True),
    sa.Column("consent", sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Column("status", sa.String(16), nullable=False, server_default="active"),
    sa.Column("notices", sa.JSON(), nullable=False),
    sa.Column("created_at", sa.Double(), nullable=False),
    sa.Column("updated_at", sa.Double(), nullable=False),
    sa.CheckConstraint("status IN ('active', 'inactive', 'stopped')", name="status"),
    # The review app's inbox pages through people newest first (keyset on both columns).
    sa.Index("ix_people_updated_at", "updated_at", "pseudonym"),
)

sessions = sa.Table(
    "sessions",
    metadata,
    sa.Column(
        "pseudonym",
        sa.String(64),
        sa.ForeignKey("people.pseudonym", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("node", sa.Text(), nullable=True),
    sa.Column("history", sa.JSON(), nullable=False),
    sa.Column("profile", sa.JSON(), nullable=False),
    sa.Column("waiting", sa.String(32), nullable=True),
    sa.Column("updated_at", sa.Double(), nullable=False),
)

conversation_log = sa.Table(
    "conversation_log",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("at", sa.Double(), nullable=False),
    sa.Column("pseudonym", sa.String(64), nullable=False),
    sa.Column("direction", sa.String(3), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("node", sa.Text(), nullable=True),
    sa.Column("message_id", sa.Text(), nullable=True),
    sa.Column("text", sa.Text(), nullable=True),
    sa.Column("flag", sa.String(64), nullable=True),
    sa.Column("rule", sa.String(128), nullable=True),
    sa.CheckConstraint("direction IN ('in', 'out')", name="direction"),
    sa.Index("ix_conversation_log_pseudonym_at", "pseudonym", "at"),
    # The review app: the red-flag queue, unanswered questions and charts read by kind and
    # time; the inbox's flag filter reads by flag.
    sa.Index("ix_conversation_log_kind_at", "kind", "at"),
    sa.Index("ix_conversation_log_flag", "flag", "pseudonym"),
)

processed_inputs = sa.Table(
    "processed_inputs",
    metadata,
    sa.Column("input_id", sa.String(128), primary_key=True),
    sa.Column("pseudonym", sa.String(64), nullable=False),
    sa.Column("at", sa.Double(), nullable=False),
    sa.Index("ix_processed_inputs_pseudonym", "pseudonym"),
    sa.Index("ix_processed_inputs_at", "at"),
)

#: The rendered answer of a turn, written with the step and deleted once the channel confirms
#: it was sent; a redelivered input whose answer is still here gets it again. No channel ids.
outbox = sa.Table(
    "outbox",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("input_id", sa.String(128), nullable=True),
    sa.Column("pseudonym", sa.String(64), nullable=False),
    sa.Column("payload", sa.JSON(), nullable=False),
    sa.Column("at", sa.Double(), nullable=False),
    sa.Index("ix_outbox_input_id", "input_id"),
    sa.Index("ix_outbox_pseudonym", "pseudonym"),
    sa.Index("ix_outbox_at", "at"),
)

#: Operators of the review app (``neutroguide operators``): a name, a role and an argon2 hash.
operators = sa.Table(
    "operators",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(64), nullable=False, unique=True),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("password_hash", sa.Text(), nullable=False),
    sa.Column("disabled", sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Column("created_at", sa.Double(), nullable=False),
    sa.CheckConstraint("role IN ('reviewer', 'admin')", name="role"),
)

#: Signed-in review sessions: only a hash of the cookie's token is kept, with its CSRF token.
review_sessions = sa.Table(
    "review_sessions",
    metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column(
        "operator_id",
        sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
        sa.ForeignKey("operators.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("csrf", sa.String(64), nullable=False),
    sa.Column("created_at", sa.Double(), nullable=False),
    sa.Column("seen_at", sa.Double(), nullable=False),
    sa.Index("ix_review_sessions_operator_id", "operator_id"),
)

#: Failed sign-ins, by operator name and by client address, for rate limiting.
login_failures = sa.Table(
    "login_failures",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("who", sa.String(160), nullable=False),
    sa.Column("at", sa.Double(), nullable=False),
    sa.Index("ix_login_failures_who_at", "who", "at"),
)

#: Who opened which transcript, acknowledged which flag, exported what.
audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("at", sa.Double(), nullable=False),
    sa.Column("operator", sa.String(64), nullable=False),
    sa.Column("action", sa.String(32), nullable=False),
    sa.Column("target", sa.Text(), nullable=True),
    #: The person concerned, if any: set to NULL when they send /forget.
    sa.Column("pseudonym", sa.String(64), nullable=True),
    sa.Index("ix_audit_log_at", "at"),
    sa.Index("ix_audit_log_pseudonym", "pseudonym"),
)

#: Follow-up of a red flag or escalation log row: acknowledged, assigned, with a note. Goes
#: with the log row (a purge or /forget removes it too).
flag_reviews = sa.Table(
    "flag_reviews",
    metadata,
    sa.Column(
        "log_id",
        sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
        sa.ForeignKey("conversation_log.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("pseudonym", sa.String(64), nullable=False),
    sa.Column("acknowledged_by", sa.String(64), nullable=True),
    sa.Column("acknowledged_at", sa.Double(), nullable=True),
    sa.Column("assignee", sa.String(64), nullable=True),
    sa.Column("note", sa.Text(), nullable=True),
    sa.Column("updated_at", sa.Double(), nullable=False),
    sa.Index("ix_flag_reviews_pseudonym", "pseudonym"),
)

#: Operators' tags and notes on a conversation.
conversation_notes = sa.Table(
    "conversation_notes",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("pseudonym", sa.String(64), nullable=False),
    sa.Column("at", sa.Double(), nullable=False),
    sa.Column("operator", sa.String(64), nullable=False),
    sa.Column("tag", sa.String(40), nullable=True),
    sa.Column("note", sa.Text(), nullable=True),
    sa.Index("ix_conversation_notes_pseudonym", "pseudonym"),
)

#: The conversation tables (``table_counts``); the review app's tables follow in ALL_TABLES.
PERSON_TABLES = (people, sessions, conversation_log, processed_inputs, outbox)

ALL_TABLES = (
    people,
    sessions,
    conversation_log,
    processed_inputs,
    outbox,
    operators,
    review_sessions,
    login_failures,
    audit_log,
    flag_reviews,
    conversation_notes,
)
