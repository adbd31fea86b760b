"""One step of a conversation: (session, event) in, (new session, replies) out, no I/O."""

from __future__ import annotations

import re
import unicodedata
import zlib
from collections.abc import Callable, Mapping
from dataclasses import replace
from functools import lru_cache
from typing import Any

from bot import diary
from bot.content.loader import placeholders
from bot.content.model import DialogSet, Node, Text
from bot.engine.machine import DialogMachine
from bot.engine.types import (
    Action,
    Event,
    Finder,
    Found,
    Reply,
    ReplyChoice,
    Session,
    StepResult,
)
from bot.i18n.numbers import Parsed, parse_input

#: Most nodes passed through without waiting in one step (guards a routing loop in content).
MAX_HOPS = 64
#: How many answered nodes ``/back`` can go back through.
MAX_HISTORY = 30
SYSTEM_TOKEN = "s"
#: Button data of a page a search offered (``s.p.<node tag>``) and of "Ask your care team".
PAGE_TOKEN = f"{SYSTEM_TOKEN}.p."
ASK_TEAM_TOKEN = f"{SYSTEM_TOKEN}.ask_team"
#: A typed answer the question cannot read is searched only when it has this many words (a
#: mistyped number is not a question).
QUESTION_WORDS = 3

Parser = Callable[[str, str, str], Parsed]


@lru_cache(maxsize=8192)
def node_token(node_id: str) -> str:
    """A short, stable tag for a node, carried in button data (CRC32 in base 36)."""
    n = zlib.crc32(node_id.encode())
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while n:
        n, r = divmod(n, 36)
        out = digits[r] + out
    return out or "0"


def choice_token(node_id: str, index: int) -> str:
    """Button data for choice ``index`` of ``node_id``: ``<node tag>.<index>`` (≤ 10 bytes)."""
    return f"{node_token(node_id)}.{index}"


#: Numbers, units and punctuation around a typed reading ("38,5 °C", "101F", "fever: 39").
_READING_NOISE = re.compile(r"[\d.,:;!?°º()\-]+|(?<![a-z])(?:c|f|degrees?)(?![a-z])")


def _reading_entry(dialogs: DialogSet) -> tuple[str | None, str | None]:
    """The fever check's first question and its dialog: where a typed reading is answered."""
    for dialog in dialogs.dialogs.values():
        start = dialogs.nodes[dialog.start]
        if dialog.keywords and start.input is not None and start.input.kind == "temperature":
            return start.id, dialog.id
    return None, None


def _language(locale: str) -> str:
    return locale.replace("-", "_").split("_")[0].lower()


def _fold(text: str) -> str:
    """Case- and mark-insensitive form for matching typed words: ``Gorączka`` → ``goraczka``,
    and Arabic vowel marks (harakat, shadda) dropped so they do not split a word."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=16_384)
def _fold_keyword(word: str) -> str:
    """:func:`_fold` of a keyword from the content (never a typed message), remembered: every
    Engine made in a process folds the same few thousand words for each language."""
    return _fold(word)


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W\d_][\w-]*", _fold(text))


@lru_cache(maxsize=4096)
def _names(source: str) -> frozenset[str]:
    return frozenset(placeholders(source))


class Engine:
    """Walks a :class:`DialogSet` for any number of people with one shared machine.

    Args:
        dialogs: the loaded content.
        settings: deployment values dialogs may read (emergency number, default threshold).
        idle_seconds: after this long without a step, a person mid-dialog is asked whether to
            continue or start again.
        parser: reads typed input; defaults to the locale-aware readers in ``bot.i18n``.
        keywords: per language, per dialog id, the words that open it in that language
            (translated by the caller from the catalogs); English comes from the dialogs.
        finder: the search for questions typed in the person's words (:mod:`bot.search`).
            Without one, a keyword anywhere in a message opens its dialog and anything else
            is not understood.
    """

    def __init__(
        self,
        dialogs: DialogSet,
        settings: Mapping[str, Any],
        idle_seconds: float = 12 * 3600,
        parser: Parser = parse_input,
        keywords: Mapping[str, Mapping[str, tuple[str, ...]]] | None = None,
        finder: Finder | None = None,
    ) -> None:
        self.dialogs = dialogs
        self.finder = finder
        self._page_tags: dict[str, str] = {}
        for page in sorted(finder.pages if finder is not None else ()):
            other = self._page_tags.setdefault(node_token(page), page)
            if other != page:
                raise ValueError(f"pages {other} and {page} have the same tag: rename one")
        self.settings = dict(settings)
        # /about names who signed which topic off (empty, so hidden, while nobody has).
        self.settings.setdefault("signed_off", dialogs.signed_off())
        self.idle_seconds = idle_seconds
        self.parser = parser
        self.machine = DialogMachine(dialogs)
        self._sys = dialogs.system
        #: Where a temperature typed outside any question goes (the fever check's first
        #: question): the start node of a dialog with keywords that asks for a temperature.
        self._reading_entry, reading_dialog = _reading_entry(dialogs)
        english = {d.id: d.keywords for d in dialogs.dialogs.values()}
        self._keywords: dict[str, dict[str, str]] = {}
        self._reading_words: dict[str, frozenset[str]] = {}
        for lang, table in {"en": english, **(keywords or {})}.items():
            merged = {_fold_keyword(w): did for did, words in english.items() for w in words}
            merged.update({_fold_keyword(w): did for did, words in table.items() for w in words})
            self._keywords[lang] = {
                w: dialogs.dialogs[did].start for w, did in merged.items() if did in dialogs.dialogs
            }
            self._reading_words[lang] = frozenset(
                part for w, did in merged.items() if did == reading_dialog for part in w.split()
            )

    # -- helpers ---------------------------------------------------------------------------

    def _ns(self, profile: Mapping[str, Any], value: Any = None) -> dict[str, Any]:
        ns = {**self.settings, **profile}
        if value is not None:
            ns["value"] = value
        return ns

    def reply(
        self, text: Text, ns: Mapping[str, Any], choices: tuple[ReplyChoice, ...] = ()
    ) -> Reply:
        """A reply for ``text`` with the placeholder values it needs taken from ``ns``."""
        names = _names(text.source)
        params = {n: ns.get(n) for n in names} if names else {}
        return Reply(text, params, choices)

    def system(self, key: str, **params: Any) -> Reply:
        """A reply carrying the system message ``key``."""
        return Reply(self._sys[key], params)

    def _choices(self, node: Node, ns: Mapping[str, Any]) -> tuple[ReplyChoice, ...]:
        return tuple(
            ReplyChoice(c.label, choice_token(node.id, i))
            for i, c in enumerate(node.choices)
            if c.when is None or c.when.test(ns)
        )

    def _show(self, node: Node, profile: Mapping[str, Any], value: Any = None) -> list[Reply]:
        """The messages of ``node`` with its buttons attached to the last one."""
        ns = self._ns(profile, value)
        texts = [s.text for s in node.say if s.when is None or s.when.test(ns)]
        replies = [self.reply(t, ns) for t in texts]
        choices = self._choices(node, ns)
        if choices and replies:
            replies[-1] = replace(replies[-1], choices=choices)
        return replies

    def _enter(
        self,
        session: Session,
        target: str,
        replies: list[Reply],
        flags: list[tuple[str, str]],
        value: Any = None,
    ) -> Session:
        """Walk from ``target`` through routing nodes until one waits for the person."""
        profile = dict(session.profile)
        node_id = target
        for _ in range(MAX_HOPS):
            node = self.dialogs.nodes[node_id]
            if node.set:
                profile.update(node.set)
            for dest, source in node.copy.items():
                if source in profile:
                    profile[dest] = profile[source]
            if node.flag:
                flags.append((node.flag, node.id))
            replies.extend(self._show(node, profile, value))
            if node.choices or node.input:
                return replace(session, node=node.id, profile=profile, waiting=None)
            if node.branches:
                nxt = self.machine.fire(node.id, "route", self._ns(profile, value))
                if nxt is not None:
                    node_id = nxt
                    continue
            node_id = self.dialogs.menu  # an end node (or nothing matched): back to the menu
        raise RuntimeError(f"routing loop in content near {node_id}")

    def _push(self, session: Session) -> Session:
        if session.node is None:
            return session
        history = (*session.history, session.node)[-MAX_HISTORY:]
        return replace(session, history=history)

    def _result(
        self,
        session: Session,
        replies: list[Reply],
        now: float,
        flags: list[tuple[str, str]] | None = None,
        actions: tuple[Action, ...] = (),
        changed: bool = True,
    ) -> StepResult:
        if changed:
            session = replace(session, updated_at=now)
        return StepResult(session, tuple(replies), tuple(flags or ()), actions, changed)

    def current(self, session: Session) -> list[Reply]:
        """The messages and buttons of where the person is now (to show it again)."""
        node = self.dialogs.node(session.node or "")
        if node is None:
            node = self.dialogs.nodes[self.dialogs.menu]
        return self._show(node, session.profile)

    # -- the step --------------------------------------------------------------------------

    def step(self, session: Session, event: Event, now: float) -> StepResult:
        """Apply one event to a session.

        Args:
            session: where the person is.
            event: what they did.
            now: the current Unix time (passed in so the engine reads no clock).

        Returns:
            The new session, the replies to send, flags raised and actions for the caller
            (forget the person, stop sending, offer languages, log an unanswered question).
        """
        if event.kind == "command":
            return self._command(session, event, now)
        if session.node is None:
            replies: list[Reply] = []
            flags: list[tuple[str, str]] = []
            return self._result(
                self._enter(session, self.dialogs.welcome, replies, flags), replies, now, flags
            )
        if session.node not in self.dialogs.nodes:
            replies = [self.system("content_changed")]
            flags = []
            fresh = replace(session, history=(), waiting=None)
            return self._result(
                self._enter(fresh, self.dialogs.menu, replies, flags), replies, now, flags
            )
        if session.waiting == "forget" and event.kind == "choice":
            return self._forget_answer(session, event, now)
        if session.waiting == "resume" and event.kind == "choice":
            return self._resume_answer(session, event, now)
        if (
            session.waiting is None
            and now - session.updated_at > self.idle_seconds
            and session.node != self.dialogs.menu
        ):
            prompt = Reply(
                self._sys["resume_prompt"],
                {},
                (
                    ReplyChoice(self._sys["resume_continue"], f"{SYSTEM_TOKEN}.resume.continue"),
                    ReplyChoice(self._sys["resume_restart"], f"{SYSTEM_TOKEN}.resume.restart"),
                ),
            )
            return self._result(replace(session, waiting="resume"), [prompt], now)
        if session.waiting is not None:
            session = replace(session, waiting=None)
        if event.kind == "choice":
            return self._choice(session, event, now)
        return self._text(session, event, now)

    def _command(self, session: Session, event: Event, now: float) -> StepResult:
        name = event.value
        replies: list[Reply] = []
        flags: list[tuple[str, str]] = []
        fresh = replace(session, waiting=None)
        if name == "start":
            target = self._deep_link(event.argument)
            if target is None:
                target = self.dialogs.welcome if session.node is None else self.dialogs.menu
            return self._result(
                self._enter(self._push(fresh), target, replies, flags), replies, now, flags
            )
        if name in ("help", "about", "settings") and name in self.dialogs.dialogs:
            target = self.dialogs.dialogs[name].start
            return self._result(
                self._enter(self._push(fresh), target, replies, flags), replies, now, flags
            )
        if name == "back":
            return self._back(fresh, now)
        if name == "language":
            return self._result(fresh, [], now, actions=("choose_language",))
        if name == "forget":
            prompt = Reply(
                self._sys["forget_confirm"],
                {},
                (
                    ReplyChoice(self._sys["forget_yes"], f"{SYSTEM_TOKEN}.forget.yes"),
                    ReplyChoice(self._sys["forget_no"], f"{SYSTEM_TOKEN}.forget.no"),
                ),
            )
            return self._result(replace(session, waiting="forget"), [prompt], now)
        if name == "stop":
            return self._result(fresh, [self.system("stopped")], now, actions=("stop",))
        # /menu and any unknown command
        menu = replace(fresh, history=())
        return self._result(
            self._enter(menu, self.dialogs.menu, replies, flags), replies, now, flags
        )

    def _deep_link(self, payload: str) -> str | None:
        payload = payload.strip().lower()
        if not payload:
            return None
        dialog = self.dialogs.dialogs.get(payload)
        return dialog.start if dialog is not None else None

    def _back(self, session: Session, now: float) -> StepResult:
        if not session.history:
            return self._result(
                session, [self.system("back_nothing"), *self.current(session)], now, changed=False
            )
        *rest, previous = session.history
        if previous not in self.dialogs.nodes:
            previous = self.dialogs.menu
        moved = replace(session, node=previous, history=tuple(rest))
        return self._result(moved, self._show(self.dialogs.nodes[previous], moved.profile), now)

    def _forget_answer(self, session: Session, event: Event, now: float) -> StepResult:
        if event.value == f"{SYSTEM_TOKEN}.forget.yes":
            return self._result(Session(), [self.system("forget_done")], now, actions=("forget",))
        back = replace(session, waiting=None)
        return self._result(back, [self.system("forget_kept"), *self.current(back)], now)

    def _resume_answer(self, session: Session, event: Event, now: float) -> StepResult:
        back = replace(session, waiting=None)
        if event.value == f"{SYSTEM_TOKEN}.resume.restart":
            replies: list[Reply] = []
            flags: list[tuple[str, str]] = []
            menu = replace(back, history=())
            return self._result(
                self._enter(menu, self.dialogs.menu, replies, flags), replies, now, flags
            )
        return self._result(back, self.current(back), now)

    def _stale(self, session: Session, now: float) -> StepResult:
        return self._result(
            session, [self.system("moved_on"), *self.current(session)], now, changed=False
        )

    def _choice(self, session: Session, event: Event, now: float) -> StepResult:
        if event.value.startswith(PAGE_TOKEN):
            return self._open_page(session, event.value[len(PAGE_TOKEN) :], now)
        if event.value == ASK_TEAM_TOKEN:
            return self._ask_team(session, now)
        node = self.dialogs.nodes[session.node or self.dialogs.menu]
        tag, _, index = event.value.partition(".")
        if tag != node_token(node.id) or not index.isdigit() or int(index) >= len(node.choices):
            return self._stale(session, now)
        ns = self._ns(session.profile)
        nxt = self.machine.fire(node.id, f"c{int(index)}", ns)
        if nxt is None:  # a hidden choice (its condition is false): forged or out of date
            return self._stale(session, now)
        replies: list[Reply] = []
        flags: list[tuple[str, str]] = []
        return self._result(
            self._enter(self._push(session), nxt, replies, flags), replies, now, flags
        )

    def _answer(
        self,
        session: Session,
        node: Node,
        text: str,
        locale: str,
        now: float,
        push_from: Session | None = None,
    ) -> StepResult | None:
        """Read ``text`` as the answer to ``node``'s input and move on; ``None`` if unreadable."""
        spec = node.input
        assert spec is not None
        parsed = self.parser(spec.kind, text, locale)
        value = parsed.value
        if (
            parsed.problem is None
            and isinstance(value, float)
            and (
                (spec.minimum is not None and value < spec.minimum)
                or (spec.maximum is not None and value > spec.maximum)
            )
        ):
            parsed = Parsed(None, "range")
        if parsed.problem is not None:
            return None
        profile = dict(session.profile)
        if spec.save:
            profile[spec.save] = value
        actions: tuple[Action, ...] = ()
        if spec.diary and isinstance(value, float) and parsed.unit is not None:
            # Held until the person presses "Save this reading" (see bot/diary.py).
            typed = parsed.typed if parsed.typed is not None else value
            profile = diary.with_pending(profile, diary.Reading(now, value, typed, parsed.unit))
            actions = ("reading",)
        answered = replace(self._push(push_from or session), profile=profile)
        nxt = self.machine.fire(node.id, "answer", self._ns(profile, value))
        replies: list[Reply] = []
        flags: list[tuple[str, str]] = []
        target = nxt if nxt is not None else self.dialogs.menu
        return self._result(
            self._enter(answered, target, replies, flags, value), replies, now, flags, actions
        )

    def _typed_reading(self, text: str, lang: str) -> bool:
        """Whether ``text`` is a temperature reading and nothing else (bar the dialog's words)."""
        if self._reading_entry is None:
            return False
        allowed = self._reading_words.get(lang) or self._reading_words["en"]
        words = _READING_NOISE.sub(" ", _fold(text)).split()
        return any(ch.isdigit() for ch in text) and all(w in allowed for w in words)

    def _keyword_target(self, text: str, lang: str, anywhere: bool = True) -> str | None:
        """The start of the dialog a typed keyword opens, in the person's language or English:
        the whole message, or (``anywhere``) any of its words or phrases."""
        table = self._keywords.get(lang) or self._keywords["en"]
        typed = _fold(text.strip())
        if typed in table:
            return table[typed]
        if not anywhere:
            words = _words(typed)
            return table.get(" ".join(words)) if words else None
        tokens = _words(typed)
        for word, start in table.items():
            if word in tokens or (" " in word and word in typed):
                return start
        return None

    def _text(self, session: Session, event: Event, now: float) -> StepResult:
        node = self.dialogs.nodes[session.node or self.dialogs.menu]
        if node.input is not None:
            answered = self._answer(session, node, event.value, event.locale, now)
            if answered is not None:
                return answered
            found = self._search_answer(event)
            if found is not None:
                return self._found(session, found, now, again=True)
            ask = node.input.invalid or self._sys["input_invalid"]
            ns = self._ns(session.profile)
            return self._result(
                session, [self.reply(ask, ns), *self.current(session)], now, changed=False
            )
        lang = _language(event.locale)
        if self._reading_entry is not None and self._typed_reading(event.value, lang):
            entry = self.dialogs.nodes[self._reading_entry]
            reading = self._answer(session, entry, event.value, event.locale, now)
            if reading is not None:
                return reading
        replies: list[Reply] = []
        flags: list[tuple[str, str]] = []
        opened = self._keyword_target(event.value, lang, anywhere=self.finder is None)
        if opened is not None:
            return self._result(
                self._enter(self._push(session), opened, replies, flags), replies, now, flags
            )
        if self.finder is not None:
            return self._found(session, self.finder.find(event.value, event.locale), now)
        return self._result(
            session,
            [self.system("not_understood"), *self.current(session)],
            now,
            actions=("unanswered",),
            changed=False,
        )

    # -- questions in the person's words -----------------------------------------------------

    def _search_answer(self, event: Event) -> Found | None:
        """What a search makes of text typed where a question waits for an answer it could
        not read: pages that fit well, or a greeting; else ``None`` (ask again)."""
        if self.finder is None:
            return None
        found = self.finder.find(event.value, event.locale)
        if found.kind in ("greeting", "thanks"):
            return found
        if found.kind == "pages" and len(_words(event.value)) >= QUESTION_WORDS:
            return found
        return None

    def _found(self, session: Session, found: Found, now: float, again: bool = False) -> StepResult:
        """The answer to a searched question: pages as buttons, "Ask your care team" when
        none fits well, a short answer to a greeting. ``again``: show the question that was
        waiting once more, under it. Nothing in the session changes."""
        actions: tuple[Action, ...] = ()
        pages = tuple(
            ReplyChoice(self.finder.label(p), f"{PAGE_TOKEN}{node_token(p)}", self.finder.detail(p))
            for p in found.pages
            if self.finder is not None
        )
        ask = ReplyChoice(self._sys["search_ask_team_button"], ASK_TEAM_TOKEN)
        if found.kind in ("greeting", "thanks"):
            replies = [self.system(f"search_{found.kind}"), *self.current(session)]
            return self._result(session, replies, now, changed=False)
        if found.kind == "pages":
            # a page whose answer is to ask the team ("Ask your team if nursery or school is
            # OK") comes with the button that says how
            asks = any(
                self.dialogs.nodes[p].ask_team for p in found.pages if p in self.dialogs.nodes
            )
            replies = [Reply(self._sys["search_results"], {}, (*pages, ask) if asks else pages)]
        elif found.kind == "weak" and pages:
            replies = [Reply(self._sys["search_unsure"], {}, (*pages, ask))]
            actions = ("unanswered",)
        else:
            menu = ReplyChoice(
                self._sys["back_to_menu"], f"{PAGE_TOKEN}{node_token(self.dialogs.menu)}"
            )
            replies = [Reply(self._sys["search_nothing"], {}, (ask, menu))]
            actions = ("unanswered",)
        if again:
            replies += self.current(session)
        return self._result(session, replies, now, actions=actions, changed=False)

    def _open_page(self, session: Session, tag: str, now: float) -> StepResult:
        """A page button from a search: open the page, wherever the person is now."""
        target = self._page_tags.get(tag)
        if target is None and tag == node_token(self.dialogs.menu):
            target = self.dialogs.menu
        if target is None or target not in self.dialogs.nodes:
            return self._stale(session, now)
        replies: list[Reply] = []
        flags: list[tuple[str, str]] = []
        moved = self._push(session) if target != self.dialogs.menu else replace(session, history=())
        return self._result(self._enter(moved, target, replies, flags), replies, now, flags)

    def _ask_team(self, session: Session, now: float) -> StepResult:
        """ "Ask your care team": who to ask, with their number when the person saved it."""
        ns = self._ns(session.profile)
        key = "search_ask_team" if ns.get("care_team_phone") else "search_ask_team_no_team"
        replies = [self.reply(self._sys[key], ns), *self.current(session)]
        return self._result(session, replies, now, changed=False)
