"""What the rest of the bot needs from storage; :mod:`bot.store.sql` implements it.

Only ``bot/store`` imports SQLAlchemy. Everything crossing this seam is plain data.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from bot.engine.types import Session

Direction = Literal["in", "out"]
#: Log row kinds: what came in (text, choice, command, media), what went out (reply), and
#: events for operators (flag, escalation, unanswered, fallback); "Ask a nurse": a question
#: passed on to the nurses (relay) and a nurse's answer sent to the person (staff).
LogKind = Literal[
    "text",
    "choice",
    "command",
    "media",
    "reply",
    "flag",
    "escalation",
    "unanswered",
    "fallback",
    "relay",
    "staff",
]
Status = Literal["active", "inactive", "stopped"]


@dataclass(frozen=True, slots=True)
class Person:
    """A person as stored: pseudonym only, never a raw channel id or name."""

    pseudonym: str
    locale: str | None = None
    consent: bool = False
    status: Status = "active"
    notices: tuple[str, ...] = ()  # one-time notices already shown (e.g. "unchecked-de")


@dataclass(frozen=True, slots=True)
class LogRow:
    """One conversation log entry. ``text`` only where the log needs it (typed input)."""

    direction: Direction
    kind: LogKind
    node: str | None = None
    message_id: str | None = None
    text: str | None = None
    flag: str | None = None
    rule: str | None = None
    at: float = 0.0


@dataclass(frozen=True, slots=True)
class Conversation:
    """A conversation summary for operators."""

    pseudonym: str
    last_active: float
    messages: int
    flags: Mapping[str, int] = field(default_factory=dict)
    status: Status = "active"
    locale: str | None = None
    #: Questions the bot did not understand (``unanswered`` log rows).
    unanswered: int = 0


@dataclass(frozen=True, slots=True)
class Unsent:
    """A turn's answer in the outbox: kept until the channel confirms it was sent.

    ``payload`` is plain JSON data (the service's rendered messages); it holds no channel ids.
    """

    id: str
    payload: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class NurseTopic:
    """A person's forum topic in the nurses' group (``chat``), and their sealed contact: the
    channel user id the nurses' answers go to, readable only with the pseudonym key."""

    pseudonym: str
    chat: str
    thread_id: int
    contact: str


class StoreTurn(Protocol):
    """One person's turn in the store (see :meth:`Store.turn`): load, then commit, with no
    other turn for the same person, in this or another process, in between."""

    async def load(self) -> tuple[Person, Session] | None:
        """The person and their session, or ``None`` for someone new."""

    async def commit(
        self,
        person: Person,
        session: Session,
        rows: Sequence[LogRow],
        input_id: str | None,
        answer: Unsent | None = None,
    ) -> bool:
        """As :meth:`Store.commit`; ``False`` when ``input_id`` was already processed (the
        turn then stays open for :meth:`unsent`). After ``True`` the turn is over."""

    async def unsent(self, input_id: str) -> Unsent | None:
        """As :meth:`Store.unsent`, seen from inside the turn."""

    async def forget(self) -> None:
        """Delete everything about the turn's person (as :meth:`Store.forget`)."""


@dataclass(frozen=True, slots=True)
class Purged:
    """What a retention purge removed: old log rows, and people with no activity left."""

    log_rows: int = 0
    people: int = 0
    #: The removed people's topics in the nurses' group, as ``(chat, thread_id)``: their
    #: record is gone from the database, the topic (with the questions) is still in Telegram
    #: until the channel deletes it.
    nurse_topics: tuple[tuple[str, int], ...] = ()


class Store(Protocol):
    """Persistence for people, sessions, the conversation log and processed input ids."""

    def turn(self, pseudonym: str) -> AbstractAsyncContextManager[StoreTurn]:
        """Serialise ``pseudonym``'s turns across every process sharing the database.

        ``async with store.turn(p) as turn:`` then ``turn.load()`` and ``turn.commit(...)``:
        another turn for ``p`` waits until this one ends. On PostgreSQL that is an
        advisory lock held from the load to the commit of the write; SQLite serves one
        process, whose in-process lock is enough.

        Raises:
            bot.store.errors.StoreUnavailable: the database cannot be used now.
        """

    async def load(self, pseudonym: str) -> tuple[Person, Session] | None:
        """The person and their session, or ``None`` for someone new."""

    async def commit(
        self,
        person: Person,
        session: Session,
        rows: Sequence[LogRow],
        input_id: str | None,
        answer: Unsent | None = None,
    ) -> bool:
        """Save person, session, log rows and the outbox entry ``answer`` and mark ``input_id``
        processed, atomically.

        Returns ``False`` (and writes nothing) when ``input_id`` was already processed,
        so a redelivered input is never applied twice.

        Raises:
            bot.store.errors.StoreUnavailable: the database cannot be written now.
        """

    async def unsent(self, input_id: str) -> Unsent | None:
        """The outbox entry of an already processed input, if it was never confirmed sent."""

    async def delivered(self, outbox_id: str) -> None:
        """The answer ``outbox_id`` was sent: remove it from the outbox."""

    async def is_processed(self, input_id: str) -> bool:
        """Whether ``input_id`` was already committed."""

    async def prune_processed(self, before: float) -> int:
        """Forget processed-input ids (and outbox entries) recorded before ``before``;
        returns how many processed ids."""

    async def set_status(self, pseudonym: str, status: Status) -> None:
        """Mark a person active, inactive (blocked the bot) or stopped."""

    async def forget(self, pseudonym: str) -> None:
        """Delete everything about a person: person, session, log rows, processed ids, outbox,
        nurse topic."""

    async def conversations(self, limit: int = 100) -> list[Conversation]:
        """Conversations, most recently active first."""

    async def nurse_topic(self, pseudonym: str) -> NurseTopic | None:
        """The person's topic in the nurses' group, if one was opened."""

    async def nurse_topic_at(self, chat: str, thread_id: int) -> NurseTopic | None:
        """Whose topic ``thread_id`` of the group ``chat`` is, if anybody's."""

    async def open_nurse_topic(self, topic: NurseTopic) -> NurseTopic:
        """Record a new topic; the one already recorded for the person in the same group wins
        (returned), one in another group is replaced."""

    async def drop_nurse_topic(self, pseudonym: str) -> None:
        """Forget the person's topic (it was deleted in the group); a new one can be opened."""

    async def transcript(self, pseudonym: str) -> list[LogRow]:
        """One person's log, oldest first."""

    def export(self) -> AsyncIterator[tuple[str, LogRow]]:
        """Every log row with its pseudonym, oldest first, for CSV / JSON Lines export."""

    async def stats(self) -> dict[str, Any]:
        """Counts for operators: people, flags by kind, unanswered, fallbacks."""

    async def ping(self, within: float) -> None:
        """Prove the database can be written now: take and release a write lock, changing
        nothing, within about ``within`` seconds.

        Raises:
            bot.store.errors.StoreUnavailable: it cannot (down, locked, unreadable, damaged).
        """

    async def close(self) -> None:
        """Release connections."""
