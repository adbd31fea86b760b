"""`neutroguide i18n` (being built; see the open issues)."""

from __future__ import annotations

import argparse
import sys
from typing import Any


def add_parser(sub: Any) -> None:
    """Register `i18n`."""
    parser = sub.add_parser("i18n", help="(in progress)")
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    print("neutroguide i18n is not available in this build yet", file=sys.stderr)
    return 2
