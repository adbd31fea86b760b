"""The system messages the safety layer sends, by key, and the placeholders each may use."""

from __future__ import annotations

#: Placeholders of the urgent answers: the person's care-team number (profile) and the
#: deployment's urgent advice line and emergency number.
URGENT_PLACEHOLDERS = frozenset({"care_team_phone", "urgent_advice_number", "emergency_number"})
NO_TEAM_PLACEHOLDERS = frozenset({"urgent_advice_number", "emergency_number"})
#: Life-threatening signs and babies: the emergency number first, then the care team.
EMERGENCY_PLACEHOLDERS = frozenset({"care_team_phone", "emergency_number"})

#: Every system message key the safety layer uses, with the placeholders it may contain.
#: ``stopped`` (the stop confirmation) is the bot's existing message in ``system.yaml``.
SAFETY_PLACEHOLDERS: dict[str, frozenset[str]] = {
    "urgent_fever": URGENT_PLACEHOLDERS,
    "urgent_fever_no_team": NO_TEAM_PLACEHOLDERS,
    "urgent_emergency": EMERGENCY_PLACEHOLDERS,
    "urgent_emergency_no_team": frozenset({"emergency_number"}),
    "urgent_baby": EMERGENCY_PLACEHOLDERS,
    "urgent_baby_no_team": frozenset({"emergency_number"}),
    "urgent_sign": URGENT_PLACEHOLDERS,
    "urgent_sign_no_team": NO_TEAM_PLACEHOLDERS,
    "confirm_sign": frozenset(),
    "confirm_numbers": NO_TEAM_PLACEHOLDERS,
    "confirm_yes": frozenset(),
    "confirm_no": frozenset(),
    "distress": frozenset({"emergency_number"}),
    "back_to_where": frozenset(),
}
SAFETY_MESSAGES: tuple[str, ...] = tuple(SAFETY_PLACEHOLDERS)
