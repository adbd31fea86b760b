"""Store errors, in a module of their own so :mod:`bot.store.sql` can raise them too.

Errors::

    StoreError                 the database cannot be used as asked
    ├── StoreUnavailable       cannot connect or write now (server down, locked, wrong URL)
    └── StoreNotReady          no schema yet, or an older one: run ``neutroguide db upgrade``
"""

from __future__ import annotations


class StoreError(RuntimeError):
    """The database cannot be used as asked; the message says why and what to do."""


class StoreUnavailable(StoreError):
    """Cannot reach or write the database now (a passing failure: try again later)."""


class StoreNotReady(StoreError):
    """The database has no NeutroGuide schema, or an older one."""
