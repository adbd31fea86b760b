"""The dialog engine: one ``transitions`` machine per dialog set, sessions as plain data."""

from bot.engine.engine import Engine, choice_token, node_token
from bot.engine.types import Event, Reply, ReplyChoice, Session, StepResult

__all__ = [
    "Engine",
    "Event",
    "Reply",
    "ReplyChoice",
    "Session",
    "StepResult",
    "choice_token",
    "node_token",
]
