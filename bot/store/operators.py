"""Operators of the review app: accounts, signed-in sessions, sign-in failures, the audit log.

Passwords arrive here already hashed (``bot/review/passwords.py`` does argon2); a session is
stored as a hash of its cookie token, so a database backup cannot be used to sign in.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, cast

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from bot.store.sql import SqlStore
from bot.store.tables import audit_log, login_failures, operators, review_sessions

Role = Literal["reviewer", "admin"]
#: A session's "last seen" is written at most this often (seconds): a page is then a read,
#: not a commit, and the idle timeout is still exact to within this.
SEEN_EVERY = 30.0
ROLES: tuple[Role, ...] = ("reviewer", "admin")


class OperatorExists(ValueError):
    """An operator with that name is already there."""


@dataclass(frozen=True, slots=True)
class Operator:
    """An account of the review app (never a person who talks to the bot)."""

    id: int
    name: str
    role: Role
    password_hash: str
    disabled: bool
    created_at: float


@dataclass(frozen=True, slots=True)
class SignedIn:
    """A live review session: who, and the CSRF token its forms must carry."""

    operator: Operator
    csrf: str
    token_hash: str


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One line of the audit log."""

    at: float
    operator: str
    action: str
    target: str | None
    pseudonym: str | None


def token_hash(token: str) -> str:
    """The stored form of a session cookie's token (SHA-256, hex)."""
    return hashlib.sha256(token.encode()).hexdigest()


def _operator(row: sa.Row[Any]) -> Operator:
    return Operator(
        id=int(row.id),
        name=row.name,
        role=cast(Role, row.role),
        password_hash=row.password_hash,
        disabled=bool(row.disabled),
        created_at=float(row.created_at),
    )


class OperatorStore:
    """Accounts, sessions and audit entries, on the same database as the conversation store."""

    def __init__(self, store: SqlStore, clock: Callable[[], float] = time.time) -> None:
        """Use ``store``'s engine; ``clock`` stamps rows (tests move it)."""
        self._store = store
        self._clock = clock

    # -- accounts ------------------------------------------------------------------------

    async def add(self, name: str, role: Role, password_hash: str) -> Operator:
        """Create an operator.

        Raises:
            OperatorExists: the name is taken.
        """
        if role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}")
        values = {
            "name": name,
            "role": role,
            "password_hash": password_hash,
            "disabled": False,
            "created_at": self._clock(),
        }
        try:
            async with self._store._begin() as conn:
                await conn.execute(operators.insert().values(**values))
        except IntegrityError as exc:
            raise OperatorExists(f"there is already an operator called {name!r}") from exc
        found = await self.get(name)
        assert found is not None
        return found

    async def get(self, name: str) -> Operator | None:
        """The operator called ``name``, disabled or not."""
        async with self._store._read() as conn:
            row = (await conn.execute(operators.select().where(operators.c.name == name))).first()
        return None if row is None else _operator(row)

    async def all(self) -> list[Operator]:
        """Every operator, by name."""
        async with self._store._read() as conn:
            rows = await conn.execute(operators.select().order_by(operators.c.name))
            return [_operator(row) for row in rows]

    async def disable(self, name: str) -> bool:
        """Disable an operator and end their sessions; ``False`` when there is no such name."""
        async with self._store._begin() as conn:
            found = await conn.execute(
                operators.update().where(operators.c.name == name).values(disabled=True)
            )
            await conn.execute(
                review_sessions.delete().where(
                    review_sessions.c.operator_id.in_(
                        sa.select(operators.c.id).where(operators.c.name == name)
                    )
                )
            )
        return bool(found.rowcount)

    async def set_password(self, name: str, password_hash: str) -> None:
        """Replace a password hash (a rehash with newer argon2 parameters)."""
        async with self._store._begin() as conn:
            await conn.execute(
                operators.update()
                .where(operators.c.name == name)
                .values(password_hash=password_hash)
            )

    # -- sign-in failures (rate limiting) ------------------------------------------------

    async def failures(self, who: str, since: float) -> int:
        """Failed sign-ins recorded for ``who`` (``name:…`` or ``addr:…``) since ``since``."""
        query = (
            sa.select(sa.func.count())
            .select_from(login_failures)
            .where(login_failures.c.who == who, login_failures.c.at >= since)
        )
        async with self._store._read() as conn:
            return int(await conn.scalar(query) or 0)

    async def record_failure(self, *who: str, keep_since: float) -> None:
        """Record a failed sign-in under each key; drop records older than ``keep_since``."""
        now = self._clock()
        async with self._store._begin() as conn:
            await conn.execute(login_failures.insert(), [{"who": w, "at": now} for w in who])
            await conn.execute(login_failures.delete().where(login_failures.c.at < keep_since))

    async def clear_failures(self, who: str) -> None:
        """Forget failures for ``who`` (after a successful sign-in)."""
        async with self._store._begin() as conn:
            await conn.execute(login_failures.delete().where(login_failures.c.who == who))

    # -- sessions ------------------------------------------------------------------------

    async def start_session(self, operator: Operator) -> tuple[str, str]:
        """A new session for ``operator``: returns (cookie token, CSRF token)."""
        token = secrets.token_urlsafe(32)
        csrf = secrets.token_urlsafe(32)
        now = self._clock()
        async with self._store._begin() as conn:
            await conn.execute(
                review_sessions.insert().values(
                    token_hash=token_hash(token),
                    operator_id=operator.id,
                    csrf=csrf,
                    created_at=now,
                    seen_at=now,
                )
            )
        return token, csrf

    async def session(self, token: str, idle_seconds: float) -> SignedIn | None:
        """The live session of a cookie token, its idle clock reset; ``None`` when unknown,
        idle for longer than ``idle_seconds`` (then deleted) or its operator is disabled."""
        hashed = token_hash(token)
        now = self._clock()
        query = (
            sa.select(operators, review_sessions.c.csrf, review_sessions.c.seen_at)
            .select_from(
                review_sessions.join(operators, operators.c.id == review_sessions.c.operator_id)
            )
            .where(review_sessions.c.token_hash == hashed)
        )
        async with self._store._begin() as conn:
            row = (await conn.execute(query)).first()
            if row is None:
                return None
            this = review_sessions.c.token_hash == hashed
            if row.disabled or now - float(row.seen_at) > idle_seconds:
                await conn.execute(review_sessions.delete().where(this))
                return None
            if now - float(row.seen_at) >= SEEN_EVERY:
                await conn.execute(review_sessions.update().where(this).values(seen_at=now))
        return SignedIn(_operator(row), row.csrf, hashed)

    async def end_session(self, hashed: str) -> None:
        """Sign out: delete the session with this token hash."""
        async with self._store._begin() as conn:
            await conn.execute(
                review_sessions.delete().where(review_sessions.c.token_hash == hashed)
            )

    # -- audit ---------------------------------------------------------------------------

    async def audit(
        self, operator: str, action: str, target: str | None = None, pseudonym: str | None = None
    ) -> None:
        """Record that ``operator`` did ``action`` (on ``target``, about ``pseudonym``)."""
        values = {
            "at": self._clock(),
            "operator": operator,
            "action": action,
            "target": target,
            "pseudonym": pseudonym,
        }
        async with self._store._begin() as conn:
            await conn.execute(audit_log.insert().values(**values))

    async def audit_entries(
        self, limit: int = 200, before: float | None = None
    ) -> list[AuditEntry]:
        """The newest audit entries first (older than ``before`` when given)."""
        query = sa.select(audit_log).order_by(audit_log.c.at.desc(), audit_log.c.id.desc())
        if before is not None:
            query = query.where(audit_log.c.at < before)
        async with self._store._read() as conn:
            rows = await conn.execute(query.limit(limit))
            return [
                AuditEntry(float(r.at), r.operator, r.action, r.target, r.pseudonym) for r in rows
            ]
