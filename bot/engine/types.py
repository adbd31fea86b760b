"""Plain data crossing the engine boundary: events in, sessions and replies out."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from bot.content.model import Text

EventKind = Literal["text", "choice", "command"]


@dataclass(frozen=True, slots=True)
class Event:
    """One input from a person: typed text, a pressed button (its token) or a command.

    ``locale`` is the person's locale, used to read numbers typed in local formats.
    """

    kind: EventKind
    value: str
    locale: str = "en"
    argument: str = ""


@dataclass(frozen=True, slots=True)
class Session:
    """Where a person is: plain data, stored between steps, never a machine model.

    Attributes:
        node: qualified node id the person is at (``None`` before the first step).
        history: nodes the person answered, newest last, for ``/back``.
        profile: what the person told the bot (age group, threshold, care-team phone ...).
        updated_at: Unix time of the last step, for the idle "continue?" offer.
        waiting: a pending system question (``"resume"`` or ``"forget"``), else ``None``.
    """

    node: str | None = None
    history: tuple[str, ...] = ()
    profile: Mapping[str, Any] = field(default_factory=dict)
    updated_at: float = 0.0
    waiting: str | None = None


@dataclass(frozen=True, slots=True)
class ReplyChoice:
    """A button to show: its label and the compact token that comes back when pressed."""

    label: Text
    token: str
    #: Shown after the label when buttons elsewhere share its name ("Severe congenital
    #: neutropenia · Is it inherited?"): which page the button opens.
    detail: Text | None = None


@dataclass(frozen=True, slots=True)
class Reply:
    """One message to send, not yet translated: text, placeholder values and buttons."""

    text: Text
    params: Mapping[str, Any] = field(default_factory=dict)
    choices: tuple[ReplyChoice, ...] = ()


Action = Literal["forget", "stop", "choose_language", "unanswered", "reading"]


@dataclass(frozen=True, slots=True)
class StepResult:
    """What one step produced: the new session, replies, raised flags and side effects."""

    session: Session
    replies: tuple[Reply, ...]
    flags: tuple[tuple[str, str], ...] = ()  # (flag, node id)
    actions: tuple[Action, ...] = ()
    changed: bool = True


#: What a search made of a typed question: pages that fit well, pages that may fit (the
#: question counts as unanswered), nothing at all, or a greeting or thanks.
FoundKind = Literal["pages", "weak", "none", "greeting", "thanks"]


@dataclass(frozen=True, slots=True)
class Found:
    """A search's answer to a typed question: its kind and the pages (node ids), best first."""

    kind: FoundKind
    pages: tuple[str, ...] = ()


class Finder(Protocol):
    """Finds the pages for a question typed in the person's words (see :mod:`bot.search`)."""

    @property
    def pages(self) -> frozenset[str]:
        """Every node a search may offer: the only nodes a page button may open."""

    def label(self, node: str) -> Text:
        """The button label of page ``node``."""

    def detail(self, node: str) -> Text | None:
        """What tells page ``node``'s button from another of the same name, if anything."""

    def find(self, text: str, locale: str) -> Found:
        """The best pages for ``text``, searched in ``locale``'s language."""
