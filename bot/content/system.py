"""The system messages the code needs, by key; their text lives in ``dialogs/system.yaml``."""

from __future__ import annotations

from bot.safety.messages import SAFETY_MESSAGES

#: Every key the code may send. The validator reports a key missing from system.yaml.
REQUIRED_SYSTEM_MESSAGES: tuple[str, ...] = (
    "not_understood",
    "moved_on",
    "content_changed",
    "resume_prompt",
    "resume_continue",
    "resume_restart",
    "back_nothing",
    "input_invalid",
    "media_unsupported",
    "private_only",
    "forget_confirm",
    "forget_yes",
    "forget_no",
    "forget_done",
    "forget_kept",
    "stopped",
    "language_prompt",
    "language_set",
    "too_long",
    "operator_red_flag",
    "operator_red_flag_link",
    "back_to_menu",
    "cmd_start",
    "cmd_menu",
    "cmd_back",
    "cmd_help",
    "cmd_language",
    "cmd_settings",
    "cmd_about",
    "cmd_forget",
    "cmd_stop",
    "cmd_diary",
    "cmd_card",
    "diary_save",
    "diary_saved",
    "diary_empty",
    "diary_title",
    "diary_threshold",
    "diary_caption",
    "diary_list",
    "card_title",
    "card_neutropenia",
    "card_condition",
    "card_emergency",
    "card_team",
    "card_team_blank",
    "card_allergies",
    "card_source",
    "card_caption",
    "card_pdf_caption",
    "poster_line",
    # the answers to a question typed in the person's words (bot/search, bot/engine)
    "search_results",
    "search_unsure",
    "search_nothing",
    "search_ask_team_button",
    "search_ask_team",
    "search_ask_team_no_team",
    "search_greeting",
    "search_thanks",
    "search_greeting_words",
    "search_thanks_words",
    # the urgent answers and their buttons (bot/safety): a missing one must stop the bot
    *SAFETY_MESSAGES,
)

#: Placeholders a system message may use, by key.
SYSTEM_PLACEHOLDERS: dict[str, frozenset[str]] = {
    "language_set": frozenset({"language"}),
    "operator_red_flag": frozenset({"rule", "node", "pseudonym"}),
    "diary_saved": frozenset({"reading", "when"}),
    "diary_threshold": frozenset({"threshold"}),
    "diary_list": frozenset({"readings"}),
    "card_condition": frozenset({"condition"}),
    "card_team": frozenset({"care_team_phone"}),
    "search_ask_team": frozenset({"care_team_phone"}),
    "operator_red_flag_link": frozenset({"rule", "node", "pseudonym", "link"}),
}

#: Profile fields the code itself reads (the urgent answer, the threshold, the log consent):
#: always known to the validator, even in a dialog set that never asks for them.
CODE_PROFILE_FIELDS: dict[str, str] = {
    "care_team_phone": "text",
    "fever_threshold": "temperature",
    "consent": "text",
}
