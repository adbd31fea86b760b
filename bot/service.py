"""The conversation service: every channel's one door into safety screen, engine and store.

An input travels: pseudonym → per-person lock (in this process, then in the database:
:meth:`bot.store.protocol.Store.turn`) → load → safety screen → engine step → render
in the person's language → one store transaction (step, log rows, processed input id and the
rendered answer in the outbox) → messages back to the channel. The channel sends what comes
back, then confirms with :meth:`Conversations.delivered`; it holds no dialog logic.

"Ask a nurse" (deployment ``nurse_group``): text typed at an input that saves
``nurse_question`` is screened as always, then passed on as :attr:`Outcome.relay` for the
channel to post in the person's topic of the nurses' group; a nurse's answer typed there comes
back through :meth:`Conversations.staff_reply` as a turn of its own (logged, in the outbox).

A redelivered input whose answer was never confirmed gets that stored answer again
(``replay``); once confirmed, a redelivery gets nothing (``duplicate``). Delivery is therefore
at least once: a process that dies after Telegram accepted a message but before the
confirmation sends it again on the redelivery. See docs/architecture.md, "Delivery".
"""

from __future__ import annotations

import asyncio
import logging
import re
import threading
import time
import uuid
import zlib
from collections.abc import Callable, Sequence
from contextlib import AsyncExitStack
from dataclasses import dataclass, replace
from typing import Any, Literal, Protocol

from bot import diary, family
from bot.config import Settings
from bot.content.loader import load_dialogs
from bot.content.model import DialogSet, Text
from bot.engine import Engine, Event, Reply, ReplyChoice, Session
from bot.engine.engine import SYSTEM_TOKEN
from bot.engine.types import EventKind, StepResult
from bot.i18n.keywords import translated_keywords
from bot.i18n.numbers import parse_temperature
from bot.i18n.render import Catalogs, Renderer
from bot.locks import KeyedLock
from bot.nurse.hours import format_opening
from bot.search import SearchIndex
from bot.store.errors import StoreError, StoreUnavailable
from bot.store.protocol import LogRow, NurseTopic, Person, Store, StoreTurn, Unsent
from bot.store.sealed import Sealer, Unsealable

log = logging.getLogger(__name__)

InboundKind = Literal["text", "choice", "command", "media"]
#: Typed text beyond this many characters is cut before the dialog reads it (and the person
#: is told); the safety screen reads the whole message, up to Telegram's limit.
MAX_INPUT = 2000
MAX_SCREENED = 4096
LANGUAGE_TOKEN = "l."
BACK_TOKEN = f"{SYSTEM_TOKEN}.back"
CONFIRM_YES = f"{SYSTEM_TOKEN}.confirm.yes"
CONFIRM_NO = f"{SYSTEM_TOKEN}.confirm.no"
#: The urgent answers a confirmed warning sign may lead to (bot/safety/screen.py URGENT_KEYS).
_URGENT_KEYS = frozenset({"urgent_emergency", "urgent_baby", "urgent_fever", "urgent_sign"})
#: Profile fields typed as temperatures that are settings, not readings of the person.
_NOT_READINGS = frozenset({"fever_threshold", "fever_threshold_typed"})
#: A deep link's payload as Telegram allows it (A-Z a-z 0-9 _ -, at most 64 characters), and
#: the ``<topic>_<lang>`` form the clinic posters use.
_START_PAYLOAD = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_TOPIC_LANG = re.compile(r"^(?P<topic>[a-z0-9_]+)_(?P<lang>[a-z]{2,3})$")
_BARE_NUMBER = re.compile(
    r"^\s*[<>~]?\s*\d[\d.,\s\u00a0\u202f']*\s*(?:°\s*[cf]?|[cf]|/?\s*(?:µl|ul|mm3))?\s*$", re.I
)
#: Processed-input ids are kept this long (Telegram stops redelivering an update within a
#: day), and pruned at most this often, so the table does not grow with every input.
KEEP_PROCESSED_SECONDS = 2 * 24 * 3600
PRUNE_EVERY_SECONDS = 6 * 3600
#: Characters no database can store: U+0000 (PostgreSQL) and lone surrogates (any driver).
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
#: Seconds the health check may take before the store counts as unavailable.
HEALTH_TIMEOUT = 3.0
#: The profile field an "Ask a nurse" input saves: its value is relayed, never stored.
NURSE_QUESTION = "nurse_question"
#: Characters of the pseudonym that name a family to the nurses (topic name, messages).
FAMILY_CODE = 8
#: Telegram's longest forum topic name.
TOPIC_NAME_LIMIT = 128
DIARY_SAVE = f"{SYSTEM_TOKEN}.diary.save"
COMMANDS = (
    "start",
    "menu",
    "back",
    "help",
    "language",
    "settings",
    "diary",
    "card",
    "about",
    "forget",
    "stop",
)


@dataclass(frozen=True, slots=True)
class Inbound:
    """One input from a channel, before pseudonymisation."""

    channel: str
    user_id: str
    kind: InboundKind
    value: str
    argument: str = ""
    input_id: str | None = None
    language_code: str | None = None


@dataclass(frozen=True, slots=True)
class Attachment:
    """A picture or file sent with a message (its text is the caption).

    ``spec`` is what :func:`bot.documents.render` draws (kept in the outbox, so a replayed
    answer draws the same file); ``content`` holds the drawn bytes once the service made them.
    """

    kind: Literal["photo", "document"]
    filename: str
    spec: dict[str, Any]
    content: bytes = b""


@dataclass(frozen=True, slots=True)
class Outbound:
    """One message for the channel to send: text and (label, callback data) buttons."""

    text: str
    buttons: tuple[tuple[str, str], ...] = ()
    urgent: bool = False
    attachment: Attachment | None = None


@dataclass(frozen=True, slots=True)
class Relay:
    """A message for the nurses: post ``text`` in the person's topic of the nurses' group,
    opening the topic (named ``title``) first if they have none."""

    title: str
    text: str


@dataclass(frozen=True, slots=True)
class Outcome:
    """What handling an input produced."""

    messages: tuple[Outbound, ...]
    duplicate: bool = False
    stale: bool = False
    notice: str | None = None
    locale: str = "en"
    #: A short notice for the operators' chat (deployment ``operator_chat``) when a red flag
    #: was raised: the rule, the step and the pseudonym, never the person's words.
    operator_notice: str | None = None
    #: The outbox entry of this turn: the channel passes it to :meth:`Conversations.delivered`
    #: once every message was confirmed sent. ``None`` when nothing needs confirming.
    delivery: str | None = None
    #: ``False`` when the store could not be written and only the urgent answer was given.
    saved: bool = True
    #: The stored, never-confirmed answer of an input handled before, sent again.
    replay: bool = False
    #: A question for the nurses ("Ask a nurse"), sent after the messages.
    relay: Relay | None = None
    #: The person's topic in the nurses' group after /forget: the channel deletes it.
    topic_gone: int | None = None


@dataclass(frozen=True, slots=True)
class StaffReply:
    """A nurse's answer: the outcome to send to ``user_id`` (the person's channel id), or
    ``user_id=None`` when it cannot reach them (they stopped messages or are gone)."""

    user_id: str | None
    outcome: Outcome


class Unavailable(Exception):
    """Handling failed for a passing reason (the store); the channel should let the input be
    delivered again (webhook: answer 503; polling: do not confirm the update)."""


class Screening(Protocol):
    """What the safety screen returns when a message needs an urgent or special answer."""

    @property
    def kind(self) -> str: ...
    @property
    def rule(self) -> str: ...
    @property
    def fever(self) -> bool: ...
    @property
    def message_key(self) -> str: ...
    @property
    def urgent_key(self) -> str: ...


class Screener(Protocol):
    """The safety screen (see :mod:`bot.safety`)."""

    def screen(
        self,
        text: str,
        locale: str,
        threshold_c: float = 38.0,
        *,
        expecting_temperature: bool = False,
        age_group: str | None = None,
    ) -> Screening | None: ...


class Pseudonymizer(Protocol):
    """Keyed pseudonyms for channel user ids."""

    def of(self, channel: str, user_id: str) -> str: ...


def _payload(outcome: Outcome) -> dict[str, Any]:
    """What the outbox keeps of an outcome: plain JSON, no channel ids."""
    return {
        "messages": [
            {
                "text": m.text,
                "buttons": [list(b) for b in m.buttons],
                "urgent": m.urgent,
                **({"attachment": _attachment_payload(m.attachment)} if m.attachment else {}),
            }
            for m in outcome.messages
        ],
        "stale": outcome.stale,
        "notice": outcome.notice,
        "locale": outcome.locale,
        "operator_notice": outcome.operator_notice,
        "relay": (
            None
            if outcome.relay is None
            else {"title": outcome.relay.title, "text": outcome.relay.text}
        ),
    }


def _attachment_payload(attachment: Attachment) -> dict[str, Any]:
    return {"kind": attachment.kind, "filename": attachment.filename, "spec": attachment.spec}


def _attachment(data: Any) -> Attachment | None:
    if not isinstance(data, dict):
        return None
    kind: Literal["photo", "document"] = "document" if data.get("kind") == "document" else "photo"
    return Attachment(kind, str(data.get("filename") or "file"), dict(data.get("spec") or {}))


def _from_payload(payload: Any) -> Outcome:
    messages = tuple(
        Outbound(
            str(m["text"]),
            tuple((str(label), str(data)) for label, data in m.get("buttons", ())),
            bool(m.get("urgent", False)),
            _attachment(m.get("attachment")),
        )
        for m in payload.get("messages", ())
    )
    return Outcome(
        messages,
        stale=bool(payload.get("stale", False)),
        notice=payload.get("notice"),
        locale=str(payload.get("locale") or "en"),
        operator_notice=payload.get("operator_notice"),
        relay=(
            Relay(str(relay["title"]), str(relay["text"]))
            if isinstance(relay := payload.get("relay"), dict)
            else None
        ),
    )


def _storable(inbound: Inbound) -> Inbound:
    """U+0000 and lone surrogates replaced by U+FFFD: PostgreSQL refuses U+0000 in text and
    JSON, and no database driver can encode a lone surrogate (JSON may carry one as an
    escape), so such an input could never be stored and would fail on every redelivery."""
    if not _UNSTORABLE.search(inbound.value + inbound.argument + (inbound.language_code or "")):
        return inbound
    return replace(
        inbound,
        value=_UNSTORABLE.sub("\ufffd", inbound.value),
        argument=_UNSTORABLE.sub("\ufffd", inbound.argument),
        language_code=_UNSTORABLE.sub("", inbound.language_code or "") or None,
    )


def message_id(text: Text) -> str:
    """A stable id for a message in the log: its context and a checksum of its source."""
    return f"{text.context}#{zlib.crc32(text.source.encode()):08x}"


class Conversations:
    """Handles inputs for every person, one at a time per person.

    Args:
        dialogs: loaded content.
        engine: the engine over ``dialogs``.
        catalogs: translations.
        store: persistence.
        pseudonyms: turns channel user ids into keyed pseudonyms.
        settings: the bot's settings (deployment values, default locale).
        screener: the safety screen, run on every typed message before the engine.
        clock: the time source (tests pass a fake one).
        sealer: seals the channel user ids kept for "Ask a nurse" (needed when the
            deployment sets ``nurse_group``; without one, questions are not passed on).
    """

    def __init__(
        self,
        dialogs: DialogSet,
        engine: Engine,
        catalogs: Catalogs,
        store: Store,
        pseudonyms: Pseudonymizer,
        settings: Settings,
        screener: Screener | None = None,
        clock: Callable[[], float] = time.time,
        sealer: Sealer | None = None,
    ) -> None:
        self.dialogs = dialogs
        self.engine = engine
        self.catalogs = catalogs
        self.renderer = Renderer(catalogs, dialogs)
        self.store = store
        self.pseudonyms = pseudonyms
        self.settings = settings
        self.screener = screener
        self.clock = clock
        self._locks = KeyedLock()
        self._pruned_at = float("-inf")
        self.sealer = sealer
        deployment = settings.deployment
        #: The nurses' group and hours, when "Ask a nurse" is on.
        self.nurse_group = deployment.nurse_group.strip() if sealer is not None else ""
        self.nurse_hours = deployment.opening_hours() if self.nurse_group else None

    @classmethod
    async def open(
        cls, settings: Settings, warm_search: bool = False, local: bool = False
    ) -> Conversations:
        """Load content, catalogs and the store (running migrations) as ``settings`` say.

        ``warm_search``: build the question search of every language now, in a thread (the
        Telegram bot does: Polish alone takes seconds, which a first question would wait
        for); otherwise each language's is built at its first question.

        Raises:
            bot.content.loader.ContentError: the dialogs are invalid; the bot must not start.
        """
        from bot.safety import Screener as SafetyScreener
        from bot.store import open_store
        from bot.store.pseudonym import Pseudonymizer as KeyedPseudonyms
        from bot.store.pseudonym import resolve_key

        dialogs = load_dialogs(settings.dialogs_dir)
        deployment = settings.deployment
        catalogs = Catalogs.load(settings.locales_dir)
        search = SearchIndex.shared(dialogs, catalogs)
        engine = Engine(
            dialogs,
            deployment.placeholders(),
            idle_seconds=deployment.idle_resume_hours * 3600,
            keywords=translated_keywords(catalogs, dialogs),
            finder=search,
        )
        if warm_search:
            threading.Thread(target=search.warm, name="search-index", daemon=True).start()
        store = await open_store(settings.database_url)
        key = resolve_key(settings.pseudonym_key, settings.database_url, not local)
        return cls(
            dialogs,
            engine,
            catalogs,
            store,
            KeyedPseudonyms(key),
            settings,
            SafetyScreener.load(),
            sealer=Sealer(key),
        )

    async def close(self) -> None:
        """Release the store."""
        await self.store.close()

    # -- what channels ask for ------------------------------------------------------------

    def locales(self) -> list[str]:
        """The locales with a catalog (English included)."""
        return self.catalogs.available()

    def system_text(self, key: str, language_code: str | None) -> str:
        """A system message in the best locale for ``language_code``."""
        locale = self.catalogs.negotiate(
            language_code, self.settings.deployment.default_locale, keep_territory=True
        )
        return self.renderer.text(self.dialogs.system[key], locale)

    def command_menu(self, locale: str) -> list[tuple[str, str]]:
        """Commands with their descriptions in ``locale``, for a channel's command menu."""
        return [(c, self.renderer.text(self.dialogs.system[f"cmd_{c}"], locale)) for c in COMMANDS]

    async def mark_blocked(self, channel: str, user_id: str) -> None:
        """The person blocked the bot: mark them inactive until they write again."""
        await self.store.set_status(self.pseudonyms.of(channel, user_id), "inactive")

    async def set_locale(self, channel: str, user_id: str, locale: str) -> None:
        """Save a language choice for a person (the terminal chat's ``--lang``)."""
        pseudonym = self.pseudonyms.of(channel, user_id)
        async with self._locks.hold(pseudonym), self.store.turn(pseudonym) as stored:
            loaded = await stored.load()
            person, session = loaded or (Person(pseudonym), Session())
            await stored.commit(replace(person, locale=locale), session, (), None)

    async def resume(self, channel: str, user_id: str, language_code: str | None = None) -> Outcome:
        """Where a returning person is (their current step again), or the welcome if new."""
        pseudonym = self.pseudonyms.of(channel, user_id)
        async with self._locks.hold(pseudonym):
            try:
                async with self.store.turn(pseudonym) as stored:
                    loaded = await stored.load()
            except StoreUnavailable as exc:
                raise Unavailable(str(exc)) from exc
            if loaded is None or loaded[1].node is None:
                inbound = Inbound(channel, user_id, "command", "start", language_code=language_code)
                return await self._handle(pseudonym, inbound)
            person, session = loaded
            locale = person.locale or self.catalogs.negotiate(
                language_code, self.settings.deployment.default_locale, keep_territory=True
            )
            turn = _Turn(self, person, session, locale, self.clock())
            turn.show(self.engine.current(session))
            return turn.outcome()

    # -- the one door ----------------------------------------------------------------------

    async def handle(self, inbound: Inbound) -> Outcome:
        """Handle one input; safe to call concurrently, serialised per person.

        Raises:
            Unavailable: the store cannot be used now and the input needs it; the channel
                should let the input be delivered again. (A message the safety screen flags
                is answered all the same, with ``saved=False``.)
        """
        pseudonym = self.pseudonyms.of(inbound.channel, inbound.user_id)
        inbound = _storable(inbound)
        async with self._locks.hold(pseudonym):
            try:
                outcome = await self._handle(pseudonym, inbound)
            except StoreUnavailable as exc:
                log.warning("input not handled, the store is unavailable: %s", exc)
                raise Unavailable(str(exc)) from exc
        return await self._draw(outcome)

    async def _draw(self, outcome: Outcome) -> Outcome:
        """Draw the outcome's pictures and files (outside the person's lock: a chart takes
        a few tenths of a second, in a worker thread so other people's turns go on)."""
        if not any(m.attachment is not None for m in outcome.messages):
            return outcome
        from bot.documents import DocumentError, render

        messages = []
        for m in outcome.messages:
            if m.attachment is not None and not m.attachment.content:
                try:
                    content = await asyncio.to_thread(render, m.attachment.spec)
                except DocumentError as exc:
                    # By kind only: the message could quote a value from the spec (a reading).
                    log.error(
                        "a %s could not be drawn: %s",
                        m.attachment.kind,
                        type(exc.__cause__).__name__,
                    )
                    messages.append(replace(m, attachment=None))
                    continue
                m = replace(m, attachment=replace(m.attachment, content=content))
            messages.append(m)
        return replace(outcome, messages=tuple(messages))

    async def healthy(self, within: float = HEALTH_TIMEOUT) -> bool:
        """Whether the store can be written now (the ``/healthz`` answer); a failure is
        logged by type, never raised."""
        try:
            await self.store.ping(within)
        except StoreError as exc:
            log.warning("health check: %s", exc)
            return False
        return True

    async def delivered(self, delivery: str) -> None:
        """Record that every message of the turn ``delivery`` was sent: its outbox entry goes.

        A failure is logged, not raised: the message is out, and the worst case is that a
        redelivery of the same input sends it once more.
        """
        try:
            await self.store.delivered(delivery)
        except StoreUnavailable as exc:
            log.warning("delivery not recorded: %s", exc)

    async def _prune(self, now: float) -> None:
        if now - self._pruned_at >= PRUNE_EVERY_SECONDS:
            self._pruned_at = now
            await self.store.prune_processed(now - KEEP_PROCESSED_SECONDS)

    async def _handle(self, pseudonym: str, inbound: Inbound) -> Outcome:
        # The person's turn in the store: in-process first (the KeyedLock the caller holds),
        # then across processes (store.turn: an advisory lock on PostgreSQL), so a process
        # queues its own inputs for one person instead of holding a connection per waiter.
        async with AsyncExitStack() as stack:
            try:
                await self._prune(self.clock())
                stored = await stack.enter_async_context(self.store.turn(pseudonym))
                # Read once the turn is ours: the log's times then follow the order in which
                # the turns were applied, whichever instance waited longer for the lock.
                now = self.clock()
                loaded = await stored.load()
            except StoreUnavailable as exc:
                return self._without_store(pseudonym, inbound, self.clock(), exc)
            return await self._step(stored, pseudonym, inbound, loaded, now)

    async def _step(
        self,
        stored: StoreTurn,
        pseudonym: str,
        inbound: Inbound,
        loaded: tuple[Person, Session] | None,
        now: float,
    ) -> Outcome:
        # No separate "already processed?" query: commit() records the input id first, in
        # the same locked transaction, and refuses a duplicate, so a redelivered input is
        # computed but never applied; it gets the stored answer if that was never
        # confirmed (see _replay).
        person, session = loaded or (Person(pseudonym), Session(updated_at=now))
        if person.status != "active":
            person = replace(person, status="active")
        locale = person.locale or self.catalogs.negotiate(
            inbound.language_code, self.settings.deployment.default_locale, keep_territory=True
        )
        turn = _Turn(self, person, session, locale, now)
        turn.log_in(inbound)
        self._dispatch(turn, inbound)
        self._translation_notice(turn, inbound)
        if turn.forget:
            topic = await self.store.nurse_topic(pseudonym) if self.nurse_group else None
            await stored.forget()
            gone = topic.thread_id if topic is not None and topic.chat == self.nurse_group else None
            return replace(turn.outcome(), topic_gone=gone)
        outcome = turn.outcome()
        answer = Unsent(uuid.uuid4().hex, _payload(outcome)) if outcome.messages else None
        try:
            saved = await stored.commit(
                turn.person, turn.session, turn.rows, inbound.input_id, answer
            )
        except StoreUnavailable as exc:
            return self._unsaved(turn, exc)
        if not saved:
            assert inbound.input_id is not None  # commit refuses only a known input id
            return await self._replay(stored, inbound.input_id)
        return replace(outcome, delivery=answer.id if answer is not None else None)

    async def _replay(self, stored: StoreTurn, input_id: str) -> Outcome:
        """A redelivered input: its stored answer if never confirmed sent, else nothing."""
        unsent = await stored.unsent(input_id)
        if unsent is None:
            return Outcome((), duplicate=True)
        log.info("a redelivered input gets its unconfirmed answer again")
        return replace(_from_payload(unsent.payload), delivery=unsent.id, replay=True)

    def _without_store(
        self, pseudonym: str, inbound: Inbound, now: float, error: StoreUnavailable
    ) -> Outcome:
        """The store cannot be read: screen typed text with the defaults, answer only that."""
        locale = self.catalogs.negotiate(
            inbound.language_code, self.settings.deployment.default_locale, keep_territory=True
        )
        turn = _Turn(self, Person(pseudonym), Session(updated_at=now), locale, now)
        if inbound.kind == "text":
            self._screen(turn, inbound.value[:MAX_SCREENED])
        elif inbound.kind == "choice" and inbound.value.startswith(f"{CONFIRM_YES}."):
            self._dispatch(turn, inbound)
        return self._unsaved(turn, error)

    def _unsaved(self, turn: _Turn, error: StoreUnavailable) -> Outcome:
        """Safety over bookkeeping: an urgent answer needs no state, so it goes out unsaved;
        anything else waits for the input to come again."""
        if not turn.safety:
            raise error
        log.error("the store is unavailable (%s); the safety answer is sent unsaved", error)
        return replace(turn.outcome(), saved=False)

    def _dispatch(self, turn: _Turn, inbound: Inbound) -> None:
        value = inbound.value
        if inbound.kind == "media":
            turn.say_system("media_unsupported")
            turn.show(self.engine.current(turn.session))
            return
        if inbound.kind == "choice" and value.startswith(LANGUAGE_TOKEN):
            self._choose_language(turn, value[len(LANGUAGE_TOKEN) :])
            return
        if inbound.kind == "choice" and value in (BACK_TOKEN, CONFIRM_NO):
            turn.show(self.engine.current(turn.session))
            return
        if inbound.kind == "choice" and value.startswith(f"{CONFIRM_YES}."):
            key = value[len(CONFIRM_YES) + 1 :]
            turn.urgent(key if key in _URGENT_KEYS else "urgent_sign", fever=False)
            turn.safety = True
            return
        if inbound.kind == "choice" and value == DIARY_SAVE:
            self._save_reading(turn)
            return
        if inbound.kind == "command" and value in ("diary", "card"):
            self._diary(turn) if value == "diary" else self._card(turn)
            return
        kind: EventKind = "command" if inbound.kind == "command" else "choice"
        asks_nurse = False
        argument = inbound.argument
        if inbound.kind == "command" and value == "start":
            argument = self._start_payload(turn, argument)
        if inbound.kind == "text":
            kind = "text"
            asks_nurse = self._asks_nurse(turn)
            # A warning sign at the end of a long message still gets the urgent answer: the
            # screen reads it all before the dialog's part is cut.
            if self._screen(turn, value[:MAX_SCREENED]):
                # ... and a question for the nurses goes to them all the same.
                if asks_nurse and turn.person.status != "stopped":
                    self._relay(turn, value[:MAX_INPUT], len(turn.messages))
                return
            if len(value) > MAX_INPUT:
                value = value[:MAX_INPUT]
                turn.say_system("too_long")
            token = self._typed_label(turn, value)
            if token is not None:
                kind, value = "choice", token
            elif asks_nurse:
                # A question for the nurses is never held back by the "carry on?" prompt.
                turn.session = replace(turn.session, updated_at=turn.now)
        event = Event(kind, value, turn.locale, argument)
        result = self.engine.step(turn.session, event, turn.now)
        before = len(turn.messages)
        turn.apply(result)
        if NURSE_QUESTION in turn.session.profile:
            profile = dict(turn.session.profile)
            question = str(profile.pop(NURSE_QUESTION))
            turn.session = replace(turn.session, profile=profile)
            self._relay(turn, question, before)
        if "choose_language" in result.actions:
            turn.languages(self.catalogs.display_names())
        if "reading" in result.actions:
            turn.offer_save()

    def start_link(self, topic: str, locale: str) -> str:
        """The ``/start`` payload that opens ``topic`` in ``locale`` (``fever_ar``).

        Raises:
            ValueError: no such topic or language, or the payload would not fit Telegram's
                rules (A-Z a-z 0-9 _ -, 64 characters at most).
        """
        if topic not in self.dialogs.dialogs:
            known = ", ".join(sorted(self.dialogs.dialogs))
            raise ValueError(f"no topic {topic!r}; topics: {known}")
        lang = locale.split("_")[0].lower()
        if lang not in self.catalogs.available():
            raise ValueError(f"no language {locale!r}; languages: {', '.join(self.locales())}")
        payload = f"{topic}_{lang}"
        if not _START_PAYLOAD.match(payload) or not _TOPIC_LANG.match(payload):
            raise ValueError(f"{payload!r} is not a payload Telegram allows")
        return payload

    def _start_payload(self, turn: _Turn, payload: str) -> str:
        """A ``<topic>_<lang>`` link (a clinic poster) sets the language and leaves the topic;
        anything else passes as it came (an unknown payload opens the welcome or menu)."""
        payload = payload.strip()
        if not _START_PAYLOAD.match(payload):
            return ""
        found = _TOPIC_LANG.match(payload.lower())
        if found is None or found["topic"] not in self.dialogs.dialogs:
            return payload
        lang = found["lang"]
        if lang in self.catalogs.available() and lang != turn.locale.split("_")[0]:
            turn.person = replace(turn.person, locale=lang)
            turn.locale = lang
        return found["topic"]

    def _asks_nurse(self, turn: _Turn) -> bool:
        """Whether the person is at an "Ask a nurse" question (typed text goes to them)."""
        node = self.dialogs.node(turn.session.node or "")
        return (
            node is not None
            and node.input is not None
            and node.input.save == NURSE_QUESTION
            and turn.session.waiting is None
        )

    def _relay(self, turn: _Turn, text: str, at: int) -> None:
        """Pass ``text`` on to the nurses and tell the person when to expect an answer; the
        message goes in at ``at``, before the step's own messages (the urgent answer stays
        first)."""
        if self.nurse_hours is None:  # the deployment turned "Ask a nurse" off meanwhile
            turn.say_system("nurse_unreachable")
        else:
            urgent = turn.red_flags[0][0] if turn.red_flags else None
            family = turn.person.pseudonym[:FAMILY_CODE]
            params = {"family": family, "language": turn.locale, "rule": urgent, "text": text}
            locale = self.settings.deployment.default_locale
            system = self.dialogs.system
            key = "nurse_relay_urgent" if urgent else "nurse_relay"
            title = self.renderer.text(system["nurse_topic"], locale, {"family": family})
            turn.relay = Relay(
                title[:TOPIC_NAME_LIMIT], self.renderer.text(system[key], locale, params)
            )
            turn.rows.append(LogRow("out", "relay", turn.session.node, rule=urgent, at=turn.now))
            if self.nurse_hours.is_open(turn.now):
                turn.say_system("nurse_sent_open")
            else:
                opens = format_opening(self.nurse_hours.next_opening(turn.now), turn.locale)
                turn.say_system("nurse_sent_closed", opens=opens)
        if at < len(turn.messages) - 1 and not turn.messages[at].urgent:
            turn.messages.insert(at, turn.messages.pop())

    # -- "Ask a nurse": what the channel asks for -------------------------------------------

    def _nurse_turn_error(self, exc: StoreUnavailable) -> Unavailable:
        log.warning("nurse topic not handled, the store is unavailable: %s", exc)
        return Unavailable(str(exc))

    async def nurse_topic(self, channel: str, user_id: str) -> int | None:
        """The thread id of the person's topic in the nurses' group, if they have one.

        Raises:
            Unavailable: the store cannot be read now.
        """
        try:
            topic = await self.store.nurse_topic(self.pseudonyms.of(channel, user_id))
        except StoreUnavailable as exc:
            raise self._nurse_turn_error(exc) from exc
        return topic.thread_id if topic is not None and topic.chat == self.nurse_group else None

    async def nurse_topic_opened(self, channel: str, user_id: str, thread_id: int) -> int:
        """Record the topic the channel opened for the person; returns the thread to use
        (an earlier one if another instance opened one first).

        Raises:
            Unavailable: the store cannot be written now.
        """
        assert self.sealer is not None and self.nurse_group
        pseudonym = self.pseudonyms.of(channel, user_id)
        topic = NurseTopic(
            pseudonym, self.nurse_group, thread_id, self.sealer.seal(user_id, pseudonym)
        )
        try:
            return (await self.store.open_nurse_topic(topic)).thread_id
        except StoreUnavailable as exc:
            raise self._nurse_turn_error(exc) from exc

    async def nurse_topic_lost(self, channel: str, user_id: str) -> None:
        """The person's topic is gone from the group (deleted by hand): open a new one next.

        Raises:
            Unavailable: the store cannot be written now.
        """
        try:
            await self.store.drop_nurse_topic(self.pseudonyms.of(channel, user_id))
        except StoreUnavailable as exc:
            raise self._nurse_turn_error(exc) from exc

    def nurse_text(self, key: str, locale: str | None = None) -> str:
        """A system message about "Ask a nurse" (``nurse_unreachable`` for a family in
        ``locale``, ``nurse_not_delivered`` for the nurses), with the deployment's numbers."""
        text = self.dialogs.system[key]
        reply = self.engine.reply(text, self.settings.deployment.placeholders())
        return self.renderer.text(
            text, locale or self.settings.deployment.default_locale, reply.params
        )

    async def staff_reply(self, thread_id: int, text: str, input_id: str) -> StaffReply | None:
        """A nurse wrote ``text`` in topic ``thread_id`` of the nurses' group: the person's
        answer, marked as from the care team's staff, logged and put in the outbox like any
        turn's (confirm it with :meth:`delivered`).

        Returns:
            ``None`` when the topic is nobody's (the group's own topics); a
            :class:`StaffReply` without ``user_id`` when the person cannot be reached (gone,
            stopped, or their contact cannot be opened with this key).

        Raises:
            Unavailable: the store cannot be used now; let the update come again.
        """
        if self.sealer is None or not self.nurse_group:
            return None
        try:
            topic = await self.store.nurse_topic_at(self.nurse_group, thread_id)
        except StoreUnavailable as exc:
            raise self._nurse_turn_error(exc) from exc
        if topic is None:
            return None
        try:
            user_id = self.sealer.open(topic.contact, topic.pseudonym)
        except Unsealable:
            log.warning("a nurse's answer cannot be delivered: the contact does not open")
            return StaffReply(None, Outcome(()))
        async with self._locks.hold(topic.pseudonym):
            try:
                return await self._staff_turn(topic.pseudonym, user_id, text, input_id)
            except StoreUnavailable as exc:
                raise self._nurse_turn_error(exc) from exc

    async def _staff_turn(
        self, pseudonym: str, user_id: str, text: str, input_id: str
    ) -> StaffReply:
        async with self.store.turn(pseudonym) as stored:
            now = self.clock()
            loaded = await stored.load()
            if loaded is None or loaded[0].status == "stopped":
                return StaffReply(None, Outcome(()))
            person, session = loaded
            locale = person.locale or self.settings.deployment.default_locale
            body = text[:MAX_SCREENED]
            rendered = self.renderer.text(
                self.dialogs.system["nurse_reply"], locale, {"text": body}
            )
            outcome = Outcome((Outbound(rendered),), locale=locale)
            row = LogRow(
                "out",
                "staff",
                session.node,
                message_id=message_id(self.dialogs.system["nurse_reply"]),
                text=body if person.consent else None,
                at=now,
            )
            answer = Unsent(uuid.uuid4().hex, _payload(outcome))
            if not await stored.commit(person, session, [row], input_id, answer):
                return StaffReply(user_id, await self._replay(stored, input_id))
            return StaffReply(user_id, replace(outcome, delivery=answer.id))

    def _translation_notice(self, turn: _Turn, inbound: Inbound) -> None:
        """Say once per language (and again in /about) that a translation is unchecked."""
        if turn.forget or not self.catalogs.unchecked(turn.locale):
            return
        notice = f"unchecked-{turn.locale.split('_')[0]}"
        asked_about = inbound.kind == "command" and inbound.value == "about"
        if notice in turn.person.notices and not asked_about:
            return
        turn.person = replace(turn.person, notices=tuple(sorted({*turn.person.notices, notice})))
        turn.say_system("translation_unchecked")
        if not turn.messages[0].urgent:  # urgent answers stay first; otherwise the notice leads
            turn.messages.insert(0, turn.messages.pop())

    def _typed_label(self, turn: _Turn, text: str) -> str | None:
        """The token of a current button whose label the person typed instead of pressing."""
        typed = text.strip().casefold()
        for reply in self.engine.current(turn.session):
            for choice in reply.choices:
                if typed == self.renderer.text(choice.label, turn.locale).casefold():
                    return choice.token
        return None

    def _screen(self, turn: _Turn, text: str) -> bool:
        if self.screener is None:
            return False
        threshold = turn.session.profile.get("fever_threshold")
        if not isinstance(threshold, int | float):
            threshold = self.settings.deployment.fever_threshold
        node = self.dialogs.node(turn.session.node or "")
        spec = node.input if node is not None and turn.session.waiting is None else None
        expecting_temperature = spec is not None and spec.kind == "temperature"
        if spec is not None and (spec.kind == "number" or spec.save in _NOT_READINGS):
            # The question asks for a number that is not a body temperature (a blood count,
            # the family's threshold): a bare number is the answer, not a reading to screen.
            expecting_temperature = False
            if _BARE_NUMBER.match(text):
                text = ""
        age_group = turn.session.profile.get("age_group")
        found = self.screener.screen(
            text,
            turn.locale,
            float(threshold),
            expecting_temperature=expecting_temperature,
            age_group=age_group if isinstance(age_group, str) else None,
        )
        if found is None:
            return False
        turn.rows.append(
            LogRow(
                "out",
                "escalation",
                turn.session.node,
                flag=found.kind,
                rule=found.rule,
                at=turn.now,
            )
        )
        # Every answer of the screen but "stop" needs no state: it goes out even unsaved.
        turn.safety = found.kind != "stop"
        if found.kind == "stop":
            turn.person = replace(turn.person, status="stopped")
            turn.say_system(found.message_key)
        elif found.kind == "confirm":
            turn.confirm(found.message_key, found.urgent_key)
        elif found.kind == "distress":
            turn.say_system(found.message_key, back=True)
        else:
            turn.urgent(found.message_key, fever=found.fever, rule=found.rule)
            if found.fever and spec is not None and spec.diary:
                # The urgent answer came first; the reading can still be kept for the team.
                reading = parse_temperature(text, turn.locale)
                if isinstance(reading.value, float) and reading.unit is not None:
                    typed = reading.typed if reading.typed is not None else reading.value
                    kept = diary.Reading(turn.now, reading.value, typed, reading.unit)
                    turn.session = replace(
                        turn.session, profile=diary.with_pending(turn.session.profile, kept)
                    )
                    turn.offer_save()
        return True

    # -- the temperature diary and the emergency card ----------------------------------------

    def _say(self, key: str, locale: str, /, **params: Any) -> str:
        return self.renderer.text(self.dialogs.system[key], locale, params)

    def _threshold(self, turn: _Turn) -> float:
        threshold = turn.session.profile.get("fever_threshold")
        if isinstance(threshold, int | float) and not isinstance(threshold, bool):
            return float(threshold)
        return float(self.settings.deployment.fever_threshold)

    def _save_reading(self, turn: _Turn) -> None:
        """ "Save this reading": the pending reading goes into the diary, once. A reading at or
        above the fever number (or below 36 °C) gets the urgent answer first, again."""
        profile, reading = diary.save(turn.session.profile, turn.now)
        if reading is None:  # pressed twice, or an old button: nothing is saved twice
            turn.stale = True
            turn.say_system("moved_on")
            turn.show(self.engine.current(turn.session))
            return
        turn.session = replace(turn.session, profile=profile)
        # The same rules as the fever check (dialogs/fever.yaml): a baby at 38 °C or more
        # needs the emergency number whatever the plan's number is.
        if profile.get("age_group") == "baby" and reading.celsius >= 38:
            turn.urgent("urgent_baby", fever=True, rule="diary.saved_reading")
            turn.safety = True
        elif reading.celsius >= self._threshold(turn) or reading.celsius < 36:
            turn.urgent("urgent_fever", fever=True, rule="diary.saved_reading")
            turn.safety = True
        tz = family.zone(self.settings.deployment.timezone)
        turn.say_system(
            "diary_saved",
            back=True,
            reading=family.typed(reading, turn.locale),
            when=family.when(reading.at, turn.locale, tz),
        )

    def _diary(self, turn: _Turn) -> None:
        """``/diary``: the last 14 days as a chart and as a list."""
        readings = diary.recent(turn.session.profile, turn.now)
        if not readings:
            turn.say_system("diary_empty", back=True)
            return
        timezone = self.settings.deployment.timezone
        spec = family.diary_chart(
            self._say, readings, self._threshold(turn), turn.locale, turn.now, timezone
        )
        turn.attach("diary_caption", Attachment("photo", "temperature-diary.png", spec))
        listed = family.diary_list(readings, turn.locale, family.zone(timezone))
        turn.say_system("diary_list", back=True, readings=listed)

    def _card(self, turn: _Turn) -> None:
        """``/card``: the emergency card as a picture and as a PDF."""
        profile = turn.session.profile
        phone = profile.get("care_team_phone")
        label = self._condition_label(profile.get("condition"))
        note = ""
        if self.catalogs.unchecked(turn.locale):
            note = self._say("translation_unchecked", turn.locale)
        card = family.card(
            self._say,
            turn.locale,
            lambda locale: self.renderer.text(label, locale) if label is not None else None,
            str(phone) if phone else None,
            note,
        )
        turn.attach("card_caption", Attachment("photo", "emergency-card.png", card.spec("png")))
        turn.attach(
            "card_pdf_caption",
            Attachment("document", "emergency-card.pdf", card.spec("pdf")),
            back=True,
        )

    def _condition_label(self, code: Any) -> Text | None:
        """The button label that set ``condition: code`` in the settings (its name)."""
        if not isinstance(code, str) or code == "unsure":
            return None
        for node in self.dialogs.nodes.values():
            for choice in node.choices:
                target = self.dialogs.nodes.get(choice.goto)
                if target is not None and target.set.get("condition") == code:
                    return choice.label
        return None

    def _choose_language(self, turn: _Turn, code: str) -> None:
        if code not in self.catalogs.available():
            turn.stale = True
            turn.say_system("moved_on")
            turn.show(self.engine.current(turn.session))
            return
        turn.person = replace(turn.person, locale=code)
        turn.locale = code
        name = dict(self.catalogs.display_names()).get(code, code)
        turn.say_system("language_set", language=name)
        turn.show(self.engine.current(turn.session))


class _Turn:
    """The working state of one handled input: what to save and what to send."""

    def __init__(
        self, service: Conversations, person: Person, session: Session, locale: str, now: float
    ) -> None:
        self.service = service
        self.person = person
        self.session = session
        self.locale = locale
        self.now = now
        self.rows: list[LogRow] = []
        self.messages: list[Outbound] = []
        #: What the person typed this turn, kept in the log only with their consent.
        self.typed: str | None = None
        self.stale = False
        self.forget = False
        #: The safety screen answered (urgent, distress, confirm): sent even if unsaved.
        self.safety = False
        self.red_flags: list[tuple[str, str | None]] = []  # (rule, node) for the operators
        self.relay: Relay | None = None  # a question for the nurses

    def log_in(self, inbound: Inbound) -> None:
        keep_text = inbound.kind == "text" and self.person.consent
        if keep_text:
            self.typed = inbound.value[:MAX_INPUT]
        self.rows.append(
            LogRow(
                "in",
                inbound.kind,
                self.session.node,
                text=inbound.value[:MAX_INPUT] if keep_text else None,
                message_id=inbound.value if inbound.kind != "text" else None,
                at=self.now,
            )
        )

    def _send(
        self, reply: Reply, urgent: bool = False, extra: Sequence[tuple[str, str]] = ()
    ) -> None:
        rendered = self.service.renderer.render(reply, self.locale)
        self.messages.append(Outbound(rendered.text, (*rendered.buttons, *extra), urgent))
        mid = message_id(reply.text)
        self.rows.append(LogRow("out", "reply", self.session.node, message_id=mid, at=self.now))
        if rendered.fallback:  # shown (partly) in English: operators see which text lacks one
            self.rows.append(
                LogRow(
                    "out",
                    "fallback",
                    self.session.node,
                    message_id=mid,
                    rule=self.locale,
                    at=self.now,
                )
            )

    def show(self, replies: Sequence[Reply]) -> None:
        for reply in replies:
            self._send(reply)

    def attach(self, key: str, attachment: Attachment, back: bool = False) -> None:
        """Send ``attachment`` with the system message ``key`` as its caption."""
        self.say_system(key, back=back)
        self.messages[-1] = replace(self.messages[-1], attachment=attachment)

    def offer_save(self) -> None:
        """Put "Save this reading" first under the answer to a fever check."""
        label = self.service.renderer.text(self.service.dialogs.system["diary_save"], self.locale)
        last = self.messages[-1]
        self.messages[-1] = replace(last, buttons=((label, DIARY_SAVE), *last.buttons))

    def say_system(self, key: str, back: bool = False, **params: Any) -> None:
        text = self.service.dialogs.system[key]
        reply = self.service.engine.reply(text, {**self._placeholders(), **params})
        if back:
            reply = self._with_back(reply)
        self._send(reply)

    def _with_back(self, reply: Reply) -> Reply:
        label = (
            self.service.dialogs.system.get("back_to_where")
            or self.service.dialogs.system["back_to_menu"]
        )
        return replace(reply, choices=(*reply.choices, ReplyChoice(label, BACK_TOKEN)))

    def _placeholders(self) -> dict[str, Any]:
        return {**self.service.settings.deployment.placeholders(), **self.session.profile}

    def urgent(self, key: str, fever: bool, rule: str | None = None) -> None:
        system = self.service.dialogs.system
        ns = self._placeholders()
        if not ns.get("care_team_phone") and f"{key}_no_team" in system:
            key = f"{key}_no_team"
        text = system[key]
        reply = self.service.engine.reply(text, ns)
        self._send(self._with_back(reply), urgent=True)
        self.red_flags.append((rule or key, self.session.node))
        self.rows.append(
            LogRow("out", "flag", self.session.node, flag="red", rule=key, at=self.now)
        )

    def confirm(self, key: str, urgent_key: str) -> None:
        """Ask whether the sign is happening now, with the numbers under the question (the
        buttons go under the numbers); Yes sends ``urgent_key`` (the screening's own urgent
        answer: an emergency stays an emergency)."""
        system = self.service.dialogs.system
        urgent_key = urgent_key if urgent_key in _URGENT_KEYS else "urgent_sign"
        yes = system.get("confirm_yes") or system["forget_yes"]
        no = system.get("confirm_no") or system["forget_no"]
        choices = (
            ReplyChoice(yes, f"{CONFIRM_YES}.{urgent_key}"),
            ReplyChoice(no, CONFIRM_NO),
        )
        numbers = system.get("confirm_numbers")
        if numbers is None:  # dialogs without it (older content): the question alone
            self._send(Reply(system[key], {}, choices))
            return
        self._send(Reply(system[key], {}))
        reply = self.service.engine.reply(numbers, self._placeholders())
        self._send(replace(reply, choices=choices))

    def languages(self, names: Sequence[tuple[str, str]]) -> None:
        prompt = self.service.dialogs.system["language_prompt"]
        rendered = self.service.renderer.text(prompt, self.locale)
        buttons = tuple((name, f"{LANGUAGE_TOKEN}{code}") for code, name in names)
        self.messages.append(Outbound(rendered, buttons))

    def apply(self, result: StepResult) -> None:
        if "forget" in result.actions:
            self.forget = True
        if "stop" in result.actions:
            self.person = replace(self.person, status="stopped")
        if "unanswered" in result.actions:
            # With the question's text (when the person agreed to a record), so the content
            # team sees what people ask that no page answers.
            self.rows.append(
                LogRow("in", "unanswered", self.session.node, text=self.typed, at=self.now)
            )
        self.stale = self.stale or (
            not result.changed
            and any(r.text is self.service.dialogs.system["moved_on"] for r in result.replies)
        )
        consent = result.session.profile.get("consent")
        if isinstance(consent, bool) and consent != self.person.consent:
            self.person = replace(self.person, consent=consent)
        for flag, node in result.flags:
            self.rows.append(LogRow("out", "flag", node, flag=flag, at=self.now))
            if flag == "red":
                self.red_flags.append((f"dialog.{node}", node))
        self.session = result.session
        self.show(result.replies)

    def outcome(self) -> Outcome:
        notice = None
        if self.stale:  # the tapped button's toast says why nothing happened
            notice = self.service.renderer.text(
                self.service.dialogs.system["moved_on"], self.locale
            )
        return Outcome(
            tuple(self.messages),
            stale=self.stale,
            notice=notice,
            locale=self.locale,
            operator_notice=self._operator_notice(),
            relay=self.relay,
        )

    def _operator_notice(self) -> str | None:
        if not self.red_flags:
            return None
        rule, node = self.red_flags[0]
        params = {"rule": rule, "node": node or "-", "pseudonym": self.person.pseudonym}
        deployment = self.service.settings.deployment
        key = "operator_red_flag"
        if deployment.review_url:  # a link to the review app's queue instead of the command
            key = "operator_red_flag_link"
            params["link"] = f"{deployment.review_url.rstrip('/')}/flags"
        return self.service.renderer.text(
            self.service.dialogs.system[key], deployment.default_locale, params
        )
