"""`neutroguide graph DIALOG [-o file.svg]`: a dialog's map drawn by Graphviz, for authors."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from bot.config import ConfigError, load_settings

FORMATS = ("svg", "png", "pdf", "dot")


def add_parser(sub: Any) -> None:
    """Register `graph`."""
    parser = sub.add_parser(
        "graph",
        help="draw a dialog's steps and buttons as a map (Graphviz)",
        description="Draw DIALOG's steps, buttons and branches with Graphviz's dot. The review "
        "app's Dialog map page shows the same picture with counts per step.",
    )
    parser.add_argument("dialog", help="the dialog id, e.g. fever")
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        help="file to write (.svg, .png, .pdf or .dot); default: SVG on stdout",
    )
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from bot.content.loader import ContentError, load_dialogs
    from bot.review.dialogmap import dialog_graph

    try:
        dialogs = load_dialogs(load_settings().dialogs_dir)
    except (ConfigError, ContentError) as exc:
        print(f"neutroguide graph: {exc}", file=sys.stderr)
        return 2
    if args.dialog not in dialogs.dialogs:
        known = ", ".join(sorted(dialogs.dialogs))
        print(f"neutroguide graph: no dialog {args.dialog!r}; there are: {known}", file=sys.stderr)
        return 2
    fmt = args.output.suffix.lstrip(".").lower() if args.output else "svg"
    if fmt not in FORMATS:
        print(f"neutroguide graph: write .{' or .'.join(FORMATS)}, not .{fmt}", file=sys.stderr)
        return 2
    graph = dialog_graph(dialogs, dialogs.dialogs[args.dialog])
    if fmt == "dot":
        data = graph.source.encode()
    else:
        import graphviz

        try:
            data = graph.pipe(format=fmt)
        except (graphviz.ExecutableNotFound, graphviz.CalledProcessError) as exc:
            print(
                f"neutroguide graph: Graphviz failed ({type(exc).__name__}): install it "
                "(apt-get install graphviz)",
                file=sys.stderr,
            )
            return 1
    if args.output is None:
        sys.stdout.buffer.write(data)
    else:
        args.output.write_bytes(data)
        print(f"Wrote {args.output} ({len(data)} bytes).", file=sys.stderr)
    return 0
