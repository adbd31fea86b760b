"""Red-flag screening: urgent answers that override any dialog, in every language."""

from bot.safety.messages import SAFETY_MESSAGES, SAFETY_PLACEHOLDERS
from bot.safety.rules import RuleError
from bot.safety.screen import Screener, Screening

__all__ = ["SAFETY_MESSAGES", "SAFETY_PLACEHOLDERS", "RuleError", "Screener", "Screening"]
