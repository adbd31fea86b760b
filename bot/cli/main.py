"""Entry point: ``neutroguide`` / ``python -m bot`` with subcommands.

Each command group lives in its own module exposing ``add_parser(subparsers)``, which registers
its parser and sets ``func`` (returning the exit code).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence

COMMAND_MODULES = (
    "run",
    "chat",
    "validate",
    "db",
    "logs",
    "i18n",
    "poster",
    "operators",
    "review",
    "graph",
)


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser, every command group registered."""
    parser = argparse.ArgumentParser(
        prog="neutroguide",
        description="NeutroGuide: plain-language help for families living with neutropenia.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        module = importlib.import_module(f"bot.cli.{name}")
        module.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command named in ``argv``; returns the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    func: Callable[[argparse.Namespace], int] | None = getattr(args, "func", None)
    if func is None:
        parser.print_help()
        return 2
    return func(args)


if __name__ == "__main__":
    sys.exit(main())
