"""`neutroguide db` (being built; see the open issues)."""

from __future__ import annotations

import argparse
import sys
from typing import Any


def add_parser(sub: Any) -> None:
    """Register `db`."""
    parser = sub.add_parser("db", help="(in progress)")
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    print("neutroguide db is not available in this build yet", file=sys.stderr)
    return 2
