"""The TLS settings of the tests' HTTP clients, which talk plain HTTP to servers on 127.0.0.1."""

from __future__ import annotations

import ssl
from functools import cache

import certifi


@cache
def local_tls() -> ssl.SSLContext:
    """httpx's default TLS context, made once per run: each client made without one loads the
    CA bundle again (about 25 ms, some 80 clients in the fast subset), though none of these
    clients ever opens TLS. Pass it as ``verify=local_tls()``."""
    return ssl.create_default_context(cafile=certifi.where())
