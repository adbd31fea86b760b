"""``neutroguide validate``: check every dialog file and report all problems at once."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from bot.content.loader import ContentError, load_dialogs


def add_parser(sub: Any) -> None:
    """Register ``validate``."""
    parser = sub.add_parser("validate", help="check dialogs/*.yaml and report every problem")
    parser.add_argument(
        "directory",
        nargs="?",
        default="dialogs",
        type=Path,
        help="folder of dialog files (default: dialogs)",
    )
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    try:
        dialogs = load_dialogs(args.directory)
    except ContentError as exc:
        for problem in exc.problems:
            print(problem)
        print(f"\n{len(exc.problems)} problem(s) found.", file=sys.stderr)
        return 1
    print(
        f"OK: {len(dialogs.dialogs)} dialogs, {len(dialogs.nodes)} nodes, "
        f"{len(dialogs.system)} system messages."
    )
    return 0
