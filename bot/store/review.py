"""Queries of the review app: the inbox, transcript pages, the red-flag queue, notes,
unanswered questions and the counts behind the charts.

Every list is paged by keyset (the last row's sort key), never by OFFSET, so page 1,000 costs
what page 1 does; the indexes are in :mod:`bot.store.tables`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

import sqlalchemy as sa

from bot.store.protocol import Direction, LogKind, Status
from bot.store.sql import MESSAGE_KINDS, SqlStore, _status
from bot.store.tables import (
    conversation_log,
    conversation_notes,
    flag_reviews,
    people,
    sessions,
)

log = conversation_log


@dataclass(frozen=True, slots=True)
class InboxFilter:
    """What the inbox shows: every field empty means everybody."""

    flag: str = ""  # "red" (open red flags), "any-red", "unanswered", "escalation"
    since: float | None = None
    until: float | None = None
    locale: str = ""
    dialog: str = ""
    status: str = ""
    prefix: str = ""


@dataclass(frozen=True, slots=True)
class InboxRow:
    """One conversation in the inbox."""

    pseudonym: str
    last_active: float
    status: Status
    locale: str | None
    node: str | None
    messages: int = 0
    red: int = 0
    unanswered: int = 0
    open_flags: int = 0


@dataclass(frozen=True, slots=True)
class InboxPage:
    """A page of the inbox and the cursor of the next one (``None``: last page)."""

    rows: tuple[InboxRow, ...]
    next_cursor: str | None


@dataclass(frozen=True, slots=True)
class Entry:
    """One transcript row with its log id (flags are followed up by id)."""

    id: int
    at: float
    direction: Direction
    kind: LogKind
    node: str | None
    message_id: str | None
    text: str | None
    flag: str | None
    rule: str | None


@dataclass(frozen=True, slots=True)
class Note:
    """An operator's tag or note on a conversation."""

    at: float
    operator: str
    tag: str | None
    note: str | None


@dataclass(frozen=True, slots=True)
class QueueItem:
    """A red flag or escalation to follow up."""

    id: int
    at: float
    pseudonym: str
    kind: str
    flag: str | None
    rule: str | None
    node: str | None
    acknowledged_by: str | None = None
    acknowledged_at: float | None = None
    assignee: str | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Unanswered:
    """A typed question the bot did not understand (text only with consent)."""

    at: float
    pseudonym: str
    locale: str | None
    node: str | None
    text: str | None


@dataclass(frozen=True, slots=True)
class Daily:
    """Counts behind the analytics charts."""

    per_day: Sequence[tuple[str, int, int]] = ()  # (day, conversations, new people)
    topics: Sequence[tuple[str, int]] = ()  # (dialog, people who opened it)
    red_per_week: Sequence[tuple[str, int]] = ()
    languages: Sequence[tuple[str, int]] = ()
    node_people: Sequence[tuple[str, int]] = field(default_factory=tuple)  # (node, people)
    last_node: Sequence[tuple[str, int]] = field(default_factory=tuple)  # where people are now


def _queue_condition() -> sa.ColumnElement[bool]:
    """Queue rows: every escalation, and red flags not already an escalation of that turn
    (an urgent answer writes both)."""
    twin = sa.alias(log, "twin")
    same_turn = sa.select(twin.c.id).where(
        twin.c.pseudonym == log.c.pseudonym, twin.c.at == log.c.at, twin.c.kind == "escalation"
    )
    red = sa.and_(log.c.kind == "flag", log.c.flag == "red", ~sa.exists(same_turn))
    # The IN comes first so both databases read the (kind, at) index, not the whole log.
    return sa.and_(log.c.kind.in_(("escalation", "flag")), sa.or_(log.c.kind == "escalation", red))


def _open_queue() -> sa.Select[Any]:
    """Ids of queue rows nobody acknowledged yet."""
    acknowledged = sa.select(flag_reviews.c.log_id).where(
        flag_reviews.c.log_id == log.c.id, flag_reviews.c.acknowledged_at.is_not(None)
    )
    return sa.select(log.c.id, log.c.pseudonym).where(_queue_condition(), ~sa.exists(acknowledged))


def encode_cursor(at: float, key: str) -> str:
    """An opaque keyset cursor: ``<time>_<key>``."""
    return f"{at!r}_{key}"


def decode_cursor(cursor: str) -> tuple[float, str] | None:
    """The (time, key) of a cursor, or ``None`` for a malformed one (treated as page 1)."""
    at, _, key = cursor.partition("_")
    try:
        return float(at), key
    except ValueError:
        return None


class ReviewStore:
    """Read and follow-up queries over the conversation log for the review app."""

    def __init__(self, store: SqlStore, clock: Callable[[], float] = time.time) -> None:
        """Use ``store``'s engine; ``clock`` stamps follow-ups and notes."""
        self._store = store
        self._clock = clock

    # -- inbox ---------------------------------------------------------------------------

    async def inbox(
        self, where: InboxFilter, cursor: str | None = None, limit: int = 50
    ) -> InboxPage:
        """Conversations, most recently active first, ``limit`` at a time."""
        query = (
            sa.select(
                people.c.pseudonym,
                people.c.updated_at,
                people.c.status,
                people.c.locale,
                sessions.c.node,
            )
            .select_from(people.outerjoin(sessions, sessions.c.pseudonym == people.c.pseudonym))
            .order_by(people.c.updated_at.desc(), people.c.pseudonym.desc())
            .limit(limit + 1)
        )
        query = query.where(*self._conditions(where))
        after = decode_cursor(cursor) if cursor else None
        if after is not None:
            at, key = after
            query = query.where(
                sa.or_(
                    people.c.updated_at < at,
                    sa.and_(people.c.updated_at == at, people.c.pseudonym < key),
                )
            )
        async with self._store._read() as conn:
            found = (await conn.execute(query)).all()
            page = found[:limit]
            counts = await self._counts(conn, [r.pseudonym for r in page])
        rows = tuple(
            InboxRow(
                pseudonym=r.pseudonym,
                last_active=float(r.updated_at),
                status=_status(r.status),
                locale=r.locale,
                node=r.node,
                **counts.get(r.pseudonym, {}),
            )
            for r in page
        )
        more = len(found) > limit
        last = page[-1] if page else None
        next_cursor = encode_cursor(last.updated_at, last.pseudonym) if more and last else None
        return InboxPage(rows, next_cursor)

    @staticmethod
    def _conditions(where: InboxFilter) -> list[sa.ColumnElement[bool]]:
        conditions: list[sa.ColumnElement[bool]] = []
        if where.prefix:
            prefix = where.prefix.lower()
            # A range on the primary key, not LIKE: the index serves it on both databases.
            conditions += [people.c.pseudonym >= prefix, people.c.pseudonym < prefix + "\uffff"]
        if where.status:
            conditions.append(people.c.status == where.status)
        if where.locale:
            conditions.append(people.c.locale == where.locale)
        if where.dialog:
            conditions.append(sessions.c.node.startswith(where.dialog + "/", autoescape=True))
        if where.since is not None:
            conditions.append(people.c.updated_at >= where.since)
        if where.until is not None:
            conditions.append(people.c.updated_at < where.until)
        if where.flag == "red":
            conditions.append(
                people.c.pseudonym.in_(_open_queue().with_only_columns(log.c.pseudonym))
            )
        elif where.flag == "any-red":
            conditions.append(
                people.c.pseudonym.in_(sa.select(log.c.pseudonym).where(log.c.flag == "red"))
            )
        elif where.flag in ("unanswered", "escalation"):
            conditions.append(
                people.c.pseudonym.in_(sa.select(log.c.pseudonym).where(log.c.kind == where.flag))
            )
        return conditions

    @staticmethod
    async def _counts(conn: Any, names: Sequence[str]) -> dict[str, dict[str, int]]:
        if not names:
            return {}
        is_message = sa.case((log.c.kind.in_(MESSAGE_KINDS), 1), else_=0)
        is_red = sa.case((log.c.flag == "red", 1), else_=0)
        is_unanswered = sa.case((log.c.kind == "unanswered", 1), else_=0)
        query = (
            sa.select(
                log.c.pseudonym,
                sa.func.sum(is_message).label("messages"),
                sa.func.sum(is_red).label("red"),
                sa.func.sum(is_unanswered).label("unanswered"),
            )
            .where(log.c.pseudonym.in_(names))
            .group_by(log.c.pseudonym)
        )
        counts = {
            r.pseudonym: {
                "messages": int(r.messages or 0),
                "red": int(r.red or 0),
                "unanswered": int(r.unanswered or 0),
            }
            for r in await conn.execute(query)
        }
        open_query = (
            _open_queue()
            .with_only_columns(log.c.pseudonym, sa.func.count().label("n"))
            .where(log.c.pseudonym.in_(names))
            .group_by(log.c.pseudonym)
        )
        for r in await conn.execute(open_query):
            counts.setdefault(r.pseudonym, {})["open_flags"] = int(r.n)
        return counts

    async def resolve_prefix(self, prefix: str) -> list[str]:
        """Pseudonyms starting with ``prefix`` (at most two: enough to tell unique from not)."""
        prefix = prefix.lower()
        query = (
            sa.select(people.c.pseudonym)
            .where(people.c.pseudonym >= prefix, people.c.pseudonym < prefix + "\uffff")
            .order_by(people.c.pseudonym)
            .limit(2)
        )
        async with self._store._read() as conn:
            found = list((await conn.execute(query)).scalars())
            if not found:  # someone forgotten from people but with log rows left (a purge race)
                query = (
                    sa.select(log.c.pseudonym)
                    .where(log.c.pseudonym >= prefix, log.c.pseudonym < prefix + "\uffff")
                    .distinct()
                    .limit(2)
                )
                found = list((await conn.execute(query)).scalars())
        return found

    # -- transcript ----------------------------------------------------------------------

    async def entries(
        self, pseudonym: str, after: str | None = None, limit: int = 200
    ) -> tuple[list[Entry], str | None]:
        """A page of one person's log, oldest first, after the cursor ``after``; and the
        cursor of the next page (``None``: this is the last). Keyset on (time, id), which the
        (pseudonym, at) index serves."""
        query = (
            sa.select(log)
            .where(log.c.pseudonym == pseudonym)
            .order_by(log.c.at, log.c.id)
            .limit(limit + 1)
        )
        position = decode_cursor(after) if after else None
        if position is not None and position[1].isdigit():
            at, key = position[0], int(position[1])
            query = query.where(sa.or_(log.c.at > at, sa.and_(log.c.at == at, log.c.id > key)))
        async with self._store._read() as conn:
            rows = (await conn.execute(query)).all()
        entries = [
            Entry(
                id=int(r.id),
                at=float(r.at),
                direction=cast(Direction, r.direction),
                kind=cast(LogKind, r.kind),
                node=r.node,
                message_id=r.message_id,
                text=r.text,
                flag=r.flag,
                rule=r.rule,
            )
            for r in rows[:limit]
        ]
        last = entries[-1] if entries else None
        more = len(rows) > limit and last is not None
        return entries, encode_cursor(last.at, str(last.id)) if more and last else None

    async def notes(self, pseudonym: str) -> list[Note]:
        """Tags and notes on a conversation, oldest first."""
        c = conversation_notes.c
        query = sa.select(conversation_notes).where(c.pseudonym == pseudonym).order_by(c.at, c.id)
        async with self._store._read() as conn:
            return [Note(float(r.at), r.operator, r.tag, r.note) for r in await conn.execute(query)]

    async def add_note(
        self, pseudonym: str, operator: str, tag: str | None, note: str | None
    ) -> None:
        """Tag a conversation and/or leave a note on it."""
        values = {
            "pseudonym": pseudonym,
            "at": self._clock(),
            "operator": operator,
            "tag": tag,
            "note": note,
        }
        async with self._store._begin() as conn:
            await conn.execute(conversation_notes.insert().values(**values))

    # -- red-flag queue ------------------------------------------------------------------

    async def queue(
        self, *, include_done: bool = False, pseudonym: str | None = None, limit: int = 200
    ) -> list[QueueItem]:
        """Red flags and escalations, newest first; only open ones unless ``include_done``."""
        r = flag_reviews.c
        query = (
            sa.select(
                log.c.id,
                log.c.at,
                log.c.pseudonym,
                log.c.kind,
                log.c.flag,
                log.c.rule,
                log.c.node,
                r.acknowledged_by,
                r.acknowledged_at,
                r.assignee,
                r.note,
            )
            .select_from(log.outerjoin(flag_reviews, r.log_id == log.c.id))
            .where(_queue_condition())
            .order_by(log.c.at.desc(), log.c.id.desc())
            .limit(limit)
        )
        if not include_done:
            query = query.where(r.acknowledged_at.is_(None))
        if pseudonym is not None:
            query = query.where(log.c.pseudonym == pseudonym)
        async with self._store._read() as conn:
            return [
                QueueItem(
                    id=int(row.id),
                    at=float(row.at),
                    pseudonym=row.pseudonym,
                    kind=row.kind,
                    flag=row.flag,
                    rule=row.rule,
                    node=row.node,
                    acknowledged_by=row.acknowledged_by,
                    acknowledged_at=row.acknowledged_at,
                    assignee=row.assignee,
                    note=row.note,
                )
                for row in await conn.execute(query)
            ]

    async def open_flags(self) -> int:
        """How many red flags and escalations nobody has acknowledged (the navigation count)."""
        query = sa.select(sa.func.count()).select_from(_open_queue().subquery())
        async with self._store._read() as conn:
            return int(await conn.scalar(query) or 0)

    async def follow_up(
        self,
        log_id: int,
        operator: str,
        *,
        acknowledge: bool = False,
        assignee: str | None = None,
        note: str | None = None,
    ) -> QueueItem | None:
        """Acknowledge, assign or annotate a queue item; ``None`` when ``log_id`` is not one
        (or no longer exists). Acknowledging twice keeps the first acknowledgement."""
        now = self._clock()
        async with self._store._begin() as conn:
            row = (
                await conn.execute(
                    sa.select(log.c.id, log.c.pseudonym).where(
                        log.c.id == log_id, _queue_condition()
                    )
                )
            ).first()
            if row is None:
                return None
            existing = (
                await conn.execute(sa.select(flag_reviews).where(flag_reviews.c.log_id == log_id))
            ).first()
            values: dict[str, Any] = {"updated_at": now}
            if acknowledge and (existing is None or existing.acknowledged_at is None):
                values |= {"acknowledged_by": operator, "acknowledged_at": now}
            if assignee is not None:
                values["assignee"] = assignee or None
            if note is not None:
                old = existing.note if existing is not None and existing.note else ""
                values["note"] = f"{old}\n{operator}: {note}".strip()
            if existing is None:
                await conn.execute(
                    flag_reviews.insert().values(log_id=log_id, pseudonym=row.pseudonym, **values)
                )
            else:
                await conn.execute(
                    flag_reviews.update().where(flag_reviews.c.log_id == log_id).values(**values)
                )
        found = [
            i
            for i in await self.queue(include_done=True, pseudonym=row.pseudonym)
            if i.id == log_id
        ]
        return found[0] if found else None

    # -- unanswered ----------------------------------------------------------------------

    async def unanswered(self, since: float | None = None, limit: int = 5000) -> list[Unanswered]:
        """Questions the bot did not understand, newest first, each with what was typed in
        the same turn (only stored for people who consented)."""
        typed = sa.alias(log, "typed")
        text = (
            sa.select(typed.c.text)
            .where(
                typed.c.pseudonym == log.c.pseudonym,
                typed.c.at == log.c.at,
                typed.c.kind == "text",
            )
            .limit(1)
            .scalar_subquery()
        )
        query = (
            sa.select(log.c.at, log.c.pseudonym, log.c.node, people.c.locale, text.label("text"))
            .select_from(log.outerjoin(people, people.c.pseudonym == log.c.pseudonym))
            .where(log.c.kind == "unanswered")
            .order_by(log.c.at.desc())
            .limit(limit)
        )
        if since is not None:
            query = query.where(log.c.at >= since)
        async with self._store._read() as conn:
            return [
                Unanswered(float(r.at), r.pseudonym, r.locale, r.node, r.text)
                for r in await conn.execute(query)
            ]

    # -- analytics -----------------------------------------------------------------------

    async def analytics(self, since: float) -> Daily:
        """The counts behind the charts, for log rows since ``since``."""
        day = sa.func.floor(log.c.at / 86400).label("day")
        recent = log.c.at >= since
        async with self._store._read() as conn:
            active = {
                int(r.day): int(r.n)
                for r in await conn.execute(
                    sa.select(day, sa.func.count(sa.distinct(log.c.pseudonym)).label("n"))
                    .where(recent)
                    .group_by(day)
                )
            }
            created = sa.func.floor(people.c.created_at / 86400).label("day")
            new = {
                int(r.day): int(r.n)
                for r in await conn.execute(
                    sa.select(created, sa.func.count().label("n"))
                    .where(people.c.created_at >= since)
                    .group_by(created)
                )
            }
            week = sa.func.floor((log.c.at - 4 * 86400) / (7 * 86400)).label("week")
            red = [
                (int(r.week), int(r.n))
                for r in await conn.execute(
                    sa.select(week, sa.func.count().label("n"))
                    .where(recent, _queue_condition())
                    .group_by(week)
                    .order_by(week)
                )
            ]
            langs = [
                (r.locale or "?", int(r.n))
                for r in await conn.execute(
                    sa.select(people.c.locale, sa.func.count().label("n"))
                    .group_by(people.c.locale)
                    .order_by(sa.func.count().desc(), people.c.locale)
                )
            ]
            reached = [
                (r.node, int(r.n))
                for r in await conn.execute(
                    sa.select(log.c.node, sa.func.count(sa.distinct(log.c.pseudonym)).label("n"))
                    .where(recent, log.c.kind == "reply", log.c.node.is_not(None))
                    .group_by(log.c.node)
                )
            ]
            now_at = [
                (r.node, int(r.n))
                for r in await conn.execute(
                    sa.select(sessions.c.node, sa.func.count().label("n"))
                    .where(sessions.c.node.is_not(None), sessions.c.updated_at >= since)
                    .group_by(sessions.c.node)
                )
            ]
        days = sorted(set(active) | set(new))
        topics: dict[str, int] = {}
        for node, n in reached:
            dialog = node.split("/", 1)[0]
            topics[dialog] = max(topics.get(dialog, 0), n)
        return Daily(
            per_day=[(_day_name(d), active.get(d, 0), new.get(d, 0)) for d in days],
            topics=sorted(topics.items(), key=lambda item: (-item[1], item[0])),
            red_per_week=[(_day_name(w * 7 + 4), n) for w, n in red],
            languages=langs,
            node_people=reached,
            last_node=now_at,
        )


def _day_name(day: int) -> str:
    return time.strftime("%Y-%m-%d", time.gmtime(day * 86400))
