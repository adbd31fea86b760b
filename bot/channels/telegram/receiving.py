"""Receiving one update: read it, run the handlers, and tell whether it may be confirmed.

PTB's ``Application.process_update`` hands every handler error to the error handlers and
returns normally, so on its own it cannot tell "handled" from "failed". :class:`UpdateRunner`
records the error of each update it runs and sorts it out afterwards::

    handled, or failed for good (a poison update)    confirm it: answer 200 / advance the offset
    failed for a passing reason (the store)          raise NotHandled: answer 503 / do not confirm

Errors::

    UnreadableUpdate   the data is not an update the handlers can read (400 / skipped)
    NotHandled         handling failed for a passing reason; the update must come again
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from telegram import Bot, Update
from telegram.ext import Application, ContextTypes

from bot.service import Unavailable
from bot.store.errors import StoreUnavailable

log = logging.getLogger(__name__)

#: Failures that pass: the same update handled again later can succeed.
PASSING: tuple[type[BaseException], ...] = (Unavailable, StoreUnavailable)


class UnreadableUpdate(ValueError):
    """The data is not an update the handlers can read; the message names the field only."""


class NotHandled(Exception):
    """Handling failed for a passing reason (e.g. the store is unavailable): do not confirm."""


def read_update(data: Mapping[str, Any], bot: Bot) -> Update:
    """Check the fields the handlers rely on, then let PTB build the :class:`Update`.

    PTB accepts things the handlers cannot use (a private message without ``from``,
    ``update_id: true``) and raises assorted errors on others (``"message": "hi"``); both
    become :class:`UnreadableUpdate`, which never quotes the data.

    Raises:
        UnreadableUpdate: the data is not a readable update.
    """
    _check_shape(data)
    try:
        update = Update.de_json(dict(data), bot)
    except Exception as err:  # PTB raises KeyError, TypeError, AttributeError...
        raise UnreadableUpdate(f"not an update ({type(err).__name__})") from None
    return update


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_shape(data: Mapping[str, Any]) -> None:
    if not _is_int(data.get("update_id")) or data["update_id"] < 0:
        raise UnreadableUpdate("update_id is not a non-negative integer")
    if "message" in data:
        _check_message(data["message"])
    if "callback_query" in data:
        query = data["callback_query"]
        if not isinstance(query, Mapping) or not isinstance(query.get("id"), str):
            raise UnreadableUpdate("callback_query is not an object with an id")
        _check_user(query.get("from"), "callback_query.from")
        if "data" in query and not isinstance(query["data"], str):
            raise UnreadableUpdate("callback_query.data is not a string")
        if "message" in query and not isinstance(query["message"], Mapping):
            raise UnreadableUpdate("callback_query.message is not an object")


def _check_message(message: object) -> None:
    if not isinstance(message, Mapping):
        raise UnreadableUpdate("message is not an object")
    if not _is_int(message.get("message_id")):
        raise UnreadableUpdate("message.message_id is not an integer")
    chat = message.get("chat")
    if not isinstance(chat, Mapping) or not _is_int(chat.get("id")):
        raise UnreadableUpdate("message.chat is not an object with an id")
    if not isinstance(chat.get("type"), str):
        raise UnreadableUpdate("message.chat.type is not a string")
    # The person is who the dialog belongs to: a private message names them. (Group
    # messages may lack ``from``; the bot only tells groups it works in private.)
    if chat["type"] == "private" or "from" in message:
        _check_user(message.get("from"), "message.from")
    if "text" in message and not isinstance(message["text"], str):
        raise UnreadableUpdate("message.text is not a string")


def _check_user(user: object, where: str) -> None:
    if not isinstance(user, Mapping) or not _is_int(user.get("id")):
        raise UnreadableUpdate(f"{where} is not an object with an id")


class UpdateRunner:
    """Runs updates through an Application and surfaces what its error handlers saw.

    Creating it registers an error handler on ``application`` that records the error per
    update object; :meth:`run` picks it up once ``process_update`` has returned.
    """

    def __init__(self, application: Application[Any, Any, Any, Any, Any, Any]) -> None:
        self.application = application
        self._failures: dict[int, BaseException] = {}
        application.add_error_handler(self._record)

    async def _record(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        if update is not None and context.error is not None:
            self._failures.setdefault(id(update), context.error)

    async def run(self, update: Update) -> None:
        """Run the handlers for ``update`` (the caller keeps per-chat order).

        A handler error that will not pass (a bug, a value the database refuses for good)
        is logged by type and the update counts as done: retrying it would fail the same
        way and hold up the chat.

        Raises:
            NotHandled: a handler failed for a passing reason; let the update come again.
        """
        try:
            await self.application.process_update(update)
        finally:
            error = self._failures.pop(id(update), None)
        if error is None:
            return
        if isinstance(error, PASSING):
            raise NotHandled(type(error).__name__) from error
        log.error(
            "update %s skipped: handling it failed (%s) and would fail again",
            update.update_id,
            type(error).__name__,
        )
