"""The terminal chat: numbered choices, typed answers, the same service as Telegram.

Works interactively and with piped standard input, so scripts and tests can drive it. A
picture or file (the ``/diary`` chart, the ``/card`` image and PDF) is saved to a folder (the
current one unless told) and its path printed under the caption.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from bot.channels.terminal_text import layout
from bot.service import COMMANDS, Attachment, Conversations, Inbound, Outcome

CHANNEL = "console"
QUIT_WORDS = frozenset({"/quit", "/exit"})
#: Printed before a saved file's path (no words: the chat has no texts of its own to translate).
FILE_MARK = "📎"
#: ``name-2.png`` ... before giving up on a folder full of earlier copies.
MAX_COPIES = 1000


def save_attachment(attachment: Attachment, folder: Path) -> Path:
    """Write ``attachment`` into ``folder`` (made if missing) under its own file name, never
    over an earlier file (``emergency-card-2.png`` next); the path written.

    Raises:
        OSError: the folder cannot be made or written, or is full of copies.
    """
    name = Path(attachment.filename).name or "file"  # the service names it; no folders
    stem, suffix = Path(name).stem, Path(name).suffix
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(1, MAX_COPIES + 1):
        path = folder / (name if n == 1 else f"{stem}-{n}{suffix}")
        try:  # only for this user: a diary or card is health information
            handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            continue
        with os.fdopen(handle, "wb") as out:
            out.write(attachment.content)
        return path
    raise FileExistsError(f"{MAX_COPIES} copies of {name} already in {folder}")


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
        files: the folder pictures and files are saved to (default: the current folder).
    """

    def __init__(
        self,
        service: Conversations,
        user: str,
        out: TextIO = sys.stdout,
        language_code: str | None = None,
        width: int | None = None,
        rtl: bool = True,
        files: Path | None = None,
    ) -> None:
        self.service = service
        self.files = files
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
            if message.attachment is not None:
                self._save(message.attachment)
            if message.buttons:
                self.buttons = list(message.buttons)
                for i, (label, _token) in enumerate(message.buttons, 1):
                    self._write(f"{i}. {label}", width, indent="  ")
        self.out.flush()

    def _save(self, attachment: Attachment) -> None:
        """Save a drawn attachment and print where (or why not: a calm line, no crash)."""
        if not attachment.content:  # not drawn: the caption is all there is
            return
        try:
            path = save_attachment(attachment, self.files or Path.cwd())
        except OSError as exc:
            reason = exc.strerror or str(exc)
            self.out.write(f"{FILE_MARK} {attachment.filename}: not saved ({reason})\n")
            return
        self.out.write(f"{FILE_MARK} {path}\n")

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
