"""The terminal chat: numbered choices, typed answers, the same service as Telegram.

Works interactively and with piped standard input, so scripts and tests can drive it.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
from collections.abc import Callable
from typing import TextIO

from bot.channels.terminal_text import layout
from bot.service import COMMANDS, Conversations, Inbound, Outcome

CHANNEL = "console"
QUIT_WORDS = frozenset({"/quit", "/exit"})


class ConsoleChat:
    """Drives :class:`Conversations` from lines of text.

    Args:
        service: the conversation service.
        user: the name this chat speaks as (its pseudonym is derived from it).
        out: where messages are printed.
        language_code: the language to negotiate for a new person.
        width: columns to wrap to (default: the terminal's; for output that is no terminal,
            ``COLUMNS`` if set, else no wrapping).
        rtl: reorder right-to-left text for display (off for a terminal that does it
            itself, such as Konsole or mlterm).
    """

    def __init__(
        self,
        service: Conversations,
        user: str,
        out: TextIO = sys.stdout,
        language_code: str | None = None,
        width: int | None = None,
        rtl: bool = True,
    ) -> None:
        self.service = service
        self.width = width
        self.rtl = rtl
        self.user = user
        self.out = out
        self.language_code = language_code
        self.buttons: list[tuple[str, str]] = []
        self._serial = 0

    def _inbound(self, line: str) -> Inbound:
        text = line.strip()
        self._serial += 1
        if text.startswith("/"):
            name, _, argument = text[1:].partition(" ")
            name = name.lower()
            if name in COMMANDS:
                return Inbound(
                    CHANNEL,
                    self.user,
                    "command",
                    name,
                    argument.strip(),
                    language_code=self.language_code,
                )
        if text.isdigit() and 1 <= int(text) <= len(self.buttons):
            return Inbound(
                CHANNEL,
                self.user,
                "choice",
                self.buttons[int(text) - 1][1],
                language_code=self.language_code,
            )
        return Inbound(
            CHANNEL, self.user, "text", line.rstrip("\n"), language_code=self.language_code
        )

    def show(self, outcome: Outcome) -> None:
        """Print the messages, wrapped to the terminal, numbering the buttons of the last one
        that has any."""
        width = self._width()
        for message in outcome.messages:
            marker = "!! " if message.urgent else ""
            self.out.write("\n")
            self._write(f"{marker}{message.text}", width)
            if message.buttons:
                self.buttons = list(message.buttons)
                for i, (label, _token) in enumerate(message.buttons, 1):
                    self._write(f"{i}. {label}", width, indent="  ")
        self.out.flush()

    def _width(self) -> int | None:
        """Columns to lay out for: given, the terminal's, or ``COLUMNS``; ``None`` when the
        output is no terminal and no width was asked for (a pipe or file gets the text as it
        is, one paragraph a line, in reading order)."""
        if self.width:
            return self.width
        if self.out.isatty():
            return shutil.get_terminal_size((80, 24)).columns
        columns = os.environ.get("COLUMNS", "")
        return int(columns) if columns.isdigit() and int(columns) > 0 else None

    def _write(self, text: str, width: int | None, indent: str = "") -> None:
        if width is None:
            self.out.write(f"{indent}{text}\n")
            return
        lines = layout(text, width, indent=indent, rtl=self.rtl)
        self.out.write("".join(f"{line}\n" for line in lines))

    async def send(self, line: str) -> Outcome:
        """Handle one typed line, print the answer, then confirm it to the outbox."""
        outcome = await self.service.handle(self._inbound(line))
        self.show(outcome)
        if outcome.delivery is not None:
            await self.service.delivered(outcome.delivery)
        return outcome

    async def run(self, readline: Callable[[], str], prompt: bool) -> None:
        """Read lines until end of input or ``/quit``; the first step resumes or welcomes."""
        self.show(await self.service.resume(CHANNEL, self.user, self.language_code))
        while True:
            if prompt:
                self.out.write("> ")
                self.out.flush()
            line = await asyncio.to_thread(readline)
            if not line or line.strip().lower() in QUIT_WORDS:
                break
            if not line.strip():
                continue
            await self.send(line)
