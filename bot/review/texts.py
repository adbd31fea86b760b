"""What the log's ids mean: the bot message behind a reply's message id, the button behind a
pressed token, each in the person's language with the English beside it.

The log stores ids, not texts (``dialog/node#crc32`` of the English source; ``<node tag>.<n>``
for a button), so a transcript is readable only through the content it was sent from. A
message whose English has changed since is still shown, marked as changed.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.content.model import DialogSet, Text
from bot.engine.engine import SYSTEM_TOKEN, node_token
from bot.i18n.render import Renderer
from bot.placeholders import names_or_none

#: Buttons the service adds itself (not in a node's choices), by token, as system text keys.
SYSTEM_BUTTONS = {
    f"{SYSTEM_TOKEN}.back": "back_to_where",
    f"{SYSTEM_TOKEN}.confirm.no": "confirm_no",
    f"{SYSTEM_TOKEN}.forget.yes": "forget_yes",
    f"{SYSTEM_TOKEN}.forget.no": "forget_no",
    f"{SYSTEM_TOKEN}.resume.continue": "resume_continue",
    f"{SYSTEM_TOKEN}.resume.restart": "resume_restart",
}
LANGUAGE_TOKEN = "l."


@dataclass(frozen=True, slots=True)
class Shown:
    """A text as the person saw it and in English; ``changed`` when the content has moved on
    since (the English is today's, not necessarily what was sent)."""

    local: str
    english: str
    changed: bool = False
    safety: bool = False

    @property
    def same(self) -> bool:
        """Whether the person's text is the English one (English speaker, or a fallback)."""
        return self.local == self.english


def marker(name: str) -> str:
    """What a transcript shows for a placeholder only known in the conversation."""
    return f"[{name.replace('_', ' ')}]"


def _crc(source: str) -> str:
    return f"{zlib.crc32(source.encode()):08x}"


class Texts:
    """Looks texts up by the ids the log holds."""

    def __init__(
        self, dialogs: DialogSet, renderer: Renderer, params: Mapping[str, Any] | None = None
    ) -> None:
        """Index every text of ``dialogs``; ``params`` fill deployment placeholders."""
        self._renderer = renderer
        self._params = dict(params or {})
        self._by_id: dict[str, Text] = {}
        self._by_context: dict[str, list[Text]] = {}
        self._buttons: dict[str, Text] = {}
        for node in dialogs.nodes.values():
            texts = [say.text for say in node.say]
            texts += [choice.label for choice in node.choices]
            if node.input is not None and node.input.invalid is not None:
                texts.append(node.input.invalid)
            for text in texts:
                self._add(text)
            tag = node_token(node.id)
            for index, choice in enumerate(node.choices):
                self._buttons[f"{tag}.{index}"] = choice.label
        for text in dialogs.system.values():
            self._add(text)
        for token, key in SYSTEM_BUTTONS.items():
            if key in dialogs.system:
                self._buttons[token] = dialogs.system[key]
        self._system = dialogs.system

    def _add(self, text: Text) -> None:
        self._by_id[f"{text.context}#{_crc(text.source)}"] = text
        self._by_context.setdefault(text.context, []).append(text)

    def show(self, text: Text, locale: str | None, changed: bool = False) -> Shown:
        """``text`` in ``locale`` and in English."""
        # A value only known in a conversation (the family's number) shows as a readable
        # marker, "[care team phone]", in both columns.
        params = {name: marker(name) for name in names_or_none(text.source) or ()}
        params.update(self._params)
        local = self._renderer.text(text, locale or "en", params)
        english = self._renderer.text(text, "en", params)
        return Shown(local, english, changed, text.safety)

    def message(self, message_id: str | None, locale: str | None) -> Shown | None:
        """The bot message a reply row names, or ``None`` when its context is gone."""
        if not message_id:
            return None
        text = self._by_id.get(message_id)
        if text is not None:
            return self.show(text, locale)
        context = message_id.partition("#")[0]
        candidates = self._by_context.get(context, [])
        if len(candidates) == 1:  # edited since: today's version of the only text there
            return self.show(candidates[0], locale, changed=True)
        return None

    def button(self, token: str | None, locale: str | None) -> Shown | None:
        """The label of a pressed button, or ``None`` for a token no content has (any more)."""
        if not token:
            return None
        if token.startswith(LANGUAGE_TOKEN):
            code = token[len(LANGUAGE_TOKEN) :]
            return Shown(code, f"language: {code}")
        if token.startswith(f"{SYSTEM_TOKEN}.confirm.yes") and "confirm_yes" in self._system:
            return self.show(self._system["confirm_yes"], locale)
        text = self._buttons.get(token)
        return None if text is None else self.show(text, locale)
