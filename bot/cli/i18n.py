"""``neutroguide i18n``: extract texts, update catalogs, start a language, check catalogs."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from babel import UnknownLocaleError

from bot.i18n import check as checker
from bot.i18n import workflow
from bot.i18n.render import REVIEW_HEADER


def add_parser(sub: Any) -> None:
    """Register ``i18n`` and its subcommands."""
    parser = sub.add_parser("i18n", help="translations: extract, update, init, check")
    parser.set_defaults(func=lambda _args: _usage(parser))
    commands = parser.add_subparsers(dest="i18n_command", metavar="ACTION")

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--locales-dir",
            type=Path,
            default=Path("locales"),
            help="where messages.pot and <lang>/LC_MESSAGES/messages.po live (default: locales)",
        )

    p = commands.add_parser("extract", help="dialogs/*.yaml (and code) -> locales/messages.pot")
    common(p)
    p.add_argument("--root", type=Path, default=Path("."), help="project directory (default: .)")
    p.add_argument("--mapping", type=Path, default=None, help="Babel mapping (root/babel.cfg)")
    p.set_defaults(func=_extract)

    p = commands.add_parser("update", help="merge messages.pot into every messages.po")
    common(p)
    p.add_argument("--locale", action="append", help="only this locale (repeatable)")
    p.add_argument("--no-extract", action="store_true", help="use messages.pot as it is")
    p.add_argument("--root", type=Path, default=Path("."), help="project directory (default: .)")
    p.add_argument("--mapping", type=Path, default=None, help="Babel mapping (root/babel.cfg)")
    p.set_defaults(func=_update)

    p = commands.add_parser("init", help="start a catalog for a new language")
    common(p)
    p.add_argument("locale", help="language code, e.g. it, pt_BR")
    p.add_argument("--translator", default="", help='"Name <email>" for Last-Translator')
    p.set_defaults(func=_init)

    p = commands.add_parser("todo", help="JSON list of entries a translator still has to do")
    common(p)
    p.add_argument("--locale", required=True, help="language code, e.g. de")
    p.add_argument("--all", action="store_true", help="every entry, translated ones too")
    p.add_argument("--context", default="", help="only contexts starting with this, e.g. fever/")
    p.add_argument("--limit", type=int, default=0, help="at most this many entries")
    p.set_defaults(func=_todo)

    p = commands.add_parser("fill", help="apply a JSON file of translations to one catalog")
    common(p)
    p.add_argument("--locale", required=True, help="language code, e.g. de")
    p.add_argument("file", type=Path, help='JSON: [{"context", "msgid", "translation"}, ...]')
    p.set_defaults(func=_fill)

    p = commands.add_parser("check", help="per locale: done, fuzzy, placeholders, lengths")
    common(p)
    p.add_argument("--locale", action="append", help="only this locale (repeatable)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--details", action="store_true", help="list every warning, not just errors")
    p.add_argument(
        "--strict",
        action="store_true",
        help="also fail unless every catalog is complete (nothing missing, nothing fuzzy)",
    )
    p.set_defaults(func=_check)


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def _extract(args: argparse.Namespace) -> int:
    catalog = workflow.extract(args.root, args.mapping)
    out = args.locales_dir / workflow.TEMPLATE
    written = workflow.write_template(catalog, out)
    state = "written" if written else "unchanged"
    print(f"{out}: {sum(1 for m in catalog if m.id)} texts ({state})")
    return 0


def _update(args: argparse.Namespace) -> int:
    if not args.no_extract and _extract(args) != 0:
        return 1
    try:
        done = workflow.update(args.locales_dir, args.locale)
    except FileNotFoundError as exc:
        print(f"{exc}; run `neutroguide i18n extract` first", file=sys.stderr)
        return 1
    for u in done:
        state = "written" if u.written else "unchanged"
        dropped = f", {u.obsolete} obsolete dropped" if u.obsolete else ""
        print(f"{u.path}: {u.untranslated} untranslated, {u.fuzzy} fuzzy{dropped} ({state})")
        if u.restored_review:
            print(f"{u.path}: restored {REVIEW_HEADER}: {u.restored_review} (from git)")
    return 0


def _init(args: argparse.Namespace) -> int:
    try:
        path = workflow.init(args.locales_dir, args.locale, args.translator)
    except (FileExistsError, FileNotFoundError) as exc:
        print(exc, file=sys.stderr)
        return 1
    except (UnknownLocaleError, ValueError) as exc:
        print(f"unknown language code {args.locale!r}: {exc}", file=sys.stderr)
        return 1
    print(f"{path}: created; translate it in Poedit or Weblate, then run neutroguide i18n check")
    return 0


def _todo(args: argparse.Namespace) -> int:
    try:
        items = workflow.todo(args.locales_dir, args.locale, args.all)
    except FileNotFoundError as exc:
        print(f"{exc}; start the language with `neutroguide i18n init`", file=sys.stderr)
        return 1
    items = [i for i in items if i["context"].startswith(args.context)]
    if args.limit:
        items = items[: args.limit]
    print(json.dumps(items, ensure_ascii=False, indent=1))
    return 0


def _fill(args: argparse.Namespace) -> int:
    try:
        items = json.loads(args.file.read_text(encoding="utf-8"))
        done = workflow.fill(args.locales_dir, args.locale, items)
    except (OSError, json.JSONDecodeError) as exc:
        print(f"cannot read translations: {exc}", file=sys.stderr)
        return 1
    for why in done.refused:
        print(f"refused {why}", file=sys.stderr)
    print(
        f"{workflow.po_path(args.locales_dir, args.locale)}: {done.applied} applied, "
        f"{len(done.refused)} refused"
    )
    return 1 if done.refused else 0


def _check(args: argparse.Namespace) -> int:
    reports = checker.check_all(args.locales_dir, args.locale)
    if not reports:
        print(f"no catalogs found below {args.locales_dir}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps([r.as_dict() for r in reports], ensure_ascii=False, indent=2))
    else:
        details = args.details or bool(args.locale)
        print(checker.table(reports, details))
        if not details:
            print("(warnings per entry: add --details, or --locale xx)")
    if any(r.errors for r in reports):
        return 1
    if args.strict and not all(r.complete for r in reports):
        return 1
    return 0
