"""The peer for bench/telegram.py: the bot a developer would write from PTB's examples.

A ``ConversationHandler`` with three inline-keyboard states and ``PicklePersistence`` (as in
python-telegram-bot's ``inlinekeyboard2.py`` and ``persistentconversationbot.py``): ``/menu``
sends a message with buttons; each press answers the callback and edits that message in place
with the next state's text and keyboard. Two Bot API calls per press, state in a pickle file
written every few seconds (PTB's default ``update_interval`` is 60 s; 5 s here so the file is
written during the run).
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ConversationHandler,
    PicklePersistence,
)
from telegram.request import BaseRequest
from telegram.warnings import PTBUserWarning

FIRST, SECOND, THIRD = range(3)
_TEXT = {
    FIRST: "Neutrophils are white blood cells that fight infection. What next?",
    SECOND: "A fever can be a sign of infection. Choose a topic.",
    THIRD: "Call the care team if you are worried. Anything else?",
}


def _keyboard(state: int) -> InlineKeyboardMarkup:
    others = [s for s in (FIRST, SECOND, THIRD) if s != state]
    # Only the other states: pressing always changes the message (Telegram refuses an edit
    # that changes nothing).
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(f"Topic {s + 1}", callback_data=str(s))] for s in others]
    )


async def _start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    assert update.message is not None
    await update.message.reply_text(_TEXT[FIRST], reply_markup=_keyboard(FIRST))
    return FIRST


async def _go(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    query = update.callback_query
    assert query is not None and query.data is not None
    await query.answer()
    state = int(query.data)
    assert context.user_data is not None
    context.user_data["presses"] = int(context.user_data.get("presses", 0)) + 1
    await query.edit_message_text(_TEXT[state], reply_markup=_keyboard(state))
    return state


def build_peer(
    token: str, base_url: str, pickle: Path, request: BaseRequest | None = None
) -> Application[Any, Any, Any, Any, Any, Any]:
    """The peer Application on ``base_url`` (the fake Bot API), persisting to ``pickle``;
    on PTB's default HTTP client unless ``request`` is given."""
    builder = (
        ApplicationBuilder()
        .token(token)
        .base_url(f"{base_url}/bot")
        .base_file_url(f"{base_url}/file/bot")
        .persistence(PicklePersistence(filepath=pickle, update_interval=5))
        .concurrent_updates(256)
    )
    builder = builder.connection_pool_size(256) if request is None else builder.request(request)
    application: Application[Any, Any, Any, Any, Any, Any] = builder.build()
    states = {s: [CallbackQueryHandler(_go, pattern=r"^[012]$")] for s in (FIRST, SECOND, THIRD)}
    with warnings.catch_warnings():
        # "per_message=False: CallbackQueryHandler not tracked for every message": as meant.
        warnings.simplefilter("ignore", PTBUserWarning)
        conversation = ConversationHandler(
            entry_points=[CommandHandler(["start", "menu"], _start)],
            states=states,  # type: ignore[arg-type]
            fallbacks=[CommandHandler(["start", "menu"], _start)],
            name="menu",
            persistent=True,
            allow_reentry=True,
        )
    application.add_handler(conversation)
    return application
