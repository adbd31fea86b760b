"""`neutroguide logs`: review conversations by pseudonym, read one transcript, export the log,
purge what is older than the retention policy."""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import time
from collections.abc import Mapping, Sequence
from contextlib import ExitStack, aclosing
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from bot.cli.common import store_command
from bot.config import ConfigError, load_settings
from bot.store import LogRow, SqlStore, open_existing_store

#: Columns of ``logs export``, in order (CSV header and JSON Lines keys).
EXPORT_FIELDS = (
    "pseudonym",
    "at",
    "direction",
    "kind",
    "node",
    "message_id",
    "text",
    "flag",
    "rule",
)
#: ``--older-than``: a whole or decimal number of days (``d``) or hours (``h``).
AGE_PATTERN = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([dh])\s*", re.I)
_UNIT_SECONDS = {"d": 86_400.0, "h": 3_600.0}
#: Longest text shown in a ``logs show --wide`` table cell; ``export`` has the full text.
TEXT_WIDTH = 60
#: ``logs show`` and ``logs list`` fit a terminal this wide (``--wide`` for everything).
SCREEN_WIDTH = 100


def add_parser(sub: Any) -> None:
    """Register `logs list`, `logs show`, `logs export`, `logs stats` and `logs purge`."""
    parser = sub.add_parser(
        "logs",
        help="review conversations (by pseudonym) and export the log",
        description="Read the conversation log in DATABASE_URL. People appear only as "
        "pseudonyms; see docs/operators.md.",
    )
    commands = parser.add_subparsers(dest="logs_command", metavar="ACTION", required=True)

    listing = commands.add_parser("list", help="conversations, most recently active first")
    listing.add_argument("--limit", type=int, default=100, help="show at most N (default 100)")
    listing.set_defaults(func=_sync(_list))

    show = commands.add_parser("show", help="one conversation's transcript, oldest first")
    show.add_argument(
        "pseudonym", help="the pseudonym from `logs list`, or enough of its start to be unique"
    )
    show.add_argument(
        "--wide",
        action="store_true",
        help="every column (message ids, flags and rules) and whole texts, however wide",
    )
    show.set_defaults(func=_sync(_show))

    export = commands.add_parser("export", help="every log row, oldest first, as CSV or JSON Lines")
    export.add_argument("--format", choices=("csv", "jsonl"), default="csv", dest="fmt")
    export.add_argument("--output", type=Path, help="write to FILE instead of standard output")
    export.set_defaults(func=_sync(_export))

    stats = commands.add_parser("stats", help="counts: people, messages, flags, unanswered")
    stats.set_defaults(func=_sync(_stats))

    purge = commands.add_parser(
        "purge",
        help="delete log rows older than an age, and people with no activity since",
        description="Delete conversation log rows older than AGE, and everything about people "
        "who have not written since then. People active since keep their place and settings. "
        "See docs/operators.md, 'How long conversation logs are kept'.",
    )
    purge.add_argument(
        "--older-than",
        required=True,
        type=parse_age,
        metavar="AGE",
        dest="older_than",
        help="e.g. 90d (days) or 12h (hours)",
    )
    purge.add_argument("--dry-run", action="store_true", help="only say how much would be removed")
    purge.set_defaults(func=_sync(_purge))


def _sync(command: Any) -> Any:
    """Run an async command on a store opened (read-only, no migration) from DATABASE_URL."""
    return store_command("logs", command, open_existing_store)


def parse_age(text: str) -> float:
    """``"90d"`` or ``"12h"`` as seconds (argparse type for ``--older-than``).

    Raises:
        argparse.ArgumentTypeError: not a positive number followed by ``d`` or ``h``.
    """
    match = AGE_PATTERN.fullmatch(text)
    seconds = float(match[1]) * _UNIT_SECONDS[match[2].lower()] if match else 0.0
    if seconds <= 0:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an age; write days or hours, e.g. 90d or 12h"
        )
    return seconds


def iso(at: float) -> str:
    """Unix time as ISO 8601 UTC to the second, e.g. ``2026-11-21T23:05:00Z``."""
    return datetime.fromtimestamp(at, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def format_flags(flags: Mapping[str, int]) -> str:
    """``{"red": 2, "unanswered": 1}`` as ``red=2, unanswered=1``; ``-`` for none."""
    return ", ".join(f"{name}={n}" for name, n in sorted(flags.items())) or "-"


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A plain-text table: left-aligned columns two spaces apart, a rule under the header."""
    widths = [len(h) for h in headers]
    for row in rows:
        widths = [max(w, len(cell)) for w, cell in zip(widths, row, strict=True)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    return "\n".join([line(headers), line(["-" * w for w in widths]), *map(line, rows)])


def _cell(value: str | None, width: int = 0) -> str:
    if value is None or value == "":
        return "-"
    flat = " ".join(value.split())  # newlines and tabs would break the table
    if width and len(flat) > width:
        return flat[: width - 1] + "…"
    return flat


async def _list(store: SqlStore, args: argparse.Namespace) -> int:
    found = await store.conversations(limit=args.limit)
    if not found:
        print("No conversations yet.")
        return 0
    headers = ("PSEUDONYM", "LAST ACTIVE (UTC)", "MSGS", "UNANSWERED", "FLAGS", "STATUS", "LANG")
    rows = [
        (
            c.pseudonym,
            iso(c.last_active),
            str(c.messages),
            str(c.unanswered),
            _cell(format_flags({k: n for k, n in c.flags.items() if k != "unanswered"}), 14),
            c.status,
            _cell(c.locale),
        )
        for c in found
    ]
    print(table(headers, rows))
    more = " (there may be more: raise --limit)" if len(found) == args.limit else ""
    print(f"\n{len(found)} conversation(s){more}.")
    return 0


async def _show(store: SqlStore, args: argparse.Namespace) -> int:
    pseudonym = await _resolve(store, args.pseudonym)
    if pseudonym is None:
        return 1
    loaded = await store.load(pseudonym)
    transcript = await store.transcript(pseudonym)
    if loaded is None and not transcript:
        print(f"neutroguide logs: no conversation with pseudonym {pseudonym}", file=sys.stderr)
        return 1
    locale = None
    if loaded is not None:
        person, session = loaded
        locale = person.locale
        print(
            f"Pseudonym {person.pseudonym}  status {person.status}  "
            f"locale {_cell(person.locale)}  now at {_cell(session.node)}\n"
        )
    if args.wide:
        headers = ("TIME (UTC)", "DIR", "KIND", "NODE", "MESSAGE ID", "FLAG/RULE", "TEXT")
        print(table(headers, [_transcript_row(row) for row in transcript]))
    else:
        print(readable_transcript(transcript, _texts(), locale))
    print(f"\n{len(transcript)} log row(s).")
    return 0


async def _resolve(store: SqlStore, given: str) -> str | None:
    """The full pseudonym for a unique prefix (or the pseudonym itself); ``None`` when there
    is none or several (said on stderr)."""
    from bot.store.review import ReviewStore

    if not re.fullmatch(r"[0-9a-fA-F]{1,64}", given):
        print(
            f"neutroguide logs: {given!r} is not a pseudonym: they have only 0-9 and a-f",
            file=sys.stderr,
        )
        return None
    found = await ReviewStore(store).resolve_prefix(given)
    if given.lower() in found:
        return given.lower()
    if len(found) == 1:
        return found[0]
    if found:
        print(
            f"neutroguide logs: several pseudonyms start with {given}; type more of it",
            file=sys.stderr,
        )
        return None
    print(f"neutroguide logs: no conversation with pseudonym {given}", file=sys.stderr)
    return None


def _texts() -> Any:
    """The content's texts (labels and bot messages), or ``None`` when it cannot be loaded."""
    from bot.content.loader import ContentError, load_dialogs
    from bot.i18n.render import CatalogError, Catalogs, Renderer
    from bot.review.texts import Texts

    try:
        settings = load_settings()
        dialogs = load_dialogs(settings.dialogs_dir)
        catalogs = Catalogs.load(settings.locales_dir)
    except (ConfigError, ContentError, CatalogError, OSError) as exc:
        print(f"neutroguide logs: showing ids only: content not loaded ({exc})", file=sys.stderr)
        return None
    return Texts(dialogs, Renderer(catalogs, dialogs), settings.deployment.placeholders())


def readable_transcript(rows: Sequence[LogRow], texts: Any, locale: str | None) -> str:
    """The transcript in :data:`SCREEN_WIDTH` columns: time, who, step and what was said,
    button labels and bot messages in the person's language with the English below."""
    headers = ("TIME (UTC)", "WHO", "STEP", "WHAT")
    step_width = 22
    used = 20 + 2 + 6 + 2 + step_width + 2
    room = SCREEN_WIDTH - used
    lines: list[tuple[str, str, str, str]] = []
    for row in rows:
        who, what, english = _readable(row, texts, locale)
        lines.append((iso(row.at), who, _cell(row.node, step_width), _cell(what, room)))
        if english is not None:
            lines.append(("", "", "", _cell(f"en: {english}", room)))
    return table(headers, lines)


def _readable(row: LogRow, texts: Any, locale: str | None) -> tuple[str, str, str | None]:
    """(who, what in the person's language, the English when different) for one row."""
    if row.kind == "text":
        return "person", row.text if row.text else "(typed text not kept: no consent)", None
    if row.kind == "choice":
        shown = texts.button(row.message_id, locale) if texts is not None else None
        if shown is None:
            return "person", f"pressed {row.message_id or '?'}", None
        return "person", f"[{shown.local}]", None if shown.same else f"[{shown.english}]"
    if row.kind == "command":
        return "person", f"/{row.message_id}" if row.message_id else "/?", None
    if row.kind == "media":
        return "person", "(photo, voice note or file: not stored)", None
    if row.kind == "reply":
        shown = texts.message(row.message_id, locale) if texts is not None else None
        if shown is None:
            return "bot", row.message_id or "-", None
        urgent = "URGENT: " if shown.safety else ""
        return "bot", urgent + shown.local, None if shown.same else shown.english
    detail = "/".join(part for part in (row.flag, row.rule) if part)
    mark = "!! " if row.kind == "escalation" or row.flag == "red" else ""
    extra = f" {row.message_id} ({row.rule})" if row.kind == "fallback" else f" {detail}"
    return "event", f"{mark}{row.kind}{extra if extra.strip() else ''}", None


def _transcript_row(row: LogRow) -> tuple[str, ...]:
    flag = "/".join(part for part in (row.flag, row.rule) if part) or None
    return (
        iso(row.at),
        row.direction,
        row.kind,
        _cell(row.node),
        _cell(row.message_id),
        _cell(flag),
        _cell(row.text),
    )


def export_record(pseudonym: str, row: LogRow) -> dict[str, Any]:
    """One export record: :data:`EXPORT_FIELDS`, time as ISO 8601 UTC, absent values ``None``."""
    fields = {**asdict(row), "pseudonym": pseudonym, "at": iso(row.at)}
    return {name: fields[name] for name in EXPORT_FIELDS}


async def _export(store: SqlStore, args: argparse.Namespace) -> int:
    with ExitStack() as stack:
        out: TextIO = sys.stdout
        if args.output is not None:
            out = stack.enter_context(args.output.open("w", encoding="utf-8", newline=""))
        count = await _write_export(store, args.fmt, out)
    if args.output is not None:
        print(f"Exported {count} log row(s) to {args.output}.", file=sys.stderr)
    return 0


async def _write_export(store: SqlStore, fmt: str, out: TextIO) -> int:
    count = 0
    writer = csv.DictWriter(out, fieldnames=EXPORT_FIELDS, lineterminator="\n")
    if fmt == "csv":
        writer.writeheader()
    async with aclosing(store.export()) as rows:
        async for pseudonym, row in rows:
            record = export_record(pseudonym, row)
            if fmt == "csv":
                writer.writerow({k: "" if v is None else v for k, v in record.items()})
            else:
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    return count


async def _stats(store: SqlStore, args: argparse.Namespace) -> int:
    stats = await store.stats()
    rows = [
        ("people", str(stats["people"])),
        *((f"  {status}", str(n)) for status, n in stats["by_status"].items()),
        ("messages in", str(stats["messages_in"])),
        ("messages out", str(stats["messages_out"])),
        ("escalations", str(stats["escalations"])),
        ("unanswered", str(stats["unanswered"])),
        ("fallbacks", str(stats["fallbacks"])),
        ("flags", format_flags(stats["flags"])),
    ]
    print(table(("WHAT", "COUNT"), rows))
    return 0


async def _purge(store: SqlStore, args: argparse.Namespace) -> int:
    before = time.time() - args.older_than
    if args.dry_run:
        would = await store.purgeable(before)
        print(
            f"Would remove {would.log_rows} conversation log row(s) older than {iso(before)}, "
            f"and {would.people} person(s) with no activity since then (dry run: nothing "
            "removed)."
        )
        return 0
    purged = await store.purge(before)
    print(
        f"Removed {purged.log_rows} conversation log row(s) older than {iso(before)}, "
        f"and {purged.people} person(s) with no activity since then."
    )
    if purged.nurse_topics:
        # The running bot deletes these at its own daily purge; from here it cannot.
        threads = ", ".join(str(thread) for _, thread in purged.nurse_topics)
        print(
            f"{len(purged.nurse_topics)} of them had a topic in the nurses' group, still "
            f"there in Telegram: delete topic(s) {threads} in the group by hand."
        )
    return 0
