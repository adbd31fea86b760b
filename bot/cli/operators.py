"""`neutroguide operators add|list|disable`: accounts of the review app (docs/operators.md)."""

from __future__ import annotations

import argparse
import getpass
import re
import sys
from typing import Any

from bot.cli.common import store_command
from bot.cli.logs import iso, table
from bot.review.passwords import hash_password, password_problem
from bot.store import open_store
from bot.store.operators import ROLES, OperatorExists, OperatorStore

#: Operator names: letters, digits, dots, dashes and underscores, as in a login name.
NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


def add_parser(sub: Any) -> None:
    """Register `operators add`, `operators list` and `operators disable`."""
    parser = sub.add_parser(
        "operators",
        help="accounts of the review web app (neutroguide review)",
        description="Manage who can sign in to `neutroguide review`. See docs/operators.md.",
    )
    commands = parser.add_subparsers(dest="operators_command", metavar="ACTION", required=True)
    add = commands.add_parser("add", help="add an operator (asks for the password)")
    add.add_argument("name", help="sign-in name, e.g. nurse.kim")
    add.add_argument("--role", choices=ROLES, default="reviewer")
    add.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of standard input (for scripts)",
    )
    add.set_defaults(func=_sync(_add))
    listing = commands.add_parser("list", help="every operator, with role and state")
    listing.set_defaults(func=_sync(_list))
    disable = commands.add_parser("disable", help="stop an operator signing in (ends sessions)")
    disable.add_argument("name")
    disable.set_defaults(func=_sync(_disable))


def _sync(command: Any) -> Any:
    """Run an async command on the store (migrated first, as the review app needs it)."""
    return store_command("operators", command, open_store, OperatorStore)


def read_password(from_stdin: bool) -> str | None:
    """The new password: the first line of stdin, or asked twice without echo."""
    if from_stdin or not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Password again: ") != first:
        print("neutroguide operators: the two passwords differ; nothing changed", file=sys.stderr)
        return None
    return first


async def _add(operators: OperatorStore, args: argparse.Namespace) -> int:
    if not NAME_PATTERN.fullmatch(args.name):
        print(
            f"neutroguide operators: {args.name!r} is not a usable name; use letters, digits, "
            "'.', '-' or '_' (at most 64)",
            file=sys.stderr,
        )
        return 2
    password = read_password(args.password_stdin)
    if password is None:
        return 1
    problem = password_problem(password)
    if problem:
        print(f"neutroguide operators: {problem}; nothing changed", file=sys.stderr)
        return 2
    try:
        await operators.add(args.name, args.role, hash_password(password))
    except OperatorExists as exc:
        print(f"neutroguide operators: {exc}", file=sys.stderr)
        return 1
    print(f"Added {args.name} ({args.role}). They can sign in at `neutroguide review`.")
    return 0


async def _list(operators: OperatorStore, args: argparse.Namespace) -> int:
    found = await operators.all()
    if not found:
        print("No operators yet: add one with `neutroguide operators add NAME --role admin`.")
        return 0
    rows = [
        (o.name, o.role, "disabled" if o.disabled else "active", iso(o.created_at)) for o in found
    ]
    print(table(("NAME", "ROLE", "STATE", "ADDED (UTC)"), rows))
    return 0


async def _disable(operators: OperatorStore, args: argparse.Namespace) -> int:
    if not await operators.disable(args.name):
        print(f"neutroguide operators: no operator called {args.name!r}", file=sys.stderr)
        return 1
    print(f"Disabled {args.name}; their sessions are ended.")
    return 0
