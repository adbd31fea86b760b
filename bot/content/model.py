"""The dialog model: what a loaded ``dialogs/*.yaml`` file becomes.

Every text an author writes is a :class:`Text`: the English source (the gettext msgid), the
dialog/node path (the msgctxt), an optional note for translators and the line it came from.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

InputKind = Literal["temperature", "number", "yes_no", "text"]
INPUT_KINDS: tuple[InputKind, ...] = ("temperature", "number", "yes_no", "text")

#: A compiled condition: takes the names it may read (profile, settings, ``value``).
Predicate = Callable[[Mapping[str, Any]], bool]


@dataclass(frozen=True, slots=True)
class Source:
    """A public guideline or patient-information page that a dialog's facts come from."""

    title: str
    url: str


@dataclass(frozen=True, slots=True)
class Review:
    """Clinical review metadata shown in ``/about`` and checked by the validator."""

    status: str
    reviewed: str
    next_review: str
    sources: tuple[Source, ...]
    #: Clinical sign-off: who (name and role) and on which date; required for ``reviewed``.
    reviewed_by: str = ""
    reviewed_on: str = ""


@dataclass(frozen=True, slots=True)
class Text:
    """One translatable text: English source, gettext context, translator note."""

    source: str
    context: str
    note: str = ""
    line: int = 0
    safety: bool = False


@dataclass(frozen=True, slots=True)
class Condition:
    """A ``when:`` expression as written and compiled."""

    expr: str
    test: Predicate = field(compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Say:
    """A message a node sends, shown only when its condition holds."""

    text: Text
    when: Condition | None = None


@dataclass(frozen=True, slots=True)
class Choice:
    """A button: its label and the qualified node it leads to."""

    label: Text
    goto: str
    when: Condition | None = None
    line: int = 0


@dataclass(frozen=True, slots=True)
class Branch:
    """One routing rule: go to ``goto`` when ``when`` holds (always, when it is ``None``)."""

    goto: str
    when: Condition | None = None
    line: int = 0


@dataclass(frozen=True, slots=True)
class InputSpec:
    """Typed input a node waits for."""

    kind: InputKind
    save: str | None
    invalid: Text | None
    minimum: float | None = None
    maximum: float | None = None
    #: A temperature the person may keep in their diary ("Save this reading").
    diary: bool = False


@dataclass(frozen=True, slots=True)
class Node:
    """One step of a dialog; ``id`` is qualified as ``dialog/node``."""

    id: str
    dialog: str
    say: tuple[Say, ...] = ()
    choices: tuple[Choice, ...] = ()
    input: InputSpec | None = None
    branches: tuple[Branch, ...] = ()
    set: Mapping[str, Any] = field(default_factory=dict)
    #: ``field: other_field``: copy a saved answer into the field the code reads (used to keep
    #: a typed value only after the person confirmed it).
    copy: Mapping[str, str] = field(default_factory=dict)
    flag: str | None = None
    end: bool = False
    #: The page's answer is to ask the care team ("Ask your team if nursery or school is OK"):
    #: a search that offers it offers "Ask your care team" with it.
    ask_team: bool = False
    file: str = ""
    line: int = 0


@dataclass(frozen=True, slots=True)
class Dialog:
    """A dialog file: metadata and nodes (keyed by qualified id)."""

    id: str
    title: Text
    review: Review
    start: str
    nodes: Mapping[str, Node]
    keywords: tuple[str, ...] = ()
    file: str = ""
    #: The keywords as one translatable text ("fever, temperature"), so translators can give
    #: the words people type in their language.
    keywords_text: Text | None = None


@dataclass(frozen=True, slots=True)
class DialogSet:
    """Everything loaded from ``dialogs/``: dialogs plus the system messages."""

    dialogs: Mapping[str, Dialog]
    nodes: Mapping[str, Node]
    system: Mapping[str, Text]
    menu: str
    welcome: str
    #: Profile fields the dialogs set or save, with their kind (temperature, number, ...).
    fields: Mapping[str, str] = field(default_factory=dict)
    #: The review block (status, dates, sources) of each system file, by file name.
    system_reviews: Mapping[str, Review] = field(default_factory=dict)

    def node(self, node_id: str) -> Node | None:
        """The node with this qualified id, or ``None`` when it no longer exists."""
        return self.nodes.get(node_id)

    def signed_off(self) -> str:
        """Who signed which topic off and when, for /about (``signed_off``); empty while no
        dialog has ``status: reviewed``."""
        parts = [
            f"{d.title.source} ({d.review.reviewed_by}, {d.review.reviewed_on})"
            for _, d in sorted(self.dialogs.items())
            if d.review.status == "reviewed"
        ]
        parts += [
            f"{name} ({r.reviewed_by}, {r.reviewed_on})"
            for name, r in sorted(self.system_reviews.items())
            if r.status == "reviewed"
        ]
        return "; ".join(parts)


#: Names the content itself provides to dialogs (placeholders and conditions), beside the
#: deployment settings and the profile: ``signed_off`` is :meth:`DialogSet.signed_off`.
CONTENT_FACTS: tuple[str, ...] = ("signed_off",)
