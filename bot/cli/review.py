"""`neutroguide review`: the operators' and clinicians' web app (docs/operators.md)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from bot.config import ConfigError, load_settings


def add_parser(sub: Any) -> None:
    """Register `review`."""
    parser = sub.add_parser(
        "review",
        help="serve the review web app (inbox, transcripts, red flags, analytics, content)",
        description="Serve the review app on HOST:PORT. Sign-in accounts come from "
        "`neutroguide operators add`. See docs/operators.md.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    parser.add_argument("--port", type=int, default=8081, help="port to listen on (8081)")
    parser.set_defaults(func=_run)


def build_app(settings: Any) -> Any:
    """The review app for ``settings`` (content and catalogs loaded, store opened lazily)."""
    from bot.content.loader import load_dialogs
    from bot.i18n.render import Catalogs
    from bot.review.app import create_review_app

    dialogs = load_dialogs(settings.dialogs_dir)
    catalogs = Catalogs.load(settings.locales_dir)
    return create_review_app(
        settings.database_url, dialogs, catalogs, settings.deployment.placeholders()
    )


def _run(args: argparse.Namespace) -> int:
    import uvicorn

    from bot.content.loader import ContentError
    from bot.i18n.render import CatalogError

    try:
        app = build_app(load_settings())
    except (ConfigError, ContentError, CatalogError) as exc:
        print(f"neutroguide review: {exc}", file=sys.stderr)
        return 2
    print(f"Review app on http://{args.host}:{args.port}/ (Ctrl-C to stop)", file=sys.stderr)
    # proxy_headers: behind a TLS proxy on this machine the scheme is https, so cookies are Secure.
    uvicorn.run(app, host=args.host, port=args.port, proxy_headers=True, log_level="info")
    return 0
